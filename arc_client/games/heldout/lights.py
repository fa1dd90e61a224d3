"""Lantern Grid: click lanterns until the grid matches the small picture in the legend (click only).

A click toggles a lantern and its four neighbours (levels 1-3, 5); on levels 4 and 6 the rule
changes and a click toggles the lantern and its four DIAGONAL neighbours instead. The legend at the
top left shows the target as one pixel pair per lantern. The camera is 32x32 cells, two display
pixels each; the timer bar runs down the right edge. Levels are the target scrambled by a few seeded
clicks, so the scramble clicks themselves (each counted once) win the level.

Baselines: the length of that winning click set x 1.5, rounded up.
"""

import random
from dataclasses import dataclass

import numpy as np
from arcengine import Sprite

from arc_client.games.heldout.stage import (
    BLUE,
    GRAY,
    LIGHT_GRAY,
    OFF_BLACK,
    ORANGE,
    WHITE,
    YELLOW,
    Stage,
    block,
    sprite,
    texture,
)

PITCH = 4  # a lantern is 3x3 cells with a one-cell gap
LEFT, TOP = 3, 9
PLUS = ((0, 0), (0, -1), (0, 1), (-1, 0), (1, 0))
DIAGONAL = ((0, 0), (-1, -1), (1, -1), (-1, 1), (1, 1))
# per level: side, diagonal rule, scramble clicks
SHAPES = ((3, False, 2), (3, False, 3), (4, False, 4), (4, True, 3), (5, False, 5), (5, True, 5))
ON = np.array([[ORANGE, YELLOW, ORANGE], [YELLOW, WHITE, YELLOW], [ORANGE, YELLOW, ORANGE]], dtype=np.int8)
OFF = block(3, 3, GRAY, border=LIGHT_GRAY)

Lamps = tuple[bool, ...]


@dataclass(frozen=True)
class LightsPuzzle:
    side: int
    diagonal: bool
    target: Lamps
    start: Lamps
    clicks: tuple[int, ...]  # the scramble, each lantern at most once


def toggled(puzzle: LightsPuzzle, lamps: Lamps, index: int) -> Lamps:
    out = list(lamps)
    col, row = index % puzzle.side, index // puzzle.side
    for dc, dr in DIAGONAL if puzzle.diagonal else PLUS:
        c, r = col + dc, row + dr
        if 0 <= c < puzzle.side and 0 <= r < puzzle.side:
            out[r * puzzle.side + c] = not out[r * puzzle.side + c]
    return tuple(out)


class Hl01(Stage):
    NAME = "hl01"
    TITLE = "Lantern Grid"
    TAGS = ["heldout", "click"]
    AVAILABLE = [6]
    GRID = 32
    BAR = "right"
    BAR_COLOUR = BLUE

    def levels(self, rng: random.Random) -> list[LightsPuzzle]:
        out = []
        for side, diagonal, count in SHAPES:
            while True:
                target = tuple(rng.random() < 0.5 for _ in range(side * side))
                clicks = tuple(sorted(rng.sample(range(side * side), count)))
                puzzle = LightsPuzzle(side, diagonal, target, target, clicks)
                start = target
                for index in clicks:
                    start = toggled(puzzle, start, index)
                if start != target:
                    out.append(LightsPuzzle(side, diagonal, target, start, clicks))
                    break
        return out

    def known_plan(self, puzzle: LightsPuzzle) -> list[tuple[int, int, int]]:
        return [(6, *self.display_point(self._centre(puzzle, i))) for i in puzzle.clicks]

    def _centre(self, puzzle: LightsPuzzle, index: int) -> tuple[int, int]:
        return LEFT + (index % puzzle.side) * PITCH + 1, TOP + (index // puzzle.side) * PITCH + 1

    def initial_state(self, puzzle: LightsPuzzle) -> Lamps:
        return puzzle.start

    def transition(self, puzzle: LightsPuzzle, state: Lamps, action: int, cell: tuple[int, int] | None) -> Lamps:
        if action != 6 or cell is None:
            return state
        col, dx = divmod(cell[0] - LEFT, PITCH)
        row, dy = divmod(cell[1] - TOP, PITCH)
        if not (0 <= col < puzzle.side and 0 <= row < puzzle.side) or dx == 3 or dy == 3:
            return state
        return toggled(puzzle, state, row * puzzle.side + col)

    def is_solved(self, puzzle: LightsPuzzle, state: Lamps) -> bool:
        return state == puzzle.target

    def click_targets(self, puzzle: LightsPuzzle, state: Lamps) -> list[tuple[int, int]]:
        return [self._centre(puzzle, i) for i in range(puzzle.side * puzzle.side)]

    def background(self, puzzle: LightsPuzzle) -> np.ndarray:
        floor = texture(random.Random(puzzle.side), 32, OFF_BLACK, BLUE, "stripes")
        floor[:8, :] = OFF_BLACK
        return floor

    def scene(self, puzzle: LightsPuzzle, state: Lamps) -> list[Sprite]:
        pieces = []
        for i, lit in enumerate(state):
            x, y = self._centre(puzzle, i)
            pieces.append(sprite(ON if lit else OFF, x - 1, y - 1))
        legend = block(puzzle.side + 2, puzzle.side + 2, OFF_BLACK, border=WHITE)
        for i, lit in enumerate(puzzle.target):
            legend[1 + i // puzzle.side, 1 + i % puzzle.side] = YELLOW if lit else GRAY
        pieces.append(sprite(legend, 1, 1, layer=2, name="legend"))
        return pieces
