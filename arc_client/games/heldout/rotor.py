"""Rotor: click pieces to turn them until each matches its outline in the legend (click only).

Each piece is an asymmetric two-colour shape, 9x9 pixels, turned a quarter clockwise per click with
the engine's sprite rotation; one to six pieces sit in rows of three. From level 3 on, each piece is
geared to the next one (the chain runs on to the next row, though only pieces side by side show a
link): a click turns that one too (clockwise on levels 3-4, anticlockwise on 5-6, a rule change). The
legend strip at the top shows each piece's target turn as a 3x3 white miniature; the timer bar runs
along the bottom. Start turns are seeded.

Baselines: the solver's shortest click count x 1.5, rounded up.
"""

import random
from dataclasses import dataclass

import numpy as np
from arcengine import Sprite

from arc_client.games.heldout.stage import (
    BLACK,
    BLUE,
    GRAY,
    GREEN,
    MAROON,
    OFF_BLACK,
    ORANGE,
    PURPLE,
    RED,
    WHITE,
    YELLOW,
    Stage,
    block,
    sprite,
    texture,
)

SHAPES = (
    ("##.", ".#.", ".##"),
    ("#..", "###", "..."),
    ("##.", "#..", "#.."),
    ("#..", "##.", ".#."),
)
COLOURS = (RED, GREEN, ORANGE, PURPLE, BLUE, YELLOW)
CELL = 3
# per level: pieces, gear direction (0: none, 1: the right neighbour turns clockwise too, -1: anticlockwise)
LEVELS = ((1, 0), (3, 0), (3, 1), (4, 1), (5, -1), (6, -1))
PER_ROW = 3

Turns = tuple[int, ...]


@dataclass(frozen=True)
class RotorPuzzle:
    shapes: tuple[int, ...]
    gear: int
    start: Turns
    target: Turns


def shape_pixels(shape: int, colour: int) -> np.ndarray:
    rows = SHAPES[shape]
    out = np.full((9, 9), OFF_BLACK, dtype=np.int8)
    for y, row in enumerate(rows):
        for x, char in enumerate(row):
            if char == "#":
                out[y * CELL : (y + 1) * CELL, x * CELL : (x + 1) * CELL] = colour
    out[0:CELL, 0:CELL] = np.where(out[0:CELL, 0:CELL] == colour, MAROON, out[0:CELL, 0:CELL])  # the marked tip
    return out


def miniature(shape: int, turn: int) -> np.ndarray:
    bits = np.array([[c == "#" for c in row] for row in SHAPES[shape]])
    bits = np.rot90(bits, k=-turn)
    return np.where(bits, WHITE, GRAY).astype(np.int8)


def turned(puzzle: RotorPuzzle, turns: Turns, index: int) -> Turns:
    out = list(turns)
    out[index] = (out[index] + 1) % 4
    if puzzle.gear and index + 1 < len(out):
        out[index + 1] = (out[index + 1] + puzzle.gear) % 4
    return tuple(out)


class Hr01(Stage):
    NAME = "hr01"
    TITLE = "Rotor"
    TAGS = ["heldout", "click"]
    AVAILABLE = [6]
    BAR = "bottom"
    BAR_COLOUR = ORANGE

    def levels(self, rng: random.Random) -> list[RotorPuzzle]:
        out = []
        for count, gear in LEVELS:
            shapes = tuple(rng.randrange(len(SHAPES)) for _ in range(count))
            target = tuple(rng.randrange(4) for _ in range(count))
            while True:
                start = tuple(rng.randrange(4) for _ in range(count))
                if start != target:
                    out.append(RotorPuzzle(shapes, gear, start, target))
                    break
        return out

    def _corner(self, puzzle: RotorPuzzle, index: int) -> tuple[int, int]:
        count = min(len(puzzle.shapes), PER_ROW)
        gap = (64 - 9 * count) // (count + 1)
        row, col = divmod(index, PER_ROW)
        return gap + col * (9 + gap), 20 + 20 * row

    def initial_state(self, puzzle: RotorPuzzle) -> Turns:
        return puzzle.start

    def transition(self, puzzle: RotorPuzzle, state: Turns, action: int, cell: tuple[int, int] | None) -> Turns:
        if action != 6 or cell is None:
            return state
        for index in range(len(state)):
            x, y = self._corner(puzzle, index)
            if x <= cell[0] < x + 9 and y <= cell[1] < y + 9:
                return turned(puzzle, state, index)
        return state

    def is_solved(self, puzzle: RotorPuzzle, state: Turns) -> bool:
        return state == puzzle.target

    def click_targets(self, puzzle: RotorPuzzle, state: Turns) -> list[tuple[int, int]]:
        return [(x + 4, y + 4) for x, y in (self._corner(puzzle, i) for i in range(len(state)))]

    def background(self, puzzle: RotorPuzzle) -> np.ndarray:
        floor = texture(random.Random(len(puzzle.shapes)), 64, BLACK, OFF_BLACK, "bricks")
        floor[:9, :] = OFF_BLACK
        return floor

    def scene(self, puzzle: RotorPuzzle, state: Turns) -> list[Sprite]:
        pieces: list[Sprite] = []
        for index, (shape, turn) in enumerate(zip(puzzle.shapes, state, strict=True)):
            x, y = self._corner(puzzle, index)
            piece = Sprite(shape_pixels(shape, COLOURS[index]), x=x, y=y, layer=2, rotation=90 * turn, collidable=False)
            pieces.append(piece)
            pieces.append(sprite(block(11, 11, GRAY), x - 1, y - 1, layer=1))  # the piece's socket
            if puzzle.gear and index + 1 < len(state) and (index + 1) % PER_ROW:
                nx, _ = self._corner(puzzle, index + 1)
                pieces.append(sprite(block(nx - x - 10, 1, WHITE), x + 10, y + 4, layer=1))  # the gear link
            pieces.append(sprite(miniature(shape, puzzle.target[index]), 2 + 5 * index, 3, layer=2))
        return pieces
