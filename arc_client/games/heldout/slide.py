"""Slide: click tiles to slide them into the empty slot until the board matches the legend (click only).

A sliding-tile puzzle. The board is a tray framed in light grey whose floor is a black and off-black
checker; its tiles are 7x7 sprites, one per colour: a face of the tile's colour, a bevel (off-white
along the top and left, grey along the bottom and right) and a small plus in a second colour in the
middle (red carries maroon, yellow orange, ...: the accents are other tiles' colours). One slot is
empty and shows the tray's floor; tiles sit 8 pixels apart with a one-pixel groove between them. A
click on a tile beside the empty slot slides it there, 8 pixels, with one in-between frame at half
way; a click anywhere else (a tile not beside the slot, a groove, the floor) changes nothing but
still costs an action. The level ends when the board matches the goal, shown only as a legend: a box
framed in off-white holding a 2x2-pixel square per slot in the tiles' face colours, the empty slot
black.

Level 1 is a 2x2 board (3 tiles), level 2 3x2, levels 3-4 3x3, level 6 4x3 (11 tiles, every face
colour but the greys and black). From level 5 on, a click on any tile in the empty slot's row or
column slides every tile between it and the slot one place toward the slot (the 15-puzzle's
multi-slide; the tile beside the slot moves alone, as before): a rule change the picture does not
show. The board and the legend stand somewhere else on every level; the scene's floor is off-black
with grey diagonal stripes, and the timer bar runs along the bottom. Each level's goal (colours and
order) is drawn from the seed, and its start among the arrangements whose fewest clicks to the goal
lie in the level's span.

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
    LIGHT_BLUE,
    LIGHT_GRAY,
    LIGHT_MAGENTA,
    MAGENTA,
    MAROON,
    OFF_BLACK,
    OFF_WHITE,
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

TILE, PITCH = 7, 8  # a tile's side and the distance between slots, in pixels
LEGEND_CELL = 2  # a slot's side in the legend, in pixels
# tile face colour -> the colour of the plus in its middle
ACCENT = {
    RED: MAROON, MAROON: RED, BLUE: LIGHT_BLUE, LIGHT_BLUE: BLUE, MAGENTA: LIGHT_MAGENTA,
    LIGHT_MAGENTA: MAGENTA, YELLOW: ORANGE, ORANGE: YELLOW, GREEN: YELLOW, PURPLE: MAGENTA, WHITE: LIGHT_GRAY,
}
COLOURS = tuple(ACCENT)
EMPTY = 0  # the empty slot in a board; tiles are 1..n
# per level: board width, height (slots), multi-slide, span of the start's fewest clicks to the goal,
# the board's tray floor's top-left pixel, the legend's top-left pixel
LEVELS = (
    (2, 2, False, (3, 5), (22, 26), (48, 6)),
    (3, 2, False, (5, 8), (10, 34), (44, 10)),
    (3, 3, False, (8, 11), (30, 18), (8, 8)),
    (3, 3, False, (12, 15), (12, 24), (48, 44)),
    (3, 3, True, (8, 11), (26, 10), (6, 48)),
    (4, 3, True, (9, 11), (16, 30), (48, 8)),
)

Board = tuple[int, ...]  # the tile in each slot, row by row (EMPTY for the empty slot)


@dataclass(frozen=True)
class SlidePuzzle:
    width: int
    height: int
    run: bool  # a click slides the whole run between the tile and the empty slot (levels 5-6)
    colours: tuple[int, ...]  # the face colour of tile 1..n
    goal: Board
    start: Board
    shortest: int  # the start's fewest clicks to the goal
    board_at: tuple[int, int]  # the tray floor's top-left pixel
    legend_at: tuple[int, int]


@dataclass(frozen=True)
class Sliding:
    """An in-between frame: `board` (after the slide) with the tiles in `moved` drawn `shift` pixels back."""

    board: Board
    moved: tuple[int, ...]
    shift: tuple[int, int]


def slid(width: int, height: int, run: bool, board: Board, slot: int) -> Board:
    """`board` after a click on `slot`: the tile there, and with `run` every tile between it and the empty slot,
    one place toward the empty slot; unchanged if the click cannot slide anything."""
    gap = board.index(EMPTY)
    (col, row), (gcol, grow) = divmod(slot, width)[::-1], divmod(gap, width)[::-1]
    if slot == gap or (col != gcol and row != grow):
        return board
    if abs(col - gcol) + abs(row - grow) > 1 and not run:
        return board
    step = (col > gcol) - (col < gcol) + width * ((row > grow) - (row < grow))
    out = list(board)
    at = gap
    while at != slot:
        out[at] = out[at + step]
        at += step
    out[slot] = EMPTY
    return tuple(out)


def neighbours(width: int, height: int, run: bool, board: Board) -> list[Board]:
    """Every board one click away (clicks on the empty slot's row and column)."""
    gap = board.index(EMPTY)
    line = [s for s in range(width * height) if s != gap and (s % width == gap % width or s // width == gap // width)]
    return [after for after in (slid(width, height, run, board, s) for s in line) if after != board]


def ring(width: int, height: int, run: bool, goal: Board, depth: int) -> list[Board]:
    """The boards whose fewest clicks to `goal` are exactly `depth` (every move can be undone by one click), sorted."""
    seen = {goal}
    layer = [goal]
    for _ in range(depth):
        nxt = []
        for board in layer:
            for after in neighbours(width, height, run, board):
                if after not in seen:
                    seen.add(after)
                    nxt.append(after)
        layer = nxt
    return sorted(layer)


def tile_pixels(colour: int) -> np.ndarray:
    """A tile: its face colour, a bevel, a plus of its accent colour in the middle."""
    out = np.full((TILE, TILE), colour, dtype=np.int8)
    out[-1, :] = GRAY
    out[:, -1] = GRAY
    out[0, :-1] = OFF_WHITE
    out[:-1, 0] = OFF_WHITE
    mid = TILE // 2
    out[mid, mid - 1 : mid + 2] = ACCENT[colour]
    out[mid - 1 : mid + 2, mid] = ACCENT[colour]
    return out


class Ht01(Stage):
    NAME = "ht01"
    TITLE = "Slide"
    TAGS = ["heldout", "click"]
    AVAILABLE = [6]
    BAR = "bottom"
    BAR_COLOUR = OFF_WHITE

    def levels(self, rng: random.Random) -> list[SlidePuzzle]:
        out = []
        for width, height, run, (low, high), board_at, legend_at in LEVELS:
            count = width * height - 1
            colours = tuple(rng.sample(COLOURS, count))
            order = [*range(1, count + 1), EMPTY]
            rng.shuffle(order)
            goal = tuple(order)
            shortest = rng.randint(low, high)
            start = rng.choice(ring(width, height, run, goal, shortest))
            out.append(SlidePuzzle(width, height, run, colours, goal, start, shortest, board_at, legend_at))
        return out

    def corner(self, puzzle: SlidePuzzle, slot: int) -> tuple[int, int]:
        """The top-left pixel of the tile in `slot`."""
        row, col = divmod(slot, puzzle.width)
        return puzzle.board_at[0] + 1 + col * PITCH, puzzle.board_at[1] + 1 + row * PITCH

    def slot_at(self, puzzle: SlidePuzzle, cell: tuple[int, int]) -> int | None:
        """The slot whose tile covers pixel `cell` (None on a groove, the tray or the floor)."""
        col, dx = divmod(cell[0] - puzzle.board_at[0] - 1, PITCH)
        row, dy = divmod(cell[1] - puzzle.board_at[1] - 1, PITCH)
        if 0 <= col < puzzle.width and 0 <= row < puzzle.height and dx < TILE and dy < TILE:
            return row * puzzle.width + col
        return None

    def initial_state(self, puzzle: SlidePuzzle) -> Board:
        return puzzle.start

    def transition(self, puzzle: SlidePuzzle, state: Board, action: int, cell: tuple[int, int] | None) -> Board:
        if action != 6 or cell is None:
            return state
        slot = self.slot_at(puzzle, cell)
        if slot is None:
            return state
        return slid(puzzle.width, puzzle.height, puzzle.run, state, slot)

    def tweens(self, puzzle: SlidePuzzle, before: Board, after: Board, action: int) -> list[Sliding]:
        moved = tuple(s for s in range(len(after)) if after[s] != before[s] and after[s] != EMPTY)
        (row, col), (grow, gcol) = divmod(before.index(EMPTY), puzzle.width), divmod(after.index(EMPTY), puzzle.width)
        half = PITCH // 2
        return [Sliding(after, moved, (half * ((gcol > col) - (gcol < col)), half * ((grow > row) - (grow < row))))]

    def is_solved(self, puzzle: SlidePuzzle, state: Board) -> bool:
        return state == puzzle.goal

    def click_targets(self, puzzle: SlidePuzzle, state: Board) -> list[tuple[int, int]]:
        gap = state.index(EMPTY)
        line = [s for s in range(len(state)) if s != gap and (s % puzzle.width == gap % puzzle.width
                                                              or s // puzzle.width == gap // puzzle.width)]
        return [(x + TILE // 2, y + TILE // 2) for x, y in (self.corner(puzzle, s) for s in line)]

    def background(self, puzzle: SlidePuzzle) -> np.ndarray:
        floor = texture(random.Random(0), 64, OFF_BLACK, GRAY, "stripes")
        x, y = puzzle.board_at
        w, h = puzzle.width * PITCH + 1, puzzle.height * PITCH + 1
        floor[y - 1 : y + h + 1, x - 1 : x + w + 1] = LIGHT_GRAY
        floor[y : y + h, x : x + w] = texture(random.Random(0), 64, BLACK, OFF_BLACK, "checker")[:h, :w]
        return floor

    def legend(self, puzzle: SlidePuzzle) -> np.ndarray:
        """The goal: a 2x2-pixel square per slot in its tile's face colour (black for the empty slot), framed."""
        size = LEGEND_CELL
        out = block(puzzle.width * size + 2, puzzle.height * size + 2, BLACK, border=OFF_WHITE)
        for slot, tile in enumerate(puzzle.goal):
            row, col = divmod(slot, puzzle.width)
            out[1 + row * size : 1 + (row + 1) * size, 1 + col * size : 1 + (col + 1) * size] = (
                BLACK if tile == EMPTY else puzzle.colours[tile - 1])
        return out

    def scene(self, puzzle: SlidePuzzle, state: Board | Sliding) -> list[Sprite]:
        if isinstance(state, Sliding):
            board, moved, shift = state.board, state.moved, state.shift
        else:
            board, moved, shift = state, (), (0, 0)
        pieces = []
        for slot, tile in enumerate(board):
            if tile == EMPTY:
                continue
            x, y = self.corner(puzzle, slot)
            if slot in moved:
                x, y = x + shift[0], y + shift[1]
            pieces.append(sprite(tile_pixels(puzzle.colours[tile - 1]), x, y, layer=2, name=f"tile{tile}"))
        pieces.append(sprite(self.legend(puzzle), *puzzle.legend_at, layer=2, name="legend"))
        return pieces
