"""Courier: carry every parcel to the slot of its colour, one at a time (keyboard).

The levels are as long as a real game's (whole game ~300 first-time-human actions, the other held-out
games 35-195): the player, a 4x4 two-colour sprite moving 4 pixels a step, walks a walled yard on a
speckled floor where parcels (solid squares of a colour) lie beside empty slots (squares outlined in
a parcel's colour). Walking onto a parcel empty-handed picks it up; the parcel in
hand is shown in a framed box at the top right; walking onto the slot of its colour delivers it (the
slot's centre turns white). Walking onto a parcel with full hands, or onto another colour's slot, does nothing. From
level 5 on, a parcel is picked up only by ACTION5 while standing on it (a rule change nothing on the
screen announces; ACTION5 does nothing before). Every level is generated from the seed: yards of 8x8
to 13x12 cells, 1-3 parcels, wall segments from level 3 on, the yard always connected. The timer bar
runs along the top.

Baselines: the solver's shortest plan x 1.5, rounded up.
"""

import random
from dataclasses import dataclass

import numpy as np
from arcengine import Sprite

from arc_client.games.heldout.stage import (
    BLACK,
    GRAY,
    GREEN,
    LIGHT_BLUE,
    LIGHT_GRAY,
    MAGENTA,
    MOVES,
    OFF_BLACK,
    RED,
    WHITE,
    YELLOW,
    Stage,
    art,
    block,
    sprite,
    texture,
)

CELL = 4
# per level: yard width, height, parcels, wall segments, whether ACTION5 picks up
LEVELS = (
    (8, 8, 1, 0, False),
    (9, 9, 2, 0, False),
    (10, 10, 2, 4, False),
    (11, 11, 3, 6, False),
    (11, 11, 2, 6, True),
    (13, 12, 3, 8, True),
)
COLOURS = (RED, GREEN, YELLOW, MAGENTA)
PLAYER = art(["cwwc", "cccc", "cccc", "c..c"], {"c": LIGHT_BLUE, "w": WHITE})
PICK = 5  # ACTION5

Cell = tuple[int, int]


@dataclass(frozen=True)
class Yard:
    width: int
    height: int
    walls: frozenset[Cell]
    parcels: tuple[tuple[Cell, int], ...]  # (cell, colour) where each parcel starts
    slots: tuple[tuple[Cell, int], ...]  # (cell, colour) of each slot
    start: Cell
    press: bool  # ACTION5 picks up


@dataclass(frozen=True)
class Trip:
    at: Cell
    lying: frozenset[tuple[Cell, int]]  # parcels still on the floor
    held: int  # the colour in hand, or -1
    filled: frozenset[int]  # colours delivered


def _connected(width: int, height: int, walls: set[Cell]) -> bool:
    free = [(c, r) for c in range(width) for r in range(height) if (c, r) not in walls]
    seen = {free[0]}
    queue = [free[0]]
    for c, r in queue:
        for dc, dr in MOVES.values():
            nxt = (c + dc, r + dr)
            if 0 <= nxt[0] < width and 0 <= nxt[1] < height and nxt not in walls and nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return len(seen) == len(free)


def make_yard(rng: random.Random, width: int, height: int, parcels: int, segments: int, press: bool) -> Yard:
    walls: set[Cell] = set()
    for _ in range(segments):
        for _attempt in range(20):
            length = rng.randint(2, 4)
            c, r = rng.randrange(width), rng.randrange(height)
            dc, dr = rng.choice(((1, 0), (0, 1)))
            piece = {(c + dc * i, r + dr * i) for i in range(length)}
            if all(0 <= x < width and 0 <= y < height for x, y in piece) and _connected(width, height, walls | piece):
                walls |= piece
                break
    free = [(c, r) for c in range(width) for r in range(height) if (c, r) not in walls]
    rng.shuffle(free)
    colours = rng.sample(COLOURS, parcels)
    start = free.pop()
    # parcels and slots at least 3 steps (Manhattan) from the start and from each other where room allows
    spots: list[Cell] = []
    for cell in free:
        if len(spots) == 2 * parcels:
            break
        if all(abs(cell[0] - o[0]) + abs(cell[1] - o[1]) >= 3 for o in (*spots, start)):
            spots.append(cell)
    spots += [cell for cell in free if cell not in spots][: 2 * parcels - len(spots)]
    return Yard(width, height, frozenset(walls), tuple(zip(spots[:parcels], colours, strict=True)),
                tuple(zip(spots[parcels:], colours, strict=True)), start, press)


class Hv01(Stage):
    NAME = "hv01"
    TITLE = "Courier"
    TAGS = ["heldout", "keyboard"]
    AVAILABLE = [1, 2, 3, 4, 5]
    BAR = "top"
    BAR_COLOUR = YELLOW

    def levels(self, rng: random.Random) -> list[Yard]:
        return [make_yard(rng, *spec) for spec in LEVELS]

    def initial_state(self, puzzle: Yard) -> Trip:
        return Trip(puzzle.start, frozenset(puzzle.parcels), -1, frozenset())

    def transition(self, puzzle: Yard, state: Trip, action: int, cell: Cell | None) -> Trip:
        if action == PICK:
            return self._pick(state) if puzzle.press else state
        if action not in MOVES:
            return state
        dx, dy = MOVES[action]
        nxt = (state.at[0] + dx, state.at[1] + dy)
        if not (0 <= nxt[0] < puzzle.width and 0 <= nxt[1] < puzzle.height) or nxt in puzzle.walls:
            return state
        moved = Trip(nxt, state.lying, state.held, state.filled)
        if state.held >= 0 and (nxt, state.held) in puzzle.slots:
            return Trip(nxt, state.lying, -1, state.filled | {state.held})
        return moved if puzzle.press else self._pick(moved)

    @staticmethod
    def _pick(state: Trip) -> Trip:
        if state.held >= 0:
            return state
        for cell, colour in state.lying:
            if cell == state.at:
                return Trip(state.at, state.lying - {(cell, colour)}, colour, state.filled)
        return state

    def is_solved(self, puzzle: Yard, state: Trip) -> bool:
        return len(state.filled) == len(puzzle.slots)

    def _origin(self, puzzle: Yard) -> tuple[int, int]:
        return (64 - puzzle.width * CELL) // 2, 11 + (52 - puzzle.height * CELL) // 2

    def background(self, puzzle: Yard) -> np.ndarray:
        floor = texture(random.Random(puzzle.width * 31 + puzzle.height), 64, BLACK, OFF_BLACK, "noise")
        ox, oy = self._origin(puzzle)
        floor[oy - 1 : oy + puzzle.height * CELL + 1, ox - 1 : ox + puzzle.width * CELL + 1] = GRAY
        floor[oy : oy + puzzle.height * CELL, ox : ox + puzzle.width * CELL] = texture(
            random.Random(puzzle.width), 64, BLACK, OFF_BLACK, "noise")[: puzzle.height * CELL, : puzzle.width * CELL]
        for c, r in puzzle.walls:
            x, y = ox + c * CELL, oy + r * CELL
            floor[y : y + CELL, x : x + CELL] = block(CELL, CELL, LIGHT_GRAY, border=GRAY)
        return floor

    def scene(self, puzzle: Yard, state: Trip) -> list[Sprite]:
        ox, oy = self._origin(puzzle)
        pieces = []
        for (c, r), colour in puzzle.slots:
            pixels = block(CELL, CELL, WHITE if colour in state.filled else -1, border=colour)
            pieces.append(sprite(pixels, ox + c * CELL, oy + r * CELL, layer=1))
        for (c, r), colour in state.lying:
            pixels = block(CELL, CELL, colour)
            pieces.append(sprite(pixels, ox + c * CELL, oy + r * CELL, layer=2))
        pieces.append(sprite(PLAYER, ox + state.at[0] * CELL, oy + state.at[1] * CELL, layer=3, name="player"))
        hand = block(8, 8, BLACK, border=WHITE)
        if state.held >= 0:
            hand[2:6, 2:6] = state.held
        pieces.append(sprite(hand, 54, 2, layer=2, name="hand"))
        return pieces
