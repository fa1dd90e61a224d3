"""Test helpers: play real games in-process (the official toolkit through ArcClient.local), hand-made frames.

A plain module with its own name (not conftest.py), so test modules import it unambiguously.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from agent.base import Action, Agent
from agent.evaluation.config import EvalConfig, game_seed
from agent.evaluation.events import DecisionMade, EvalEvent, GameStarted
from agent.evaluation.harness import GameRow
from agent.evaluation.harness import play_game as harness_play_game
from arc_client import ArcClient, FrameResponse, GameAction, GameState
from arc_client.games import suite_dir

FIXTURE_GAMES = Path(__file__).resolve().parents[1] / "fixtures" / "environment_files"


@dataclass
class PlayResult:
    levels: int = 0
    actions: int = 0
    first_level_at: int | None = None  # actions spent when level 1 was cleared
    won: bool = False
    steps: list[tuple[FrameResponse, Action, FrameResponse]] = field(default_factory=list)


async def play_game(games_dir: Path, game_id: str, agent: Agent, max_actions: int) -> PlayResult:
    """One game instance until WIN or `max_actions`, through the harness's own game loop; every step
    is kept for inspection (the frame before, the action with its decision, the answer)."""
    out = PlayResult()
    frames: list[FrameResponse] = []

    def on_event(event: EvalEvent) -> None:
        if isinstance(event, GameStarted):
            frames.append(event.frame)
        elif isinstance(event, DecisionMade):
            action = Action(event.action, event.x, event.y, decision=event.decision)
            out.steps.append((frames[-1], action, event.frame))
            frames.append(event.frame)
            if event.frame.levels_completed >= 1 and out.first_level_at is None:
                out.first_level_at = event.step

    async with ArcClient.local(games_dir) as client, client.scorecard(tags=["test"]) as card:
        row = GameRow(game_id=game_id)
        await harness_play_game(card, await client.resolve_game(game_id), agent, row,
                                EvalConfig(max_actions=max_actions), on_event)
        if row.error:
            raise AssertionError(f"{game_id}: {row.error}\n{row.error_detail}")
        out.levels, out.actions, out.won = row.levels_completed, row.actions, row.state == GameState.WIN.value
    return out


async def play_suite_game(name: str, seed: int, max_actions: int, make_agent: Callable[[int], Agent],
                          ) -> tuple[GameRow, list[tuple[int, str | None]], Agent]:
    """A built-in game built from game seed `seed` (use validation seeds), played through the harness by
    `make_agent(agent seed)`, seeded as `aria eval` seeds it: the row, (the level a step was taken on, its
    decision's mode) per step, and the agent."""
    steps: list[tuple[int, str | None]] = []
    level = [0]

    def on_event(event: EvalEvent) -> None:
        if isinstance(event, DecisionMade):
            steps.append((level[0], event.decision.mode if event.decision is not None else None))
            level[0] = event.frame.levels_completed

    async with ArcClient.local(suite_dir()) as client, client.scorecard(tags=["test"]) as card:
        info = next(i for i in await client.list_games() if i.game_id.startswith(name))
        row = GameRow(game_id=info.game_id)
        agent = make_agent(game_seed(0, info.game_id))
        await harness_play_game(card, info, agent, row, EvalConfig(max_actions=max_actions, game_seed=seed), on_event)
    assert row.error is None, row.error
    return row, steps, agent


def actions_per_level(steps: list[tuple[FrameResponse, Action, FrameResponse]]) -> list[int]:
    """The actions each completed level took, in order (from a PlayResult's steps)."""
    ups = [i for i, (before, _, after) in enumerate(steps) if after.levels_completed > before.levels_completed]
    return [ups[0] + 1] + [b - a for a, b in zip(ups, ups[1:], strict=False)] if ups else []


def frame_response(frame: np.ndarray, state: GameState = GameState.NOT_FINISHED, levels: int = 0,
                   available: tuple[int, ...] = (1, 2, 3, 4)) -> FrameResponse:
    """A hand-made frame response, for unit tests of decisions on hand-made frames."""
    from arc_client.types import ActionInput, as_frame

    return FrameResponse(game_id="hand-00000000", guid="g", frames=(as_frame(frame),), state=state,
                         levels_completed=levels, win_levels=3, available_actions=available,
                         action_input=ActionInput(GameAction.ACTION1))
