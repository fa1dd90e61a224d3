"""Crates: push every crate onto a marked spot (keyboard).

The player is a 5x5 two-colour sprite moving 5 pixels a step; crates are 5x5 brown sprites with an
orange cross that turn green-edged on a spot. A crate moves when pushed and stops at walls and other
crates. The six maps are hand-made; odd seeds mirror them left to right. A counter of crates still
off their spots is drawn in the top right corner; the timer bar runs along the bottom.

Baselines: the solver's shortest plan x 1.5, rounded up.
"""

import random
from dataclasses import dataclass

import numpy as np
from arcengine import Sprite

from arc_client.games.heldout.stage import (
    BLACK,
    GRAY,
    GREEN,
    LIGHT_BLUE,
    LIGHT_GRAY,
    MAROON,
    MOVES,
    OFF_BLACK,
    ORANGE,
    RED,
    WHITE,
    YELLOW,
    Stage,
    art,
    block,
    glyphs,
    sprite,
    texture,
)

CELL = 5
MAPS = (
    ("#######",
     "#     #",
     "# PB T#",
     "#     #",
     "#######"),
    ("########",
     "#      #",
     "# B  T #",
     "#P##   #",
     "# B  T #",
     "#      #",
     "########"),
    ("#########",
     "#   #   #",
     "# B   B #",
     "#  ###  #",
     "#P T  T #",
     "#########"),
    ("#######",
     "#T    #",
     "#  B  #",
     "## # ##",
     "#  B  #",
     "#P   T#",
     "#######"),
    ("########",
     "#  T   #",
     "# B##B #",
     "#   P  #",
     "# ## # #",
     "#T  B T#",
     "########"),
    ("#########",
     "#P  #   #",
     "# B   B #",
     "## ## # #",
     "#T  B  T#",
     "#   #  T#",
     "#########"),
)
PLAYER = art([".ccc.", "cwcwc", "ccccc", ".c.c.", "c...c"], {"c": LIGHT_BLUE, "w": WHITE})
CRATE = art(["mmmmm", "mo.om", "m.o.m", "mo.om", "mmmmm"], {"m": MAROON, "o": ORANGE})

Cell = tuple[int, int]


@dataclass(frozen=True)
class CratePuzzle:
    walls: frozenset[Cell]
    spots: frozenset[Cell]
    crates: frozenset[Cell]
    start: Cell
    width: int
    height: int


@dataclass(frozen=True)
class CrateState:
    at: Cell
    crates: frozenset[Cell]


def parse(rows: tuple[str, ...], mirror: bool) -> CratePuzzle:
    if mirror:
        rows = tuple(row[::-1] for row in rows)
    cells: dict[str, set[Cell]] = {}
    for r, row in enumerate(rows):
        for c, char in enumerate(row):
            cells.setdefault(char, set()).add((c, r))
    (start,) = cells["P"]
    return CratePuzzle(frozenset(cells["#"]), frozenset(cells["T"]), frozenset(cells["B"]), start,
                       len(rows[0]), len(rows))


class Hs01(Stage):
    NAME = "hs01"
    TITLE = "Crates"
    TAGS = ["heldout", "keyboard"]
    AVAILABLE = [1, 2, 3, 4]
    BAR = "bottom"
    BAR_COLOUR = YELLOW

    def levels(self, rng: random.Random) -> list[CratePuzzle]:
        mirror = rng.random() < 0.5
        return [parse(rows, mirror) for rows in MAPS]

    def initial_state(self, puzzle: CratePuzzle) -> CrateState:
        return CrateState(puzzle.start, puzzle.crates)

    def transition(self, puzzle: CratePuzzle, state: CrateState, action: int, cell: Cell | None) -> CrateState:
        if action not in MOVES:
            return state
        dx, dy = MOVES[action]
        nxt = (state.at[0] + dx, state.at[1] + dy)
        if nxt in puzzle.walls:
            return state
        if nxt in state.crates:
            beyond = (nxt[0] + dx, nxt[1] + dy)
            if beyond in puzzle.walls or beyond in state.crates:
                return state
            return CrateState(nxt, (state.crates - {nxt}) | {beyond})
        return CrateState(nxt, state.crates)

    def is_solved(self, puzzle: CratePuzzle, state: CrateState) -> bool:
        return state.crates == puzzle.spots

    def _origin(self, puzzle: CratePuzzle) -> tuple[int, int]:
        return (64 - puzzle.width * CELL) // 2, 8 + (54 - puzzle.height * CELL) // 2

    def background(self, puzzle: CratePuzzle) -> np.ndarray:
        floor = texture(random.Random(puzzle.width), 64, BLACK, OFF_BLACK, "noise")
        ox, oy = self._origin(puzzle)
        for c in range(puzzle.width):
            for r in range(puzzle.height):
                x, y = ox + c * CELL, oy + r * CELL
                if (c, r) in puzzle.walls:
                    floor[y : y + CELL, x : x + CELL] = block(CELL, CELL, LIGHT_GRAY, border=GRAY)
                elif (c, r) in puzzle.spots:
                    floor[y : y + CELL, x : x + CELL] = block(CELL, CELL, OFF_BLACK, border=RED)
        return floor

    def scene(self, puzzle: CratePuzzle, state: CrateState) -> list[Sprite]:
        ox, oy = self._origin(puzzle)
        pieces = []
        for c, r in state.crates:
            pixels = CRATE.copy()
            if (c, r) in puzzle.spots:
                pixels[pixels == MAROON] = GREEN
            pieces.append(sprite(pixels, ox + c * CELL, oy + r * CELL, layer=1))
        pieces.append(sprite(PLAYER, ox + state.at[0] * CELL, oy + state.at[1] * CELL, layer=2, name="player"))
        left = len(state.crates - puzzle.spots)
        pieces.append(sprite(glyphs(str(left), WHITE), 58, 1, layer=2, name="counter"))
        pieces.append(sprite(CRATE, 51, 1, layer=2, name="counter-icon"))
        return pieces
