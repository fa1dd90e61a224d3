"""Ice Floe: the player slides until something stops it; stop on the exit (keyboard, animated).

A move sends the player (a 2x2-cell two-colour sprite) sliding across the ice until a rock or the
rim stops it; the slide is shown frame by frame, one cell per frame, so one action answers with
several frames. The exit is the tile whose colour the legend (top right) shows; sliding over it does
not count, only stopping on it. From level 4 on, dark cracks appear: sliding onto one is GAME_OVER.
The camera is 32x32 cells (two display pixels each, a cell is 2x2 of them: 4 display pixels per
cell of slide); the timer bar runs along the bottom. Rocks, cracks, start and exit are seeded.

Baselines: the solver's shortest plan x 1.5, rounded up.
"""

import random
from dataclasses import dataclass

import numpy as np
from arcengine import Sprite

from arc_client.games.heldout.stage import (
    BLUE,
    GRAY,
    GREEN,
    LIGHT_BLUE,
    MAROON,
    MOVES,
    OFF_BLACK,
    OFF_WHITE,
    WHITE,
    Stage,
    block,
    solve,
    sprite,
    texture,
)

CELL = 2
COLS, ROWS = 14, 11
LEFT, TOP = 2, 7
PLAYER = np.array([[MAROON, MAROON], [WHITE, MAROON]], dtype=np.int8)
# per level: rocks, cracks, shortest plan at least
LEVELS = ((10, 0, 3), (14, 0, 4), (18, 0, 5), (16, 4, 5), (20, 6, 6), (22, 8, 7))

Cell = tuple[int, int]


@dataclass(frozen=True)
class IcePuzzle:
    rocks: frozenset[Cell]
    cracks: frozenset[Cell]
    start: Cell
    exit: Cell


class Hi01(Stage):
    NAME = "hi01"
    TITLE = "Ice Floe"
    TAGS = ["heldout", "keyboard"]
    AVAILABLE = [1, 2, 3, 4]
    GRID = 32
    BAR = "bottom"
    BAR_COLOUR = GREEN

    def levels(self, rng: random.Random) -> list[IcePuzzle]:
        out = []
        for rocks, cracks, shortest in LEVELS:
            cells = [(c, r) for c in range(COLS) for r in range(ROWS)]
            while True:
                start, exit_, *rest = rng.sample(cells, 2 + rocks + cracks)
                puzzle = IcePuzzle(frozenset(rest[:rocks]), frozenset(rest[rocks:]), start, exit_)
                plan = solve(self, puzzle)
                if plan is not None and len(plan) >= shortest:
                    out.append(puzzle)
                    break
        return out

    def _path(self, puzzle: IcePuzzle, at: Cell, action: int) -> list[Cell]:
        """The cells the player slides through, the last one where it stops (or falls in a crack)."""
        dx, dy = MOVES[action]
        path: list[Cell] = []
        while True:
            nxt = (at[0] + dx, at[1] + dy)
            if not (0 <= nxt[0] < COLS and 0 <= nxt[1] < ROWS) or nxt in puzzle.rocks:
                return path
            at = nxt
            path.append(at)
            if at in puzzle.cracks:
                return path

    def initial_state(self, puzzle: IcePuzzle) -> Cell:
        return puzzle.start

    def transition(self, puzzle: IcePuzzle, state: Cell, action: int, cell: Cell | None) -> Cell:
        if action not in MOVES:
            return state
        path = self._path(puzzle, state, action)
        return path[-1] if path else state

    def tweens(self, puzzle: IcePuzzle, before: Cell, after: Cell, action: int) -> list[Cell]:
        return self._path(puzzle, before, action)[:-1]

    def is_solved(self, puzzle: IcePuzzle, state: Cell) -> bool:
        return state == puzzle.exit

    def is_lost(self, puzzle: IcePuzzle, state: Cell) -> bool:
        return state in puzzle.cracks

    def background(self, puzzle: IcePuzzle) -> np.ndarray:
        floor = texture(random.Random(puzzle.start[0]), 32, OFF_BLACK, GRAY, "noise")
        ice = texture(random.Random(puzzle.exit[1]), 32, LIGHT_BLUE, OFF_WHITE, "stripes")
        floor[TOP : TOP + ROWS * CELL, LEFT : LEFT + COLS * CELL] = ice[TOP : TOP + ROWS * CELL, LEFT : LEFT + COLS * CELL]
        for cells, colour in ((puzzle.rocks, GRAY), (puzzle.cracks, BLUE), ({puzzle.exit}, GREEN)):
            for col, row in cells:
                floor[TOP + row * CELL : TOP + (row + 1) * CELL, LEFT + col * CELL : LEFT + (col + 1) * CELL] = colour
        return floor

    def scene(self, puzzle: IcePuzzle, state: Cell) -> list[Sprite]:
        legend = sprite(block(5, 5, GREEN, border=WHITE), 26, 1, layer=2, name="legend")
        player = sprite(PLAYER, LEFT + state[0] * CELL, TOP + state[1] * CELL, layer=3, name="player")
        return [legend, player]
