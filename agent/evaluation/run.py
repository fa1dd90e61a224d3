"""`run_eval(config, on_event)`: the one entry point of an evaluation, for the CLI and the app alike.

Everything a user can get wrong is checked before a scorecard opens (games, tags, agent, checkpoint,
run directory, output path, --game-seed over HTTP); then the games are played on one scorecard that
is closed on every path, and results.json (partial when interrupted) and errors.log are written
atomically into the run directory. Listeners get typed events (agent/evaluation/events.py).
"""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from agent.base import Agent
from agent.errors import CheckpointError, ConfigError
from agent.evaluation.clients import apply_game_seed, make_client
from agent.evaluation.config import EvalConfig
from agent.evaluation.events import EventSink, RunClosed
from agent.evaluation.harness import EvalRun, GameRow, run_games, seeded_factory
from agent.evaluation.results import build_results, write_json_atomic
from agent.run_dirs import new_run_dir
from arc_client import ArcClient, GameInfo
from arc_client.errors import UnknownGameError
from arc_client.games.heldout import HELDOUT_TAG
from arc_client.games.sealed import SEALED_TAG

ERRORS_LOG = "errors.log"


@dataclass
class EvalOutcome:
    run: EvalRun
    results: dict[str, Any]
    agent: str
    backend: str
    baselines: dict[str, list[int]] = field(default_factory=dict)


def default_run_dir(root: Path = Path("runs")) -> Path:
    return new_run_dir("eval", root)


def select_games(available: list[GameInfo], wanted: list[str], tags: list[str],
                 broken: Mapping[str, Exception] | None = None) -> list[GameInfo]:
    """`all`, exact ids or prefixes (in the order asked); then keep games carrying one of `tags`.

    A game asked for that cannot load (`broken`, by id or name) raises its own error.
    `all` leaves out the held-out games (tag `heldout`) and the sealed games (tag `sealed`) unless `tags`
    asks for them: a development set and a test set, played on purpose (`--tags heldout`, `--tags
    sealed` or by id), not part of every run."""
    if not wanted:
        raise ConfigError("no games given: pass --games with ids or prefixes (e.g. mz01,cl01) or `all`")
    if wanted == ["all"]:
        chosen = sorted(available, key=lambda g: g.game_id)
        for aside in (HELDOUT_TAG, SEALED_TAG):
            if aside not in tags:
                chosen = [g for g in chosen if aside not in g.tags]
    else:
        chosen = []
        for want in wanted:
            matches = [g for g in available if g.game_id == want] or \
                      [g for g in available if g.game_id.startswith(want)]
            if not matches:
                if broken and want in broken:
                    raise broken[want]
                raise UnknownGameError.among(want, [g.game_id for g in available] + [g.name for g in available])
            chosen.extend(m for m in sorted(matches, key=lambda g: g.game_id) if m not in chosen)
    if tags:
        known = sorted({t for g in available for t in g.tags})
        unknown = [t for t in tags if t not in known]
        if unknown:
            raise ConfigError(f"no game has tag {', '.join(unknown)}; tags here: {', '.join(known) or 'none'}")
        tagged = [g for g in chosen if set(g.tags) & set(tags)]
        if not tagged:
            raise ConfigError(f"none of the games asked for ({', '.join(g.game_id for g in chosen)}) has tag "
                              f"{' or '.join(tags)}")
        chosen = tagged
    return chosen


def agent_options(config: EvalConfig, cls: type[Agent]) -> dict[str, Any]:
    if config.checkpoint is None:
        return {}
    if not cls.loads_checkpoints:
        raise CheckpointError(f"agent '{cls.name}' loads no checkpoint (it has no trained parts); drop --checkpoint")
    path = Path(config.checkpoint)
    if not path.exists():
        raise CheckpointError(f"checkpoint {path} does not exist; pass a file or run directory written by "
                              "`aria train`")
    return {"checkpoint": str(path)}


def check_paths(config: EvalConfig) -> None:
    """The run directory and results path are usable, without creating anything yet."""
    run_dir = config.run_dir
    if run_dir.exists():
        if not run_dir.is_dir():
            raise ConfigError(f"--run-dir {run_dir} is a file; choose a directory")
        if any(run_dir.iterdir()) and not config.overwrite:
            raise ConfigError(f"run directory {run_dir} is not empty; pass --overwrite to replace its results "
                              "or choose another --run-dir")
    else:
        _check_creatable(run_dir, "--run-dir")
    if config.out is not None:
        parent = config.out.parent
        if config.out.is_dir():
            raise ConfigError(f"--out {config.out} is a directory; pass a file path such as {config.out}/results.json")
        if not parent.is_dir():
            raise ConfigError(f"--out: directory {parent} does not exist; create it first or choose another path")
        if not os.access(parent, os.W_OK):
            raise ConfigError(f"--out: directory {parent} is not writable; choose another path")


def _check_creatable(path: Path, option: str) -> None:
    ancestor = path.absolute()
    while not ancestor.exists():
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise ConfigError(f"{option} {path}: {ancestor} is a file; choose another path")
    if not os.access(ancestor, os.W_OK) or ancestor.resolve().parts[:2] in (("/", "proc"), ("/", "sys")):
        raise ConfigError(f"{option} {path}: cannot create it under {ancestor}; choose a writable path")


def prepare_run_dir(config: EvalConfig) -> None:
    """Create the run directory; with --overwrite, clear what an earlier run left there so that
    rescoring never mixes two runs."""
    try:
        config.run_dir.mkdir(parents=True, exist_ok=True)
        if config.overwrite:
            for name in ("recordings",):
                shutil.rmtree(config.run_dir / name, ignore_errors=True)
            for name in ("results.json", ERRORS_LOG):
                (config.run_dir / name).unlink(missing_ok=True)
    except OSError as exc:
        raise ConfigError(f"cannot create run directory {config.run_dir}: {exc.strerror}; choose another "
                          "--run-dir") from None


def write_errors_log(run_dir: Path, rows: list[GameRow]) -> Path | None:
    """Full tracebacks of agent and game failures (and failed stats()) of the run's games."""
    details = [(r.game_id, r.error_detail) for r in rows if r.error_detail]
    if not details:
        return None
    path = run_dir / ERRORS_LOG
    text = "".join(f"=== {game_id}\n{detail.rstrip()}\n\n" for game_id, detail in details)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
    return path


async def run_eval(config: EvalConfig, on_event: EventSink | None = None,
                   client: ArcClient | None = None) -> EvalOutcome:
    """Check, play and score one evaluation run. Raises AriaError/ArcError for bad input before any
    scorecard opens; re-raises CancelledError after the scorecard is closed and partial results are
    written (the caller holds nothing to clean up)."""
    if config.game_seed is not None and config.base_url:
        raise ConfigError("--game-seed builds levels in-process; a server builds seed 0: drop --game-seed or "
                          "--base-url")
    if config.workers > 1 and config.base_url:
        raise ConfigError("--workers splits in-process games across processes; a --base-url server plays "
                          "them already: drop --workers or --base-url")
    if config.workers > 1 and config.competition:
        raise ConfigError("--competition plays every game on one server-side scorecard; drop --workers")
    check_paths(config)
    from agent.registry import load_agent

    cls = load_agent(config.agent)
    options = agent_options(config, cls)
    started_at = datetime.now(UTC)
    client = client if client is not None else make_client(config)
    backend = client.backend.kind
    async with client:
        infos = select_games(await client.list_games(), config.games, config.tags, client.backend.broken)
        baselines = apply_game_seed(client, [i.game_id for i in infos], config.game_seed)
        prepare_run_dir(config)
        run = EvalRun(rows=[GameRow(game_id=i.game_id, title=i.title) for i in infos])
        outcome = EvalOutcome(run, {}, cls.name, backend, baselines)

        def finish() -> None:
            outcome.results = build_results(run, config, cls.name, backend, config.source, started_at)
            if baselines:
                outcome.results["baselines"] = baselines
            write_json_atomic(config.results_path, outcome.results)
            write_errors_log(config.run_dir, run.rows)
            if on_event is not None:
                on_event(RunClosed(run.summary, tuple(run.rows), run.interrupted, outcome.results))

        try:
            if config.workers > 1:
                from agent.evaluation.workers import run_games_in_workers

                await run_games_in_workers(client, infos, config, options, on_event=on_event, run=run)
            else:
                await run_games(client, infos, seeded_factory(cls, config, **options), config, on_event, run)
        except asyncio.CancelledError:
            run.interrupted = True
            finish()
            raise
        finish()
    return outcome
