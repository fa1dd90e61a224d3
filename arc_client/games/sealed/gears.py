"""Gears: turn chains of meshed gears until every pointer points the way the legend's arrow shows (click only).

The board is a grey-rimmed plate on a textured floor holding a 4x4 lattice of sockets 12 pixels apart;
some sockets hold a gear: a round 9x9 sprite (grey teeth and rim, a coloured body, a black hub) with a
white pointer from the hub to the rim in one of four directions. Two gears in neighbouring sockets
mesh when a short axle (a grey bar) joins them; the meshed gears form chains (trees), and gears of
different chains never sit side by side. Clicking a gear turns it a quarter turn clockwise, and every
gear of its chain turns too: those an odd number of axles away counter-clockwise, those an even
number away clockwise, like real gears. A turn is shown with an in-between frame, the pointers drawn
diagonally. A legend panel at the top left shows, per gear colour, a colour swatch and a white arrow;
the level is won when every gear points the way its colour's arrow does. On levels 1-3 all gears are
one colour and the arrow points up; from level 4 on there are two or three gear colours, each with
its own arrow (all different). From level 5 on some gears are rusted (their rim and teeth drawn in
maroon and orange): clicking them does nothing, but they still turn with their chain. Clicks on the
gaps, axles, plate or legend do nothing but still spend the budget. The level number sits under the
legend; the timer bar runs along the top.

Levels are seeded: sockets, chains, colours, arrows and rust come from the level's rng, and the start
is the goal turned back by a random amount per chain, so every level is solvable; one whose shortest
plan falls outside the level's span (or is empty) is drawn again. A click moves its chain one step
forward (a gear of the reference gear's parity) or back (the other parity), so a chain needs t or
4 - t clicks of whichever kinds are clickable; the stage's BFS finds the plan (at most 4^chains = 64
states). Baselines: the plan's clicks x 1.5, rounded up.
"""

import random
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from arcengine import Sprite

from arc_client.games.heldout.stage import (
    BLACK,
    BLUE,
    CLEAR,
    GRAY,
    GREEN,
    LIGHT_BLUE,
    LIGHT_GRAY,
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

BODIES = (BLUE, GREEN, RED, PURPLE, MAGENTA, LIGHT_BLUE, YELLOW)
POINTER = WHITE
HUB = BLACK
RIM, TEETH = LIGHT_GRAY, GRAY  # a free gear
RUST_RIM, RUST_TEETH = MAROON, ORANGE  # a rusted gear
AXLE, AXLE_CORE = GRAY, LIGHT_GRAY
SIDE = 4  # sockets per row and column
PITCH = 12  # pixels from one socket to the next
SIZE = 9  # a gear's sprite is SIZE x SIZE
BOARD_X, BOARD_Y = 17, 11  # the top-left pixel of socket (0, 0)
LEGEND_X, LEGEND_Y = 1, 9
UP, RIGHT, DOWN, LEFT = range(4)  # orientations, clockwise

GEAR = (
    "..t.t.t..",
    ".trrrrrt.",
    "trbbbbbrt",
    ".rbbbbbr.",
    "trbbhbbrt",
    ".rbbbbbr.",
    "trbbbbbrt",
    ".trrrrrt.",
    "..t.t.t..",
)
_UP = np.zeros((SIZE, SIZE), dtype=bool)
_UP[0:4, 4] = True  # from the rim down to the hub
_UP_RIGHT = np.zeros((SIZE, SIZE), dtype=bool)
for _k in range(1, 4):
    _UP_RIGHT[4 - _k, 4 + _k] = True
ARROW = (
    "..#..",
    ".###.",
    "#.#.#",
    "..#..",
    "..#..",
)
# per level: chain sizes, gear colours, rusted gears, plan span
LEVELS = (
    ((3,), 1, 0, (2, 2)),
    ((3, 2), 1, 0, (3, 4)),
    ((3, 3), 1, 0, (3, 4)),
    ((3, 3), 2, 0, (3, 4)),
    ((4, 3), 2, 2, (4, 5)),
    ((3, 3, 2), 2, 2, (5, 7)),
    ((3, 3, 2), 3, 3, (7, 9)),
)

Socket = tuple[int, int]  # (column, row) on the lattice
Turns = tuple[int, ...]  # each gear's orientation, 0 up, 1 right, 2 down, 3 left


@dataclass(frozen=True)
class GearsPuzzle:
    number: int  # 1-based level number
    sockets: tuple[Socket, ...]  # each gear's socket, in reading order
    chains: tuple[int, ...]  # each gear's chain
    axles: tuple[tuple[int, int], ...]  # meshed pairs of gears (i < j)
    paint: tuple[int, ...]  # each gear's colour index
    colours: tuple[int, ...]  # the palette colour of each colour index
    arrows: tuple[int, ...]  # the goal orientation of each colour index
    rusted: tuple[bool, ...]  # each gear: clicks do nothing
    start: Turns

    def goal(self, index: int) -> int:
        return self.arrows[self.paint[index]]

    def distances(self, index: int) -> dict[int, int]:
        """The gears meshed with gear `index`, directly or through the chain: axles away (itself: 0)."""
        seen = {index: 0}
        queue = [index]
        for here in queue:
            for a, b in self.axles:
                other = b if a == here else a if b == here else None
                if other is not None and other not in seen:
                    seen[other] = seen[here] + 1
                    queue.append(other)
        return seen


def turned(puzzle: GearsPuzzle, state: Turns, index: int) -> Turns:
    """A click on gear `index`: its chain turns, alternately clockwise and counter-clockwise (rust: nothing)."""
    if puzzle.rusted[index]:
        return state
    out = list(state)
    for other, distance in puzzle.distances(index).items():
        out[other] = (out[other] + (1 if distance % 2 == 0 else -1)) % 4
    return tuple(out)


def shortest(puzzle: GearsPuzzle) -> int:
    """The fewest clicks: per chain, t steps forward with a same-parity gear or 4 - t back with the other."""
    total = 0
    for chain in sorted(set(puzzle.chains)):
        ref = puzzle.chains.index(chain)
        t = (puzzle.goal(ref) - puzzle.start[ref]) % 4
        costs = [t if d % 2 == 0 else (4 - t) % 4 for g, d in puzzle.distances(ref).items() if not puzzle.rusted[g]]
        total += min(costs)
    return total


def _neighbours(socket: Socket) -> list[Socket]:
    c, r = socket
    return [(c + dc, r + dr) for dc, dr in ((1, 0), (-1, 0), (0, 1), (0, -1))
            if 0 <= c + dc < SIDE and 0 <= r + dr < SIDE]


def _place(rng: random.Random, sizes: Sequence[int]) -> tuple[list[list[Socket]], list[tuple[Socket, Socket]]] | None:
    """Chains grown as random trees on the lattice, no two chains side by side; None when one gets stuck."""
    owner: dict[Socket, int] = {}
    chains: list[list[Socket]] = []
    axles: list[tuple[Socket, Socket]] = []

    def free(socket: Socket, chain: int) -> bool:
        return socket not in owner and all(owner.get(n, chain) == chain for n in _neighbours(socket))

    for chain, size in enumerate(sizes):
        starts = [(c, r) for c in range(SIDE) for r in range(SIDE) if free((c, r), chain)]
        if not starts:
            return None
        members = [rng.choice(starts)]
        owner[members[0]] = chain
        while len(members) < size:
            options = [(m, n) for m in members for n in _neighbours(m) if free(n, chain)]
            if not options:
                return None
            here, there = rng.choice(options)
            members.append(there)
            owner[there] = chain
            axles.append((here, there))
        chains.append(members)
    return chains, axles


def _level(rng: random.Random, number: int, sizes: Sequence[int], colours: int, rust: int) -> GearsPuzzle:
    while True:
        placed = _place(rng, sizes)
        if placed is not None:
            break
    chains, links = placed
    sockets = sorted((s for chain in chains for s in chain), key=lambda s: (s[1], s[0]))
    chain_of = tuple(next(k for k, chain in enumerate(chains) if s in chain) for s in sockets)
    axles = tuple(sorted((min(i, j), max(i, j)) for i, j in ((sockets.index(a), sockets.index(b)) for a, b in links)))
    count = len(sockets)
    palette = tuple(rng.sample(BODIES, colours))
    while True:
        paint = tuple(rng.randrange(colours) for _ in range(count))
        if len(set(paint)) == colours:
            break
    arrows = (UP,) if colours == 1 else tuple(rng.sample(range(4), colours))
    while True:
        rusted = set(rng.sample(range(count), rust))
        if all(any(chain_of[g] == k and g not in rusted for g in range(count)) for k in range(len(chains))):
            break
    shape = GearsPuzzle(number, tuple(sockets), chain_of, axles, paint, palette, arrows,
                        tuple(g in rusted for g in range(count)), (0,) * count)
    start = [0] * count
    for chain in range(len(chains)):
        ref = chain_of.index(chain)
        back = rng.randrange(4)
        for g, d in shape.distances(ref).items():
            start[g] = (shape.goal(g) - (back if d % 2 == 0 else -back)) % 4
    return GearsPuzzle(number, tuple(sockets), chain_of, axles, paint, palette, arrows, shape.rusted, tuple(start))


def gear_pixels(body: int, rusted: bool, turn: float) -> np.ndarray:
    """A gear sprite with its pointer; `turn` in quarter turns (a half-way value draws it diagonally)."""
    rim, teeth = (RUST_RIM, RUST_TEETH) if rusted else (RIM, TEETH)
    out = art(list(GEAR), {"t": teeth, "r": rim, "b": body, "h": HUB})
    eighth = round(2 * turn) % 8
    mask = np.rot90(_UP if eighth % 2 == 0 else _UP_RIGHT, k=-(eighth // 2))
    out[mask] = POINTER
    return out


def arrow_pixels(turn: int) -> np.ndarray:
    return np.rot90(art(list(ARROW), {"#": POINTER}), k=-turn).copy()


class Xh01(Stage):
    NAME = "xh01"
    TITLE = "Gears"
    TAGS = ["sealed", "click"]
    AVAILABLE = [6]
    BAR = "top"
    BAR_COLOUR = LIGHT_BLUE

    def levels(self, rng: random.Random) -> list[GearsPuzzle]:
        out = []
        for number, (sizes, colours, rust, (low, high)) in enumerate(LEVELS, start=1):
            while True:
                puzzle = _level(rng, number, sizes, colours, rust)
                if low <= shortest(puzzle) <= high:
                    out.append(puzzle)
                    break
        return out

    # ---- geometry -------------------------------------------------------------------------------
    @staticmethod
    def gear_corner(puzzle: GearsPuzzle, index: int) -> tuple[int, int]:
        c, r = puzzle.sockets[index]
        return BOARD_X + c * PITCH, BOARD_Y + r * PITCH

    def gear_centre(self, puzzle: GearsPuzzle, index: int) -> tuple[int, int]:
        x, y = self.gear_corner(puzzle, index)
        return x + SIZE // 2, y + SIZE // 2

    def gear_at(self, puzzle: GearsPuzzle, point: tuple[int, int]) -> int | None:
        for index in range(len(puzzle.sockets)):
            x, y = self.gear_corner(puzzle, index)
            if 0 <= point[0] - x < SIZE and 0 <= point[1] - y < SIZE:
                return index
        return None

    # ---- hooks ----------------------------------------------------------------------------------
    def initial_state(self, puzzle: GearsPuzzle) -> Turns:
        return puzzle.start

    def transition(self, puzzle: GearsPuzzle, state: Turns, action: int, cell: tuple[int, int] | None) -> Turns:
        if action != 6 or cell is None:
            return state
        index = self.gear_at(puzzle, cell)
        return state if index is None else turned(puzzle, state, index)

    def is_solved(self, puzzle: GearsPuzzle, state: Turns) -> bool:
        return all(turn == puzzle.goal(g) for g, turn in enumerate(state))

    def click_targets(self, puzzle: GearsPuzzle, state: Turns) -> list[tuple[int, int]]:
        return [self.gear_centre(puzzle, g) for g in range(len(puzzle.sockets)) if not puzzle.rusted[g]]

    def tweens(self, puzzle: GearsPuzzle, before: Turns, after: Turns, action: int) -> list[tuple[float, ...]]:
        """One frame half-way through the turn: the turning gears' pointers drawn diagonally."""
        half = tuple(b + (0.5 if (a - b) % 4 == 1 else -0.5 if (a - b) % 4 == 3 else 0.0)
                     for b, a in zip(before, after, strict=True))
        return [half]

    def background(self, puzzle: GearsPuzzle) -> np.ndarray:
        kinds = ("bricks", "noise", "stripes", "checker")
        floor = texture(random.Random(puzzle.number), 64, BLACK, OFF_BLACK, kinds[puzzle.number % 4])
        floor[0:2, :] = BLACK
        span = (SIDE - 1) * PITCH + SIZE
        plate = block(span + 4, span + 4, BLACK, border=GRAY)
        plate[1:-1, 1:-1] = texture(random.Random(7), span + 2, BLACK, OFF_BLACK, "noise")
        floor[BOARD_Y - 2 : BOARD_Y + span + 2, BOARD_X - 2 : BOARD_X + span + 2] = plate
        for a, b in puzzle.axles:
            (ax, ay), (bx, by) = self.gear_centre(puzzle, a), self.gear_centre(puzzle, b)
            if ay == by:  # side by side: a bar across the gap
                x0 = min(ax, bx) + SIZE // 2 + 1
                floor[ay - 1 : ay + 2, x0 : x0 + PITCH - SIZE] = AXLE
                floor[ay, x0 : x0 + PITCH - SIZE] = AXLE_CORE
            else:
                y0 = min(ay, by) + SIZE // 2 + 1
                floor[y0 : y0 + PITCH - SIZE, ax - 1 : ax + 2] = AXLE
                floor[y0 : y0 + PITCH - SIZE, ax] = AXLE_CORE
        return floor

    def legend(self, puzzle: GearsPuzzle) -> np.ndarray:
        """Per gear colour a row: a 3x3 swatch, then a 5x5 white arrow, in a white-rimmed panel."""
        rows = len(puzzle.colours)
        out = block(13, 6 * rows + 3, BLACK, border=WHITE)
        for k, (colour, turn) in enumerate(zip(puzzle.colours, puzzle.arrows, strict=True)):
            y = 2 + 6 * k
            out[y + 1 : y + 4, 2:5] = colour
            arrow = arrow_pixels(turn)
            patch = out[y : y + 5, 6:11]
            patch[arrow != CLEAR] = arrow[arrow != CLEAR]
        return out

    def scene(self, puzzle: GearsPuzzle, state: Sequence[float]) -> list[Sprite]:
        pieces: list[Sprite] = []
        for index, turn in enumerate(state):
            x, y = self.gear_corner(puzzle, index)
            body = puzzle.colours[puzzle.paint[index]]
            pieces.append(sprite(gear_pixels(body, puzzle.rusted[index], turn), x, y, layer=1, name=f"gear{index}"))
        legend = self.legend(puzzle)
        pieces.append(sprite(legend, LEGEND_X, LEGEND_Y, layer=2, name="legend"))
        pieces.append(sprite(glyphs(str(puzzle.number), WHITE), LEGEND_X + 1, LEGEND_Y + legend.shape[0] + 3,
                             layer=2, name="level"))
        return pieces
