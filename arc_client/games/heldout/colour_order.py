"""Colour Order: click the objects in the order the legend shows (click only).

The legend strip at the top shows a row of swatches; the scene holds 6x6 objects (squares, rings,
crosses, diamonds) of several colours on a tiled floor. A right click marks the object with a white
frame and adds a tick to the progress counter below the legend; a wrong click clears every mark (the
effect is not local). From level 4 on, two objects share each colour and the legend shows shapes
too: only the object of the right colour AND shape counts; and the rule hardens: a wrong click is
GAME_OVER (the legend strip is then framed in red). Placement and order are seeded; the
timer bar runs along the top.

Baselines: the number of objects in the order x 1.5, rounded up.
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
    LIGHT_BLUE,
    MAGENTA,
    OFF_BLACK,
    ORANGE,
    PURPLE,
    RED,
    WHITE,
    YELLOW,
    Stage,
    art,
    block,
    sprite,
    texture,
)

SHAPES = (
    ["cccc", "cccc", "cccc", "cccc"],
    ["cccc", "c..c", "c..c", "cccc"],
    [".cc.", "cccc", "cccc", ".cc."],
    ["c..c", ".cc.", ".cc.", "c..c"],
)
COLOURS = (RED, BLUE, GREEN, YELLOW, PURPLE, ORANGE, MAGENTA, LIGHT_BLUE)
# per level: length of the order, objects on the floor, shapes matter
LEVELS = ((3, 4, False), (4, 5, False), (5, 7, False), (3, 6, True), (4, 8, True), (5, 10, True))
WRONG = -1  # the state after a wrong click where that is GAME_OVER
SLOTS = [(4 + 10 * c, 14 + 10 * r) for r in range(5) for c in range(6)]

Item = tuple[int, int]  # (colour, shape)


@dataclass(frozen=True)
class OrderPuzzle:
    items: tuple[tuple[Item, tuple[int, int]], ...]  # (item, top-left of its 6x6 tile)
    order: tuple[int, ...]  # indices into items
    shapes_shown: bool


def item_pixels(item: Item, marked: bool) -> np.ndarray:
    colour, shape = item
    inner = art(SHAPES[shape], {"c": colour})
    out = block(6, 6, WHITE if marked else BLACK)
    out[1:5, 1:5] = np.where(inner >= 0, inner, BLACK)
    return out


class Ho01(Stage):
    NAME = "ho01"
    TITLE = "Colour Order"
    TAGS = ["heldout", "click"]
    AVAILABLE = [6]
    BAR = "top"
    BAR_COLOUR = GREEN

    def levels(self, rng: random.Random) -> list[OrderPuzzle]:
        out = []
        for length, count, shapes_shown in LEVELS:
            if shapes_shown:  # pairs: each colour twice, in two shapes
                colours = rng.sample(COLOURS, count // 2)
                items = [(colour, shape) for colour in colours for shape in rng.sample(range(len(SHAPES)), 2)]
            else:
                items = [(colour, rng.randrange(len(SHAPES))) for colour in rng.sample(COLOURS, count)]
            places = rng.sample(SLOTS, count)
            order = tuple(rng.sample(range(count), length))
            out.append(OrderPuzzle(tuple(zip(items, places, strict=True)), order, shapes_shown))
        return out

    def initial_state(self, puzzle: OrderPuzzle) -> int:
        return 0  # how many of the order are marked

    def transition(self, puzzle: OrderPuzzle, state: int, action: int, cell: tuple[int, int] | None) -> int:
        if action != 6 or cell is None or not 0 <= state < len(puzzle.order):
            return state
        for index, (_, (x, y)) in enumerate(puzzle.items):
            if x <= cell[0] < x + 6 and y <= cell[1] < y + 6:
                if index == puzzle.order[state]:
                    return state + 1
                return WRONG if puzzle.shapes_shown else 0
        return state

    def is_lost(self, puzzle: OrderPuzzle, state: int) -> bool:
        return state == WRONG

    def is_solved(self, puzzle: OrderPuzzle, state: int) -> bool:
        return state == len(puzzle.order)

    def click_targets(self, puzzle: OrderPuzzle, state: int) -> list[tuple[int, int]]:
        return [(x + 3, y + 3) for _, (x, y) in puzzle.items]

    def background(self, puzzle: OrderPuzzle) -> np.ndarray:
        floor = texture(random.Random(len(puzzle.items)), 64, OFF_BLACK, GRAY, "bricks")
        floor[2:12, :] = BLACK
        return floor

    def scene(self, puzzle: OrderPuzzle, state: int) -> list[Sprite]:
        marked = set(puzzle.order[: max(state, 0)])
        pieces = [sprite(item_pixels(item, i in marked), x, y) for i, (item, (x, y)) in enumerate(puzzle.items)]
        for slot, index in enumerate(puzzle.order):
            colour, shape = puzzle.items[index][0]
            swatch = art(SHAPES[shape], {"c": colour}) if puzzle.shapes_shown else block(4, 4, colour)
            pieces.append(sprite(swatch, 2 + 6 * slot, 3, layer=2, name="legend"))
        if puzzle.shapes_shown:
            pieces.append(sprite(block(64, 10, RED, border=RED), 0, 2, layer=1, name="deadly-frame"))
            pieces.append(sprite(block(62, 8, BLACK), 1, 3, layer=1, name="deadly-frame-inside"))
        if state > 0:
            pieces.append(sprite(block(2 * state - 1, 1, WHITE), 2, 9, layer=2, name="progress"))
        return pieces
