"""The random baseline: deterministic per seed, only valid actions, RESET only when the game needs it."""

from __future__ import annotations

import numpy as np
from agent_testkit import FIXTURE_GAMES, frame_response, play_game

from agent.agents.random_agent import RandomAgent
from arc_client import GameAction, GameState


def choices(seed: int, n: int = 200) -> list[tuple[int, int | None, int | None]]:
    agent = RandomAgent(seed=seed)
    latest = frame_response(np.zeros((64, 64), dtype=np.uint8), available=(1, 2, 5, 6))
    return [(int(a.action), a.x, a.y) for a in (agent.act(latest) for _ in range(n))]


def test_same_seed_same_actions_other_seed_other_actions() -> None:
    assert choices(7) == choices(7)
    assert choices(7) != choices(8)


def test_only_available_actions_and_clicks_inside_the_frame() -> None:
    picked = choices(1, 400)
    assert {a for a, _, _ in picked} == {1, 2, 5, 6}  # uniform over all of them: each shows up in 400
    for action, x, y in picked:
        if action == GameAction.ACTION6:
            assert x is not None and y is not None and 0 <= x < 64 and 0 <= y < 64
        else:
            assert x is None and y is None


def test_reset_only_when_the_game_is_over_or_not_started() -> None:
    agent = RandomAgent(seed=0)
    frame = np.zeros((64, 64), dtype=np.uint8)
    for state in (GameState.GAME_OVER, GameState.NOT_PLAYED):
        assert agent.act(frame_response(frame, state=state)).action is GameAction.RESET
    assert all(agent.act(frame_response(frame)).action is not GameAction.RESET for _ in range(100))


async def test_plays_a_real_click_game_with_valid_actions() -> None:
    result = await play_game(FIXTURE_GAMES, "fxck", RandomAgent(seed=3), 60)
    assert result.actions == 60 or result.won
    for before, action, _ in result.steps:
        assert int(action.action) in before.available_actions
        assert action.action is not GameAction.ACTION6 or (0 <= action.x < 64 and 0 <= action.y < 64)
