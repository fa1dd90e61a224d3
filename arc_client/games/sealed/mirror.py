"""Mirror: paint a canvas that is symmetric about a mirror line until it matches the legend (click only).

The canvas is a framed grid of grey cells (6x6 cells of 4x4 pixels, or 8x8 cells of 3x3 pixels, one
pixel apart) in a light grey rim on a textured floor, split down the middle by a thin yellow mirror line that crosses the
frame. A small legend panel at the top left shows the target picture: the whole canvas drawn with
2x2 pixels per cell and the mirror line(s) in yellow. Clicking a cell on either side toggles it
between grey (the floor) and the paint colour AND toggles its mirror image across the line, so every
click changes two cells. The level is won when the canvas equals the legend. From level 3 on there
are two paint colours and a click cycles the cell (and its mirror image) grey -> colour A -> colour
B -> grey. From level 5 on the rule changes: the mirror line runs across (top/bottom) instead of
down, and from level 6 on both lines are drawn and a click changes the cell's images across BOTH
lines (four cells). Some levels start with part of the canvas already painted. Clicks on the gaps,
the mirror line, the frame or the legend do nothing but still spend the budget. The level number
sits under the legend; the timer bar runs along the top.

Levels are seeded: the start and the target are random symmetric pictures (the target is the start
plus random clicks). Clicks commute and a click only moves its own orbit (the cell and its images)
one step round the colour cycle, so the fewest clicks are, orbit by orbit, the steps from the start
colour to the target colour; `known_plan` clicks exactly those (one cell per orbit), so it is a
shortest plan. Baselines: its click count x 1.5, rounded up.
"""

import random
from dataclasses import dataclass

import numpy as np
from arcengine import Sprite

from arc_client.games.heldout.stage import (
    BLACK,
    BLUE,
    GRAY,
    LIGHT_GRAY,
    MAGENTA,
    MAROON,
    OFF_BLACK,
    ORANGE,
    PURPLE,
    RED,
    WHITE,
    YELLOW,
    Stage,
    block,
    glyphs,
    sprite,
    texture,
)

PAINTS = (RED, BLUE, ORANGE, MAGENTA, PURPLE, MAROON)
FLOOR = GRAY  # an unpainted cell
LINE = YELLOW  # the mirror line(s), on the canvas and in the legend
EXTRA = 2  # a mirror line widens the gap between the two middle rows or columns from 1 to 3 pixels
LEGEND_X, LEGEND_Y = 2, 4
LEGEND_CELL = 2
CANVAS_LEFT, CANVAS_RIGHT = 24, 62  # the canvas (its rim included) is centred in these columns
CANVAS_TOP, CANVAS_BOTTOM = 3, 63  # ... and these rows (the timer bar holds rows 0-1)
# per level: side, paint colours (1 or 2), vertical line, horizontal line, start painted, plan span
LEVELS = (
    (6, 1, True, False, False, (2, 3)),
    (6, 1, True, False, True, (3, 5)),
    (6, 2, True, False, False, (4, 6)),
    (8, 2, True, False, True, (6, 9)),
    (8, 2, False, True, True, (7, 10)),
    (8, 2, True, True, False, (6, 9)),
    (8, 2, True, True, True, (10, 14)),
)

Canvas = tuple[int, ...]  # row-major: 0 is the floor, 1 paint A, 2 paint B


@dataclass(frozen=True)
class MirrorPuzzle:
    number: int  # 1-based level number
    side: int
    paints: tuple[int, ...]  # the colours after the floor in the cycle (1 or 2)
    vertical: bool  # a line down the middle: a click also changes the cell's left/right image
    horizontal: bool  # a line across the middle: ... its top/bottom image (both: four cells)
    start: Canvas
    target: Canvas

    @property
    def cycle(self) -> int:
        return len(self.paints) + 1

    @property
    def pitch(self) -> int:
        return 5 if self.side <= 6 else 4

    @property
    def cell(self) -> int:
        return self.pitch - 1

    @property
    def span(self) -> tuple[int, int]:
        """The canvas's width and height in pixels (no rim)."""
        base = self.side * self.pitch - 1
        return base + EXTRA * self.vertical, base + EXTRA * self.horizontal

    @property
    def origin(self) -> tuple[int, int]:
        width, height = self.span
        left = CANVAS_LEFT + (CANVAS_RIGHT - CANVAS_LEFT - width) // 2
        top = CANVAS_TOP + (CANVAS_BOTTOM - CANVAS_TOP - height) // 2
        return left, top

    def colour(self, value: int) -> int:
        return FLOOR if value == 0 else self.paints[value - 1]


def orbit(puzzle: MirrorPuzzle, index: int) -> tuple[int, ...]:
    """The cells one click on cell `index` changes: the cell and its mirror images, sorted."""
    n = puzzle.side
    col, row = index % n, index // n
    cols = {col, n - 1 - col} if puzzle.vertical else {col}
    rows = {row, n - 1 - row} if puzzle.horizontal else {row}
    return tuple(sorted(r * n + c for r in rows for c in cols))


def orbits(puzzle: MirrorPuzzle) -> list[tuple[int, ...]]:
    """Every orbit once, in the order of its first (smallest) cell."""
    seen: dict[int, tuple[int, ...]] = {}
    for index in range(puzzle.side * puzzle.side):
        seen.setdefault(orbit(puzzle, index)[0], orbit(puzzle, index))
    return list(seen.values())


def clicked(puzzle: MirrorPuzzle, canvas: Canvas, index: int) -> Canvas:
    """Cell `index` and its mirror images one step on round the colour cycle."""
    out = list(canvas)
    for i in orbit(puzzle, index):
        out[i] = (out[i] + 1) % puzzle.cycle
    return tuple(out)


def steps(puzzle: MirrorPuzzle, index: int) -> int:
    """The clicks the orbit of cell `index` needs: from its start colour on to its target colour."""
    return (puzzle.target[index] - puzzle.start[index]) % puzzle.cycle


def shortest(puzzle: MirrorPuzzle) -> int:
    return sum(steps(puzzle, cells[0]) for cells in orbits(puzzle))


def _picture(rng: random.Random, puzzle: MirrorPuzzle, share: float) -> Canvas:
    """A random picture, symmetric about the puzzle's lines: about `share` of its orbits painted."""
    out = [0] * (puzzle.side * puzzle.side)
    for cells in orbits(puzzle):
        value = rng.randint(1, len(puzzle.paints)) if rng.random() < share else 0
        for i in cells:
            out[i] = value
    return tuple(out)


def _painted(rng: random.Random, puzzle: MirrorPuzzle, count: int) -> Canvas:
    """The start with `count` clicks spread at random over its orbits, no orbit clicked a full cycle."""
    clicks = dict.fromkeys(range(len(orbits(puzzle))), 0)
    for _ in range(count):
        index = rng.choice([i for i, n in clicks.items() if n < puzzle.cycle - 1])
        clicks[index] += 1
    canvas = puzzle.start
    for index, cells in enumerate(orbits(puzzle)):
        for _ in range(clicks[index]):
            canvas = clicked(puzzle, canvas, cells[0])
    return canvas


class Xd01(Stage):
    NAME = "xd01"
    TITLE = "Mirror"
    TAGS = ["sealed", "click"]
    AVAILABLE = [6]
    BAR = "top"
    BAR_COLOUR = LIGHT_GRAY

    def levels(self, rng: random.Random) -> list[MirrorPuzzle]:
        out = []
        for number, (side, colours, vertical, horizontal, painted, (low, high)) in enumerate(LEVELS, start=1):
            blank = (0,) * (side * side)
            shape = MirrorPuzzle(number, side, tuple(rng.sample(PAINTS, colours)), vertical, horizontal, blank, blank)
            while True:
                start = _picture(rng, shape, 0.3) if painted else blank
                moved = MirrorPuzzle(number, side, shape.paints, vertical, horizontal, start, blank)
                target = _painted(rng, moved, rng.randint(low, high))
                repainted = any(a != b for a, b in zip(start, target, strict=True) if a)  # a painted cell changes
                if any(target) and (repainted if painted else True):
                    out.append(MirrorPuzzle(number, side, shape.paints, vertical, horizontal, start, target))
                    break
        return out

    # ---- geometry -------------------------------------------------------------------------------
    def _offset(self, puzzle: MirrorPuzzle, k: int, line: bool) -> int:
        """The pixel offset of column (or row) `k` from the canvas origin."""
        return k * puzzle.pitch + (EXTRA if line and k >= puzzle.side // 2 else 0)

    def cell_corner(self, puzzle: MirrorPuzzle, index: int) -> tuple[int, int]:
        """The top-left pixel of canvas cell `index` (row-major)."""
        ox, oy = puzzle.origin
        col, row = index % puzzle.side, index // puzzle.side
        return ox + self._offset(puzzle, col, puzzle.vertical), oy + self._offset(puzzle, row, puzzle.horizontal)

    def cell_centre(self, puzzle: MirrorPuzzle, index: int) -> tuple[int, int]:
        x, y = self.cell_corner(puzzle, index)
        return x + puzzle.cell // 2, y + puzzle.cell // 2

    def line_x(self, puzzle: MirrorPuzzle) -> int:
        """The column of pixels the vertical mirror line runs down."""
        return puzzle.origin[0] + (puzzle.side // 2) * puzzle.pitch

    def line_y(self, puzzle: MirrorPuzzle) -> int:
        """The row of pixels the horizontal mirror line runs across."""
        return puzzle.origin[1] + (puzzle.side // 2) * puzzle.pitch

    def cell_at(self, puzzle: MirrorPuzzle, point: tuple[int, int]) -> int | None:
        ox, oy = puzzle.origin
        col = next((k for k in range(puzzle.side)
                    if 0 <= point[0] - ox - self._offset(puzzle, k, puzzle.vertical) < puzzle.cell), None)
        row = next((k for k in range(puzzle.side)
                    if 0 <= point[1] - oy - self._offset(puzzle, k, puzzle.horizontal) < puzzle.cell), None)
        if col is None or row is None:
            return None
        return row * puzzle.side + col

    # ---- hooks ----------------------------------------------------------------------------------
    def known_plan(self, puzzle: MirrorPuzzle) -> list[tuple[int, int, int]]:
        plan = []
        for cells in orbits(puzzle):
            plan += [(6, *self.display_point(self.cell_centre(puzzle, cells[0])))] * steps(puzzle, cells[0])
        return plan

    def initial_state(self, puzzle: MirrorPuzzle) -> Canvas:
        return puzzle.start

    def transition(self, puzzle: MirrorPuzzle, state: Canvas, action: int, cell: tuple[int, int] | None) -> Canvas:
        if action != 6 or cell is None:
            return state
        index = self.cell_at(puzzle, cell)
        return state if index is None else clicked(puzzle, state, index)

    def is_solved(self, puzzle: MirrorPuzzle, state: Canvas) -> bool:
        return state == puzzle.target

    def click_targets(self, puzzle: MirrorPuzzle, state: Canvas) -> list[tuple[int, int]]:
        return [self.cell_centre(puzzle, cells[0]) for cells in orbits(puzzle)]

    def background(self, puzzle: MirrorPuzzle) -> np.ndarray:
        floor = texture(random.Random(puzzle.number), 64, BLACK, OFF_BLACK, "checker" if puzzle.number % 2 else "noise")
        floor[0:2, :] = BLACK
        ox, oy = puzzle.origin
        width, height = puzzle.span
        floor[oy - 2 : oy + height + 2, ox - 2 : ox + width + 2] = block(width + 4, height + 4, BLACK, border=LIGHT_GRAY)
        for index in range(puzzle.side * puzzle.side):
            x, y = self.cell_corner(puzzle, index)
            floor[y : y + puzzle.cell, x : x + puzzle.cell] = FLOOR
        if puzzle.vertical:
            floor[oy - 2 : oy + height + 2, self.line_x(puzzle)] = LINE
        if puzzle.horizontal:
            floor[self.line_y(puzzle), ox - 2 : ox + width + 2] = LINE
        return floor

    def legend(self, puzzle: MirrorPuzzle) -> np.ndarray:
        """The target picture, 2x2 pixels a cell, the mirror line(s) between the halves, a white rim."""
        n, half, size = puzzle.side, puzzle.side // 2, LEGEND_CELL
        width = n * size + puzzle.vertical + 2
        height = n * size + puzzle.horizontal + 2
        out = block(width, height, BLACK, border=WHITE)
        if puzzle.vertical:
            out[1:-1, 1 + half * size] = LINE
        if puzzle.horizontal:
            out[1 + half * size, 1:-1] = LINE
        for index, value in enumerate(puzzle.target):
            col, row = index % n, index // n
            x = 1 + col * size + (puzzle.vertical and col >= half)
            y = 1 + row * size + (puzzle.horizontal and row >= half)
            out[y : y + size, x : x + size] = puzzle.colour(value)
        return out

    def scene(self, puzzle: MirrorPuzzle, state: Canvas) -> list[Sprite]:
        pieces: list[Sprite] = []
        for index, value in enumerate(state):
            if value:
                x, y = self.cell_corner(puzzle, index)
                pieces.append(sprite(block(puzzle.cell, puzzle.cell, puzzle.colour(value)), x, y, layer=1))
        legend = self.legend(puzzle)
        pieces.append(sprite(legend, LEGEND_X, LEGEND_Y, layer=2, name="legend"))
        pieces.append(sprite(glyphs(str(puzzle.number), WHITE), LEGEND_X + 1, LEGEND_Y + legend.shape[0] + 3,
                             layer=2, name="level"))
        return pieces
