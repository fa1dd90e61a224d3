"""Drive a built-in game directly, level by level: the fast path under data generation, DAgger and
held-out evaluation (no client, no server: about 0.1 ms per action)."""

from __future__ import annotations

from typing import Any

import numpy as np
from arcengine import FrameDataRaw

from arc_client.games.kit import PuzzleGame
from arc_client.games.play import act
from arc_client.types import ActionInput, FrameResponse, GameAction, GameState


def start_level(cls: type[PuzzleGame], seed: int, level: int) -> tuple[PuzzleGame, FrameDataRaw]:
    """A game built from `seed`, RESET and brought to the start of `level` (0-based) by the oracle."""
    game = cls(seed=seed)
    raw = act(game, 0)
    for plan in game.solutions[:level]:
        for action, x, y in plan:
            raw = act(game, action, x, y)
    if raw.levels_completed != level:
        raise RuntimeError(f"{cls.NAME} seed {seed}: the oracle did not reach level {level + 1}")
    return game, raw


def frame_of(raw: FrameDataRaw) -> np.ndarray:
    """The settled 64×64 frame of a response, as uint8."""
    return np.asarray(raw.frame[-1], dtype=np.uint8)


def state_of(raw: FrameDataRaw) -> GameState:
    return GameState.parse(raw.state)


def response_of(raw: FrameDataRaw, game: PuzzleGame, action: int = 0, x: int | None = None,
                y: int | None = None) -> FrameResponse:
    """The FrameResponse an agent would have received for `raw` through the client."""
    frames = tuple(np.asarray(f, dtype=np.uint8) for f in raw.frame) or (np.zeros((64, 64), np.uint8),)
    data: dict[str, Any] = {"x": x, "y": y} if action == 6 else {}
    return FrameResponse(
        game_id=game.game_id, guid="local", frames=frames, state=state_of(raw),
        levels_completed=int(raw.levels_completed), win_levels=int(raw.win_levels),
        available_actions=tuple(int(a) for a in raw.available_actions),
        action_input=ActionInput(GameAction(action), data),
    )


def geometry(game: PuzzleGame) -> tuple[int, int, int]:
    """(offset_x, offset_y, scale) of the current level's board in the 64×64 frame."""
    layout = game._layouts[game.level_index]
    return layout.offset_x, layout.offset_y, layout.scale
