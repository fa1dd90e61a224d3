"""Twin Walkers: two players move together on every key; bring each onto the pad of its colour (keyboard).

Every move moves both players (2x2-cell sprites of two colours each) one cell the same way; a rock or
the rim stops one while the other goes on, which is the only way to change the gap between them. Two
players never share a cell: a move that would put them on one cell moves neither. The level is won
when both stand on their pads at once (each pad the colour of its player's body). From level 4 on the
second player is mirrored: left moves it right and right moves it left (a rule change nothing shows).
From level 5 on, red lava lies about: a player stepping on it is GAME_OVER. The legend (top right)
shows the two pad colours. The camera is 32x32 cells (two display pixels each; a board cell is 2x2
of them); the timer bar runs down the left side. Rocks, lava, starts and pads are seeded.

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
    LIGHT_GRAY,
    MAGENTA,
    MOVES,
    OFF_BLACK,
    OFF_WHITE,
    ORANGE,
    PURPLE,
    RED,
    WHITE,
    YELLOW,
    Stage,
    block,
    solve,
    sprite,
    texture,
)

CELL = 2
COLS, ROWS = 13, 10
LEFT, TOP = 4, 8
BODIES = (ORANGE, PURPLE)
PLAYERS = (np.array([[ORANGE, ORANGE], [YELLOW, ORANGE]], dtype=np.int8),
           np.array([[PURPLE, PURPLE], [PURPLE, MAGENTA]], dtype=np.int8))
# per level: rocks, lava, the shortest plan's length (least, most), the second player mirrored
LEVELS = ((6, 0, 4, 7, False), (8, 0, 6, 9, False), (10, 0, 8, 12, False), (10, 0, 6, 9, True),
          (12, 3, 8, 12, True), (14, 5, 10, 14, True))

Cell = tuple[int, int]


@dataclass(frozen=True)
class TwinPuzzle:
    rocks: frozenset[Cell]
    lava: frozenset[Cell]
    starts: tuple[Cell, Cell]
    pads: tuple[Cell, Cell]
    mirrored: bool


class Hw01(Stage):
    NAME = "hw01"
    TITLE = "Twin Walkers"
    TAGS = ["heldout", "keyboard"]
    AVAILABLE = [1, 2, 3, 4]
    GRID = 32
    BAR = "left"
    BAR_COLOUR = GREEN

    def levels(self, rng: random.Random) -> list[TwinPuzzle]:
        out = []
        cells = [(c, r) for c in range(COLS) for r in range(ROWS)]
        for rocks, lava, least, most, mirrored in LEVELS:
            while True:
                a, b, pad_a, pad_b, *rest = rng.sample(cells, 4 + rocks + lava)
                puzzle = TwinPuzzle(frozenset(rest[:rocks]), frozenset(rest[rocks:]), (a, b), (pad_a, pad_b),
                                    mirrored)
                plan = solve(self, puzzle)
                if plan is not None and least <= len(plan) <= most:
                    out.append(puzzle)
                    break
        return out

    def _step(self, puzzle: TwinPuzzle, at: Cell, move: tuple[int, int]) -> Cell:
        nxt = (at[0] + move[0], at[1] + move[1])
        if not (0 <= nxt[0] < COLS and 0 <= nxt[1] < ROWS) or nxt in puzzle.rocks:
            return at
        return nxt

    def initial_state(self, puzzle: TwinPuzzle) -> tuple[Cell, Cell]:
        return puzzle.starts

    def transition(self, puzzle: TwinPuzzle, state: tuple[Cell, Cell], action: int,
                   cell: Cell | None) -> tuple[Cell, Cell]:
        if action not in MOVES:
            return state
        dx, dy = MOVES[action]
        a = self._step(puzzle, state[0], (dx, dy))
        b = self._step(puzzle, state[1], (-dx if puzzle.mirrored else dx, dy))
        return state if a == b else (a, b)

    def is_solved(self, puzzle: TwinPuzzle, state: tuple[Cell, Cell]) -> bool:
        return state == puzzle.pads

    def is_lost(self, puzzle: TwinPuzzle, state: tuple[Cell, Cell]) -> bool:
        return state[0] in puzzle.lava or state[1] in puzzle.lava

    def background(self, puzzle: TwinPuzzle) -> np.ndarray:
        floor = texture(random.Random(puzzle.starts[0][0]), 32, OFF_BLACK, BLACK, "bricks")
        board = texture(random.Random(puzzle.pads[1][1]), 32, LIGHT_GRAY, OFF_WHITE, "checker")
        floor[TOP : TOP + ROWS * CELL, LEFT : LEFT + COLS * CELL] = board[TOP : TOP + ROWS * CELL, LEFT : LEFT + COLS * CELL]
        for cells, colour in ((puzzle.rocks, GRAY), (puzzle.lava, RED), ({puzzle.pads[0]}, BODIES[0]),
                              ({puzzle.pads[1]}, BODIES[1])):
            for col, row in cells:
                floor[TOP + row * CELL : TOP + (row + 1) * CELL, LEFT + col * CELL : LEFT + (col + 1) * CELL] = colour
        return floor

    def scene(self, puzzle: TwinPuzzle, state: tuple[Cell, Cell]) -> list[Sprite]:
        legend = block(8, 5, BLACK, border=WHITE)
        legend[2, 2:4] = BODIES[0]
        legend[2, 5:7] = BODIES[1]
        pieces = [sprite(legend, 23, 1, layer=2, name="legend")]
        for index, (col, row) in enumerate(state):
            pieces.append(sprite(PLAYERS[index], LEFT + col * CELL, TOP + row * CELL, layer=3, name=f"player{index}"))
        return pieces
