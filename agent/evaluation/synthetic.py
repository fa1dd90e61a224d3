"""Synthetic frame streams for robustness checks: games of random sprites, movers, clicks, textures,
static and HUD bars, unlike any game of the suite or the held-out set.

They have no goal: a level ends (or the game is over) at random. They exist to check what no real game
here shows on demand: that an agent survives any frame (it never raises, every action it returns is
legal) and how long its slowest steps take (`benchmarks/robustness.py`; `tests/agent/test_robustness.py`).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from agent.base import Agent
from arc_client.types import ActionInput, FrameResponse, GameAction, GameInfo, GameState

KINDS = ("mover", "click", "noise", "mixed", "empty", "big")
GAME_ID = "sy01-00000000"
WIN_LEVELS = 8


@dataclass
class Scene:
    kind: str
    frame: np.ndarray
    objects: list[list[int]]  # [top, left, height, width, colour]; the first is the mover
    available: tuple[int, ...]


def drift(frame: np.ndarray, sprites: list[list[int]]) -> None:
    """Sprites that move on their own, a frame on: each `[x, y, dx, dy, outer, inner]` goes a pixel along its
    heading, turning back at the frame's edges (in place), and is drawn on `frame` as a 3x3 box of `outer`
    round one cell of `inner` (`benchmarks/busy_frames.py`'s `drift` scene, the twins reader's tests)."""
    for sprite in sprites:
        for i in (0, 1):
            if not 0 <= sprite[i] + sprite[2 + i] <= 61:
                sprite[2 + i] = -sprite[2 + i]
            sprite[i] += sprite[2 + i]
        x, y, _, _, outer, inner = sprite
        frame[y:y + 3, x:x + 3] = outer
        frame[y + 1, x + 1] = inner


def scene(rng: random.Random) -> Scene:
    """A new level: a background (textured at times), up to 60 rectangles (six large ones in `big`), or
    static in `noise`, and a random set of available actions."""
    kind = rng.choice(KINDS)
    frame = np.full((64, 64), rng.randrange(16), dtype=np.uint8)
    if rng.random() < 0.5:
        frame[::2, ::2] = rng.randrange(16)
    objects = []
    big = kind == "big"
    for _ in range(rng.randrange(0, 6 if big else 60)):
        h, w = rng.randrange(1, 40 if big else 6), rng.randrange(1, 40 if big else 6)
        top, left, colour = rng.randrange(0, 65 - h), rng.randrange(0, 65 - w), rng.randrange(16)
        frame[top:top + h, left:left + w] = colour
        objects.append([top, left, h, w, colour])
    if kind == "noise":
        frame = np.array(rng.choices(range(16), k=64 * 64), dtype=np.uint8).reshape(64, 64)
    available = tuple(sorted(rng.sample(range(1, 8), rng.randrange(1, 8))))
    return Scene(kind, frame, objects, available)


def _response(frame: np.ndarray, state: GameState, levels: int, available: tuple[int, ...], action: GameAction,
              x: int | None = None, y: int | None = None, frames: int = 1) -> FrameResponse:
    data = {} if x is None else {"x": x, "y": y}
    return FrameResponse(game_id=GAME_ID, guid="synthetic", frames=tuple(frame for _ in range(frames)), state=state,
                         levels_completed=levels, win_levels=WIN_LEVELS, available_actions=available,
                         action_input=ActionInput(action, data))


class SyntheticGame:
    """One stream: keys move the first rectangle 2 cells, a click recolours the cell's neighbourhood or
    every cell of its colour, ACTION5 at times turns the frame; a bar along the top ticks; one step in 50
    is static; a level ends with chance 1%, the game is over with chance 1%, won after 8 levels."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.scene = scene(self.rng)
        self.levels = 0
        self.steps = 0

    def reset(self) -> FrameResponse:
        if self.rng.random() < 0.3:
            self.scene = scene(self.rng)
        return _response(self.scene.frame, GameState.NOT_FINISHED, self.levels, self.scene.available, GameAction.RESET)

    def step(self, action: GameAction, x: int | None, y: int | None) -> FrameResponse:
        rng, s = self.rng, self.scene
        self.steps += 1
        f = s.frame.copy()
        key = int(action.value)
        if key in (1, 2, 3, 4) and s.objects:
            top, left, h, w, colour = s.objects[0]
            dy, dx = {1: (-2, 0), 2: (2, 0), 3: (0, -2), 4: (0, 2)}[key]
            ny, nx = min(max(top + dy, 1), 64 - h), min(max(left + dx, 0), 64 - w)
            f[top:top + h, left:left + w] = s.frame[1, 1] if rng.random() < 0.5 else 0
            f[ny:ny + h, nx:nx + w] = colour
            s.objects[0] = [ny, nx, h, w, colour]
        elif key == 6 and x is not None and y is not None and 0 <= x < 64 and 0 <= y < 64:
            value = int(f[y, x])
            if rng.random() < 0.5:
                f[max(0, y - 2):y + 3, max(0, x - 2):x + 3] = (value + 1) % 16
            else:
                f[f == value] = (value + 3) % 16
        elif key == 5 and rng.random() < 0.1:
            f = np.rot90(f).copy()
        if rng.random() < 0.9:
            f[0, :] = 0
            f[0, :max(0, 64 - self.steps % 64)] = 11
        if rng.random() < 0.02:
            f = np.array(rng.choices(range(16), k=64 * 64), dtype=np.uint8).reshape(64, 64)
        s.frame = f
        state, roll = GameState.NOT_FINISHED, rng.random()
        if roll < 0.01:
            self.levels += 1
            self.scene = scene(rng)
            state = GameState.WIN if self.levels >= WIN_LEVELS else state
        elif roll < 0.02:
            state = GameState.GAME_OVER
        return _response(self.scene.frame, state, self.levels, self.scene.available, action, x, y,
                         frames=rng.choice((1, 1, 3)))


@dataclass
class Played:
    kind: str
    steps: int = 0
    levels: int = 0
    seconds: list[float] = field(default_factory=list)  # the agent's time per step (choose and learn)
    illegal: list[str] = field(default_factory=list)  # actions not available, clicks off the grid


def play(agent_of: Callable[[int], Agent], seed: int, steps: int) -> Played:
    """`agent_of(seed)` plays a synthetic game for `steps` steps (fewer when it is won); an exception the
    agent raises propagates."""
    game = SyntheticGame(seed)
    agent = agent_of(seed)
    latest = game.reset()
    agent.start(GameInfo(GAME_ID, "synthetic"), latest)
    out = Played(game.scene.kind)
    for _ in range(steps):
        started = time.perf_counter()
        action = agent.act(latest)
        choose = time.perf_counter() - started
        key = int(action.action.value)
        if key != 0 and latest.state is GameState.GAME_OVER:
            out.illegal.append(f"{action.action.name} after GAME_OVER (RESET is the only way on)")
        elif key != 0 and key not in latest.available_actions:
            out.illegal.append(f"{action.action.name} not in {latest.available_actions}")
        if key == 6 and not (action.x is not None and action.y is not None and 0 <= action.x < 64 and 0 <= action.y < 64):
            out.illegal.append(f"click at ({action.x}, {action.y})")
        result = game.reset() if key == 0 else game.step(action.action, action.x, action.y)
        started = time.perf_counter()
        agent.observe(action, result)
        out.seconds.append(choose + time.perf_counter() - started)
        out.steps += 1
        out.levels = result.levels_completed
        latest = result
        if result.state is GameState.WIN:
            break
    return out
