"""Flood: recolour the flood region from its corner until the whole board is one colour (click only).

The board is a framed square of coloured cells (4x4 or 5x5 pixels with a one-pixel gap) on a
textured floor; a white dot marks the corner cell where the flood region starts (the region is that
cell and every cell of its colour joined to it). A tray of framed swatches, one per colour of the
level, lies below the board: clicking a swatch recolours the whole region to that colour, and the
region then absorbs every cell of that colour joined to it. Clicking the region's own colour does
nothing. The level is won when the whole board is one colour. Clicks on the board itself do nothing
on levels 1-3; from level 4 on the rule changes and clicking a board cell floods with THAT cell's
colour (the swatches still work). From level 5 on the flood starts from the opposite (bottom right)
corner, and the dot moves there. The level number sits at the top left; the timer bar runs along the
top. Boards grow from 3x3 with three colours to 7x7 with five, coloured at random from the seed.

Baselines: the solver's shortest click count x 1.5, rounded up.
"""

import random
from collections import deque
from dataclasses import dataclass

import numpy as np
from arcengine import Sprite

from arc_client.games.heldout.stage import (
    BLACK,
    BLUE,
    GRAY,
    GREEN,
    LIGHT_GRAY,
    MAGENTA,
    OFF_BLACK,
    ORANGE,
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

PALETTE = (RED, BLUE, GREEN, YELLOW, ORANGE, MAGENTA)
# per level: side, colours, board clicks flood, start corner (0: top left, 1: bottom right), shortest plan span
LEVELS = (
    (3, 3, False, 0, (3, 4)),
    (4, 3, False, 0, (4, 6)),
    (4, 4, False, 0, (5, 7)),
    (5, 4, True, 0, (6, 9)),
    (6, 4, True, 1, (7, 10)),
    (6, 5, True, 1, (8, 12)),
    (7, 5, True, 1, (10, 14)),
)
BOARD_TOP = 11
SWATCH = 7  # a swatch is 7x7 pixels, its rim included
SWATCH_GAP = 4
TRAY_TOP = 52
SEARCH_LIMIT = 12_000  # a level is kept only if its shortest plan is found within this many states

Flood = tuple[int, int]  # (bitmask of the region's cells, the region's colour)


@dataclass(frozen=True)
class FloodPuzzle:
    number: int  # 1-based level number
    side: int
    board: tuple[int, ...]  # row-major cell colours at the start
    palette: tuple[int, ...]  # swatch colours, left to right
    board_clicks: bool
    corner: int  # 0: the flood starts top left, 1: bottom right

    @property
    def pitch(self) -> int:
        return 6 if self.side <= 5 else 5

    @property
    def cell(self) -> int:
        return self.pitch - 1

    @property
    def origin(self) -> tuple[int, int]:
        span = self.side * self.pitch - 1
        return (64 - span) // 2, BOARD_TOP

    @property
    def start(self) -> int:
        return 0 if self.corner == 0 else self.side * self.side - 1


def _masks(side: int) -> tuple[int, int, int]:
    """All cells, every cell but the first column, every cell but the last column."""
    full = (1 << side * side) - 1
    first = sum(1 << (r * side) for r in range(side))
    last = first << (side - 1)
    return full, full & ~first, full & ~last


def colour_mask(puzzle: FloodPuzzle, colour: int) -> int:
    return sum(1 << i for i, c in enumerate(puzzle.board) if c == colour)


def grow(side: int, region: int, allowed: int) -> int:
    """`region` grown through the 4-connected cells of `allowed`."""
    full, no_first, no_last = _masks(side)
    while True:
        edge = ((region << 1) & no_first) | ((region >> 1) & no_last) | (region << side) | (region >> side)
        new = edge & full & allowed & ~region
        if not new:
            return region
        region |= new


def flooded(puzzle: FloodPuzzle, state: Flood, colour: int) -> Flood:
    """The region recoloured to `colour`, grown over the joined cells of that colour."""
    region, current = state
    if colour == current:
        return state
    return grow(puzzle.side, region, colour_mask(puzzle, colour)), colour


def start_state(puzzle: FloodPuzzle) -> Flood:
    colour = puzzle.board[puzzle.start]
    return grow(puzzle.side, 1 << puzzle.start, colour_mask(puzzle, colour)), colour


def shortest(puzzle: FloodPuzzle, limit: int = SEARCH_LIMIT) -> int | None:
    """The fewest swatch clicks that flood the board (BFS), or None past `limit` states."""
    full = (1 << puzzle.side * puzzle.side) - 1
    start = start_state(puzzle)
    if start[0] == full:
        return 0
    depth = {start: 0}
    queue = deque([start])
    while queue:
        state = queue.popleft()
        for colour in puzzle.palette:
            after = flooded(puzzle, state, colour)
            if after in depth:
                continue
            depth[after] = depth[state] + 1
            if after[0] == full:
                return depth[after]
            if len(depth) > limit:
                return None
            queue.append(after)
    return None


def colours_of(puzzle: FloodPuzzle, state: Flood) -> list[int]:
    """Every cell's colour now, row-major."""
    region, colour = state
    return [colour if region >> i & 1 else c for i, c in enumerate(puzzle.board)]


class Xa01(Stage):
    NAME = "xa01"
    TITLE = "Flood"
    TAGS = ["sealed", "click"]
    AVAILABLE = [6]
    BAR = "top"
    BAR_COLOUR = LIGHT_GRAY

    def levels(self, rng: random.Random) -> list[FloodPuzzle]:
        out = []
        for number, (side, count, board_clicks, corner, (low, high)) in enumerate(LEVELS, start=1):
            while True:
                palette = tuple(rng.sample(PALETTE, count))
                board = tuple(rng.choice(palette) for _ in range(side * side))
                if set(board) != set(palette):
                    continue
                puzzle = FloodPuzzle(number, side, board, palette, board_clicks, corner)
                length = shortest(puzzle)
                if length is not None and low <= length <= high:
                    out.append(puzzle)
                    break
        return out

    # ---- geometry -------------------------------------------------------------------------------
    def cell_corner(self, puzzle: FloodPuzzle, index: int) -> tuple[int, int]:
        """The top-left pixel of board cell `index` (row-major)."""
        ox, oy = puzzle.origin
        return ox + (index % puzzle.side) * puzzle.pitch, oy + (index // puzzle.side) * puzzle.pitch

    def swatch_corner(self, puzzle: FloodPuzzle, index: int) -> tuple[int, int]:
        count = len(puzzle.palette)
        span = count * SWATCH + (count - 1) * SWATCH_GAP
        return (64 - span) // 2 + index * (SWATCH + SWATCH_GAP), TRAY_TOP

    def _swatch_at(self, puzzle: FloodPuzzle, cell: tuple[int, int]) -> int | None:
        for index in range(len(puzzle.palette)):
            x, y = self.swatch_corner(puzzle, index)
            if x <= cell[0] < x + SWATCH and y <= cell[1] < y + SWATCH:
                return index
        return None

    def _board_at(self, puzzle: FloodPuzzle, cell: tuple[int, int]) -> int | None:
        return grid_index(puzzle.origin, puzzle.pitch, puzzle.cell, puzzle.side, cell)

    # ---- hooks ----------------------------------------------------------------------------------
    def initial_state(self, puzzle: FloodPuzzle) -> Flood:
        return start_state(puzzle)

    def transition(self, puzzle: FloodPuzzle, state: Flood, action: int, cell: tuple[int, int] | None) -> Flood:
        if action != 6 or cell is None:
            return state
        swatch = self._swatch_at(puzzle, cell)
        if swatch is not None:
            return flooded(puzzle, state, puzzle.palette[swatch])
        if puzzle.board_clicks:
            index = self._board_at(puzzle, cell)
            if index is not None:
                return flooded(puzzle, state, colours_of(puzzle, state)[index])
        return state

    def is_solved(self, puzzle: FloodPuzzle, state: Flood) -> bool:
        return state[0] == (1 << puzzle.side * puzzle.side) - 1

    def click_targets(self, puzzle: FloodPuzzle, state: Flood) -> list[tuple[int, int]]:
        corners = (self.swatch_corner(puzzle, i) for i in range(len(puzzle.palette)))
        return [(x + SWATCH // 2, y + SWATCH // 2) for x, y in corners]

    def background(self, puzzle: FloodPuzzle) -> np.ndarray:
        floor = texture(random.Random(puzzle.number), 64, BLACK, OFF_BLACK, "noise")
        floor[2:8, :] = OFF_BLACK
        ox, oy = puzzle.origin
        span = puzzle.side * puzzle.pitch - 1
        floor[oy - 3 : oy + span + 3, ox - 3 : ox + span + 3] = block(span + 6, span + 6, BLACK, border=GRAY)
        floor[oy - 2 : oy + span + 2, ox - 2 : ox + span + 2][[0, -1], 1:-1] = LIGHT_GRAY
        floor[oy - 2 : oy + span + 2, ox - 2 : ox + span + 2][1:-1, [0, -1]] = LIGHT_GRAY
        floor[oy - 1 : oy + span + 1, ox - 1 : ox + span + 1] = block(span + 2, span + 2, BLACK)
        left, _ = self.swatch_corner(puzzle, 0)
        right = self.swatch_corner(puzzle, len(puzzle.palette) - 1)[0] + SWATCH
        floor[TRAY_TOP - 2 : TRAY_TOP + SWATCH + 2, left - 3 : right + 3] = block(
            right - left + 6, SWATCH + 4, OFF_BLACK, border=GRAY)
        return floor

    def scene(self, puzzle: FloodPuzzle, state: Flood) -> list[Sprite]:
        pieces: list[Sprite] = []
        size = puzzle.cell
        for index, colour in enumerate(colours_of(puzzle, state)):
            x, y = self.cell_corner(puzzle, index)
            pieces.append(sprite(block(size, size, colour), x, y, layer=1))
        x, y = self.cell_corner(puzzle, puzzle.start)
        dot = block(2, 2, WHITE) if size == 4 else art([".w.", "www", ".w."], {"w": WHITE})
        pieces.append(sprite(dot, x + (size - dot.shape[1]) // 2, y + (size - dot.shape[0]) // 2, layer=2, name="marker"))
        for index, colour in enumerate(puzzle.palette):
            x, y = self.swatch_corner(puzzle, index)
            pieces.append(sprite(block(SWATCH, SWATCH, colour, border=WHITE), x, y, layer=1, name=f"swatch{index}"))
        pieces.append(sprite(glyphs(str(puzzle.number), WHITE), 3, 3, layer=2, name="level"))
        return pieces
