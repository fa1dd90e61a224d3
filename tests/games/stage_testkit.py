"""Helpers of the hand-written games' rule tests: a frame as an array, a game moved on to a level."""

from typing import Any

import numpy as np

from arc_client.games.play import act, play_plan


def frame_of(result: Any, index: int = -1) -> np.ndarray:
    """Frame `index` of a step's result (the last: where the step settled) as an int16 array."""
    return np.asarray(result.frame[index], dtype=np.int16)


def on_level(cls: type, seed: int, level: int) -> tuple[Any, np.ndarray]:
    """A game of `cls` built with `seed`, moved on to `level` (0-based) by the solver's plans, and that
    level's first frame."""
    game = cls(seed=seed)
    result = act(game, 0)
    for plan in game.solutions[:level]:
        result = play_plan(game, plan)
    assert game.level_index == level
    return game, frame_of(result)
