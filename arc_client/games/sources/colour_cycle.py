"""Colour cycle: click cells to cycle their colours until the board matches the target beside it.

Each click steps a cell to the next colour of the level's palette (wrapping round). On levels 2, 4
and 6 a click also cycles the four neighbours (a lights-out board) and briefly flashes the cells it
changed; the board grows every other level. Levels are made by scrambling a solved board with a
few random clicks, so every level is solvable.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np

# The bundler replaces this import with the kit's source.
from arc_client.games.kit import BLUE, FLOOR, GREEN, MAGENTA, ORANGE, PURPLE, RED, WALL, WHITE, PuzzleGame

Cell = tuple[int, int]
PALETTE = (RED, BLUE, GREEN, ORANGE, PURPLE, MAGENTA)
# Per level: (columns, rows, colours, neighbours cycle too, random clicks that scramble the target).
SHAPES = (
    (3, 3, 3, False, 4),
    (3, 3, 2, True, 3),
    (4, 3, 4, False, 5),
    (4, 3, 2, True, 4),
    (4, 4, 3, False, 6),
    (4, 4, 2, True, 5),
)
PITCH = 3  # a cell is 2x2 with a one-cell gap
NEIGHBOURS = ((0, 0), (0, -1), (0, 1), (-1, 0), (1, 0))


@dataclass(frozen=True)
class CyclePuzzle:
    width: int
    height: int
    cols: int
    rows: int
    palette: tuple[int, ...]
    cross: bool  # a click also cycles the four neighbours
    start: tuple[int, ...]  # palette index per cell, row-major
    target: tuple[int, ...]


# State: palette index per cell, row-major.
CycleState = tuple[int, ...]


def canvas_cell(puzzle: CyclePuzzle, cell: Cell) -> int | None:
    """Row-major index of the canvas cell drawn at logical `cell`, None for gaps and the target."""
    col, row = cell
    if col % PITCH == 0 or row % PITCH == 0:
        return None
    i, j = col // PITCH, row // PITCH
    if i >= puzzle.cols or j >= puzzle.rows:
        return None
    return j * puzzle.cols + i


def cycled(puzzle: CyclePuzzle, state: CycleState, index: int) -> CycleState:
    """The board after one click on cell `index`."""
    cells = list(state)
    i, j = index % puzzle.cols, index // puzzle.cols
    for di, dj in NEIGHBOURS if puzzle.cross else NEIGHBOURS[:1]:
        if 0 <= i + di < puzzle.cols and 0 <= j + dj < puzzle.rows:
            k = (j + dj) * puzzle.cols + i + di
            cells[k] = (cells[k] + 1) % len(puzzle.palette)
    return tuple(cells)


class Cy01(PuzzleGame):
    NAME = "cy01"
    TITLE = "Colour Cycle"
    TAGS = ["click"]
    AVAILABLE = [6]
    LEVELS = 6

    def generate(self, rng: random.Random, index: int) -> CyclePuzzle:
        cols, rows, colours, cross, clicks = SHAPES[index]
        palette = tuple(rng.sample(PALETTE, colours))
        target = tuple(rng.randrange(colours) for _ in range(cols * rows))
        width = 2 * PITCH * cols + 3
        puzzle = CyclePuzzle(width, PITCH * rows + 1, cols, rows, palette, cross, target, target)
        start = target
        for index_ in rng.sample(range(cols * rows), clicks):
            # Scrambling by inverse clicks: m-1 forward clicks undo one, so the player clicks forward.
            for _ in range(colours - 1 if cross else rng.randrange(1, colours)):
                start = cycled(puzzle, start, index_)
        return CyclePuzzle(width, PITCH * rows + 1, cols, rows, palette, cross, start, target)

    def initial_state(self, puzzle: CyclePuzzle) -> CycleState:
        return puzzle.start

    def transition(self, puzzle: CyclePuzzle, state: CycleState, action: int, cell: Cell | None) -> CycleState:
        if action != 6 or cell is None:
            return state
        index = canvas_cell(puzzle, cell)
        return state if index is None else cycled(puzzle, state, index)

    def is_solved(self, puzzle: CyclePuzzle, state: CycleState) -> bool:
        return state == puzzle.target

    def click_targets(self, puzzle: CyclePuzzle, state: CycleState) -> list[Cell]:
        cells = range(puzzle.cols * puzzle.rows)
        if not puzzle.cross:  # without neighbours, clicking a matching cell only undoes the match
            cells = [k for k in cells if state[k] != puzzle.target[k]]  # type: ignore[assignment]
        return [(1 + PITCH * (k % puzzle.cols), 1 + PITCH * (k // puzzle.cols)) for k in cells]

    def draw(self, puzzle: CyclePuzzle, state: CycleState) -> np.ndarray:
        board = np.full((puzzle.height, puzzle.width), FLOOR, dtype=np.uint8)
        right = PITCH * puzzle.cols + 2  # the target, right of a wall column
        board[:, right - 1] = WALL
        for k, (now, goal) in enumerate(zip(state, puzzle.target, strict=True)):
            col, row = 1 + PITCH * (k % puzzle.cols), 1 + PITCH * (k // puzzle.cols)
            board[row : row + 2, col : col + 2] = puzzle.palette[now]
            board[row : row + 2, right + col - 1 : right + col + 1] = puzzle.palette[goal]
        return board

    def animate(self, puzzle: CyclePuzzle, before: CycleState, after: CycleState, action: int) -> list[np.ndarray]:
        if not puzzle.cross:
            return []
        flash = self.draw(puzzle, after)
        for k, (old, new) in enumerate(zip(before, after, strict=True)):
            if old != new:  # show which cells the click reached
                col, row = 1 + PITCH * (k % puzzle.cols), 1 + PITCH * (k // puzzle.cols)
                flash[row : row + 2, col : col + 2] = WHITE
        return [flash]
