"""Conveyor: turn the arrows of conveyor tiles so the running belts carry a crate onto the exit (click only).

A walled yard seen from above: a grey rim around a dark textured floor laid out in 7-pixel cells, grey
wall blocks framed in light grey. Some cells hold conveyor tiles: a blue plate framed in grey with a white
arrow in it and the plate's front edge (the side the arrow points to) yellow. A crate, a 5x5 sprite (a
maroon frame with a yellow X brace on orange), starts on one of the tiles; the exit is a green ring with a
white middle. A click on a conveyor tile turns its arrow a quarter turn (the click itself does not move
the crate). Every click, wherever it lands (a tile, the floor, a wall, outside the yard), then advances
the world one tick: a crate standing on a conveyor moves one cell the way that tile's arrow points (as
turned by this click), 7 pixels, with one in-between frame at half way; a crate on plain floor does not
move, so a crate carried off the belts is stuck until RESET; a crate pushed into a wall or off the yard
stays where it is. The level ends when the crate reaches the exit. From level 3 on the yard has pits (a
red ring round a maroon ring round black): a crate carried into a pit is lost, GAME_OVER. From level 5
on the arrows turn a quarter counter-clockwise per click instead of clockwise (a rule change the picture
does not show). The timer bar (the level's action budget) runs along the top.

Level 1 is a 5x4-cell yard with four tiles, level 2 6x5 with five tiles and a wall, level 3 6x6 with six
tiles, a wall and two pits, level 4 7x6 with seven tiles, walls and three pits, level 5 7x7 with eight
tiles, level 6 8x7 with nine tiles and four pits. Each level is drawn from the seed: a route of tiles
from the crate to the exit, decoy tiles beside it, pits beside the route, every arrow set at random; a
draw is kept when its fewest clicks lie in the level's span (three or more), the crate left alone (clicks
on the floor only) never reaches the exit and does not fall into a pit within two ticks, some click
sequence can drop it into a pit (on pit levels), the stage's BFS finds a shortest plan within its state
limit, and (levels 5-6) that plan replayed with clockwise turns does not win.

Baselines: the solver's shortest click count x 1.5, rounded up.
"""

import random
from dataclasses import dataclass, replace
from typing import NamedTuple

import numpy as np
from arcengine import Sprite

from arc_client.games.heldout.stage import (
    BLACK,
    BLUE,
    GRAY,
    GREEN,
    LIGHT_MAGENTA,
    MAROON,
    ORANGE,
    RED,
    WHITE,
    YELLOW,
    Cell,
    Plan,
    Stage,
    art,
    inside,
    solve,
    sprite,
    wall_segments,
    walled_yard,
)

PITCH = 7  # a cell's side, in pixels
HALF = 3  # the in-between frame shows the crate this many pixels along its move
UP, RIGHT, DOWN, LEFT = range(4)
STEPS = ((0, -1), (1, 0), (0, 1), (-1, 0))  # per arrow direction: the (dx, dy) of a cell
CLOCKWISE, COUNTER = 1, -1
# per level: yard width, height (cells), conveyor tiles, wall segments, pits, turn per click, span of the fewest
# clicks, the yard floor's top-left pixel, the floor's texture
Spec = tuple[int, int, int, int, int, int, tuple[int, int], tuple[int, int], str]
LEVELS: tuple[Spec, ...] = (
    (5, 4, 4, 0, 0, CLOCKWISE, (3, 5), (14, 18), "noise"),
    (6, 5, 5, 1, 0, CLOCKWISE, (4, 7), (10, 14), "checker"),
    (6, 6, 6, 1, 2, CLOCKWISE, (5, 9), (12, 10), "bricks"),
    (7, 6, 7, 2, 3, CLOCKWISE, (5, 10), (8, 12), "stripes"),
    (7, 7, 8, 2, 3, COUNTER, (6, 12), (6, 8), "noise"),
    (8, 7, 9, 3, 4, COUNTER, (6, 12), (4, 8), "checker"),
)
GRACE = 2  # the crate left alone does not fall into a pit within this many ticks of the start
SEARCH_CAP = 3000  # states of the generator's own search (lost and stuck crates dropped) before a draw is dropped


@dataclass(frozen=True)
class Yard:
    width: int
    height: int
    origin: tuple[int, int]  # the yard floor's top-left pixel
    floor: str  # the floor's `texture` kind
    walls: frozenset[Cell]
    pits: frozenset[Cell]
    belts: tuple[Cell, ...]  # the conveyor tiles' cells, row by row
    arrows: tuple[int, ...]  # each tile's arrow at the start (UP, RIGHT, DOWN, LEFT)
    start: Cell  # the crate's first cell (a tile)
    exit: Cell
    turn: int  # CLOCKWISE or COUNTER: the quarter turn a click gives a tile
    wait: Cell  # the plain floor cell the solver clicks to let the world tick
    ahead: tuple[tuple[Cell, ...], ...]  # per tile and arrow: where it carries the crate (its own cell if blocked)
    targets: tuple[tuple[int, int], ...]  # the middle pixel of every tile, then of the wait cell: what the solver clicks
    plan: tuple[tuple[int, int, int], ...] = ()  # the stage BFS's shortest plan, found while the level was drawn



class Belts(NamedTuple):
    """A level's state: where the crate is and every tile's arrow."""

    crate: Cell
    arrows: tuple[int, ...]


@dataclass(frozen=True)
class Moving:
    """An in-between frame: the tiles as after the click, the crate `shift` pixels on from `crate`."""

    crate: Cell
    arrows: tuple[int, ...]
    shift: tuple[int, int]


def advance(yard: Yard, state: Belts, clicked: int | None) -> Belts:
    """One click: tile `clicked` (an index into `yard.belts`, or None) turns a quarter, then the world ticks."""
    crate, arrows = state
    if clicked is not None:
        arrows = (*arrows[:clicked], (arrows[clicked] + yard.turn) % 4, *arrows[clicked + 1 :])
    if crate in yard.belts:
        index = yard.belts.index(crate)
        crate = yard.ahead[index][arrows[index]]
    return Belts(crate, arrows)


def carried(width: int, height: int, walls: frozenset[Cell], cell: Cell, direction: int) -> Cell:
    """Where a tile at `cell` with its arrow `direction` carries a crate: one cell on, or nowhere into a wall or
    off the yard."""
    dx, dy = STEPS[direction]
    ahead = (cell[0] + dx, cell[1] + dy)
    return ahead if inside(width, height, ahead) and ahead not in walls else cell


def left_alone(yard: Yard) -> tuple[bool, int | None]:
    """The crate left alone (clicks on the floor only): whether it ever reaches the exit, and after how many ticks
    it falls into a pit (None if never)."""
    state = Belts(yard.start, yard.arrows)
    seen: set[Belts] = set()
    while state not in seen:
        if state.crate == yard.exit:
            return True, None
        if state.crate in yard.pits:
            return False, len(seen)
        seen.add(state)
        state = advance(yard, state, None)
    return False, None


def fewest(yard: Yard, most: int, goal: frozenset[Cell] | None = None) -> int | None:
    """The fewest clicks that carry the crate onto a cell of `goal` (the exit by default), by a search that drops
    lost, stuck and finished crates; None above `most` clicks or `SEARCH_CAP` states."""
    goal = goal or frozenset({yard.exit})
    index_of = {cell: i for i, cell in enumerate(yard.belts)}
    ahead, turn = yard.ahead, yard.turn
    start = (yard.start, yard.arrows)
    seen = {start}
    layer = [start]
    for depth in range(1, most + 1):
        nxt = []
        for crate, arrows in layer:
            on = index_of[crate]
            turned = [(*arrows[:i], (arrows[i] + turn) % 4, *arrows[i + 1 :]) for i in range(len(arrows))]
            for after in ((ahead[on][new[on]], new) for new in (*turned, arrows)):
                if after in seen:
                    continue
                seen.add(after)
                if after[0] in goal:
                    return depth
                if after[0] in index_of:  # not in a pit or on the exit, not stuck on the floor
                    nxt.append(after)
        if len(seen) > SEARCH_CAP:
            return None
        layer = nxt
    return None


def neighbours(yard_w: int, yard_h: int, cell: Cell) -> list[Cell]:
    return [(cell[0] + dx, cell[1] + dy) for dx, dy in STEPS if inside(yard_w, yard_h, (cell[0] + dx, cell[1] + dy))]


def draw(rng: random.Random, spec: Spec) -> Yard | None:
    """One draw of a level's layout (its fewest clicks not yet checked); None at a dead end."""
    width, height, count, segments, pits, turn, _, origin, floor = spec
    walls = frozenset(wall_segments(rng, width, height, segments))
    free = [(c, r) for r in range(height) for c in range(width) if (c, r) not in walls]
    length = rng.randint(3, count - 1)  # tiles on the route; the rest are decoys
    path = [rng.choice(free)]
    while len(path) < length + 1:  # the route's tiles, then the exit
        options = [n for n in neighbours(width, height, path[-1]) if n not in walls and n not in path]
        if not options:
            return None
        path.append(rng.choice(options))
    route, exit_cell = path[:-1], path[-1]
    rest = [cell for cell in free if cell not in path]
    near = [cell for cell in rest if any(n in route for n in neighbours(width, height, cell))]
    pool = near if len(near) >= count - length else rest
    if len(pool) < count - length:
        return None
    decoys = rng.sample(pool, count - length)
    belts = [*route, *decoys]
    rest = [cell for cell in rest if cell not in decoys]
    near = [cell for cell in rest if any(n in route for n in neighbours(width, height, cell))]
    if len(near) < pits or len(rest) < pits + 2:
        return None
    holes = frozenset(rng.sample(near, pits))
    plain = [cell for cell in rest if cell not in holes]
    order = sorted(belts, key=lambda cell: (cell[1], cell[0]))
    ahead = tuple(tuple(carried(width, height, walls, cell, d) for d in range(4)) for cell in order)
    targets = tuple((origin[0] + c * PITCH + PITCH // 2, origin[1] + r * PITCH + PITCH // 2) for c, r in [*order, plain[0]])
    return Yard(width, height, origin, floor, walls, holes, tuple(order), tuple(rng.randrange(4) for _ in order),
                route[0], exit_cell, turn, plain[0], ahead, targets)


def replayed_wins(yard: Yard, clicked: list[int | None]) -> bool:
    state = Belts(yard.start, yard.arrows)
    for index in clicked:
        state = advance(yard, state, index)
        if state.crate == yard.exit:
            return True
        if state.crate in yard.pits:
            return False
    return False


def arrow_pixels(direction: int) -> np.ndarray:
    """A conveyor tile: a blue plate framed in grey, a white arrow, the front edge yellow."""
    up = art(
        ["gyyyyyg", "gbbwbbg", "gbwwwbg", "gwwwwwg", "gbbwbbg", "gbbwbbg", "ggggggg"],
        {"g": GRAY, "y": YELLOW, "b": BLUE, "w": WHITE},
    )
    return np.ascontiguousarray(np.rot90(up, k=-direction))


CRATE = art(["mmmmm", "myoym", "moyom", "myoym", "mmmmm"], {"m": MAROON, "y": YELLOW, "o": ORANGE})
SUNK = art(["mym", "yoy", "mym"], {"m": MAROON, "y": YELLOW, "o": ORANGE})  # a crate fallen into a pit
EXIT = art(
    ["ggggggg", "gkkkkkg", "gkwwwkg", "gkwwwkg", "gkwwwkg", "gkkkkkg", "ggggggg"], {"g": GREEN, "w": WHITE, "k": BLACK})
PIT = art(
    ["rrrrrrr", "rmmmmmr", "rmkkkmr", "rmkkkmr", "rmkkkmr", "rmmmmmr", "rrrrrrr"], {"r": RED, "m": MAROON, "k": BLACK})


class Xb01(Stage):
    NAME = "xb01"
    TITLE = "Conveyor"
    TAGS = ["sealed", "click"]
    AVAILABLE = [6]
    BAR = "top"
    BAR_COLOUR = LIGHT_MAGENTA

    def levels(self, rng: random.Random) -> list[Yard]:
        out = []
        for spec in LEVELS:
            low, high = spec[6]
            while True:
                yard = draw(rng, spec)
                if yard is None:
                    continue
                wins, falls = left_alone(yard)
                if wins or (falls is not None and falls <= GRACE):
                    continue
                best = fewest(yard, high)
                if best is None or best < max(3, low):
                    continue
                if yard.pits and fewest(yard, high, yard.pits) is None:  # the pits must be a danger
                    continue
                plan = solve(self, yard)
                if plan is None or len(plan) != best:
                    continue
                if yard.turn == COUNTER and replayed_wins(replace(yard, turn=CLOCKWISE), self.plan_clicks(yard, plan)):
                    continue
                out.append(replace(yard, plan=tuple((a, int(x), int(y)) for a, x, y in plan)))
                break
        return out

    def plan_clicks(self, yard: Yard, plan: Plan) -> list[int | None]:
        """The tile each step of a plan clicks (None for a wait)."""
        out: list[int | None] = []
        for _, x, y in plan:
            cell = self.cell_at(yard, (x, y))
            out.append(yard.belts.index(cell) if cell in yard.belts else None)
        return out

    def known_plan(self, puzzle: Yard) -> Plan | None:
        return list(puzzle.plan) or None

    # ---- geometry -------------------------------------------------------------------------------
    def corner(self, yard: Yard, cell: Cell) -> tuple[int, int]:
        """The top-left pixel of a cell."""
        return yard.origin[0] + cell[0] * PITCH, yard.origin[1] + cell[1] * PITCH

    def centre(self, yard: Yard, cell: Cell) -> tuple[int, int]:
        x, y = self.corner(yard, cell)
        return x + PITCH // 2, y + PITCH // 2

    def cell_at(self, yard: Yard, pixel: tuple[int, int]) -> Cell | None:
        """The yard cell under `pixel` (None on the rim or outside the yard)."""
        col, row = (pixel[0] - yard.origin[0]) // PITCH, (pixel[1] - yard.origin[1]) // PITCH
        return (col, row) if inside(yard.width, yard.height, (col, row)) else None

    # ---- rules ----------------------------------------------------------------------------------
    def initial_state(self, puzzle: Yard) -> Belts:
        return Belts(puzzle.start, puzzle.arrows)

    def transition(self, puzzle: Yard, state: Belts, action: int, cell: tuple[int, int] | None) -> Belts:
        if action != 6 or cell is None:
            return state
        spot = self.cell_at(puzzle, cell)
        return advance(puzzle, state, puzzle.belts.index(spot) if spot in puzzle.belts else None)

    def is_solved(self, puzzle: Yard, state: Belts) -> bool:
        return state.crate == puzzle.exit

    def is_lost(self, puzzle: Yard, state: Belts) -> bool:
        return state.crate in puzzle.pits

    def click_targets(self, puzzle: Yard, state: Belts) -> list[tuple[int, int]]:
        return list(puzzle.targets)

    def tweens(self, puzzle: Yard, before: Belts, after: Belts, action: int) -> list[Moving]:
        if before.crate == after.crate:
            return []
        dx, dy = after.crate[0] - before.crate[0], after.crate[1] - before.crate[1]
        return [Moving(before.crate, after.arrows, (HALF * dx, HALF * dy))]

    # ---- drawing --------------------------------------------------------------------------------
    def background(self, puzzle: Yard) -> np.ndarray:
        floor = walled_yard(puzzle.width, puzzle.height, puzzle.origin, puzzle.walls, puzzle.floor, cell=PITCH)
        for cell, pixels in [*((pit, PIT) for pit in puzzle.pits), (puzzle.exit, EXIT)]:
            x, y = self.corner(puzzle, cell)
            floor[y : y + PITCH, x : x + PITCH] = pixels
        return floor

    def scene(self, puzzle: Yard, state: Belts | Moving) -> list[Sprite]:
        shift = state.shift if isinstance(state, Moving) else (0, 0)
        pieces = []
        for i, (cell, direction) in enumerate(zip(puzzle.belts, state.arrows, strict=True)):
            pieces.append(sprite(arrow_pixels(direction), *self.corner(puzzle, cell), layer=1, name=f"belt{i}"))
        x, y = self.corner(puzzle, state.crate)
        if isinstance(state, Belts) and state.crate in puzzle.pits:
            pieces.append(sprite(SUNK, x + 2, y + 2, layer=2, name="crate"))
        else:
            pieces.append(sprite(CRATE, x + 1 + shift[0], y + 1 + shift[1], layer=2, name="crate"))
        return pieces
