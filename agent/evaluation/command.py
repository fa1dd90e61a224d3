"""`aria eval --arc`: options -> run -> live view -> tables -> results.json. Returns the exit code."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console

from agent.base import Agent
from agent.errors import CheckpointError, ConfigError
from agent.evaluation.config import EvalConfig
from agent.evaluation.harness import EvalRun, GameRow, run_games, seeded_factory
from agent.evaluation.progress import LiveProgress
from agent.evaluation.results import build_results, results_table, write_json_atomic
from arc_client import ArcClient, GameInfo
from arc_client.errors import UnknownGameError

EXIT_INTERRUPTED = 130


def split_list(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]


def config_from_options(options: dict[str, Any]) -> EvalConfig:
    workers = int(options.get("workers") or 1)
    if workers > 1 and options.get("base_url"):
        raise ConfigError("--workers splits in-process games across processes; a --base-url server plays "
                          "them already: drop --workers or --base-url")
    if workers > 1 and options.get("competition"):
        raise ConfigError("--competition plays every game on one server-side scorecard; drop --workers")
    run_dir = options.get("run_dir") or f"runs/eval-{datetime.now(UTC).strftime('%Y%m%d-%H%M%S')}"
    return EvalConfig(
        games=split_list(options.get("game_ids")) or ["all"],
        games_dir=options.get("games_dir"),
        base_url=options.get("base_url"),
        agent=options.get("agent_name") or "aria",
        checkpoint=options.get("checkpoint"),
        max_actions=int(options.get("max_actions") or 5000),
        time_limit=options.get("time_limit"),
        concurrency=int(options.get("concurrency") or 1),
        workers=workers,
        seed=int(options.get("seed") or 0),
        competition=bool(options.get("competition")),
        record=bool(options.get("record", True)),
        record_format=options.get("record_format") or "jsonl.gz",
        tags=split_list(options.get("tags")),
        run_dir=Path(run_dir),
        out=Path(options["out"]) if options.get("out") else None,
    )


def select_games(available: list[GameInfo], wanted: list[str], tags: list[str]) -> list[GameInfo]:
    """`all`, exact ids or prefixes (in the order asked); then keep games carrying one of `tags`."""
    if wanted == ["all"]:
        chosen = sorted(available, key=lambda g: g.game_id)
    else:
        chosen = []
        for want in wanted:
            matches = [g for g in available if g.game_id == want] or \
                      [g for g in available if g.game_id.startswith(want)]
            if not matches:
                raise UnknownGameError.among(want, [g.game_id for g in available] + [g.name for g in available])
            chosen.extend(m for m in sorted(matches, key=lambda g: g.game_id) if m not in chosen)
    if tags:
        chosen = [g for g in chosen if set(g.tags) & set(tags)]
    return chosen


def agent_class(name: str) -> type[Agent]:
    from agent.registry import load_agent

    return load_agent(name)


def agent_options(config: EvalConfig, cls: type[Agent]) -> dict[str, Any]:
    if config.checkpoint is None:
        return {}
    if not cls.loads_checkpoints:
        raise CheckpointError(f"agent '{cls.name}' loads no checkpoint (it has no trained parts yet); "
                              "drop --checkpoint")
    path = Path(config.checkpoint)
    if not path.exists():
        raise CheckpointError(f"checkpoint {path} does not exist; pass a file written by `aria train`")
    return {"checkpoint": str(path)}


async def evaluate(config: EvalConfig, client: ArcClient, console: Console, live: bool,
                   holder: dict[str, Any]) -> tuple[EvalRun, str]:
    """Select games and agent, then play. `holder` receives the run early so an interrupt can save it."""
    async with client:
        available = await client.list_games()
        infos = select_games(available, config.games, config.tags)
        if not infos:
            raise UnknownGameError(",".join(config.games) + (f" with tags {','.join(config.tags)}" if config.tags else ""))
        cls = agent_class(config.agent)
        options = agent_options(config, cls)
        factory = seeded_factory(cls, config, **options)
        run = EvalRun(rows=[GameRow(game_id=i.game_id, title=i.title) for i in infos])
        holder.update(run=run, agent=cls.name)

        def opened(card_id: str) -> None:
            console.print(f"scorecard {card_id} opened ({len(infos)} games, agent {cls.name})")

        with LiveProgress(run.rows, console, enabled=live) as progress:
            if config.workers > 1:
                from agent.evaluation.workers import run_games_in_workers

                await run_games_in_workers(client, infos, config, options,
                                           listener=progress.update, on_open=opened, run=run)
            else:
                await run_games(client, infos, factory, config, listener=progress.update, run=run, on_open=opened)
        return run, cls.name


def eval_command(options: dict[str, Any]) -> int:
    from agent.cli import make_client

    config = config_from_options(options)
    console = Console(highlight=False)
    if not console.is_terminal:  # piped to a file: room for the whole table rather than 80 columns
        console = Console(highlight=False, width=max(console.width, 130))
    started_at = datetime.now(UTC)
    client = make_client(config.games_dir, config.base_url, options.get("api_key_file"), config.recordings_dir,
                         rate_limit=options.get("rate_limit"), record_format=config.record_format)
    backend = client.backend.kind
    source = config.base_url or config.games_dir or "built-in suite"
    holder: dict[str, Any] = {}
    try:
        run, agent_name = asyncio.run(evaluate(config, client, console, not options.get("quiet"), holder))
    except KeyboardInterrupt:
        if "run" in holder:
            run = holder["run"]
            run.interrupted = True
            write_json_atomic(config.results_path, build_results(run, config, holder["agent"], backend, source,
                                                                 started_at))
        console.print(f"interrupted: scorecard closed, recordings flushed, partial results in {config.results_path}")
        return EXIT_INTERRUPTED
    results = build_results(run, config, agent_name, backend, source, started_at)
    write_json_atomic(config.results_path, results)
    console.print(results_table(run.rows, f"aria eval: agent {agent_name} on {source} ({backend})"))
    t = results["totals"]
    console.print(
        f"levels completed {t['levels_completed']}/{t['levels_total']}  games won {t['games_won']}/{t['games']}"
        f"  official score (mean RHAE, %) {t['mean_score']:.3f}  actions {t['actions']}"
        f"  wall {run.wall_s:.1f}s  errors {t['errors']}"
    )
    console.print(f"results: {config.results_path}" + (f"  recordings: {config.recordings_dir}" if config.record else ""))
    return 0
