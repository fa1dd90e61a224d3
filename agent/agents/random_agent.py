"""The random baseline: uniform over the frame's available actions, clicks on a uniform random cell."""

from __future__ import annotations

from typing import Any

import numpy as np

from agent.base import Action, Agent
from arc_client.types import FRAME_SIZE, FrameResponse, GameAction, GameState

NEEDS_RESET = (GameState.GAME_OVER, GameState.NOT_PLAYED, GameState.NOT_STARTED, GameState.WIN)


class RandomAgent(Agent):
    """Every baseline comparison starts here: deterministic for a given seed."""

    name = "random"
    runs_inline = True  # a few µs per action: a thread hop would cost more than the whole step

    def __init__(self, seed: int = 0, **options: Any) -> None:
        super().__init__(seed, **options)
        self.rng = np.random.default_rng(seed)

    def act(self, latest: FrameResponse) -> Action:
        if latest.state in NEEDS_RESET:
            return Action(GameAction.RESET)
        # RESET is never listed; an empty list (a game that lists nothing) falls back to the key actions
        available = [a for a in latest.available_actions if a != GameAction.RESET] or [1, 2, 3, 4, 5]
        action = GameAction(int(self.rng.choice(available)))
        if action is GameAction.ACTION6:
            x, y = (int(v) for v in self.rng.integers(0, FRAME_SIZE, size=2))
            return Action(action, x=x, y=y)
        return Action(action)
