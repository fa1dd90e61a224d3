"""Paint the pattern: move a cursor over a canvas and paint it until it equals the target beside it.

ACTION1-4 move the cursor (the blue frame), ACTION5 adds a coat: the cell steps to the next colour
of the palette shown along the bottom (grey first) and stays at the last one. Paint cannot be
removed, so an extra coat spoils the level unless ACTION7 undoes it. Later levels have bigger
canvases, more colours and more cells to paint.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

import numpy as np

# The bundler replaces this import with the kit's source.
from arc_client.games.kit import (
    FLOOR,
    GRAY,
    GREEN,
    LIGHT_BLUE,
    MAGENTA,
    MOVES,
    ORANGE,
    PLAYER,
    PURPLE,
    RED,
    WALL,
    PuzzleGame,
)

Cell = tuple[int, int]
COATS = (RED, GREEN, ORANGE, PURPLE, MAGENTA, LIGHT_BLUE)
BLANK = GRAY
# Per level: (canvas side, colours including blank, cells to paint).
SHAPES = ((3, 2, 3), (3, 3, 4), (4, 3, 5), (4, 3, 6), (5, 3, 6), (5, 4, 5))
# Keeps the oracle's search (cursor cells x partial coats) small: product of (coats + 1) per cell.
MAX_COMBINATIONS = 120
PITCH = 3  # a canvas cell is 2x2 with a one-cell gap where the cursor frame is drawn


@dataclass(frozen=True)
class PaintPuzzle:
    width: int
    height: int
    side: int
    palette: tuple[int, ...]  # palette[0] is the blank canvas
    target: tuple[int, ...]  # palette index per canvas cell, row-major


# State: (cursor (col, row) on the canvas, palette index per canvas cell).
PaintState = tuple[Cell, tuple[int, ...]]


class Pp01(PuzzleGame):
    NAME = "pp01"
    TITLE = "Paint the Pattern"
    TAGS = ["keyboard"]
    AVAILABLE = [1, 2, 3, 4, 5, 7]
    LEVELS = 6
    UNDO = True

    def generate(self, rng: random.Random, index: int) -> PaintPuzzle:
        side, colours, count = SHAPES[index]
        palette = (BLANK, *rng.sample(COATS, colours - 1))
        while True:
            coats = [rng.randrange(1, colours) for _ in range(count)]
            if math.prod(c + 1 for c in coats) <= MAX_COMBINATIONS:
                break
        target = [0] * side * side
        for cell, coat in zip(rng.sample(range(side * side), count), coats, strict=True):
            target[cell] = coat
        # Target (2x2 per cell) | wall | canvas (pitch 3); the palette legend along the bottom.
        width = 2 * side + 2 + PITCH * side + 1
        return PaintPuzzle(width, PITCH * side + 3, side, palette, tuple(target))

    def initial_state(self, puzzle: PaintPuzzle) -> PaintState:
        return ((0, 0), (0,) * (puzzle.side * puzzle.side))

    def transition(self, puzzle: PaintPuzzle, state: PaintState, action: int, cell: Cell | None) -> PaintState:
        (col, row), canvas = state
        if action in MOVES:
            dx, dy = MOVES[action]
            col, row = min(max(col + dx, 0), puzzle.side - 1), min(max(row + dy, 0), puzzle.side - 1)
            return ((col, row), canvas)
        if action == 5:
            k = row * puzzle.side + col
            if canvas[k] + 1 < len(puzzle.palette):
                return ((col, row), canvas[:k] + (canvas[k] + 1,) + canvas[k + 1 :])
        return state

    def is_solved(self, puzzle: PaintPuzzle, state: PaintState) -> bool:
        return state[1] == puzzle.target

    def dead(self, puzzle: PaintPuzzle, state: PaintState) -> bool:
        # Coats never come off, so a cell past its target colour can never match again.
        return any(map(int.__gt__, state[1], puzzle.target))

    def draw(self, puzzle: PaintPuzzle, state: PaintState) -> np.ndarray:
        (cursor_col, cursor_row), canvas = state
        board = np.full((puzzle.height, puzzle.width), FLOOR, dtype=np.uint8)
        side = puzzle.side
        left = 2 * side + 2  # the canvas starts right of the target and a wall column
        board[: PITCH * side + 1, left - 1] = WALL
        x, y = left + PITCH * cursor_col, PITCH * cursor_row
        board[y : y + PITCH + 1, x : x + PITCH + 1] = PLAYER
        for k, (now, goal) in enumerate(zip(canvas, puzzle.target, strict=True)):
            col, row = k % side, k // side
            board[1 + 2 * row : 3 + 2 * row, 1 + 2 * col : 3 + 2 * col] = puzzle.palette[goal]
            x, y = left + 1 + PITCH * col, 1 + PITCH * row
            board[y : y + 2, x : x + 2] = puzzle.palette[now]
        for i, colour in enumerate(puzzle.palette):  # the order coats go on
            board[puzzle.height - 2, left + 1 + 2 * i] = colour
        return board
