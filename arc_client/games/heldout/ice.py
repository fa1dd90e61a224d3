"""Ice Floe: the player slides until something stops it; stop on the exit (keyboard, animated).

A move sends the player (a 2x2-cell two-colour sprite) sliding across the ice until a rock or the
rim stops it; the slide is shown frame by frame, one cell per frame, so one action answers with
several frames. The exit is the tile whose colour the legend (top right) shows; sliding over it does
not count, only stopping on it. From level 2 on, dark cracks lie about: sliding onto one is GAME_OVER.
From level 3 on, the exit is shut (grey) until the player has stopped on the yellow switch.
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
    YELLOW,
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
# per level: rocks, cracks, shortest plan at least, a switch must be stopped on before the exit opens
LEVELS = ((10, 0, 4, False), (12, 6, 6, False), (14, 6, 8, True), (16, 8, 9, True), (18, 10, 10, True),
          (20, 12, 11, True))

Cell = tuple[int, int]


@dataclass(frozen=True)
class IcePuzzle:
    rocks: frozenset[Cell]
    cracks: frozenset[Cell]
    start: Cell
    exit: Cell
    switch: Cell | None


@dataclass(frozen=True)
class IceState:
    at: Cell
    open: bool  # the exit is open (no switch, or the switch was stopped on)


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
        for rocks, cracks, shortest, switched in LEVELS:
            cells = [(c, r) for c in range(COLS) for r in range(ROWS)]
            while True:
                start, exit_, switch, *rest = rng.sample(cells, 3 + rocks + cracks)
                puzzle = IcePuzzle(frozenset(rest[:rocks]), frozenset(rest[rocks:]), start, exit_,
                                   switch if switched else None)
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

    def initial_state(self, puzzle: IcePuzzle) -> IceState:
        return IceState(puzzle.start, puzzle.switch is None)

    def transition(self, puzzle: IcePuzzle, state: IceState, action: int, cell: Cell | None) -> IceState:
        if action not in MOVES:
            return state
        path = self._path(puzzle, state.at, action)
        if not path:
            return state
        return IceState(path[-1], state.open or path[-1] == puzzle.switch)

    def tweens(self, puzzle: IcePuzzle, before: IceState, after: IceState, action: int) -> list[IceState]:
        return [IceState(at, before.open) for at in self._path(puzzle, before.at, action)[:-1]]

    def is_solved(self, puzzle: IcePuzzle, state: IceState) -> bool:
        return state.open and state.at == puzzle.exit

    def is_lost(self, puzzle: IcePuzzle, state: IceState) -> bool:
        return state.at in puzzle.cracks

    def background(self, puzzle: IcePuzzle) -> np.ndarray:
        floor = texture(random.Random(puzzle.start[0]), 32, OFF_BLACK, GRAY, "noise")
        ice = texture(random.Random(puzzle.exit[1]), 32, LIGHT_BLUE, OFF_WHITE, "stripes")
        floor[TOP : TOP + ROWS * CELL, LEFT : LEFT + COLS * CELL] = ice[TOP : TOP + ROWS * CELL, LEFT : LEFT + COLS * CELL]
        for cells, colour in ((puzzle.rocks, GRAY), (puzzle.cracks, BLUE), ({puzzle.exit}, GREEN)):
            for col, row in cells:
                floor[TOP + row * CELL : TOP + (row + 1) * CELL, LEFT + col * CELL : LEFT + (col + 1) * CELL] = colour
        return floor

    def scene(self, puzzle: IcePuzzle, state: IceState) -> list[Sprite]:
        legend = sprite(block(5, 5, GREEN, border=WHITE), 26, 1, layer=2, name="legend")
        pieces = [legend]
        if puzzle.switch is not None:
            col, row = puzzle.switch
            pieces.append(sprite(block(2, 2, GRAY if state.open else YELLOW), LEFT + col * CELL, TOP + row * CELL))
            if not state.open:  # the exit is shut: drawn grey over its green
                col, row = puzzle.exit
                pieces.append(sprite(block(2, 2, GRAY, border=GREEN), LEFT + col * CELL, TOP + row * CELL, name="shut"))
        col, row = state.at
        pieces.append(sprite(PLAYER, LEFT + col * CELL, TOP + row * CELL, layer=3, name="player"))
        return pieces
