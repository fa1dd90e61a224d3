"""Sort: swap the bars on a shelf until they stand in the order the legend shows (click only).

A shelf of upright bars of different heights (5 pixels wide, 6 to 30 tall, each a coloured body
with a darker cap and a darker shaded edge) stands on a grey plank over a brick floor. Clicking a
bar (anywhere in its column, above it included) selects it: a white frame goes round it and a white
arrow points down at it. Clicking the selected bar again deselects it. Clicking another bar that is
its neighbour swaps the two (an in-between frame shows both lifted and half way to each other) and
clears the selection; clicking a bar that may not be swapped with it moves the selection there.
Clicks anywhere else do nothing. The level is won when the bars stand in the order of the legend, a
small staircase in a framed box at the top right: ascending left to right on levels 1-3. From level
4 on the rule changes and the legend shows a descending staircase: the bars must fall from left to
right. From level 5 on bars of the same colour form a group whose members may swap over any
distance (a second legend box, two bars of one colour under an arc, says so): two bars swap when
they are neighbours OR of the same colour. The level number sits at the top left; the timer bar
runs along the top. Shelves grow from 3 bars to 7, shuffled from the seed.

Baselines: the solver's shortest click count x 1.5, rounded up (two clicks per swap).
"""

import random
from collections import deque
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from arcengine import Sprite

from arc_client.games.heldout.stage import (
    BLACK,
    BLUE,
    GRAY,
    GREEN,
    LIGHT_BLUE,
    LIGHT_GRAY,
    LIGHT_MAGENTA,
    MAGENTA,
    MAROON,
    OFF_BLACK,
    ORANGE,
    PURPLE,
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

# (body, cap) colour pairs; a bar's colour is its body colour
PAIRS = ((RED, MAROON), (LIGHT_BLUE, BLUE), (YELLOW, ORANGE), (LIGHT_MAGENTA, MAGENTA), (GREEN, GRAY),
         (PURPLE, MAGENTA))
HEIGHTS = tuple(range(6, 31, 3))  # 6, 9, ..., 30: any two bars differ by at least 3 pixels


class Spec(NamedTuple):
    bars: int
    colours: int  # how many colours the bars share
    descending: bool  # the bars must fall from left to right
    colour_swaps: bool  # bars of one colour swap over any distance
    span: tuple[int, int]  # the shortest plan's click count lies in this range


LEVELS = (
    Spec(3, 3, False, False, (4, 6)),
    Spec(4, 4, False, False, (6, 10)),
    Spec(5, 3, False, False, (8, 14)),
    Spec(5, 3, True, False, (8, 14)),
    Spec(6, 3, True, True, (8, 14)),
    Spec(6, 3, True, True, (10, 16)),
    Spec(7, 3, True, True, (14, 22)),
)

WIDTH = 5  # a bar's width in pixels
PITCH = 9  # from one bar's left edge to the next one's
FLOOR = 54  # the plank's top row; bars stand on the row above
REACH = FLOOR - max(HEIGHTS) - 8  # clicks in a bar's column count from this row down to the plank
LIFT = 2  # how far the swapping bars rise in the in-between frame
LEGEND_Y = 4


@dataclass(frozen=True)
class Shelf:
    number: int  # 1-based level number
    heights: tuple[int, ...]  # bar id -> height; ids are numbered from the shortest bar up
    colours: tuple[int, ...]  # bar id -> index into PAIRS
    start: tuple[int, ...]  # the bar ids from left to right at the start
    descending: bool
    colour_swaps: bool

    @property
    def size(self) -> int:
        return len(self.heights)

    @property
    def goal(self) -> tuple[int, ...]:
        ids = tuple(range(self.size))
        return ids[::-1] if self.descending else ids


class Order(NamedTuple):
    bars: tuple[int, ...]  # bar ids from left to right
    selected: int  # the selected position, -1 for none


class Sliding(NamedTuple):
    """An in-between frame of a swap: the bars at positions `a` and `b` lifted and a quarter of the way."""

    base: Order
    a: int
    b: int


def left_edge(size: int) -> int:
    return (64 - (size * PITCH - (PITCH - WIDTH))) // 2


def bar_x(size: int, position: int) -> int:
    return left_edge(size) + position * PITCH


def may_swap(shelf: Shelf, bars: tuple[int, ...], p: int, q: int) -> bool:
    if p == q:
        return False
    return abs(p - q) == 1 or (shelf.colour_swaps and shelf.colours[bars[p]] == shelf.colours[bars[q]])


def swapped(bars: tuple[int, ...], p: int, q: int) -> tuple[int, ...]:
    out = list(bars)
    out[p], out[q] = out[q], out[p]
    return tuple(out)


def fewest_swaps(shelf: Shelf) -> int | None:
    """The fewest allowed swaps that bring the shelf into the legend's order (BFS over orders)."""
    depth = {shelf.start: 0}
    queue = deque([shelf.start])
    while queue:
        bars = queue.popleft()
        if bars == shelf.goal:
            return depth[bars]
        for p in range(shelf.size):
            for q in range(p + 1, shelf.size):
                if may_swap(shelf, bars, p, q):
                    after = swapped(bars, p, q)
                    if after not in depth:
                        depth[after] = depth[bars] + 1
                        queue.append(after)
    return None


def inversions(shelf: Shelf) -> int:
    """The neighbour swaps the shelf needs: its pairs out of the legend's order."""
    rank = {bar: i for i, bar in enumerate(shelf.goal)}
    ranks = [rank[bar] for bar in shelf.start]
    return sum(ranks[i] > ranks[j] for i in range(len(ranks)) for j in range(i + 1, len(ranks)))


def bar_pixels(height: int, pair: int) -> np.ndarray:
    body, cap = PAIRS[pair]
    out = np.full((height, WIDTH), body, dtype=np.int8)
    out[:2, :] = cap
    out[2:, -1] = cap  # a shaded edge
    out[2, :-1] = body
    return out


class Xe01(Stage):
    NAME = "xe01"
    TITLE = "Sort"
    TAGS = ["sealed", "click"]
    AVAILABLE = [6]
    BAR = "top"
    BAR_COLOUR = GREEN

    def levels(self, rng: random.Random) -> list[Shelf]:
        out = []
        for number, spec in enumerate(LEVELS, start=1):
            while True:
                heights = tuple(sorted(rng.sample(HEIGHTS, spec.bars)))
                pairs = rng.sample(range(len(PAIRS)), spec.colours)
                colours = [pairs[i % spec.colours] for i in range(spec.bars)]
                rng.shuffle(colours)
                start = list(range(spec.bars))
                rng.shuffle(start)
                shelf = Shelf(number, heights, tuple(colours), tuple(start), spec.descending, spec.colour_swaps)
                if self._fits(shelf, spec):
                    out.append(shelf)
                    break
        return out

    @staticmethod
    def _fits(shelf: Shelf, spec: Spec) -> bool:
        swaps = fewest_swaps(shelf)
        if swaps is None or not spec.span[0] <= 2 * swaps <= spec.span[1]:
            return False
        if spec.colour_swaps:  # the long swaps must pay off
            return swaps < inversions(shelf)
        if spec.colours < spec.bars:  # a same-colour pair stands apart: a long swap would be tempting
            return any(shelf.colours[shelf.start[p]] == shelf.colours[shelf.start[q]]
                       for p in range(shelf.size) for q in range(p + 2, shelf.size))
        return True

    # ---- geometry -------------------------------------------------------------------------------
    def position_at(self, shelf: Shelf, cell: tuple[int, int]) -> int | None:
        """The shelf position whose column holds `cell`, from the arrow's row down to the plank."""
        x, y = cell
        if not REACH <= y < FLOOR:
            return None
        position, dx = divmod(x - left_edge(shelf.size), PITCH)
        if 0 <= position < shelf.size and dx < WIDTH:
            return position
        return None

    # ---- hooks ----------------------------------------------------------------------------------
    def initial_state(self, puzzle: Shelf) -> Order:
        return Order(puzzle.start, -1)

    def transition(self, puzzle: Shelf, state: Order, action: int, cell: tuple[int, int] | None) -> Order:
        if action != 6 or cell is None:
            return state
        position = self.position_at(puzzle, cell)
        if position is None:
            return state
        if state.selected < 0:
            return Order(state.bars, position)
        if state.selected == position:
            return Order(state.bars, -1)
        if may_swap(puzzle, state.bars, state.selected, position):
            return Order(swapped(state.bars, state.selected, position), -1)
        return Order(state.bars, position)

    def is_solved(self, puzzle: Shelf, state: Order) -> bool:
        return state.bars == puzzle.goal

    def click_targets(self, puzzle: Shelf, state: Order) -> list[tuple[int, int]]:
        return [(bar_x(puzzle.size, p) + WIDTH // 2, FLOOR - 3) for p in range(puzzle.size)]

    def tweens(self, puzzle: Shelf, before: Order, after: Order, action: int) -> list[Sliding]:
        if before.bars == after.bars:
            return []
        a, b = (p for p in range(puzzle.size) if before.bars[p] != after.bars[p])
        return [Sliding(Order(before.bars, -1), a, b)]

    # ---- drawing -----------------------------------------------------------------------------
    def background(self, puzzle: Shelf) -> np.ndarray:
        floor = texture(random.Random(puzzle.number), 64, BLACK, OFF_BLACK, "bricks")
        floor[2:11, :] = BLACK
        left = max(left_edge(puzzle.size) - 3, 0)
        right = min(bar_x(puzzle.size, puzzle.size - 1) + WIDTH + 3, 64)
        floor[FLOOR, left:right] = LIGHT_GRAY  # the plank
        floor[FLOOR + 1 : FLOOR + 3, left:right] = GRAY
        for x in (left + 1, right - 3):  # its brackets
            floor[FLOOR + 3 : FLOOR + 6, x : x + 2] = GRAY
        floor[FLOOR + 3 :, left + 3 : right - 3] = BLACK
        return floor

    def _legend(self, puzzle: Shelf) -> list[Sprite]:
        stairs = art(["....w", "....w", "..w.w", "..w.w", "w.w.w", "w.w.w"], {"w": WHITE})
        if puzzle.descending:
            stairs = stairs[:, ::-1].copy()
        box = block(9, 10, BLACK, border=GRAY)
        pieces = [sprite(box, 52, LEGEND_Y, layer=1, name="legend"),
                  sprite(stairs, 54, LEGEND_Y + 2, layer=2, name="stairs")]
        if puzzle.colour_swaps:
            pair = puzzle.colours[0]
            other = next(c for c in puzzle.colours if c != pair)
            body = {"a": PAIRS[pair][0], "b": PAIRS[other][0], "w": WHITE}
            link = art([".www.", "w...w", "a.b.a", "a.b.a", "a.b.a"], body)
            pieces += [sprite(block(9, 10, BLACK, border=GRAY), 41, LEGEND_Y, layer=1, name="group"),
                       sprite(link, 43, LEGEND_Y + 2, layer=2, name="link")]
        return pieces

    def scene(self, puzzle: Shelf, state: Order | Sliding) -> list[Sprite]:
        order = state.base if isinstance(state, Sliding) else state
        moving: dict[int, tuple[int, int]] = {}
        if isinstance(state, Sliding):
            step = ((state.b - state.a) * PITCH) // 4
            moving = {state.a: (step, LIFT), state.b: (-step, LIFT)}
        pieces: list[Sprite] = []
        for position, bar in enumerate(order.bars):
            height = puzzle.heights[bar]
            dx, lift = moving.get(position, (0, 0))
            x, y = bar_x(puzzle.size, position) + dx, FLOOR - height - lift
            pieces.append(sprite(bar_pixels(height, puzzle.colours[bar]), x, y, layer=3 if lift else 2,
                                 name=f"bar{bar}"))
        if order.selected >= 0:
            height = puzzle.heights[order.bars[order.selected]]
            x, y = bar_x(puzzle.size, order.selected), FLOOR - height
            frame = block(WIDTH + 2, height + 1, WHITE)
            frame[1:, 1:-1] = -1
            pieces.append(sprite(frame, x - 1, y - 1, layer=1, name="frame"))
            arrow = art(["wwwww", ".www.", "..w.."], {"w": WHITE})
            pieces.append(sprite(arrow, x, y - 6, layer=2, name="marker"))
        pieces.append(sprite(glyphs(str(puzzle.number), WHITE), 3, 4, layer=2, name="level"))
        return pieces + self._legend(puzzle)
