"""Play K games at once against one scorecard that is always closed, and collect a row per game.

Games are independent (each has its own agent, seeded from the run seed and the game's name), so a
fixed seed gives the same results in-process whatever the concurrency.
"""

from __future__ import annotations

import asyncio
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from agent.base import Action, Agent
from agent.decision import HARNESS_RESET, DecisionTally
from agent.evaluation.config import EvalConfig, game_seed
from arc_client import ArcClient, GameAction, GameInfo, GameState, Scorecard, ScorecardSummary
from arc_client.errors import ArcError, GameNotStartedError

GAME_SEED = 0  # built-in levels are generated from seed 0: the seed their baseline_actions were measured on


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
    score: float | None = None
    error: str | None = None
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


async def play_game(card: Scorecard, info: GameInfo, agent: Agent, row: GameRow, config: EvalConfig,
                    listener: Listener) -> None:
    """Play one game until WIN, the action budget, or the time limit; errors become the row's state."""
    row.started = time.perf_counter()
    deadline = row.started + config.time_limit if config.time_limit else None
    try:
        game = await card.start(info.game_id, seed=GAME_SEED)
        row.guid, row.win_levels, row.state = game.guid, game.last.win_levels, game.last.state.value
        agent.start(info, game.last)
        listener(row)
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
            try:
                choice = agent.act(game.last)
            except Exception as exc:  # an agent's bug must not end the run
                raise AgentCrashed(f"agent {agent.name} raised {type(exc).__name__}: {exc}") from exc
            if game.last.state is GameState.GAME_OVER and choice.action is not GameAction.RESET:
                choice = Action(GameAction.RESET, decision=HARNESS_RESET)
            try:
                result = await game.step(choice.action, x=choice.x, y=choice.y, reasoning=choice.reasoning,
                                         aria={"decision": choice.decision.to_json()} if choice.decision else None)
            except GameNotStartedError:
                result = await game.reset(aria={"decision": HARNESS_RESET.to_json()})
            row.decisions += 1
            row.tally.add(choice.decision)
            try:
                agent.observe(choice, result)
            except Exception as exc:
                raise AgentCrashed(f"agent {agent.name} raised {type(exc).__name__}: {exc}") from exc
            row.actions, row.state = game.actions, result.state.value
            row.levels_completed = max(row.levels_completed, result.levels_completed)
            if row.actions % 25 == 0:
                listener(row)
                await asyncio.sleep(0)  # let other games and the live table run
    except (AgentCrashed, ArcError) as exc:  # ArcError includes GameCrashedError: the game's own code raised
        row.state, row.error, row.stop_reason = "ERROR", str(exc), "error"
    except Exception as exc:  # anything else unexpected is still one row, and the run goes on
        row.state, row.stop_reason = "ERROR", "error"
        row.error = "".join(traceback.format_exception_only(exc)).strip()
    finally:
        row.wall_s = time.perf_counter() - row.started
        try:
            row.agent_stats = dict(agent.stats())
        except Exception:
            row.agent_stats = {}
        listener(row)


async def run_games(client: ArcClient, infos: list[GameInfo], make_agent: Callable[[GameInfo], Agent],
                    config: EvalConfig, listener: Listener = lambda row: None,
                    on_open: Callable[[str], None] = lambda card_id: None,
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

    async def one(info: GameInfo, row: GameRow) -> None:
        async with semaphore:
            await play_game(card, info, make_agent(info), row, config, listener)

    async with card:
        run.card_id = card.card_id
        on_open(card.card_id or "")
        try:
            await asyncio.gather(*(one(info, row) for info, row in zip(infos, run.rows, strict=True)))
        except asyncio.CancelledError:
            run.interrupted = True
            for row in run.rows:
                if row.stop_reason is None:
                    row.stop_reason = "interrupted"
            raise
        finally:
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
        elif row.score is None:
            row.score = 0.0


def seeded_factory(agent_cls: type[Agent], config: EvalConfig, **options: Any) -> Callable[[GameInfo], Agent]:
    def make(info: GameInfo) -> Agent:
        return agent_cls(seed=game_seed(config.seed, info.game_id), **options)

    return make
