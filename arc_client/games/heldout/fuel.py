"""Fuel: reach the exit before the tank runs dry; fuel cans on the way fill it again (keyboard).

The bar along the bottom is not a step budget but the rover's tank: every action (a bump into a wall
too) burns one unit, and an empty tank ends the level in GAME_OVER. Walking onto a fuel can (a yellow
can with an orange band) fills the tank and uses the can up. From level 2 on the exit lies further than
a full tank goes, so the cans must be visited in a workable order; from level 5 on a can fills only half
the tank (a rule change nothing on the screen announces but the bar). The rover is a 4x4 two-colour
sprite moving 4 pixels a step over a checkered floor walled with blocks. Every level is generated from
the seed: yards of 8x8 to 13x12 cells, 1-3 cans, wall segments from level 2 on, the yard connected.

Baselines: the solver's shortest plan x 1.5, rounded up. The level's hidden action budget is far above
what the tank allows, so the tank is what ends a level.
"""

import random
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from arcengine import Sprite

from arc_client.games.heldout.stage import (
    BLUE,
    GREEN,
    MOVES,
    ORANGE,
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
# per level: yard width, height, cans, wall segments, whether a can fills only half the tank
LEVELS = (
    (8, 8, 1, 0, False),
    (9, 9, 1, 2, False),
    (10, 10, 2, 4, False),
    (11, 11, 2, 6, False),
    (11, 11, 2, 6, True),
    (13, 12, 3, 8, True),
)
ROVER = art(["bwwb", "bbbb", "bbbb", "b..b"], {"b": BLUE, "w": WHITE})
CAN = art([".yy.", "yyyy", "oooo", "yyyy"], {"y": YELLOW, "o": ORANGE})
EXIT = art(["gggg", "gwwg", "gwwg", "gggg"], {"g": GREEN, "w": WHITE})



@dataclass(frozen=True)
class Yard:
    width: int
    height: int
    walls: frozenset[Cell]
    cans: frozenset[Cell]
    start: Cell
    exit: Cell
    tank: int  # a full tank, in actions
    half: bool  # a can fills half the tank


@dataclass(frozen=True)
class Drive:
    at: Cell
    fuel: int
    cans: frozenset[Cell]  # cans not yet used


def _distances(width: int, height: int, walls: set[Cell] | frozenset[Cell], source: Cell) -> dict[Cell, int]:
    return {cell: steps for cell, (steps, _) in walk_from(width, height, walls, source).items()}


def refill(yard: Yard, fuel: int) -> int:
    return min(yard.tank, fuel + yard.tank // 2) if yard.half else yard.tank


def step(yard: Yard, state: Drive, action: int) -> Drive:
    """One action: it burns a unit whether or not the rover moves; a can reached fills the tank."""
    if action not in MOVES or state.fuel <= 0:
        return state
    dx, dy = MOVES[action]
    nxt = (state.at[0] + dx, state.at[1] + dy)
    if not inside(yard.width, yard.height, nxt) or nxt in yard.walls:
        nxt = state.at
    fuel, cans = state.fuel - 1, state.cans
    if nxt in cans:
        fuel, cans = refill(yard, fuel), cans - {nxt}
    return Drive(nxt, fuel, cans)


def _bottleneck(points: list[Cell], legs: dict[tuple[Cell, Cell], int], start: Cell, goal: Cell) -> int:
    """The smallest tank that reaches `goal` from `start` with a full refill at every point on the way
    (the longest leg of the best route)."""
    best = {start: 0}
    todo = [start]
    while todo:
        todo.sort(key=lambda p: best[p])
        here = todo.pop(0)
        for other in points:
            if other == here or (here, other) not in legs:
                continue
            need = max(best[here], legs[here, other])
            if need < best.get(other, 1 << 30):
                best[other] = need
                todo.append(other)
    return best.get(goal, 1 << 30)


def make_yard(rng: random.Random, width: int, height: int, cans: int, segments: int, half: bool, first: bool,
              solvable: Callable[[Yard], bool]) -> Yard:
    for _attempt in range(200):
        walls = wall_segments(rng, width, height, segments)
        free = [(x, y) for x in range(width) for y in range(height) if (x, y) not in walls]
        start = rng.choice(free)
        from_start = _distances(width, height, walls, start)
        far = max(from_start.values())
        exit_ = rng.choice([cell for cell, d in from_start.items() if d >= far - 1])
        between = [cell for cell in free if cell not in (start, exit_)]
        placed = frozenset(rng.sample(between, cans))
        points = [start, *placed, exit_]
        tables = {p: _distances(width, height, walls, p) for p in points}
        legs = {(a, b): tables[a][b] for a in points for b in points if a != b}
        direct = legs[start, exit_]
        need = _bottleneck(points, legs, start, exit_)
        if first:
            tank = direct + 8
        elif need < direct - 1:
            tank = min(need + 4, direct - 1)  # a can is needed; the tank leaves a little room
        else:
            continue
        yard = Yard(width, height, frozenset(walls), placed, start, exit_, tank, half)
        if solvable(yard):  # (the half-tank cans of levels 5-6 may leave no way)
            return yard
    raise RuntimeError("fuel: no yard found")


class Hf01(Stage):
    NAME = "hf01"
    TITLE = "Fuel"
    TAGS = ["heldout", "keyboard"]
    AVAILABLE = [1, 2, 3, 4]
    BAR = "bottom"
    BAR_COLOUR = ORANGE

    def levels(self, rng: random.Random) -> list[Yard]:
        return [make_yard(rng, *spec, first=index == 0, solvable=lambda yard: solve(self, yard) is not None)
                for index, spec in enumerate(LEVELS)]

    def initial_state(self, puzzle: Yard) -> Drive:
        return Drive(puzzle.start, puzzle.tank, puzzle.cans)

    def transition(self, puzzle: Yard, state: Drive, action: int, cell: Cell | None) -> Drive:
        return step(puzzle, state, action)

    def is_solved(self, puzzle: Yard, state: Drive) -> bool:
        return state.at == puzzle.exit

    def is_lost(self, puzzle: Yard, state: Drive) -> bool:
        return state.fuel <= 0 and state.at != puzzle.exit

    def budget(self, puzzle: Yard, optimal: int) -> int:
        return 10 * optimal + 100

    def meter(self, puzzle: Yard, state: Drive) -> tuple[int, int]:
        return state.fuel, puzzle.tank

    def _origin(self, puzzle: Yard) -> tuple[int, int]:
        return (64 - puzzle.width * CELL) // 2, 4 + (56 - puzzle.height * CELL) // 2

    def background(self, puzzle: Yard) -> np.ndarray:
        return walled_yard(puzzle.width, puzzle.height, self._origin(puzzle), puzzle.walls, "checker", CELL)

    def scene(self, puzzle: Yard, state: Drive) -> list[Sprite]:
        ox, oy = self._origin(puzzle)
        pieces = [sprite(EXIT, ox + puzzle.exit[0] * CELL, oy + puzzle.exit[1] * CELL, layer=1, name="exit")]
        for c, r in sorted(state.cans):
            pieces.append(sprite(CAN, ox + c * CELL, oy + r * CELL, layer=2))
        pieces.append(sprite(ROVER, ox + state.at[0] * CELL, oy + state.at[1] * CELL, layer=3, name="rover"))
        return pieces
