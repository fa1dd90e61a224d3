"""`aria eval --arc`: options -> EvalConfig -> run_eval -> tables. Returns the exit code.

SIGINT, SIGTERM and SIGHUP all end a run the same way: the running games stop, the scorecard is
closed, recordings are flushed and a partial results.json is written; the exit code is 128 + the
signal's number (130, 143, 129), as a shell reports a process killed by it.
"""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path
from typing import Any

from rich.console import Console

from agent.errors import ConfigError
from agent.evaluation.config import RECORD_FORMATS, EvalConfig
from agent.evaluation.progress import EvalProgress
from agent.evaluation.results import results_table
from agent.evaluation.run import EvalOutcome, default_run_dir, run_eval

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def split_list(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]


def config_from_options(options: dict[str, Any]) -> EvalConfig:
    """Click's options as a complete EvalConfig: nothing below the CLI sees click."""
    games_text = options.get("game_ids")
    games = split_list(games_text) if games_text is not None else ["all"]
    if not games:
        raise ConfigError(f"--games {games_text!r} names no game; pass ids or prefixes (e.g. mz01,cl01) or `all`")
    tags = split_list(options.get("tags"))
    if options.get("tags") is not None and not tags:
        raise ConfigError(f"--tags {options['tags']!r} names no tag; pass e.g. keyboard,click")
    record_format = options.get("record_format") or "jsonl.gz"
    if record_format not in RECORD_FORMATS:
        raise ConfigError(f"--record-format must be one of {', '.join(RECORD_FORMATS)}")
    run_dir = options.get("run_dir")
    return EvalConfig(
        games=games,
        games_dir=options.get("games_dir"),
        base_url=options.get("base_url"),
        api_key_file=options.get("api_key_file"),
        rate_limit=options.get("rate_limit"),
        agent=options.get("agent_name") or "aria",
        checkpoint=options.get("checkpoint"),
        max_actions=int(options.get("max_actions") or 5000),
        time_limit=options.get("time_limit"),
        concurrency=int(options.get("concurrency") or 1),
        workers=int(options.get("workers") or 1),
        seed=int(options.get("seed") or 0),
        game_seed=options.get("game_seed"),
        competition=bool(options.get("competition")),
        record=bool(options.get("record", True)),
        record_format=record_format,
        overwrite=bool(options.get("overwrite")),
        tags=tags,
        run_dir=Path(run_dir) if run_dir else default_run_dir(),
        out=Path(options["out"]) if options.get("out") else None,
    )


async def _run_until_signal(config: EvalConfig, sink: EvalProgress, received: list[int]) -> EvalOutcome:
    """run_eval, cancelled cleanly by the first stop signal (later ones are ignored while it closes)."""
    loop = asyncio.get_running_loop()
    task = asyncio.current_task()
    assert task is not None

    def stop(signum: int) -> None:
        if not received:
            received.append(signum)
            task.cancel()

    for signum in STOP_SIGNALS:
        loop.add_signal_handler(signum, stop, signum)
    try:
        return await run_eval(config, sink)
    finally:
        for signum in STOP_SIGNALS:
            loop.remove_signal_handler(signum)


def eval_command(options: dict[str, Any]) -> int:
    config = config_from_options(options)
    console = Console(highlight=False)
    if not console.is_terminal:  # piped to a file: room for the whole table rather than 80 columns
        console = Console(highlight=False, width=max(console.width, 140))
    received: list[int] = []
    progress = EvalProgress(console, config.max_actions, live=not options.get("quiet"))
    try:
        with progress:
            outcome = asyncio.run(_run_until_signal(config, progress, received))
    except (asyncio.CancelledError, KeyboardInterrupt):
        signum = received[0] if received else signal.SIGINT
        name = signal.Signals(signum).name
        where = f"partial results in {config.results_path}" if progress.results_written else "no game had started"
        console.print(f"interrupted by {name}: scorecard closed, recordings flushed, {where}")
        return 128 + int(signum)
    run, totals = outcome.run, outcome.results["totals"]
    source = config.source
    console.print(results_table(run.rows, f"aria eval: agent {outcome.agent} on {source} ({outcome.backend})",
                                run.summary))
    official = totals["official_score"]
    console.print(
        f"levels completed {totals['levels_completed']}/{totals['levels_total']}  games won "
        f"{totals['games_won']}/{totals['games']}  official score {'-' if official is None else f'{official:.3f}'}%"
        f"  actions {totals['actions']}  wall {run.wall_s:.1f}s  errors {totals['errors']}"
    )
    if totals["errors"]:
        console.print(f"errors: full tracebacks in {config.run_dir / 'errors.log'}")
    console.print(f"results: {config.results_path}" + (f"  recordings: {config.recordings_dir}" if config.record else ""))
    return 0
