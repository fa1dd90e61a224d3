"""Train: drive a little train round a walled yard and park the whole of it on the depot (keyboard).

A yard seen from above: a grey rim around a dark gravel floor laid out in 6-pixel cells, grey wall blocks
framed in light grey. A train stands on the floor, one cell per vehicle: the engine (a red 4x4 body with
a yellow lamp) and its cars (blue bodies with light-blue roofs), grey couplers between neighbours. The
keys move the engine one cell (ACTION1 up, ACTION2 down, ACTION3 left, ACTION4 right; 6 pixels, with one
in-between frame at half way) and every car follows into the cell of the one ahead of it, like a snake.
The engine may not leave the yard or enter a wall, a crate or one of its own cars: such a key does
nothing (it still costs an action). The depot is drawn in the floor as a dotted white outline round a
line or an L of cells, as many as the train is long; the level is won when every vehicle stands on a
depot cell.

From level 4 on the rules change: ACTION5 reverses the train (the last car becomes the engine and is
drawn as one, the old engine becomes the last car), and the depot carries a small flag (a white pole, a
green pennant) on one end cell, whose dotted edges are green: the train must park with its engine on
that end. ACTION5 does nothing before level 4. From level 5 on the train has three cars behind the
engine (four vehicles, a four-cell depot) and cargo crates (maroon with orange slats) lie on some cells:
the engine cannot enter them, they are walls to go around.

Levels grow from a 7x6-cell yard to a 10x9 one; each is drawn from the seed (wall segments, crates, a
depot, a train placed off it with its engine at least half the level's lower span of steps from the
depot) and kept when the stage's BFS finds a shortest plan in the level's span, the train is not parked
at the start, and no single key held down wins. The timer bar (the level's action budget) runs down the
left edge.

Baselines: the solver's shortest plan x 1.5, rounded up.
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
    MAGENTA,
    MAROON,
    MOVES,
    OFF_BLACK,
    ORANGE,
    RED,
    WHITE,
    YELLOW,
    Cell,
    Stage,
    art,
    block,
    inside,
    solve,
    sprite,
    texture,
    walk_from,
    wall_segments,
)

PITCH = 6  # pixels per cell
BODY = 1  # a vehicle's 4x4 body starts one pixel into its cell
REVERSE = 5
GENERATION_STATES = 20_000


@dataclass(frozen=True)
class Spec:
    width: int
    height: int
    length: int  # vehicles in the train, engine included (= depot cells)
    walls: int  # wall segments tried
    crates: int
    flagged: bool  # ACTION5 reverses and the depot's flag marks the engine's end
    shortest: tuple[int, int]  # the span the shortest plan must lie in


LEVELS = (
    Spec(7, 6, 3, 1, 0, False, (6, 12)),
    Spec(8, 6, 3, 2, 0, False, (8, 16)),
    Spec(8, 7, 3, 3, 0, False, (10, 20)),
    Spec(8, 7, 3, 3, 0, True, (12, 24)),
    Spec(9, 8, 4, 3, 3, True, (14, 28)),
    Spec(10, 8, 4, 4, 4, True, (14, 32)),
    Spec(10, 9, 4, 4, 5, True, (16, 35)),
)

Train = tuple[Cell, ...]  # the train's cells, engine first


@dataclass(frozen=True)
class Yard:
    width: int
    height: int
    walls: frozenset[Cell]
    crates: frozenset[Cell]
    depot: Train  # the depot's cells in order along it; depot[0] is the flagged end
    start: Train
    flagged: bool


@dataclass(frozen=True)
class Midway:
    """An in-between frame: every vehicle half way from its cell in `before` to its cell in `after`."""

    before: Train
    after: Train


def origin(yard: Yard) -> tuple[int, int]:
    """The top-left pixel of the yard's cell (0, 0); the yard is centred right of the timer bar."""
    return 3 + (62 - PITCH * yard.width - 2) // 2, 1 + (64 - PITCH * yard.height - 2) // 2


def cell_pixel(yard: Yard, cell: Cell) -> tuple[int, int]:
    """The top-left pixel of `cell`."""
    ox, oy = origin(yard)
    return ox + PITCH * cell[0], oy + PITCH * cell[1]


def blocked(yard: Yard, cell: Cell) -> bool:
    return not inside(yard.width, yard.height, cell) or cell in yard.walls or cell in yard.crates


def drive(yard: Yard, train: Train, action: int) -> Train:
    """One action: the engine steps one cell and each car moves into the cell ahead of it, or (from level 4,
    ACTION5) the train reverses; a blocked step changes nothing."""
    if action == REVERSE:
        return train[::-1] if yard.flagged else train
    if action not in MOVES:
        return train
    dx, dy = MOVES[action]
    head = (train[0][0] + dx, train[0][1] + dy)
    if blocked(yard, head) or head in train:
        return train
    return (head, *train[:-1])


def parked(yard: Yard, train: Train) -> bool:
    if set(train) != set(yard.depot):
        return False
    return not yard.flagged or train[0] == yard.depot[0]


def _shape(rng: random.Random, length: int) -> list[Cell]:
    """A line or an L of `length` cells from (0, 0), in order along it."""
    d1 = rng.choice(list(MOVES.values()))
    run = length if rng.random() < 0.4 else rng.randint(2, length - 1)
    d2 = rng.choice([d for d in MOVES.values() if d[0] * d1[0] + d[1] * d1[1] == 0])
    cells = [(d1[0] * i, d1[1] * i) for i in range(run)]
    corner = cells[-1]
    cells += [(corner[0] + d2[0] * i, corner[1] + d2[1] * i) for i in range(1, length - run + 1)]
    return cells


def _snake(rng: random.Random, free: list[Cell], taken: set[Cell], length: int) -> Train | None:
    """A random self-avoiding path of `length` free cells, or None."""
    head = rng.choice(free)
    cells = [head]
    while len(cells) < length:
        here = cells[-1]
        options = [(here[0] + dx, here[1] + dy) for dx, dy in MOVES.values()]
        options = [c for c in options if c in taken and c not in cells]
        if not options:
            return None
        cells.append(rng.choice(options))
    return tuple(cells)


def _reach(yard: Yard) -> int:
    """A lower bound on any winning plan: every vehicle moves at most one cell per action."""
    return max(min(abs(x - dx) + abs(y - dy) for dx, dy in yard.depot) for x, y in yard.start)


class Xi01(Stage):
    NAME = "xi01"
    TITLE = "Train"
    TAGS = ["sealed", "keyboard"]
    AVAILABLE = [1, 2, 3, 4, 5]
    BAR = "left"
    BAR_COLOUR = MAGENTA

    def levels(self, rng: random.Random) -> list[Yard]:
        return [self._make(rng, spec) for spec in LEVELS]

    def _make(self, rng: random.Random, spec: Spec) -> Yard:
        lo, hi = spec.shortest
        for _attempt in range(600):
            yard = self._draw(rng, spec)
            if yard is None or parked(yard, yard.start) or _reach(yard) < lo // 2:  # surely too short: skip the BFS
                continue
            plan = solve(self, yard, GENERATION_STATES)
            if plan is None or not lo <= len(plan) <= hi or self._held_key_wins(yard, len(plan)):
                continue
            return yard
        raise RuntimeError(f"train: no level found for {spec}")

    def _draw(self, rng: random.Random, spec: Spec) -> Yard | None:
        w, h = spec.width, spec.height
        walls = wall_segments(rng, w, h, spec.walls)
        crates: set[Cell] = set()
        for _ in range(spec.crates):
            for _try in range(20):
                crate = (rng.randrange(w), rng.randrange(h))
                trial = walls | crates | {crate}
                free = [(x, y) for x in range(w) for y in range(h) if (x, y) not in trial]
                if crate not in walls | crates and len(walk_from(w, h, trial, free[0])) == len(free):
                    crates.add(crate)
                    break
        solid = walls | crates
        shape = _shape(rng, spec.length)
        spots = [(dx, dy) for dx in range(w) for dy in range(h)
                 if all(inside(w, h, (x + dx, y + dy)) and (x + dx, y + dy) not in solid for x, y in shape)]
        if not spots:
            return None
        dx, dy = rng.choice(spots)
        depot = tuple((x + dx, y + dy) for x, y in shape)
        room = {(x, y) for x in range(w) for y in range(h)} - solid - set(depot)
        steps = walk_from(w, h, solid, depot[0])
        far = [cell for cell in sorted(room) if steps.get(cell, (0, None))[0] >= spec.shortest[0] // 2]
        start = _snake(rng, far, room, spec.length) if far else None
        if start is None:
            return None
        return Yard(w, h, frozenset(walls), frozenset(crates), depot, start, spec.flagged)

    def _held_key_wins(self, yard: Yard, optimal: int) -> bool:
        """Whether holding any one key down wins within the level's budget."""
        for action in self.AVAILABLE:
            train = yard.start
            for _ in range(self.budget(yard, optimal)):
                after = drive(yard, train, action)
                if parked(yard, after):
                    return True
                if after == train or (action == REVERSE and after == yard.start):
                    break
                train = after
        return False

    def initial_state(self, puzzle: Yard) -> Train:
        return puzzle.start

    def transition(self, puzzle: Yard, state: Train, action: int, cell: tuple[int, int] | None) -> Train:
        return drive(puzzle, state, action)

    def is_solved(self, puzzle: Yard, state: Train) -> bool:
        return parked(puzzle, state)

    def tweens(self, puzzle: Yard, before: Train, after: Train, action: int) -> list[Midway]:
        if action == REVERSE:
            return []
        return [Midway(before, after)]

    # ---- drawing -----------------------------------------------------------------------------
    def background(self, puzzle: Yard) -> np.ndarray:
        floor = np.full((64, 64), BLACK, dtype=np.int8)
        ox, oy = origin(puzzle)
        w, h = PITCH * puzzle.width, PITCH * puzzle.height
        floor[oy - 1 : oy + h + 1, ox - 1 : ox + w + 1] = GRAY
        gravel = texture(random.Random(puzzle.width * 31 + puzzle.height), 64, OFF_BLACK, BLACK, "noise")
        floor[oy : oy + h, ox : ox + w] = gravel[:h, :w]
        for wall in puzzle.walls:
            x, y = cell_pixel(puzzle, wall)
            floor[y : y + PITCH, x : x + PITCH] = block(PITCH, PITCH, GRAY, border=LIGHT_GRAY)
        depot = set(puzzle.depot)
        for index, cell in enumerate(puzzle.depot):  # the dotted outline: every edge not shared with another depot cell
            x, y = cell_pixel(puzzle, cell)
            c, r = cell
            dots = GREEN if puzzle.flagged and index == 0 else WHITE  # the flagged end's edges are green
            if (c, r - 1) not in depot:
                floor[y, x : x + PITCH : 2] = dots
            if (c, r + 1) not in depot:
                floor[y + PITCH - 1, x + 1 : x + PITCH : 2] = dots
            if (c - 1, r) not in depot:
                floor[y + 1 : y + PITCH : 2, x] = dots
            if (c + 1, r) not in depot:
                floor[y : y + PITCH : 2, x + PITCH - 1] = dots
        return floor

    def scene(self, puzzle: Yard, state: Train | Midway) -> list[Sprite]:
        pieces = [sprite(CRATE, *cell_pixel(puzzle, crate), layer=1, name="crate") for crate in sorted(puzzle.crates)]
        if puzzle.flagged:
            pieces.append(self._flag(puzzle))
        if isinstance(state, Midway):
            for i, (a, b) in enumerate(zip(state.before, state.after, strict=True)):
                (ax, ay), (bx, by) = cell_pixel(puzzle, a), cell_pixel(puzzle, b)
                x, y = (ax + bx) // 2 + BODY, (ay + by) // 2 + BODY
                pieces.append(sprite(ENGINE if i == 0 else CAR, x, y, layer=2, name="engine" if i == 0 else "car"))
            return pieces
        for i, cell in enumerate(state):
            x, y = cell_pixel(puzzle, cell)
            pieces.append(sprite(ENGINE if i == 0 else CAR, x + BODY, y + BODY, layer=2,
                                 name="engine" if i == 0 else "car"))
        for a, b in zip(state, state[1:], strict=False):  # couplers in the gap between neighbours
            (ax, ay), (bx, by) = cell_pixel(puzzle, a), cell_pixel(puzzle, b)
            if ay == by:
                pieces.append(sprite(block(2, 2, GRAY), max(ax, bx) - 1, ay + 2, layer=1, name="coupler"))
            else:
                pieces.append(sprite(block(2, 2, GRAY), ax + 2, max(ay, by) - 1, layer=1, name="coupler"))
        return pieces

    def _flag(self, puzzle: Yard) -> Sprite:
        """A small flag in the corner of the depot's flagged end, the corner away from the next depot cell."""
        end, nxt = puzzle.depot[0], puzzle.depot[1]
        x, y = cell_pixel(puzzle, end)
        if nxt[0] < end[0] or nxt[1] < end[1]:  # the neighbour is left or above: the bottom-right corner
            return sprite(FLAG[::-1, ::-1].copy(), x + PITCH - 3, y + PITCH - 3, layer=1, name="flag")
        return sprite(FLAG, x, y, layer=1, name="flag")


ENGINE = art(["rrrr", "ryyr", "ryyr", "rrrr"], {"r": RED, "y": YELLOW})
CAR = art(["bbbb", "bllb", "bllb", "bbbb"], {"b": BLUE, "l": LIGHT_BLUE})
CRATE = art(["mmmmmm", "mommom", "mmoomm", "mmoomm", "mommom", "mmmmmm"], {"m": MAROON, "o": ORANGE})
FLAG = art(["wgg", "wgg", "w.."], {"w": WHITE, "g": GREEN})
