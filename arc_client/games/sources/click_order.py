"""Click in order: click the coloured blocks in the order the legend shows; a wrong block starts over.

The legend (a row of swatches at the top) gives the order of colours; a white mark under a swatch
shows it is done and a clicked block turns grey. Clicking a block whose colour is not the next one
(a decoy, or the right colour too early) flashes the marks red and restores every block. Later
levels have longer legends, repeated colours (any block of that colour will do) and decoys.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np

# The bundler replaces this import with the kit's source.
from arc_client.games.kit import (
    BLUE,
    FLOOR,
    GRAY,
    GREEN,
    LIGHT_BLUE,
    MAGENTA,
    MAROON,
    ORANGE,
    PURPLE,
    RED,
    WALL,
    WHITE,
    PuzzleGame,
)

Cell = tuple[int, int]
COLOURS = (RED, MAGENTA, ORANGE, PURPLE, LIGHT_BLUE, MAROON, GREEN, BLUE)
# Per level: legend length, distinct colours in it, decoy blocks (colours not in the legend).
LENGTHS = (3, 4, 5, 6, 7, 8)
DISTINCT = (3, 4, 4, 5, 5, 6)
DECOYS = (0, 1, 1, 2, 2, 2)
LEGEND_ROWS = 4  # swatches, marks, separator, then the play area
BLOCK = 2


@dataclass(frozen=True)
class OrderPuzzle:
    width: int
    height: int
    legend: tuple[int, ...]  # colours in the order they must be clicked
    blocks: tuple[tuple[Cell, int], ...]  # (top-left cell, colour) of each BLOCK x BLOCK block


# State: bitmask of the blocks clicked so far in this attempt (its popcount is the progress).
OrderState = int


def block_at(puzzle: OrderPuzzle, cell: Cell) -> int | None:
    """Index of the block covering `cell`, None for empty floor or the legend."""
    col, row = cell
    for index, ((left, top), _) in enumerate(puzzle.blocks):
        if left <= col < left + BLOCK and top <= row < top + BLOCK:
            return index
    return None


class Sq01(PuzzleGame):
    NAME = "sq01"
    TITLE = "Click in Order"
    TAGS = ["click"]
    AVAILABLE = [6]
    LEVELS = 6

    def generate(self, rng: random.Random, index: int) -> OrderPuzzle:
        length = LENGTHS[index]
        side = 2 * length + 4
        palette = rng.sample(COLOURS, DISTINCT[index] + DECOYS[index])
        chosen, decoys = palette[: DISTINCT[index]], palette[DISTINCT[index] :]
        legend = chosen + [rng.choice(chosen) for _ in range(length - len(chosen))]
        rng.shuffle(legend)
        colours = legend + decoys
        rng.shuffle(colours)
        taken: set[Cell] = set()
        blocks: list[tuple[Cell, int]] = []
        spots = [(c, r) for c in range(side - BLOCK + 1) for r in range(LEGEND_ROWS, side - BLOCK + 1)]
        rng.shuffle(spots)
        for left, top in spots:
            if len(blocks) == len(colours):
                break
            # Keep a one-cell gap around every block so blocks never touch.
            halo = {(left + dc, top + dr) for dc in range(-1, BLOCK + 1) for dr in range(-1, BLOCK + 1)}
            if halo & taken:
                continue
            taken |= halo
            blocks.append(((left, top), colours[len(blocks)]))
        return OrderPuzzle(side, side, tuple(legend), tuple(blocks))

    def initial_state(self, puzzle: OrderPuzzle) -> OrderState:
        return 0

    def transition(self, puzzle: OrderPuzzle, state: OrderState, action: int, cell: Cell | None) -> OrderState:
        if action != 6 or cell is None:
            return state
        index = block_at(puzzle, cell)
        if index is None or state >> index & 1:
            return state
        if puzzle.blocks[index][1] == puzzle.legend[state.bit_count()]:
            return state | 1 << index
        return 0  # wrong block: the sequence starts over

    def is_solved(self, puzzle: OrderPuzzle, state: OrderState) -> bool:
        return state.bit_count() == len(puzzle.legend)

    def click_targets(self, puzzle: OrderPuzzle, state: OrderState) -> list[Cell]:
        return [cell for index, (cell, _) in enumerate(puzzle.blocks) if not state >> index & 1]

    def draw(self, puzzle: OrderPuzzle, state: OrderState) -> np.ndarray:
        return self._picture(puzzle, state, WHITE)

    def animate(self, puzzle: OrderPuzzle, before: OrderState, after: OrderState, action: int) -> list[np.ndarray]:
        if after == 0 and before != 0:  # a wrong click: flash the lost progress red
            return [self._picture(puzzle, before, RED)]
        return []

    @staticmethod
    def _picture(puzzle: OrderPuzzle, state: OrderState, mark: int) -> np.ndarray:
        board = np.full((puzzle.height, puzzle.width), FLOOR, dtype=np.uint8)
        board[LEGEND_ROWS - 1, :] = WALL
        done = state.bit_count()
        for i, colour in enumerate(puzzle.legend):
            board[1, 2 + 2 * i] = colour
            if i < done:
                board[2, 2 + 2 * i] = mark
        for index, ((left, top), colour) in enumerate(puzzle.blocks):
            board[top : top + BLOCK, left : left + BLOCK] = GRAY if state >> index & 1 else colour
        return board
