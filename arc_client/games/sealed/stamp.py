"""Stamp: press shaped stamps onto a canvas until it matches the legend (click only).

The canvas is a framed square of pale cells (4x4 pixels on 6x6 and 7x7 canvases, 3x3 pixels on 8x8
and 9x9, with a one-pixel gap) on a textured floor. A tray of two or three framed stamps stands at
the right, each stamp a small shape of 2-5 cells drawn in its colour inside a 3x3 grid, its anchor
cell marked by a dark dot. Clicking a stamp selects it (its frame turns white and a white pointer
stands beside it). Clicking a canvas cell presses the selected stamp there, its anchor on the clicked
cell: the shape's cells are painted the stamp's colour, and cells that fall off the canvas are
ignored. With no stamp selected a canvas click does nothing. The legend at the top right (two pixels
per cell) shows the target canvas; the level is won exactly when the canvas equals it. From level 4
on the rule changes and a stamp XORs: a cell already of the stamp's colour goes back to the pale
floor (other cells take the stamp's colour). From level 5 on each press also turns the selected stamp
a quarter turn clockwise about its anchor after stamping, and the tray shows the turned shape. The
level number sits at the top left; the timer bar runs along the top.

Targets are made by pressing a seeded sequence of stamps onto a blank canvas. On levels 1-3 (plain
painting) the plan is the shortest one, found by a breadth-first search over the only presses a
shortest plan can use (a press never paints a cell the legend leaves pale, and some cell of it keeps
its colour to the end). On levels 4-7 (XOR, then XOR with turning) the plan is the generating
sequence with its stamp selections, which is not proven shortest.

Baselines: 1.5 x each level's plan, rounded up (the shortest click count on levels 1-3, the known
generating plan on levels 4-7).
"""

import random
from collections import deque
from dataclasses import dataclass

import numpy as np
from arcengine import Sprite

from arc_client.games.heldout.stage import (
    BLACK,
    BLUE,
    CLEAR,
    GRAY,
    GREEN,
    LIGHT_GRAY,
    MAGENTA,
    OFF_BLACK,
    OFF_WHITE,
    ORANGE,
    PURPLE,
    RED,
    WHITE,
    YELLOW,
    Stage,
    art,
    block,
    glyphs,
    grid_index,
    sprite,
    texture,
)

FLOOR = OFF_WHITE  # the colour of a blank canvas cell
PALETTE = (RED, BLUE, GREEN, YELLOW, ORANGE, MAGENTA, PURPLE)
Offsets = tuple[tuple[int, int], ...]
# every shape holds its anchor (0, 0) and fits the 3x3 square around it in every quarter turn
SHAPES: dict[str, Offsets] = {
    "plus": ((0, 0), (1, 0), (-1, 0), (0, 1), (0, -1)),
    "square": ((0, 0), (1, 0), (0, 1), (1, 1)),
    "ell": ((0, -1), (0, 0), (0, 1), (1, 1)),
    "corner": ((0, 0), (1, 0), (0, 1)),
    "bar": ((-1, 0), (0, 0), (1, 0)),
    "tee": ((-1, 0), (0, 0), (1, 0), (0, 1)),
    "pair": ((0, 0), (1, 1)),
}
TURNING = ("square", "ell", "corner", "bar", "tee", "pair")  # shapes that look different when turned
# per level: side, stamps, XOR, turning, presses in the generating sequence, plan length span
LEVELS = (
    (6, 2, False, False, 2, (3, 4)),
    (6, 2, False, False, 3, (4, 6)),
    (7, 3, False, False, 4, (6, 8)),
    (7, 3, True, False, 4, (6, 8)),
    (8, 2, True, True, 4, (5, 7)),
    (8, 3, True, True, 6, (8, 11)),
    (9, 3, True, True, 8, (11, 14)),
)
LEGEND_Y = 5
LEGEND_CELL = 2
SLOT = 11  # a tray slot is 11x11 pixels, its frame included
SLOT_X = 48
SLOT_TOP = 27
SLOT_PITCH = 12
SEARCH_LIMIT = 20_000

Stamping = tuple[tuple[int, ...], int, tuple[int, ...]]  # (canvas colours row-major, selected stamp or -1, turns)
Step = tuple[str, int]  # ("tray", stamp) or ("cell", canvas index)


def turned(shape: Offsets, turns: int) -> Offsets:
    """`shape` turned `turns` quarter turns clockwise about its anchor (y runs down)."""
    for _ in range(turns % 4):
        shape = tuple((-dy, dx) for dx, dy in shape)
    return shape


@dataclass(frozen=True)
class StampPuzzle:
    number: int  # 1-based level number
    side: int
    shapes: tuple[Offsets, ...]  # each stamp's shape, unturned
    colours: tuple[int, ...]  # each stamp's colour
    xor: bool
    turning: bool
    target: tuple[int, ...]  # the legend, row-major
    plan: tuple[Step, ...]  # a winning plan: the shortest (levels 1-3) or the generating one

    @property
    def blank(self) -> tuple[int, ...]:
        return (FLOOR,) * (self.side * self.side)

    @property
    def pitch(self) -> int:
        return 5 if self.side <= 7 else 4

    @property
    def cell(self) -> int:
        return self.pitch - 1

    @property
    def span(self) -> int:
        return self.side * self.pitch - 1

    @property
    def origin(self) -> tuple[int, int]:
        pad = (35 - self.span) // 2
        return 4 + pad, 14 + pad

    @property
    def legend_origin(self) -> tuple[int, int]:
        return 61 - LEGEND_CELL * self.side, LEGEND_Y


def footprint(side: int, shape: Offsets, turns: int, index: int) -> tuple[int, ...]:
    """The canvas cells a stamp covers with its anchor on cell `index`; cells off the canvas are dropped."""
    col, row = index % side, index // side
    out = []
    for dx, dy in turned(shape, turns):
        c, r = col + dx, row + dy
        if 0 <= c < side and 0 <= r < side:
            out.append(r * side + c)
    return tuple(out)


def pressed(canvas: tuple[int, ...], cells: tuple[int, ...], colour: int, xor: bool) -> tuple[int, ...]:
    """`canvas` with `cells` painted `colour` (XOR: cells of that colour go back to the floor)."""
    out = list(canvas)
    for i in cells:
        out[i] = FLOOR if xor and out[i] == colour else colour
    return tuple(out)


def start_state(puzzle: StampPuzzle) -> Stamping:
    return puzzle.blank, -1, (0,) * len(puzzle.shapes)


def select(state: Stamping, stamp: int) -> Stamping:
    return state[0], stamp, state[2]


def press(puzzle: StampPuzzle, state: Stamping, index: int) -> Stamping:
    """The selected stamp pressed with its anchor on canvas cell `index` (nothing without a selection)."""
    canvas, chosen, turns = state
    if chosen < 0:
        return state
    cells = footprint(puzzle.side, puzzle.shapes[chosen], turns[chosen], index)
    canvas = pressed(canvas, cells, puzzle.colours[chosen], puzzle.xor)
    if puzzle.turning:
        turns = tuple((t + 1) % 4 if i == chosen else t for i, t in enumerate(turns))
    return canvas, chosen, turns


def run(puzzle: StampPuzzle, steps: tuple[Step, ...] | list[Step]) -> Stamping:
    state = start_state(puzzle)
    for kind, value in steps:
        state = select(state, value) if kind == "tray" else press(puzzle, state, value)
    return state


def shortest_paint(puzzle: StampPuzzle, limit: int = SEARCH_LIMIT) -> tuple[Step, ...] | None:
    """The fewest clicks that paint the legend on a plain-painting level (BFS), or None past `limit` states.

    Only presses a shortest plan can use are tried: one that paints a cell the legend leaves pale can never
    be undone, and one none of whose cells keeps its colour to the end could be left out."""
    assert not puzzle.xor and not puzzle.turning
    n = puzzle.side * puzzle.side
    target = puzzle.target
    useful: list[list[tuple[int, tuple[int, ...]]]] = []
    for shape, colour in zip(puzzle.shapes, puzzle.colours, strict=True):
        options = []
        for index in range(n):
            cells = footprint(puzzle.side, shape, 0, index)
            if all(target[i] != FLOOR for i in cells) and any(target[i] == colour for i in cells):
                options.append((index, cells))
        useful.append(options)
    start = (puzzle.blank, -1)
    parent: dict[tuple[tuple[int, ...], int], tuple[tuple[tuple[int, ...], int], Step] | None] = {start: None}
    queue = deque([start])
    while queue:
        canvas, chosen = queue.popleft()
        moves: list[tuple[tuple[tuple[int, ...], int], Step]] = [
            ((canvas, j), ("tray", j)) for j in range(len(puzzle.shapes)) if j != chosen]
        if chosen >= 0:
            for index, cells in useful[chosen]:
                after = pressed(canvas, cells, puzzle.colours[chosen], False)
                if after != canvas:
                    moves.append(((after, chosen), ("cell", index)))
        for nxt, step in moves:
            if nxt in parent:
                continue
            parent[nxt] = ((canvas, chosen), step)
            if nxt[0] == target:
                plan: list[Step] = []
                node: tuple[tuple[int, ...], int] = nxt
                while (link := parent[node]) is not None:
                    node, taken = link
                    plan.append(taken)
                return tuple(plan[::-1])
            if len(parent) > limit:
                return None
            queue.append(nxt)
    return None


def generate(rng: random.Random, number: int) -> StampPuzzle:
    side, count, xor, turning, presses, (low, high) = LEVELS[number - 1]
    while True:
        names = rng.sample(TURNING if turning else tuple(SHAPES), count)
        shapes = tuple(SHAPES[name] for name in names)
        colours = tuple(rng.sample(PALETTE, count))
        order = [rng.randrange(count)]
        for _ in range(presses - 1):
            order.append(order[-1] if rng.random() < 0.45 else rng.choice([j for j in range(count) if j != order[-1]]))
        if len(set(order)) != count:
            continue
        steps: list[Step] = []
        chosen = -1
        for stamp in order:
            if stamp != chosen:
                steps.append(("tray", stamp))
                chosen = stamp
            steps.append(("cell", rng.randrange(side * side)))
        draft = StampPuzzle(number, side, shapes, colours, xor, turning, (), ())
        # every press covers at least two canvas cells and changes the canvas; no press is repeated
        state, ok, seen = start_state(draft), True, set()
        for kind, value in steps:
            if kind == "tray":
                state = select(state, value)
                continue
            cells = footprint(side, shapes[state[1]], state[2][state[1]], value)
            after = press(draft, state, value)
            key = (state[1], state[2][state[1]], value)
            ok = ok and len(cells) >= 2 and after[0] != state[0] and key not in seen
            seen.add(key)
            state = after
        target = state[0]
        if not ok or target == draft.blank or sum(c != FLOOR for c in target) < 4:
            continue
        puzzle = StampPuzzle(number, side, shapes, colours, xor, turning, target, tuple(steps))
        if not xor:
            best = shortest_paint(puzzle)
            if best is None:
                continue
            puzzle = StampPuzzle(number, side, shapes, colours, xor, turning, target, best)
        if low <= len(puzzle.plan) <= high and run(puzzle, puzzle.plan)[0] == target:
            return puzzle


class Xj01(Stage):
    NAME = "xj01"
    TITLE = "Stamp"
    TAGS = ["sealed", "click"]
    AVAILABLE = [6]
    BAR = "top"
    BAR_COLOUR = ORANGE

    def levels(self, rng: random.Random) -> list[StampPuzzle]:
        return [generate(rng, number) for number in range(1, len(LEVELS) + 1)]

    # ---- geometry -------------------------------------------------------------------------------
    def cell_corner(self, puzzle: StampPuzzle, index: int) -> tuple[int, int]:
        """The top-left pixel of canvas cell `index` (row-major)."""
        ox, oy = puzzle.origin
        return ox + (index % puzzle.side) * puzzle.pitch, oy + (index // puzzle.side) * puzzle.pitch

    def cell_centre(self, puzzle: StampPuzzle, index: int) -> tuple[int, int]:
        x, y = self.cell_corner(puzzle, index)
        return x + puzzle.cell // 2, y + puzzle.cell // 2

    def slot_corner(self, puzzle: StampPuzzle, stamp: int) -> tuple[int, int]:
        return SLOT_X, SLOT_TOP + stamp * SLOT_PITCH

    def slot_centre(self, puzzle: StampPuzzle, stamp: int) -> tuple[int, int]:
        x, y = self.slot_corner(puzzle, stamp)
        return x + SLOT // 2, y + SLOT // 2

    def _slot_at(self, puzzle: StampPuzzle, cell: tuple[int, int]) -> int | None:
        for stamp in range(len(puzzle.shapes)):
            x, y = self.slot_corner(puzzle, stamp)
            if x <= cell[0] < x + SLOT and y <= cell[1] < y + SLOT:
                return stamp
        return None

    def _canvas_at(self, puzzle: StampPuzzle, cell: tuple[int, int]) -> int | None:
        return grid_index(puzzle.origin, puzzle.pitch, puzzle.cell, puzzle.side, cell)

    def _point(self, puzzle: StampPuzzle, step: Step) -> tuple[int, int]:
        kind, value = step
        return self.slot_centre(puzzle, value) if kind == "tray" else self.cell_centre(puzzle, value)

    # ---- hooks ----------------------------------------------------------------------------------
    def initial_state(self, puzzle: StampPuzzle) -> Stamping:
        return start_state(puzzle)

    def transition(self, puzzle: StampPuzzle, state: Stamping, action: int, cell: tuple[int, int] | None) -> Stamping:
        if action != 6 or cell is None:
            return state
        stamp = self._slot_at(puzzle, cell)
        if stamp is not None:
            return select(state, stamp)
        index = self._canvas_at(puzzle, cell)
        if index is not None:
            return press(puzzle, state, index)
        return state

    def is_solved(self, puzzle: StampPuzzle, state: Stamping) -> bool:
        return state[0] == puzzle.target

    def click_targets(self, puzzle: StampPuzzle, state: Stamping) -> list[tuple[int, int]]:
        targets = [self.slot_centre(puzzle, j) for j in range(len(puzzle.shapes)) if j != state[1]]
        if state[1] >= 0:
            targets += [self.cell_centre(puzzle, i) for i in range(puzzle.side**2)
                        if press(puzzle, state, i)[0] != state[0]]
        return targets

    def known_plan(self, puzzle: StampPuzzle) -> list[tuple[int, int, int]]:
        return [(6, *self.display_point(self._point(puzzle, step))) for step in puzzle.plan]

    def background(self, puzzle: StampPuzzle) -> np.ndarray:
        floor = texture(random.Random(puzzle.number), 64, BLACK, OFF_BLACK, "noise")
        floor[2:10, 0:12] = OFF_BLACK
        ox, oy = puzzle.origin
        span = puzzle.span
        floor[oy - 3 : oy + span + 3, ox - 3 : ox + span + 3] = block(span + 6, span + 6, BLACK, border=GRAY)
        floor[oy - 1 : oy + span + 1, ox - 1 : ox + span + 1] = LIGHT_GRAY
        lx, ly = puzzle.legend_origin
        size = LEGEND_CELL * puzzle.side
        floor[ly - 1 : ly + size + 1, lx - 1 : lx + size + 1] = block(size + 2, size + 2, BLACK, border=GRAY)
        count = len(puzzle.shapes)
        bottom = SLOT_TOP + (count - 1) * SLOT_PITCH + SLOT
        floor[SLOT_TOP - 2 : bottom + 2, SLOT_X - 6 : SLOT_X + SLOT + 2] = block(SLOT + 8, bottom - SLOT_TOP + 4,
                                                                              OFF_BLACK, border=GRAY)
        return floor

    def scene(self, puzzle: StampPuzzle, state: Stamping) -> list[Sprite]:
        canvas, chosen, turns = state
        pieces: list[Sprite] = []
        size = puzzle.cell
        board = np.full((puzzle.span, puzzle.span), CLEAR, dtype=np.int8)
        ox, oy = puzzle.origin
        for index, colour in enumerate(canvas):
            x, y = self.cell_corner(puzzle, index)
            board[y - oy : y - oy + size, x - ox : x - ox + size] = colour
        pieces.append(sprite(board, ox, oy, layer=1, name="canvas"))
        legend = np.kron(np.array(puzzle.target, dtype=np.int8).reshape(puzzle.side, puzzle.side),
                         np.ones((LEGEND_CELL, LEGEND_CELL), dtype=np.int8)).astype(np.int8)
        pieces.append(sprite(legend, *puzzle.legend_origin, layer=1, name="legend"))
        for stamp, (shape, colour) in enumerate(zip(puzzle.shapes, puzzle.colours, strict=True)):
            pixels = block(SLOT, SLOT, BLACK, border=WHITE if stamp == chosen else GRAY)
            for dx, dy in turned(shape, turns[stamp]):
                x, y = 1 + 3 * (dx + 1), 1 + 3 * (dy + 1)
                pixels[y : y + 3, x : x + 3] = colour
            pixels[5, 5] = OFF_BLACK  # the anchor's dot
            pieces.append(sprite(pixels, *self.slot_corner(puzzle, stamp), layer=1, name=f"stamp{stamp}"))
        if chosen >= 0:
            x, y = self.slot_corner(puzzle, chosen)
            pointer = art(["w..", "ww.", "www", "ww.", "w.."], {"w": WHITE})
            pieces.append(sprite(pointer, x - 4, y + 3, layer=2, name="pointer"))
        pieces.append(sprite(glyphs(str(puzzle.number), WHITE), 3, 4, layer=2, name="level"))
        return pieces
