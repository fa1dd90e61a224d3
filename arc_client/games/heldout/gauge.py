"""Gauge: click the buttons until the big two-digit gauge shows the number in the legend (click only).

A second number game, drawn and ruled otherwise than Counter (`hc01`). The value (0..99; a result
below 0 gives 0, above 99 gives 99) is drawn in green in the game's own 4x6 digit font at three
times its size on a black panel framed in green at the top right, right-aligned with no leading zero
(a one-digit value leaves the left slot blank). The target sits small below it, at (37, 46), in the
same font at its own size, light magenta in a black legend framed in magenta, right-aligned the same
way (a one-digit target has a blank in front). The floor is a maroon brick wall with black mortar.

The buttons stand in a column at the left, light grey with a grey rim, and carry their effect as a
pictogram: "+n" is a green up-arrow beside n black dots laid out as on a die, "-n" a red down-arrow
beside n dots, "x2" one purple square, a black right-pointing triangle, then two purple squares.
Level 1 has +1 and -1 from 0; level 2 adds +3; level 3 brings x2 (with +2 and -1); level 4 has five
buttons (x2, +1, -3, +4, -1); level 5 has +1, x2, -2, +3, level 6 +4, x2, -5, +1, -1. From level 5 on every click applies its button's effect twice (+1 adds
2, x2 multiplies by 4, -2 takes 4 away): a rule change the pictograms do not show. The camera is
64x64; the timer bar runs along the left edge. Starts are fixed; each level's target is drawn from
the seed among the values whose shortest click count lies in the level's span.

Baselines: the solver's shortest click count x 1.5, rounded up.
"""

import random
from collections import deque
from dataclasses import dataclass

import numpy as np
from arcengine import Sprite

from arc_client.games.heldout.stage import (
    BLACK,
    CLEAR,
    GRAY,
    GREEN,
    LIGHT_GRAY,
    LIGHT_MAGENTA,
    MAGENTA,
    MAROON,
    ORANGE,
    PURPLE,
    RED,
    Stage,
    art,
    block,
    sprite,
    texture,
)

TOP_VALUE = 99
# Gauge's own 4x6 digit font (rounded, unlike the stage's blocky 3x5 `glyphs`).
DIGITS = {
    "0": (".##.", "#..#", "#..#", "#..#", "#..#", ".##."),
    "1": ("..#.", ".##.", "..#.", "..#.", "..#.", ".###"),
    "2": (".##.", "#..#", "...#", "..#.", ".#..", "####"),
    "3": ("###.", "...#", ".##.", "...#", "...#", "###."),
    "4": ("..#.", ".##.", "#.#.", "####", "..#.", "..#."),
    "5": ("####", "#...", "###.", "...#", "...#", "###."),
    "6": (".##.", "#...", "###.", "#..#", "#..#", ".##."),
    "7": ("####", "...#", "..#.", "..#.", ".#..", ".#.."),
    "8": (".##.", "#..#", ".##.", "#..#", "#..#", ".##."),
    "9": (".##.", "#..#", "#..#", ".###", "...#", ".##."),
}
DIGIT_W, DIGIT_H = 4, 6
SCALE = 3  # the display's digits; the legend's are at scale 1
PANEL = (26, 6, 35, 26)  # x, y, width, height of the display's panel
DISPLAY_AT = (30, 10)  # the display's digits (two slots, 27x18 pixels)
LEGEND = (37, 46, 13, 10)  # x, y, width, height of the target's legend
LEGEND_AT = (39, 48)  # the legend's digits (two slots, 9x6 pixels)
BUTTON_X, BUTTON_W, BUTTON_H, BUTTON_GAP = 4, 19, 9, 3
# dots of a die face on a 5x5 patch: (x, y) per amount
DIE = {
    1: ((2, 2),),
    2: ((0, 0), (4, 4)),
    3: ((0, 0), (2, 2), (4, 4)),
    4: ((0, 0), (4, 0), (0, 4), (4, 4)),
    5: ((0, 0), (4, 0), (2, 2), (0, 4), (4, 4)),
    6: ((0, 0), (0, 2), (0, 4), (4, 0), (4, 2), (4, 4)),
}
UP = ("..#..", ".###.", "#.#.#", "..#..", "..#..")
TRIANGLE = ("#..", "##.", "###", "##.", "#..")

# per level: buttons (op, amount) from the top, start, span of the target's shortest click count,
# times each click applies its button's effect
LEVELS = (
    ((("+", 1), ("-", 1)), 0, (3, 6), 1),
    ((("+", 1), ("+", 3), ("-", 1)), 2, (4, 6), 1),
    ((("+", 2), ("-", 1), ("x", 2)), 1, (5, 7), 1),
    ((("x", 2), ("+", 1), ("-", 3), ("+", 4), ("-", 1)), 3, (5, 7), 1),
    ((("+", 1), ("x", 2), ("-", 2), ("+", 3)), 1, (4, 6), 2),
    ((("+", 4), ("x", 2), ("-", 5), ("+", 1), ("-", 1)), 3, (5, 7), 2),
)


@dataclass(frozen=True)
class GaugePuzzle:
    buttons: tuple[tuple[str, int], ...]
    start: int
    target: int
    repeat: int  # how many times a click applies its button's effect (2 from level 5 on)


def apply(op: str, amount: int, value: int) -> int:
    value = value + amount if op == "+" else value - amount if op == "-" else value * amount
    return max(0, min(TOP_VALUE, value))


def press(buttons: tuple[tuple[str, int], ...], repeat: int, index: int, value: int) -> int:
    op, amount = buttons[index]
    for _ in range(repeat):
        value = apply(op, amount, value)
    return value


def click_counts(buttons: tuple[tuple[str, int], ...], repeat: int, start: int) -> dict[int, int]:
    """The fewest clicks from `start` to every value reachable."""
    seen = {start: 0}
    queue = deque([start])
    while queue:
        value = queue.popleft()
        for index in range(len(buttons)):
            nxt = press(buttons, repeat, index, value)
            if nxt not in seen:
                seen[nxt] = seen[value] + 1
                queue.append(nxt)
    return seen


def number(value: int, colour: int, scale: int) -> np.ndarray:
    """`value` (0..99) in two right-aligned slots of the 4x6 font, one font pixel apart, no leading zero."""
    out = np.full((DIGIT_H, 2 * DIGIT_W + 1), CLEAR, dtype=np.int8)
    text = str(value).rjust(2)
    for slot, char in enumerate(text):
        if char != " ":
            out[:, slot * (DIGIT_W + 1) : slot * (DIGIT_W + 1) + DIGIT_W] = art(list(DIGITS[char]), {"#": colour})
    return np.repeat(np.repeat(out, scale, axis=0), scale, axis=1)


def face(op: str, amount: int) -> np.ndarray:
    """A button's pictogram on its light grey face."""
    out = block(BUTTON_W, BUTTON_H, LIGHT_GRAY, border=GRAY)
    if op == "x":
        for x in (2, 10, 14):
            out[3:6, x : x + 3] = PURPLE
        tri = art(list(TRIANGLE), {"#": BLACK})
        out[2:7, 6:9] = np.where(tri >= 0, tri, out[2:7, 6:9])
        return out
    arrow = art(list(UP if op == "+" else UP[::-1]), {"#": GREEN if op == "+" else RED})
    out[2:7, 4:9] = np.where(arrow >= 0, arrow, out[2:7, 4:9])
    for dx, dy in DIE[amount]:
        out[2 + dy, 10 + dx] = BLACK
    return out


class Hn01(Stage):
    NAME = "hn01"
    TITLE = "Gauge"
    TAGS = ["heldout", "click"]
    AVAILABLE = [6]
    BAR = "left"
    BAR_COLOUR = ORANGE

    def levels(self, rng: random.Random) -> list[GaugePuzzle]:
        out = []
        for buttons, start, (low, high), repeat in LEVELS:
            counts = click_counts(buttons, repeat, start)
            targets = sorted(value for value, clicks in counts.items() if low <= clicks <= high)
            out.append(GaugePuzzle(buttons, start, rng.choice(targets), repeat))
        return out

    def _button(self, puzzle: GaugePuzzle, index: int) -> tuple[int, int]:
        count = len(puzzle.buttons)
        top = (64 - count * (BUTTON_H + BUTTON_GAP) + BUTTON_GAP) // 2
        return BUTTON_X, top + index * (BUTTON_H + BUTTON_GAP)

    def initial_state(self, puzzle: GaugePuzzle) -> int:
        return puzzle.start

    def transition(self, puzzle: GaugePuzzle, state: int, action: int, cell: tuple[int, int] | None) -> int:
        if action != 6 or cell is None:
            return state
        for index in range(len(puzzle.buttons)):
            x, y = self._button(puzzle, index)
            if x <= cell[0] < x + BUTTON_W and y <= cell[1] < y + BUTTON_H:
                return press(puzzle.buttons, puzzle.repeat, index, state)
        return state

    def is_solved(self, puzzle: GaugePuzzle, state: int) -> bool:
        return state == puzzle.target

    def click_targets(self, puzzle: GaugePuzzle, state: int) -> list[tuple[int, int]]:
        spots = [self._button(puzzle, i) for i in range(len(puzzle.buttons))]
        return [(x + BUTTON_W // 2, y + BUTTON_H // 2) for x, y in spots]

    def background(self, puzzle: GaugePuzzle) -> np.ndarray:
        floor = texture(random.Random(0), 64, MAROON, BLACK, "bricks")
        x, y, w, h = PANEL
        floor[y : y + h, x : x + w] = block(w, h, BLACK, border=GREEN)
        return floor

    def scene(self, puzzle: GaugePuzzle, state: int) -> list[Sprite]:
        pieces = [sprite(number(state, GREEN, SCALE), *DISPLAY_AT, layer=2, name="gauge")]
        x, y, w, h = LEGEND
        legend = block(w, h, BLACK, border=MAGENTA)
        small = number(puzzle.target, LIGHT_MAGENTA, 1)
        lx, ly = LEGEND_AT[0] - x, LEGEND_AT[1] - y
        area = legend[ly : ly + DIGIT_H, lx : lx + small.shape[1]]
        legend[ly : ly + DIGIT_H, lx : lx + small.shape[1]] = np.where(small >= 0, small, area)
        pieces.append(sprite(legend, x, y, layer=2, name="legend"))
        for index, (op, amount) in enumerate(puzzle.buttons):
            pieces.append(sprite(face(op, amount), *self._button(puzzle, index), name=f"button{index}"))
        return pieces
