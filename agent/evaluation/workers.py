"""`aria eval --workers N`: in-process games played in N processes, scored on one official scorecard.

In one process every game shares the interpreter lock, so --concurrency adds no throughput to
in-process games. Here the games are split across spawned processes (never forked: the parent may
hold threads). Each worker plays its share with the same harness and the same per-game agent seeds
as a serial run, so each game's actions and results are the same. Each worker hands back its closed
official scorecard; the parent puts their cards on the run's own scorecard and lets the toolkit's
scorer compute the summary. Recordings end up under the run's card id, as in a serial run.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import shutil
import signal
import threading
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from arc_agi.scorecard import Scorecard as ToolkitScorecard

from agent.decision import DecisionTally
from agent.errors import ConfigError
from agent.evaluation.clients import apply_game_seed
from agent.evaluation.config import EvalConfig
from agent.evaluation.events import EvalEvent, EventSink, GameEnded, GameUpdated, RunOpened
from agent.evaluation.harness import EvalRun, GameRow, Listener, attach_scores, run_games, seeded_factory
from arc_client import ArcClient, GameInfo, ScorecardSummary
from arc_client.local_backend import LocalBackend
from arc_client.recording import find_recordings
from arc_client.scoring import official_summary

STOP_GRACE_S = 30.0  # how long interrupted workers get to close their scorecards before they are killed
REAP_S = 5.0  # how long a worker that has handed back its results gets to exit
POLL_S = 0.05
ROW_EVERY_S = 0.1  # a worker sends a game's row at most this often while it plays (always when it ends)

Payload = dict[str, Any]


@dataclass(frozen=True)
class WorkerJob:
    index: int
    games: list[tuple[int, str]]  # (row index in the run, game_id)
    config: EvalConfig
    agent_options: dict[str, Any]
    games_dir: str
    recordings_dir: str | None
    parent_pid: int


def split_games(infos: list[GameInfo], workers: int) -> list[list[tuple[int, str]]]:
    """Round-robin over the run's order: deterministic, and each worker gets early and late games alike."""
    count = max(1, min(workers, len(infos)))
    return [[(i, infos[i].game_id) for i in range(w, len(infos), count)] for w in range(count)]


# ----- the worker process ---------------------------------------------------------------------


def worker_main(job: WorkerJob, messages: Connection, stop: Any) -> None:
    """One worker process: play the job's games, then hand back its rows and closed scorecard.

    `messages` is this worker's own pipe to the parent, written synchronously: a worker that dies in the
    middle of a message (killed, out of memory, os._exit in an agent) leaves a torn message on its own
    pipe only, which the parent reads as end of file. (A shared multiprocessing.Queue is written by a
    feeder thread under one lock for all writers: a worker dying while it held that lock hung the
    other workers' last message, and with it the run.)"""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # until the game loop can turn it into a clean stop
    try:
        payload = asyncio.run(_play(job, messages, stop))
    except BaseException as exc:  # reported to the parent as this worker's failure, never lost
        payload = {"rows": {}, "card": None, "interrupted": False, "error": f"{type(exc).__name__}: {exc}"}
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        messages.send(("done", job.index, payload))
    except OSError:  # the parent is gone: nobody is left to hand the results to
        pass
    finally:
        messages.close()


async def _play(job: WorkerJob, messages: Connection, stop: Any) -> Payload:
    from agent.registry import load_agent

    loop = asyncio.get_running_loop()
    client = ArcClient.local(job.games_dir, job.recordings_dir, record_format=job.config.record_format)
    async with client:
        available = {info.game_id: info for info in await client.list_games()}
        infos = [available[game_id] for _, game_id in job.games]
        apply_game_seed(client, [info.game_id for info in infos], job.config.game_seed)
        factory = seeded_factory(load_agent(job.config.agent), job.config, **job.agent_options)
        run = EvalRun(rows=[GameRow(game_id=info.game_id, title=info.title) for info in infos])
        slot_of = {id(row): slot for row, (slot, _) in zip(run.rows, job.games, strict=True)}
        play: asyncio.Future[EvalRun] | None = None

        sent: dict[int, float] = {}

        def report(row: GameRow) -> None:
            slot, now = slot_of[id(row)], time.monotonic()
            if row.stop_reason is None and now - sent.get(slot, -ROW_EVERY_S) < ROW_EVERY_S:
                return  # the live table needs a few updates a second, not one per action
            sent[slot] = now
            try:
                messages.send(("row", slot, asdict(row)))
                orphaned = os.getppid() != job.parent_pid
            except OSError:  # the parent's end of the pipe is closed
                orphaned = True
            if orphaned and play is not None:  # the parent is gone: stop, orphan nothing
                play.cancel()

        def forward(event: EvalEvent) -> None:
            row = getattr(event, "row", None)  # rows cross the process boundary; per-step decisions do not
            if row is not None:
                report(row)

        play = asyncio.ensure_future(run_games(client, infos, factory, job.config, on_event=forward, run=run))
        signal.signal(signal.SIGINT, lambda *_: loop.call_soon_threadsafe(play.cancel))
        if stop.is_set():  # the parent asked before this process could hear SIGINT
            play.cancel()
        try:
            await play
        except asyncio.CancelledError:
            run.interrupted = True
        finally:
            signal.signal(signal.SIGINT, signal.SIG_IGN)
        backend = client.backend
        card = backend.closed_scorecard(run.card_id) if isinstance(backend, LocalBackend) and run.card_id else None
        return {
            "rows": {slot_of[id(row)]: asdict(row) for row in run.rows},
            "card": card.model_dump(mode="json", exclude={"api_key"}) if card is not None else None,
            "interrupted": run.interrupted,
            "error": None,
        }


# ----- the parent -----------------------------------------------------------------------------


async def run_games_in_workers(client: ArcClient, infos: list[GameInfo], config: EvalConfig,
                               agent_options: dict[str, Any], on_event: EventSink | None = None,
                               run: EvalRun | None = None) -> EvalRun:
    """Like `run_games`, with the games split across `config.workers` processes. One scorecard per run,
    closed on every exit path; an interrupt stops the workers cleanly and is re-raised."""
    backend = client.backend
    if not isinstance(backend, LocalBackend):
        raise ConfigError("--workers plays in-process games only; drop --workers or --base-url")
    if run is None:
        run = EvalRun(rows=[GameRow(game_id=info.game_id, title=info.title) for info in infos])
    started = time.perf_counter()
    ended: set[int] = set()

    def listener(row: GameRow) -> None:
        if on_event is None:
            return
        if row.stop_reason is not None and id(row) not in ended:
            ended.add(id(row))
            on_event(GameEnded(row))
        else:
            on_event(GameUpdated(row))

    shares = split_games(infos, config.workers)
    recordings = config.recordings_dir
    staging = [recordings / f".worker-{k}" for k in range(len(shares))] if recordings is not None else []
    context = multiprocessing.get_context("spawn")
    pipes = [context.Pipe(duplex=False) for _ in shares]  # (parent's end, worker's end), one per worker
    readers: list[Connection | None] = [reader for reader, _ in pipes]
    stop = context.Event()
    payloads: dict[int, Payload] = {}
    card = client.scorecard(tags=["aria", f"agent:{config.agent}", *config.tags], competition_mode=config.competition)
    async with card:
        run.card_id = card.card_id
        if on_event is not None:
            on_event(RunOpened(card.card_id or "", config.agent, tuple(i.game_id for i in infos), backend.kind,
                               config.source, tuple(run.rows)))
        jobs = [WorkerJob(k, share, config, agent_options, str(backend.games_dir),
                          str(staging[k]) if staging else None, os.getpid()) for k, share in enumerate(shares)]
        procs = [context.Process(target=worker_main, args=(job, pipes[job.index][1], stop),
                                 name=f"aria-eval-worker-{job.index}", daemon=True) for job in jobs]
        try:
            _start(procs, [writer for _, writer in pipes])
            await _collect(procs, readers, run, listener, payloads)
        except asyncio.CancelledError:
            run.interrupted = True
            stop.set()
            for proc in procs:
                if proc.pid is not None and proc.exitcode is None:
                    os.kill(proc.pid, signal.SIGINT)
            await _collect(procs, readers, run, listener, payloads, deadline=time.monotonic() + STOP_GRACE_S)
            raise
        finally:
            _reap(procs)
            for reader, writer in pipes:
                reader.close()
                writer.close()
            _apply(run, shares, payloads)
            await asyncio.shield(card.close())
            run.summary = _merged_summary(backend, run.card_id, shares, payloads)
            attach_scores(run.rows, run.summary)
            if recordings is not None and run.card_id:
                _gather_recordings(recordings / run.card_id, staging)
            run.wall_s = time.perf_counter() - started
    return run


def _start(procs: Sequence[BaseProcess], writers: Sequence[Connection]) -> None:
    """Start with SIGINT ignored, which the children inherit: one that arrives while a worker is still
    importing must not kill it with a traceback; the worker installs its own handler once it plays.
    The parent closes its copy of each worker's end of the pipe, so that a worker's death reads as end
    of file."""
    in_main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN) if in_main else None
    try:
        for proc, writer in zip(procs, writers, strict=True):
            proc.start()
            writer.close()
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)


async def _collect(procs: Sequence[BaseProcess], readers: list[Connection | None], run: EvalRun,
                   listener: Listener, payloads: dict[int, Payload], deadline: float | None = None) -> None:
    """Apply row updates to the live rows until every worker has handed back its results or died."""
    while len(payloads) < len(procs):
        if _drain(readers, run, listener, payloads):
            await asyncio.sleep(0)
            continue
        for k, proc in enumerate(procs):
            if k not in payloads and proc.exitcode is not None:
                _drain(readers, run, listener, payloads)  # its last whole messages are still in its pipe
                payloads.setdefault(k, {"died": proc.exitcode})
        if deadline is not None and time.monotonic() >= deadline:
            return
        await asyncio.sleep(POLL_S)


def _drain(readers: list[Connection | None], run: EvalRun, listener: Listener, payloads: dict[int, Payload]) -> int:
    """Every whole message waiting on the workers' pipes; a pipe at end of file (its worker exited, or
    died in the middle of a message) is dropped from `readers`."""
    count = 0
    for k, reader in enumerate(readers):
        while reader is not None and reader.poll():
            try:
                kind, key, data = reader.recv()
            except (EOFError, OSError):
                readers[k] = reader = None
                continue
            count += 1
            if kind == "row":
                row = run.rows[key]
                _update(row, data)
                listener(row)
            else:
                payloads[key] = data
    return count


def _update(row: GameRow, data: dict[str, Any]) -> None:
    for name, value in data.items():
        if name == "tally":  # asdict() flattened it to {"counts": {...}, "modes": {...}}
            value = DecisionTally(dict(value["counts"]), dict(value.get("modes") or {}))
        setattr(row, name, value)


def _reap(procs: Sequence[BaseProcess]) -> None:
    """No process outlives the run: a worker that does not exit in time is killed."""
    deadline = time.monotonic() + REAP_S
    for proc in procs:
        if proc.pid is not None:
            proc.join(max(0.0, deadline - time.monotonic()))
    for proc in procs:
        if proc.pid is not None and proc.exitcode is None:
            proc.kill()
            proc.join()


def _describe_exit(code: int) -> str:
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"


def _apply(run: EvalRun, shares: list[list[tuple[int, str]]], payloads: dict[int, Payload]) -> None:
    """Final rows from each worker; every game of a worker that handed back no scorecard is an error row."""
    for k, share in enumerate(shares):
        payload = payloads.get(k)
        if payload is None:
            error = f"worker process {k} did not stop within {STOP_GRACE_S:.0f}s and was killed; its games are unscored"
        elif "died" in payload:
            error = (f"worker process {k} died ({_describe_exit(payload['died'])}) before handing back its "
                     "scorecard; its games are unscored (rerun them with --workers 1 to see why)")
        elif payload["error"]:
            error = f"worker process {k} failed: {payload['error']}"
        else:
            error = None
        for slot, data in (payload or {}).get("rows", {}).items():
            _update(run.rows[slot], data)
        if error is not None:
            for slot, _ in share:
                row = run.rows[slot]
                row.state, row.error, row.stop_reason = "ERROR", error, "error"
    if run.interrupted:
        for row in run.rows:
            if row.stop_reason is None:
                row.stop_reason = "interrupted"


def _merged_summary(backend: LocalBackend, card_id: str | None, shares: list[list[tuple[int, str]]],
                    payloads: dict[int, Payload]) -> ScorecardSummary | None:
    """The run's own official scorecard with each worker's cards of its games, scored by the toolkit."""
    official = backend.closed_scorecard(card_id) if card_id else None
    if official is None:
        return None
    played: dict[int, tuple[str, Any]] = {}  # by row index, so that the cards keep the run's order
    for k, share in enumerate(shares):
        dump = (payloads.get(k) or {}).get("card")
        if not dump:
            continue
        worker_card = ToolkitScorecard.model_validate(dump)
        for slot, game_id in share:  # a competition card also holds the other workers' games, unplayed
            if game_id in worker_card.cards:
                played[slot] = (game_id, worker_card.cards[game_id])
    for _, (game_id, game_card) in sorted(played.items()):
        official.cards.pop(game_id, None)
        official.cards[game_id] = game_card
    return official_summary(official, backend.environment_infos)


def _gather_recordings(target: Path, staging: list[Path]) -> None:
    """Move each worker's recordings under the run's card id (renames within one file system: atomic)."""
    for folder in staging:
        if not folder.exists():
            continue
        for path in find_recordings(folder):
            target.mkdir(parents=True, exist_ok=True)
            os.replace(path, target / path.name)
        shutil.rmtree(folder, ignore_errors=True)
