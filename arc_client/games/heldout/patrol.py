"""Patrol: reach the exit past guards that pace to and fro on their own (keyboard).

Every action (a bump into a wall too) is a tick: each guard takes one step along its beat, a straight
line of floor it walks end to end and back. A guard on the walker's cell after a tick, or a guard and
the walker passing through each other, ends the level in GAME_OVER. So the frame changes on every action
whatever the walker does, the same place is a different state at a different tick, and waiting (a bump
into a wall) is a move. From level 4 on the exit is shut (grey) until the walker has picked up the gem
(a rule change the screen shows only by the exit's colour). The walker is a 4x4 two-colour sprite
moving 4 pixels a step over a striped floor walled with blocks; the step budget runs along the top.
Every level is generated from the seed: yards of 8x8 to 12x11 cells, one to three guards whose beats
cross the shortest way to the exit (walked without a pause, it runs into one), wall segments from level 2
on.

Baselines: the solver's shortest plan x 1.5, rounded up.
"""

import math
import random
from dataclasses import dataclass

import numpy as np
from arcengine import Sprite

from arc_client.games.heldout.stage import (
    GRAY,
    GREEN,
    LIGHT_GRAY,
    MAROON,
    MOVES,
    PURPLE,
    RED,
    WHITE,
    YELLOW,
    Cell,
    Stage,
    art,
    inside,
    solve,
    sprite,
    walk_from,
    wall_segments,
    walled_yard,
)

CELL = 4
# per level: yard width, height, guards, wall segments, whether a gem opens the exit
LEVELS = (
    (8, 8, 1, 0, False),
    (9, 9, 1, 2, False),
    (10, 9, 2, 3, False),
    (10, 10, 2, 4, True),
    (11, 10, 3, 5, True),
    (12, 11, 3, 6, True),
)
WALKER = art(["pwwp", "pppp", "pppp", "p..p"], {"p": PURPLE, "w": WHITE})
GUARD = art(["rrrr", "rmmr", "rrrr", "r..r"], {"r": RED, "m": MAROON})
GEM = art([".yy.", "yyyy", "yyyy", ".yy."], {"y": YELLOW})
EXIT = art(["gggg", "gwwg", "gwwg", "gggg"], {"g": GREEN, "w": WHITE})
SHUT = art(["gggg", "gwwg", "gwwg", "gggg"], {"g": GRAY, "w": LIGHT_GRAY})



@dataclass(frozen=True)
class Beat:
    cells: tuple[Cell, ...]  # the line a guard walks, end to end
    phase: int  # where on its round it stands at tick 0

    @property
    def period(self) -> int:
        return max(1, 2 * len(self.cells) - 2)

    def at(self, tick: int) -> Cell:
        i = (tick + self.phase) % self.period
        return self.cells[i if i < len(self.cells) else self.period - i]


@dataclass(frozen=True)
class Yard:
    width: int
    height: int
    walls: frozenset[Cell]
    beats: tuple[Beat, ...]
    start: Cell
    exit: Cell
    gem: Cell | None
    period: int  # every guard is back where it began after this many ticks


@dataclass(frozen=True)
class Walk:
    at: Cell
    tick: int  # ticks modulo the yard's period: the guards' places follow from it
    gem: bool  # the gem picked up (or none to pick)
    caught: bool = False


_distances = walk_from  # each reachable cell's steps and the cell it was reached from


def step(yard: Yard, state: Walk, action: int) -> Walk:
    """One tick: the walker moves (or bumps), every guard takes a step; the gem is picked up on its cell."""
    if action not in MOVES:
        return state
    dx, dy = MOVES[action]
    nxt = (state.at[0] + dx, state.at[1] + dy)
    if not inside(yard.width, yard.height, nxt) or nxt in yard.walls:
        nxt = state.at
    return Walk(nxt, (state.tick + 1) % yard.period, state.gem or nxt == yard.gem, state.caught)


def caught(yard: Yard, before: Walk | None, after: Walk) -> bool:
    """A guard on the walker's cell, or a guard and the walker swapped cells in the last tick."""
    for beat in yard.beats:
        guard = beat.at(after.tick)
        if guard == after.at:
            return True
        if before is not None and guard == before.at and beat.at(before.tick) == after.at:
            return True
    return False


def _straight_caught(yard: Yard, way: list[Cell]) -> bool:
    """Whether walking `way` (start to exit) without a pause runs into a guard: the guards must matter."""
    state = Walk(way[0], 0, True)
    for cell in way[1:]:
        after = Walk(cell, (state.tick + 1) % yard.period, True)
        if caught(yard, state, after):
            return True
        state = after
    return False


def make_yard(rng: random.Random, width: int, height: int, guards: int, segments: int, gem: bool) -> Yard:
    for _attempt in range(400):
        walls = wall_segments(rng, width, height, segments)
        free = [(x, y) for x in range(width) for y in range(height) if (x, y) not in walls]
        start = rng.choice(free)
        from_start = _distances(width, height, walls, start)
        far = max(d for d, _ in from_start.values())
        exit_ = rng.choice([cell for cell, (d, _) in from_start.items() if d >= far - 1])
        # the shortest way (by the parents BFS left), for the beats to cross
        way: list[Cell] = []
        here: Cell | None = exit_
        while here is not None:
            way.append(here)
            here = from_start[here][1]
        gem_cell = None
        if gem:
            off_way = [cell for cell in free if cell not in way and from_start[cell][0] >= 2]
            if not off_way:
                continue
            gem_cell = rng.choice(off_way)
        beats: list[Beat] = []
        for _ in range(guards):
            for _try in range(30):
                across = rng.choice(way[1:-1])
                dc, dr = rng.choice(((1, 0), (0, 1)))
                line = [across]
                for sign in (1, -1):  # grow the beat both ways along the floor, 3-6 cells in all
                    cell = across
                    while len(line) < rng.randint(3, 6):
                        cell = (cell[0] + sign * dc, cell[1] + sign * dr)
                        if not inside(width, height, cell) or cell in walls:
                            break
                        line.append(cell) if sign == 1 else line.insert(0, cell)
                if len(line) < 3 or start in line or exit_ in line or gem_cell in line:
                    continue
                if any(set(line) & set(b.cells) for b in beats):
                    continue
                beats.append(Beat(tuple(line), rng.randrange(2 * len(line) - 2)))
                break
        if len(beats) < guards:
            continue
        period = math.lcm(*(b.period for b in beats))
        yard = Yard(width, height, frozenset(walls), tuple(beats), start, exit_, gem_cell, period)
        if caught(yard, None, Walk(start, 0, not gem)) or not _straight_caught(yard, way[::-1]):
            continue
        return yard
    raise RuntimeError("patrol: no yard found")


class Hp01(Stage):
    NAME = "hp01"
    TITLE = "Patrol"
    TAGS = ["heldout", "keyboard"]
    AVAILABLE = [1, 2, 3, 4]
    BAR = "top"
    BAR_COLOUR = GREEN

    def levels(self, rng: random.Random) -> list[Yard]:
        out = []
        for spec in LEVELS:
            for _try in range(50):
                yard = make_yard(rng, *spec)
                if solve(self, yard) is not None:
                    out.append(yard)
                    break
            else:
                raise RuntimeError("patrol: no solvable yard")
        return out

    def initial_state(self, puzzle: Yard) -> Walk:
        return Walk(puzzle.start, 0, puzzle.gem is None)

    def transition(self, puzzle: Yard, state: Walk, action: int, cell: Cell | None) -> Walk:
        if state.caught:
            return state
        after = step(puzzle, state, action)
        return Walk(after.at, after.tick, after.gem, True) if caught(puzzle, state, after) else after

    def is_solved(self, puzzle: Yard, state: Walk) -> bool:
        return state.at == puzzle.exit and state.gem and not state.caught

    def is_lost(self, puzzle: Yard, state: Walk) -> bool:
        return state.caught

    def _origin(self, puzzle: Yard) -> tuple[int, int]:
        return (64 - puzzle.width * CELL) // 2, 4 + (58 - puzzle.height * CELL) // 2

    def background(self, puzzle: Yard) -> np.ndarray:
        return walled_yard(puzzle.width, puzzle.height, self._origin(puzzle), puzzle.walls, "stripes", CELL)

    def scene(self, puzzle: Yard, state: Walk) -> list[Sprite]:
        ox, oy = self._origin(puzzle)
        tick = state.tick
        door = EXIT if state.gem else SHUT
        pieces = [sprite(door, ox + puzzle.exit[0] * CELL, oy + puzzle.exit[1] * CELL, layer=1, name="exit")]
        if puzzle.gem is not None and not state.gem:
            pieces.append(sprite(GEM, ox + puzzle.gem[0] * CELL, oy + puzzle.gem[1] * CELL, layer=2, name="gem"))
        pieces.append(sprite(WALKER, ox + state.at[0] * CELL, oy + state.at[1] * CELL, layer=3, name="walker"))
        for i, beat in enumerate(puzzle.beats):
            c, r = beat.at(tick)
            pieces.append(sprite(GUARD, ox + c * CELL, oy + r * CELL, layer=4, name=f"guard{i}"))
        return pieces
