"""Play K games at once against one scorecard that is always closed, and collect a row per game.

Games are independent (each has its own agent, seeded from the run seed and the game's name), so a
fixed seed gives the same results in-process whatever the concurrency.
"""

from __future__ import annotations

import asyncio
import gc
import math
import time
import traceback
from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from agent.base import Action, Agent
from agent.decision import HARNESS_RESET, Decision, DecisionTally, json_safe
from agent.evaluation.config import EvalConfig, game_seed
from agent.evaluation.events import (
    DecisionMade,
    EvalEvent,
    EventSink,
    GameEnded,
    GameStarted,
    GameUpdated,
    RunOpened,
)
from arc_client import ArcClient, FrameResponse, GameAction, GameInfo, GameState, Scorecard, ScorecardSummary
from arc_client.errors import ArcError, GameNotStartedError


def percentile(values: list[float], q: float) -> float | None:
    """The q-th percentile (nearest rank: a value that occurred) of `values`, rounded; None if empty."""
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[max(math.ceil(q / 100 * len(ordered)) - 1, 0)], 4)


@dataclass
class GameRow:
    """Live and final figures of one game. `state` is a GameState value, or ERROR / PENDING."""

    game_id: str
    title: str | None = None
    guid: str | None = None
    state: str = "PENDING"
    levels_completed: int = 0
    win_levels: int = 0
    actions: int = 0
    decisions: int = 0
    tally: DecisionTally = field(default_factory=DecisionTally)
    started: float | None = None
    wall_s: float = 0.0
    agent_s: float = 0.0  # time inside the agent's act/observe
    step_ms: list[float] = field(default_factory=list)  # that time step by step (percentiles, not saved whole)
    score: float | None = None
    error: str | None = None
    error_detail: str | None = None  # the full traceback: errors.log, never the screen
    stop_reason: str | None = None
    agent_stats: dict[str, Any] = field(default_factory=dict)

    @property
    def won(self) -> bool:
        return self.state == GameState.WIN.value

    @property
    def fast_share(self) -> float | None:
        return self.tally.fast_share

    @property
    def actions_per_s(self) -> float:
        elapsed = self.wall_s if self.wall_s else (time.perf_counter() - self.started if self.started else 0.0)
        return self.actions / elapsed if elapsed > 0 else 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "game_id": self.game_id, "title": self.title, "guid": self.guid, "state": self.state,
            "won": self.won, "levels_completed": self.levels_completed, "win_levels": self.win_levels,
            "actions": self.actions, "score": self.score, "wall_s": round(self.wall_s, 4),
            "actions_per_s": round(self.actions_per_s, 2), "fast_share": self.fast_share,
            "agent_ms_per_action": round(1000 * self.agent_s / self.decisions, 4) if self.decisions else None,
            "agent_ms_p50": percentile(self.step_ms, 50), "agent_ms_p95": percentile(self.step_ms, 95),
            "decisions": self.tally.to_json(), "decision_modes": self.tally.modes_json(),
            "stop_reason": self.stop_reason, "error": self.error, "agent_stats": self.agent_stats,
        }


@dataclass
class EvalRun:
    rows: list[GameRow]
    summary: ScorecardSummary | None = None
    card_id: str | None = None
    wall_s: float = 0.0
    interrupted: bool = False


Listener = Callable[[GameRow], None]


class AgentCrashed(Exception):
    """The agent raised while choosing or observing; the game becomes an error row."""


def _think(agent: Agent, observed: tuple[Action, FrameResponse] | None,
           latest: FrameResponse) -> tuple[Action, float]:
    """One trip to the agent's thread: learn from the last answer, then choose the next action.
    Returns the action and the seconds the agent spent."""
    started = time.perf_counter()
    try:
        if observed is not None:
            agent.observe(*observed)
        return agent.act(latest), time.perf_counter() - started
    except Exception as exc:  # an agent's bug must not end the run
        raise AgentCrashed(f"agent {agent.name} raised {type(exc).__name__}: {exc}") from exc


def _observe(agent: Agent, observed: tuple[Action, FrameResponse]) -> None:
    try:
        agent.observe(*observed)
    except Exception as exc:
        raise AgentCrashed(f"agent {agent.name} raised {type(exc).__name__}: {exc}") from exc


def _aria(decision: Decision | None) -> dict[str, Any] | None:
    """What the recording keeps of a decision; built only when the game is recorded."""
    return {"decision": decision.to_json()} if decision is not None else None


HARNESS_RESET_ACTION = Action(GameAction.RESET, decision=HARNESS_RESET)

_frozen = False  # the process's long-lived objects were moved out of the collector's full passes


def _freeze_long_lived() -> None:
    """Once per process, when the first game's agent has started (its models loaded, torch and the games
    imported): what is alive then is kept out of the cyclic collector's full passes (`gc.freeze`). Those
    passes walked every object torch and the models made, ~80 ms each, and fell inside agents' steps
    (15 of them in a run of sixteen games on two seeds: 1.2 s, a game's whole time now and then)."""
    global _frozen
    if not _frozen:
        _frozen = True
        gc.collect()
        gc.freeze()


async def play_game(card: Scorecard, info: GameInfo, agent: Agent, row: GameRow, config: EvalConfig,
                    on_event: EventSink | None = None, executor: Executor | None = None) -> None:
    """Play one game until WIN, the action budget, or the time limit; errors become the row's state.

    The agent runs in `executor`'s threads (a private one-thread pool when None): `act` and
    `observe` never run on the event loop, so a long search or a forward pass freezes neither the
    other games nor a live view. Each step is one trip to that thread (observe the last answer, then
    act), since a trip costs more than a built-in game's whole step.
    """
    loop = asyncio.get_running_loop()
    own_pool = executor is None
    pool: Executor = executor if executor is not None else ThreadPoolExecutor(
        max_workers=1, thread_name_prefix=f"agent-{info.name}")
    emit = on_event if on_event is not None else _ignore
    wants_decisions = on_event is not None and getattr(on_event, "wants_decisions", True)
    row.started = time.perf_counter()
    deadline = row.started + config.time_limit if config.time_limit else None
    observed: tuple[Action, FrameResponse] | None = None
    last_update = row.started
    try:
        game = await card.start(info.game_id, seed=config.game_seed or 0)
        row.guid, row.win_levels, row.state = game.guid, game.last.win_levels, game.last.state.value
        await loop.run_in_executor(pool, agent.start, info, game.last)
        _freeze_long_lived()
        emit(GameStarted(info.game_id, game.guid, game.last, row))
        while True:
            if game.last.state is GameState.WIN:
                row.stop_reason = "won"
                break
            if game.actions >= config.max_actions:
                row.stop_reason = "max_actions"
                break
            if deadline is not None and time.perf_counter() >= deadline:
                row.stop_reason = "time_limit"
                break
            if agent.runs_inline:
                choice, spent = _think(agent, observed, game.last)
            else:
                choice, spent = await loop.run_in_executor(pool, _think, agent, observed, game.last)
            row.agent_s += spent
            row.step_ms.append(1000 * spent)
            observed = None
            if game.last.state is GameState.GAME_OVER and choice.action is not GameAction.RESET:
                choice = HARNESS_RESET_ACTION
            try:
                result = await game.step(choice.action, x=choice.x, y=choice.y, reasoning=choice.reasoning,
                                         aria=_aria(choice.decision) if game.recorder is not None else None)
            except GameNotStartedError:
                # The server refused the agent's action (not counted): the harness RESETs instead, and
                # the agent observes that RESET, not its own action.
                choice = HARNESS_RESET_ACTION
                result = await game.reset(aria=_aria(HARNESS_RESET) if game.recorder is not None else None)
            observed = (choice, result)
            row.decisions += 1
            row.tally.add(choice.decision)
            levelled_up = result.levels_completed > row.levels_completed
            row.actions, row.state = game.actions, result.state.value
            row.levels_completed = max(row.levels_completed, result.levels_completed)
            if wants_decisions:
                emit(DecisionMade(info.game_id, row.decisions, choice.action, choice.x, choice.y,
                                  choice.decision, result))
            now = time.perf_counter()
            if levelled_up or now - last_update >= UPDATE_EVERY_S:
                last_update = now
                emit(GameUpdated(row))
                await asyncio.sleep(0)  # let other games and the live view run
        if observed is not None:
            await loop.run_in_executor(pool, _observe, agent, observed)
    except (AgentCrashed, ArcError) as exc:  # ArcError includes GameCrashedError: the game's own code raised
        row.state, row.error, row.stop_reason = "ERROR", str(exc), "error"
        row.error_detail = _traceback(exc)
    except Exception as exc:  # anything else unexpected is still one row, and the run goes on
        row.state, row.stop_reason = "ERROR", "error"
        row.error = "".join(traceback.format_exception_only(exc)).strip()
        row.error_detail = _traceback(exc)
    finally:
        row.wall_s = time.perf_counter() - row.started
        try:
            row.agent_stats = json_safe(dict(agent.stats()))
        except Exception as exc:
            row.agent_stats = {}
            row.error_detail = (row.error_detail or "") + f"stats() of agent {agent.name} failed:\n{_traceback(exc)}"
        if own_pool:
            pool.shutdown(wait=False)
        emit(GameEnded(row))


UPDATE_EVERY_S = 0.2


def _ignore(event: EvalEvent) -> None:
    pass


def _traceback(exc: BaseException) -> str:
    return "".join(traceback.format_exception(exc))


async def run_games(client: ArcClient, infos: list[GameInfo], make_agent: Callable[[GameInfo], Agent],
                    config: EvalConfig, on_event: EventSink | None = None,
                    run: EvalRun | None = None) -> EvalRun:
    """One scorecard for the whole run, closed on every exit path (normal end, error, cancellation).

    `run` may be passed in (its rows one per game, in the order of `infos`) so that a live view can
    watch the rows and an interrupted caller still holds the closed scorecard's summary.
    """
    if run is None:
        run = EvalRun(rows=[GameRow(game_id=info.game_id, title=info.title) for info in infos])
    started = time.perf_counter()
    semaphore = asyncio.Semaphore(config.concurrency)
    tags = ["aria", f"agent:{config.agent}", *config.tags]
    card = client.scorecard(tags=tags, competition_mode=config.competition)
    pool = ThreadPoolExecutor(max_workers=config.concurrency, thread_name_prefix="agent")

    async def one(info: GameInfo, row: GameRow) -> None:
        async with semaphore:
            agent = await asyncio.get_running_loop().run_in_executor(pool, make_agent, info)
            await play_game(card, info, agent, row, config, on_event, pool)

    async with card:
        run.card_id = card.card_id
        if on_event is not None:
            on_event(RunOpened(card.card_id or "", config.agent, tuple(i.game_id for i in infos),
                               client.backend.kind, config.source, tuple(run.rows)))
        try:
            await asyncio.gather(*(one(info, row) for info, row in zip(infos, run.rows, strict=True)))
        except asyncio.CancelledError:
            run.interrupted = True
            for row in run.rows:
                if row.stop_reason is None:
                    row.stop_reason = "interrupted"
            raise
        finally:
            pool.shutdown(wait=False, cancel_futures=True)
            run.summary = await asyncio.shield(card.close())
            attach_scores(run.rows, run.summary)
            run.wall_s = time.perf_counter() - started
    return run


def attach_scores(rows: list[GameRow], summary: ScorecardSummary | None) -> None:
    """The official score of each game, from the closed scorecard (the toolkit's scorer)."""
    if summary is None:
        return
    for row in rows:
        env = summary.environment(row.game_id)
        if env is not None:
            row.score = env.score
            row.levels_completed = max(row.levels_completed, env.levels_completed)
            # The scorecard is the truth: a command in flight when the run was interrupted is
            # counted by the server even though its answer never arrived.
            row.actions = max(row.actions, env.actions)
            this_run = next((r for r in env.runs if r.guid == row.guid), None)
            if row.state != "ERROR" and this_run is not None and this_run.state is not GameState.UNKNOWN:
                row.state = this_run.state.value
        elif row.score is None:
            row.score = 0.0


def seeded_factory(agent_cls: type[Agent], config: EvalConfig, **options: Any) -> Callable[[GameInfo], Agent]:
    def make(info: GameInfo) -> Agent:
        return agent_cls(seed=game_seed(config.seed, info.game_id), **options)

    return make
