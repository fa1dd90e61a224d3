"""Counter: click the buttons until the big counter shows the number in the legend (click only).

The counter is drawn with 3x5 digit sprites at twice their size in the middle of the scene; the
target number sits small in a framed legend at the top right. Buttons along the bottom carry their
effect as a glyph (+1, -1, +3, x2, -5, ...), and the set of buttons changes from level to level. The
counter stays within 0..999. From level 5 on, every click also adds 1 on its own after the button's
effect (a rule change the glyphs do not show). The camera is 64x64; the timer bar runs along the top.
Targets are seeded.

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
    LIGHT_BLUE,
    MAROON,
    OFF_BLACK,
    ORANGE,
    RED,
    WHITE,
    YELLOW,
    Stage,
    block,
    glyphs,
    sprite,
    texture,
)

# per level: buttons (op, amount), start, target range, drift added after every click
LEVELS = (
    ((("+", 1), ("-", 1)), 0, (4, 6), 0),
    ((("+", 1), ("+", 3), ("-", 1)), 2, (11, 15), 0),
    ((("+", 3), ("-", 1), ("x", 2)), 1, (40, 60), 0),
    ((("x", 2), ("-", 5), ("+", 1), ("-", 1), ("+", 9)), 3, (150, 250), 0),
    ((("+", 1), ("x", 2), ("-", 3), ("+", 9)), 0, (200, 400), 1),
    ((("x", 2), ("+", 3), ("-", 5), ("-", 2), ("x", 3)), 5, (500, 900), 1),
)
TOP_VALUE = 999
BUTTON_W, BUTTON_H = 11, 9


@dataclass(frozen=True)
class CounterPuzzle:
    buttons: tuple[tuple[str, int], ...]
    start: int
    target: int
    drift: int


def apply(op: str, amount: int, value: int) -> int:
    value = value + amount if op == "+" else value - amount if op == "-" else value * amount
    return max(0, min(TOP_VALUE, value))


class Hc01(Stage):
    NAME = "hc01"
    TITLE = "Counter"
    TAGS = ["heldout", "click"]
    AVAILABLE = [6]
    BAR = "top"
    BAR_COLOUR = LIGHT_BLUE

    def levels(self, rng: random.Random) -> list[CounterPuzzle]:
        return [CounterPuzzle(buttons, start, rng.randint(*span), drift) for buttons, start, span, drift in LEVELS]

    def _button(self, puzzle: CounterPuzzle, index: int) -> tuple[int, int]:
        count = len(puzzle.buttons)
        gap = (64 - BUTTON_W * count) // (count + 1)
        return gap + index * (BUTTON_W + gap), 48

    def initial_state(self, puzzle: CounterPuzzle) -> int:
        return puzzle.start

    def transition(self, puzzle: CounterPuzzle, state: int, action: int, cell: tuple[int, int] | None) -> int:
        if action != 6 or cell is None:
            return state
        for index, (op, amount) in enumerate(puzzle.buttons):
            x, y = self._button(puzzle, index)
            if x <= cell[0] < x + BUTTON_W and y <= cell[1] < y + BUTTON_H:
                return max(0, min(TOP_VALUE, apply(op, amount, state) + puzzle.drift))
        return state

    def is_solved(self, puzzle: CounterPuzzle, state: int) -> bool:
        return state == puzzle.target

    def click_targets(self, puzzle: CounterPuzzle, state: int) -> list[tuple[int, int]]:
        return [(x + BUTTON_W // 2, y + BUTTON_H // 2) for x, y in map(lambda i: self._button(puzzle, i),
                                                                        range(len(puzzle.buttons)))]

    def background(self, puzzle: CounterPuzzle) -> np.ndarray:
        floor = texture(random.Random(puzzle.target), 64, BLACK, OFF_BLACK, "checker")
        floor[16:36, 18:46] = block(28, 20, OFF_BLACK, border=GRAY)
        return floor

    def scene(self, puzzle: CounterPuzzle, state: int) -> list[Sprite]:
        digits = glyphs(f"{state:03d}", WHITE)
        pieces = [sprite(np.repeat(np.repeat(digits, 2, axis=0), 2, axis=1), 21, 21, layer=2, name="counter")]
        legend = block(15, 9, BLACK, border=YELLOW)
        small = glyphs(f"{puzzle.target:03d}", YELLOW)
        legend[2:7, 2:13] = np.where(small >= 0, small, BLACK)
        pieces.append(sprite(legend, 47, 4, layer=2, name="legend"))
        for index, (op, amount) in enumerate(puzzle.buttons):
            x, y = self._button(puzzle, index)
            face = block(BUTTON_W, BUTTON_H, BLUE if op != "-" else MAROON, border=ORANGE if op == "x" else RED)
            label = glyphs(f"{op}{amount}", WHITE)
            face[2:7, 2:2 + label.shape[1]] = np.where(label >= 0, label, face[2:7, 2:2 + label.shape[1]])
            pieces.append(sprite(face, x, y, name=f"button{index}"))
        return pieces
