"""Test helpers: play real games in-process (the official toolkit through ArcClient.local), hand-made frames.

A plain module with its own name (not conftest.py), so test modules import it unambiguously.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from agent.base import Action, Agent
from arc_client import ArcClient, FrameResponse, GameAction, GameState

FIXTURE_GAMES = Path(__file__).resolve().parents[1] / "fixtures" / "environment_files"


@dataclass
class PlayResult:
    levels: int = 0
    actions: int = 0
    first_level_at: int | None = None  # actions spent when level 1 was cleared
    won: bool = False
    steps: list[tuple[FrameResponse, Action, FrameResponse]] = field(default_factory=list)


async def play_game(games_dir: Path, game_id: str, agent: Agent, max_actions: int) -> PlayResult:
    """One game instance until WIN or `max_actions`; every step is kept for inspection."""
    out = PlayResult()
    async with ArcClient.local(games_dir) as client, client.scorecard(tags=["test"]) as card:
        game = await card.start(game_id, seed=0)
        agent.start(await client.resolve_game(game_id), game.last)
        while game.last.state is not GameState.WIN and game.actions < max_actions:
            before = game.last
            action = agent.act(before)
            result = await game.step(action.action, x=action.x, y=action.y)
            agent.observe(action, result)
            out.steps.append((before, action, result))
            out.levels = max(out.levels, result.levels_completed)
            if out.levels >= 1 and out.first_level_at is None:
                out.first_level_at = game.actions
        out.actions, out.won = game.actions, game.last.state is GameState.WIN
    return out


def frame_response(frame: np.ndarray, state: GameState = GameState.NOT_FINISHED, levels: int = 0,
                   available: tuple[int, ...] = (1, 2, 3, 4)) -> FrameResponse:
    """A hand-made frame response, for unit tests of decisions on hand-made frames."""
    from arc_client.types import ActionInput, as_frame

    return FrameResponse(game_id="hand-00000000", guid="g", frames=(as_frame(frame),), state=state,
                         levels_completed=levels, win_levels=3, available_actions=available,
                         action_input=ActionInput(GameAction.ACTION1))
