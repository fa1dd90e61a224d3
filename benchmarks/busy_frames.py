"""The agents' time per step on frames unlike any built-in game: noise, a textured scene, a big board.

    .venv/bin/python benchmarks/busy_frames.py [--steps 5000] [--agents random,aria-slow,aria-online,aria]
        [--scenes noise,textured,board,flicker,toggles,objects,drift]

Real ARC-AGI-3 games draw textured backgrounds, animations and boards of hundreds of cells, where a
perception pass or a goal reader that is quick on the built-in games may meet thousands of objects.
Each scene here is a stream of 64x64 frames fed straight to an agent's `act` and `observe` (every action
available, one level, no game engine: the frames depend only on the step and on where the agent's
moves put a 4x4 mover), so what is timed is the agent's own work per step:

- `noise`: every frame fresh random noise in 16 colours (every frame a new state, thousands of parts);
- `textured`: one fixed noise texture with the mover drawn on it;
- `board`: a board of 16x16 cells of 3x3 in random colours, one cell recoloured per step;
- `flicker`: a quiet scene with a mover, and an 8x8 patch of noise redrawn every step (an animation);
- `toggles`: a lights-out board of 16x16 cells: a click toggles its cell and the four beside it (every
  click a new state, and the same effect wherever it is clicked: foreseeable).
- `objects`: 40 small still sprites of many colours on a plain floor, a HUD bar along the top that shrinks
  a pixel a step (and fills again), and the mover: a scene of things to walk to, none of which does anything;
- `drift`: 24 small two-colour sprites drifting a pixel a step and bouncing off the edges, and the mover
  (an animated scene: every frame new, and sprites that move on their own under every key).

Printed per agent and scene: the step's time p50 / p95 / max (ms), the slowest step's index, and the
mean of the slowest window of 500 steps with its first step. A single slow step matters on its own (a
game's wall-clock budget counts it, and a median hides it), and so does a late slow stretch: once a
large graph stops growing, every search crosses all of it. Prints figures, asserts nothing.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from agent.evaluation.synthetic import drift
from agent.registry import load_agent
from arc_client.types import ActionInput, FrameResponse, GameAction, GameInfo, GameState

MOVES = {1: (0, -2), 2: (0, 2), 3: (-2, 0), 4: (2, 0)}
WINDOW = 500


class Scene:
    def __init__(self, kind: str, seed: int = 0) -> None:
        self.kind = kind
        self.rng = np.random.default_rng(seed)
        self.texture = self.rng.integers(0, 16, (64, 64)).astype(np.uint8)
        self.cells = self.rng.integers(1, 16, (16, 16)).astype(np.uint8)
        self.x = self.y = 30
        self.lit = self.rng.random((16, 16)) < 0.5
        # the later scenes' own draws, so that the first five scenes' frames stay those of earlier versions
        rng = np.random.default_rng(seed + 1)
        self.floor = np.full((64, 64), 2, dtype=np.uint8)  # `objects`: the same 40 sprites in every frame
        for _ in range(40):
            x, y = (int(v) for v in rng.integers(0, 61, 2))
            self.floor[max(y, 3):y + 3, x:x + 3] = int(rng.integers(4, 16))
            self.floor[max(y, 3) + 1, x + 1] = int(rng.integers(4, 16))
        self.sprites = [[int(v) for v in rng.integers(0, 61, 2)] + [int(d) for d in rng.choice((-1, 1), 2)]
                        + [int(c) for c in rng.choice(np.arange(4, 16), 2, replace=False)] for _ in range(24)]

    def move(self, action: GameAction, x: int | None = None, y: int | None = None) -> None:
        if self.kind == "toggles" and action is GameAction.ACTION6 and x is not None and y is not None:
            r, c = y // 4, x // 4
            for dr, dc in ((0, 0), (1, 0), (-1, 0), (0, 1), (0, -1)):
                if 0 <= r + dr < 16 and 0 <= c + dc < 16:
                    self.lit[r + dr, c + dc] ^= True
            return
        dx, dy = MOVES.get(int(action), (0, 0))
        self.x, self.y = min(58, max(0, self.x + dx)), min(58, max(0, self.y + dy))

    def frame(self, step: int) -> np.ndarray:
        if self.kind == "noise":
            return self.rng.integers(0, 16, (64, 64)).astype(np.uint8)
        if self.kind == "toggles":
            frame = np.zeros((64, 64), dtype=np.uint8)
            frame.reshape(16, 4, 16, 4)[:, :3, :, :3] = np.where(self.lit, 11, 9)[:, None, :, None]
            return frame
        if self.kind == "board":
            cells = self.cells.copy()
            r, c = step % 16, (step // 16) % 16
            cells[r, c] = cells[r, c] % 15 + 1
            frame = np.zeros((64, 64), dtype=np.uint8)
            frame.reshape(16, 4, 16, 4)[:, :3, :, :3] = cells[:, None, :, None]
            return frame
        if self.kind == "objects":
            frame = self.floor.copy()
            frame[0:2, :] = 0
            frame[0:2, :64 - step % 64] = 14  # the bar
            frame[self.y:self.y + 4, self.x:self.x + 4] = 3
            return frame
        if self.kind == "drift":
            frame = np.ones((64, 64), dtype=np.uint8)
            drift(frame, self.sprites)  # a pixel a step, bouncing off the frame's edges
            frame[self.y:self.y + 4, self.x:self.x + 4] = 3
            return frame
        if self.kind == "textured":
            frame = self.texture.copy()
        else:  # flicker
            frame = np.zeros((64, 64), dtype=np.uint8)
            frame[40:48, 40:48] = self.rng.integers(0, 16, (8, 8))
        frame[self.y:self.y + 4, self.x:self.x + 4] = 3
        return frame

    def response(self, step: int, action: GameAction = GameAction.RESET, x: int | None = None,
                 y: int | None = None) -> FrameResponse:
        return FrameResponse.built(game_id="zz01-busy", guid="busy", frames=(self.frame(step),),
                                   state=GameState.NOT_FINISHED, levels_completed=0, win_levels=1,
                                   available_actions=(1, 2, 3, 4, 5, 6, 7),
                                   action_input=ActionInput(action, {} if x is None else {"x": x, "y": y}),
                                   full_reset=False)


def run(agent_name: str, kind: str, steps: int) -> list[float]:
    agent = load_agent(agent_name)(seed=0)
    scene = Scene(kind)
    latest = scene.response(0)
    agent.start(GameInfo("zz01-busy"), latest)
    times = []
    for step in range(steps):
        started = time.perf_counter()
        action = agent.act(latest)
        scene.move(action.action, action.x, action.y)
        result = scene.response(step + 1, action.action, action.x, action.y)
        agent.observe(action, result)
        times.append((time.perf_counter() - started) * 1000)
        latest = result
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=5000)
    parser.add_argument("--agents", default="random,aria-slow,aria-online,aria")
    parser.add_argument("--scenes", default="noise,textured,board,flicker,toggles,objects,drift")
    args = parser.parse_args()
    print(f"{args.steps} steps per agent and scene; ms per step (act + observe), one process")
    print(f"{'scene':10s} {'agent':12s} {'p50':>7s} {'p95':>7s} {'max':>8s} {'at':>5s}  slowest 500 steps: mean, from")
    for kind in args.scenes.split(","):
        for name in args.agents.split(","):
            times = run(name, kind, args.steps)
            ordered = sorted(times)
            worst = max(range(len(times)), key=times.__getitem__)
            window = min(WINDOW, len(times))
            sums = np.convolve(times, np.ones(window), "valid")
            start = int(sums.argmax())
            print(f"{kind:10s} {name:12s} {ordered[len(times) // 2]:7.2f} {ordered[int(0.95 * (len(times) - 1))]:7.2f} "
                  f"{times[worst]:8.1f} {worst:5d}  {sums[start] / window:8.2f} {start:5d}")


if __name__ == "__main__":
    main()
