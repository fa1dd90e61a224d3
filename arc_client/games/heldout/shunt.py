"""Shunt: click a block to take hold of it, move it with the keys, park every block on its pad (keys and clicks).

Blocks of several colours stand in a walled yard; a pad is an outline of a block's colour drawn on the
floor. A click on a block takes hold of it (its middle turns white; a click anywhere else changes
nothing); the direction keys move the block held one cell, blocked by walls and by the other blocks.
The level ends when every pad has its block on it. At the start of level 1 no block is held; from level 2
on a block that has no pad is held, so the keys move the wrong one until a click says otherwise. From
level 3 on another block stands in the way and must be moved first, from level 4 on two blocks have pads,
and from level 5 on a block moved slides until it hits something (a rule change the screen does not
show). The floor is a checker walled with blocks; the step budget runs along the right. Every level is
generated from the seed: yards of 6x6 to 8x8 cells, 2-4 blocks, wall segments.

Depot (`hz01`) is the same game drawn and ruled otherwise: 5-pixel blocks on a striped floor, the block
held ringed in white rather than marked in its middle, yards of 6x5 to 9x8 cells, 2-4 blocks, one to
four wall segments, two blocks moved by the shortest plan from level 2 on, blocks that slide on levels 4
and 5 only (level 6 steps again), the budget along the top.

Baselines: the solver's shortest plan x 1.5, rounded up.
"""

import random
from dataclasses import dataclass

import numpy as np
from arcengine import Sprite

from arc_client.games.heldout.stage import (
    BLUE,
    GREEN,
    LIGHT_BLUE,
    MAGENTA,
    MOVES,
    ORANGE,
    PURPLE,
    RED,
    WHITE,
    YELLOW,
    Cell,
    Stage,
    inside,
    solve,
    sprite,
    wall_segments,
    walled_yard,
)

CELL = 4  # Shunt's cell, in pixels (Depot's: `Hz01.CELL`)
# per level: yard width, height, blocks, pads, wall segments, sliding, blocks the shortest plan must move
LEVELS = (
    (6, 6, 2, 1, 0, False, 1),
    (7, 6, 3, 1, 1, False, 1),
    (7, 7, 3, 1, 2, False, 2),
    (8, 7, 3, 2, 2, False, 2),
    (7, 7, 3, 1, 2, True, 2),
    (8, 8, 4, 2, 3, True, 2),
)
COLOURS = (RED, BLUE, YELLOW, MAGENTA, GREEN, ORANGE)
NOBODY = -1  # no block held
_PLANS: dict = {}  # (game, yard) -> the shortest plan found while generating it


@dataclass(frozen=True)
class Yard:
    width: int
    height: int
    walls: frozenset[Cell]
    colours: tuple[int, ...]  # one per block
    start: tuple[Cell, ...]  # the blocks' cells at the start
    held: int  # the block held at the start (NOBODY: none)
    pads: tuple[tuple[Cell, int], ...]  # (cell, the block that belongs there)
    slide: bool  # a block moved slides until it hits something


@dataclass(frozen=True)
class Hold:
    at: tuple[Cell, ...]
    held: int


def _moved(yard: Yard, state: Hold, action: int) -> Hold:
    dx, dy = MOVES[action]
    others = {cell for i, cell in enumerate(state.at) if i != state.held}
    here = state.at[state.held]
    while True:
        nxt = (here[0] + dx, here[1] + dy)
        if not inside(yard.width, yard.height, nxt) or nxt in yard.walls or nxt in others:
            break
        here = nxt
        if not yard.slide:
            break
    at = list(state.at)
    at[state.held] = here
    return Hold(tuple(at), state.held)


def step(yard: Yard, state: Hold, action: int, cell: Cell | None) -> Hold:
    """A click on a block takes hold of it; a direction key moves (or slides) the block held."""
    if action == 6:
        if cell is not None and cell in state.at:
            return Hold(state.at, state.at.index(cell))
        return state
    if action in MOVES and state.held != NOBODY:
        return _moved(yard, state, action)
    return state


def parked(yard: Yard, state: Hold) -> bool:
    return all(state.at[block] == cell for cell, block in yard.pads)


def blocks_moved(yard: Yard, plan: list[tuple[int, int | None, int | None]], origin: tuple[int, int],
                 cell_size: int = CELL) -> int:
    """How many blocks a plan moves (a click's display point taken back to the yard's cell)."""
    state, moved = Hold(yard.start, yard.held), set()
    for action, x, y in plan:
        cell = None if x is None or y is None else ((x - origin[0]) // cell_size, (y - origin[1]) // cell_size)
        after = step(yard, state, action, cell)
        if after.at != state.at:
            moved.add(state.held)
        state = after
    return len(moved)


class Hb01(Stage):
    NAME = "hb01"
    TITLE = "Shunt"
    TAGS = ["heldout", "keyboard", "click"]
    AVAILABLE = [1, 2, 3, 4, 6]
    BAR = "right"
    BAR_COLOUR = PURPLE
    CELL = CELL
    LEVELS = LEVELS
    FLOOR = "checker"
    RINGED = False  # the block held: its middle white (False) or a white ring round it (True)

    def levels(self, rng: random.Random) -> list[Yard]:
        out = []
        for index, (width, height, blocks, pads, segments, slide, must_move) in enumerate(self.LEVELS):
            for _try in range(300):
                walls = frozenset(wall_segments(rng, width, height, segments))
                free = [(x, y) for x in range(width) for y in range(height) if (x, y) not in walls]
                cells = rng.sample(free, blocks + pads)
                start, pad_cells = tuple(cells[:blocks]), cells[blocks:]
                colours = tuple(rng.sample(COLOURS, blocks))
                owners = rng.sample(range(blocks), pads)
                held = NOBODY if index == 0 else rng.choice([b for b in range(blocks) if b not in owners])
                yard = Yard(width, height, walls, colours, start, held,
                            tuple(zip(pad_cells, owners, strict=True)), slide)
                plan = solve(self, yard, max_states=20_000)
                if plan and len(plan) >= 4 and blocks_moved(yard, plan, self._origin(yard), self.CELL) >= must_move:
                    _PLANS[(self.NAME, yard)] = plan
                    out.append(yard)
                    break
            else:
                raise RuntimeError(f"shunt: no yard for level {index + 1}")
        return out

    def known_plan(self, puzzle: Yard) -> list[tuple[int, int | None, int | None]] | None:
        return _PLANS.get((self.NAME, puzzle))  # the shortest plan `levels` found

    def initial_state(self, puzzle: Yard) -> Hold:
        return Hold(puzzle.start, puzzle.held)

    def _origin(self, puzzle: Yard) -> tuple[int, int]:
        return (60 - puzzle.width * self.CELL) // 2, (64 - puzzle.height * self.CELL) // 2

    def _cell(self, puzzle: Yard, point: tuple[int, int] | None) -> Cell | None:
        if point is None:
            return None
        ox, oy = self._origin(puzzle)
        if point[0] < ox or point[1] < oy:
            return None
        return (point[0] - ox) // self.CELL, (point[1] - oy) // self.CELL

    def transition(self, puzzle: Yard, state: Hold, action: int, cell: tuple[int, int] | None) -> Hold:
        return step(puzzle, state, action, self._cell(puzzle, cell))

    def is_solved(self, puzzle: Yard, state: Hold) -> bool:
        return parked(puzzle, state)

    def click_targets(self, puzzle: Yard, state: Hold) -> list[tuple[int, int]]:
        ox, oy = self._origin(puzzle)
        return [(ox + c * self.CELL + 1, oy + r * self.CELL + 1) for c, r in state.at]

    def background(self, puzzle: Yard) -> np.ndarray:
        return walled_yard(puzzle.width, puzzle.height, self._origin(puzzle), puzzle.walls, self.FLOOR, self.CELL)

    def scene(self, puzzle: Yard, state: Hold) -> list[Sprite]:
        ox, oy, size = *self._origin(puzzle), self.CELL
        pieces = []
        for (c, r), block in puzzle.pads:
            outline = np.full((size, size), puzzle.colours[block], dtype=np.int8)
            outline[1:-1, 1:-1] = -1  # the floor shows through
            pieces.append(sprite(outline, ox + c * size, oy + r * size, layer=1))
        for index, ((c, r), colour) in enumerate(zip(state.at, puzzle.colours, strict=True)):
            pixels = np.full((size, size), colour, dtype=np.int8)
            if index == state.held and self.RINGED:
                pixels[[0, -1], :] = WHITE
                pixels[:, [0, -1]] = WHITE
            elif index == state.held:
                pixels[1:-1, 1:-1] = WHITE
            pieces.append(sprite(pixels, ox + c * size, oy + r * size, layer=2, name=f"block{index}"))
        return pieces


class Hz01(Hb01):
    NAME = "hz01"
    TITLE = "Depot"
    BAR = "top"
    BAR_COLOUR = LIGHT_BLUE
    CELL = 5
    # per level: yard width, height, blocks, pads, wall segments, sliding, blocks the shortest plan must move
    LEVELS = (
        (6, 5, 2, 1, 1, False, 1),
        (7, 6, 3, 1, 2, False, 2),
        (7, 7, 4, 2, 2, False, 2),
        (8, 7, 3, 1, 3, True, 2),
        (8, 8, 4, 2, 3, True, 2),
        (9, 8, 4, 2, 4, False, 2),
    )
    FLOOR = "stripes"
    RINGED = True

    def _origin(self, puzzle: Yard) -> tuple[int, int]:
        return (64 - puzzle.width * self.CELL) // 2, 4 + (60 - puzzle.height * self.CELL) // 2
