"""The `aria` command. Heavy imports live inside the commands so `aria --help` is instant."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from agent.evaluation.clients import HOSTED_URL, make_client


def games_dir_option(f: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--games-dir", type=click.Path(file_okay=False), default=None,
                        help="An environment_files tree (default: the built-in games: the suite and the held-out set).")(f)


def remote_options(f: Callable[..., Any]) -> Callable[..., Any]:
    f = click.option("--rate-limit", type=click.FloatRange(min=0), default=None,
                     help="Requests per minute shared by all games (default: 600 on the hosted API, "
                          "none elsewhere; 0: none).")(f)
    f = click.option("--api-key-file", type=click.Path(dir_okay=False), default=None,
                     help="File holding the API key (default: $ARC_API_KEY).")(f)
    return click.option("--base-url", default=None,
                        help=f"A REST server: the hosted API ({HOSTED_URL}) or a local toolkit server.")(f)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="aria-lite")
def cli() -> None:
    """ARIA: an agent for ARC-AGI-3 games, and the harness around it."""


@cli.group()
def games() -> None:
    """List and export ARC-AGI-3 games (the built-in suite or any games directory)."""


@games.command("list")
@games_dir_option
@remote_options
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def games_list(games_dir: str | None, base_url: str | None, api_key_file: str | None, rate_limit: float | None,
               as_json: bool) -> None:
    """Id, title, tags, levels and actions of every game."""
    import asyncio
    import json

    from agent.games_table import games_table, probe_games

    async def fetch() -> tuple[list[Any], dict[str, Any], dict[str, int]]:
        """The games, and for in-process games their actions and level counts (read from a RESET;
        a remote server is not asked, since that would create game instances there)."""
        available: dict[str, Any] = {}
        levels: dict[str, int] = {}
        async with make_client(games_dir, base_url, api_key_file, rate_limit=rate_limit) as client:
            infos = list(await client.list_games())
            if base_url is None:
                available, levels = await probe_games(client, infos)
        return infos, available, levels

    infos, available, levels = asyncio.run(fetch())
    if as_json:
        click.echo(json.dumps([{"game_id": g.game_id, "title": g.title, "tags": list(g.tags),
                                "levels": levels.get(g.game_id) or len(g.baseline_actions) or None,
                                "available_actions": available.get(g.game_id),
                                "baseline_actions": list(g.baseline_actions)} for g in infos], indent=2))
        return
    from rich.console import Console

    where = f"on {base_url}" if base_url else (f"in {games_dir}" if games_dir else "(built-in games)")
    console = Console()
    if not console.is_terminal:  # piped: the whole table rather than 80 columns
        console = Console(width=max(console.width, 120))
    console.print(games_table(infos, where, available, levels))


@games.command("export")
@click.argument("dest", type=click.Path(file_okay=False))
def games_export(dest: str) -> None:
    """Write the built-in suite as an environment_files tree any ARC tool can load."""
    from arc_client.games import export

    written = export(Path(dest))
    click.echo(f"exported {len(written)} games to {dest}")


@cli.command()
@click.argument("game")
@click.option("--seed", type=int, default=0, show_default=True, help="Level generator seed (in-process games).")
@click.option("--allow-unavailable", is_flag=True,
              help="Send actions the game does not list as available (they are counted) instead of refusing them.")
@click.option("--record", "record", is_flag=False, flag_value="", default=None, metavar="[DIR]",
              help="Record the play as an agent's is: into DIR, or alone into runs/play-<timestamp>/recordings.")
@games_dir_option
@remote_options
def play(game: str, seed: int, allow_unavailable: bool, record: str | None, games_dir: str | None,
         base_url: str | None, api_key_file: str | None, rate_limit: float | None) -> None:
    """Play GAME step by step in the terminal: w/a/s/d or 1-7 for actions, `x y` to click, r to reset, q to quit."""
    from agent.play import PlayOptions, play_terminal

    options = PlayOptions(game, seed=seed, allow_unavailable=allow_unavailable, interactive=sys.stdin.isatty(),
                          record_dir=Path(record) if record else None, record_default=record == "")
    sys.exit(play_terminal(make_client(games_dir, base_url, api_key_file, rate_limit=rate_limit), options))


@cli.command("eval")
@click.option("--arc", "arc_mode", is_flag=True, help="Evaluate on ARC-AGI-3 games (the default mode).")
@click.option("--rescore", type=click.Path(exists=True), default=None,
              help="Recompute the official score of recorded runs (a recordings file or directory).")
@click.option("--games", "game_ids", default=None,
              help="Comma-separated ids or prefixes, or `all` (the default).")
@games_dir_option
@remote_options
@click.option("--agent", "agent_name", default="aria", show_default=True,
              help="aria, random, or any agent registered under the `aria.agents` entry point.")
@click.option("--checkpoint", type=click.Path(dir_okay=True), default=None, help="Agent checkpoint to load.")
@click.option("--max-actions", type=click.IntRange(min=1), default=5000, show_default=True,
              help="Action budget per game (RESETs after the first count).")
@click.option("--time-limit", type=click.FloatRange(min=0, min_open=True), default=None,
              help="Wall-clock seconds per game.")
@click.option("--concurrency", type=click.IntRange(min=1), default=1, show_default=True,
              help="Games played at once.")
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True,
              help="Processes playing in-process games (games split across them; each plays --concurrency "
                   "at once). Not with --base-url.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the agents.")
@click.option("--game-seed", type=click.IntRange(min=0), default=None,
              help="Build in-process games' levels from this seed (default 0, as a server does). Built-in "
                   "games are then scored against the oracle's counts on those levels. Seeds 10000-19999 "
                   "are held out for evaluation. Not with --base-url.")
@click.option("--competition", is_flag=True, help="Competition rules: one scorecard, each game made once, level resets only.")
@click.option("--record/--no-record", default=True, show_default=True, help="Write recordings to the run directory.")
@click.option("--record-format", type=click.Choice(["jsonl.gz", "jsonl"]), default="jsonl.gz", show_default=True,
              help="Recordings gzip-compressed, or plain JSONL.")
@click.option("--overwrite", is_flag=True, help="Reuse a non-empty --run-dir (its earlier results and recordings go).")
@click.option("--out", type=click.Path(dir_okay=False), default=None, help="Where to write results.json.")
@click.option("--run-dir", type=click.Path(file_okay=False), default=None,
              help="Run directory (default: runs/eval-<timestamp>).")
@click.option("--tags", default=None, help="Comma-separated: only games with one of these tags (keyboard, click, ...).")
@click.option("--quiet", is_flag=True, help="No live table.")
def eval_cmd(arc_mode: bool, rescore: str | None, **options: Any) -> None:
    """Evaluate an agent headless and report the official score (levels completed and RHAE)."""
    if rescore is not None:
        from agent.evaluation.rescore import rescore_command

        rescore_command(Path(rescore), options["games_dir"])
        return
    from agent.evaluation.command import eval_command

    sys.exit(eval_command(options))


@cli.command()
@click.argument("recording", type=click.Path(dir_okay=False))
@click.option("--step", "start", type=click.IntRange(min=0), default=0, show_default=True,
              help="The step to start at (0: the frame the game started on; N: after the N-th action).")
def replay(recording: str, start: int) -> None:
    """Step through a RECORDING (.jsonl or .jsonl.gz): each step's frame, action, state and decision.

    Keys: n/Enter/→ next, p/← back, g N go to step N, q quit (one command per line when piped).
    """
    from agent.replay import replay_terminal

    replay_terminal(Path(recording), start)


@cli.command("train")
@click.option("--preset", default=None, help="A preset in configs/: smoke, quick (default) or full.")
@click.option("--config", type=click.Path(dir_okay=False), default=None, help="A TOML config file.")
@click.option("--phase", type=click.IntRange(min=1), default=None, help="Run only phase N (1-5).")
@click.option("--device", type=click.Choice(["auto", "cpu", "cuda"]), default=None,
              help="Where to train (default: the config's, normally auto).")
@click.option("--run-dir", type=click.Path(file_okay=False), default=None,
              help="Run directory (default: runs/train-<timestamp>).")
@click.option("--resume", type=click.Path(file_okay=False, exists=True), default=None,
              help="Continue RUN_DIR at its latest checkpoint.")
@click.option("--checkpoint", type=click.Path(exists=True), default=None,
              help="Start from this checkpoint's weights (a run, final/ or agent/checkpoints/default) and, "
                   "unless --preset/--config, its config; e.g. --phase 4 re-calibrates the arbiter.")
@click.option("--train-seeds", default=None,
              help="Game seeds A-B for training data (10000-19999 are reserved for evaluation).")
@click.option("--events-jsonl", default=None, help="Also write the event stream here (`-`: stdout).")
@click.option("--set", "overrides", multiple=True, metavar="KEY=VALUE",
              help="Override a config key, e.g. --set seed=3 --set world_model.steps=100.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
def train_cmd(**options: Any) -> None:
    """Train ARIA's models through the five phases; weights, metrics and results in the run directory."""
    from agent.training.command import train_command

    sys.exit(train_command(options))


def main(argv: list[str] | None = None) -> None:
    """Entry point: user errors become `error: ...` on one line and exit code 2, never a traceback."""
    from agent.errors import AriaError
    from arc_client.errors import ArcError

    try:
        cli.main(args=argv, prog_name="aria", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.Abort:
        click.echo("aborted", err=True)
        sys.exit(130)
    except click.exceptions.NoArgsIsHelpError as exc:  # `aria` or `aria games` alone: their help, not an error
        click.echo(exc.format_message())
        sys.exit(0)
    except click.UsageError as exc:
        click.echo(f"error: {exc.format_message()} (see `aria {_subcommand(exc)}--help`)", err=True)
        sys.exit(2)
    except click.ClickException as exc:
        click.echo(f"error: {exc.format_message()}", err=True)
        sys.exit(2)
    except (ArcError, AriaError) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)


def _subcommand(exc: click.UsageError) -> str:
    ctx = exc.ctx
    if ctx is None or ctx.command_path in ("", "aria"):
        return ""
    return ctx.command_path.removeprefix("aria ") + " "


if __name__ == "__main__":
    main()
