"""Gates: walk a walled yard whose rooms are joined only by coloured gates, painting the mover at pots (keyboard).

A top view of a yard of cells (6 pixels a cell, 5 in the largest yard) on a dark brick floor, walled with grey
blocks inside a grey rim. The mover (a white-rimmed robot with black eyes, 5x5 pixels) shows its current colour
in its body; it goes one cell per key: ACTION1 up, ACTION2 down, ACTION3 left, ACTION4 right; a wall or the rim
stops it. The yard is cut by walls into rooms joined only through gates (a cell-wide frame of bars of one colour
across a gap in a wall). Paint pots (5x5 cups of a colour) lie in the rooms: stepping onto a pot turns the
mover the pot's colour (the pot stays). The level is won when the mover stands on the exit (a green square with
a black ring inside), which lies in another room than the mover.

Levels 1-3: the mover may enter a gate only while it has the gate's colour; otherwise the move is blocked.

Level 4 on (the rule flips): a gate lets the mover through only while it does NOT have the gate's colour.
A legend in the top left corner shows the rule on every level: a mover and a gate of one colour followed by a
green check mark (levels 1-3) or a red cross (level 4 on).

Level 5 on: every pot has a rim of a second colour (plain pots have a grey rim). Stepping onto such a pot ALSO
swaps the colours of the gates: every gate of the pot's colour takes the rim's colour and every gate of the
rim's colour takes the pot's colour (stepping onto it again swaps them back).

Yards grow from 6x6 cells with one gate colour to 10x9 cells with four; every level is generated from the seed
(a random partition of the yard into rooms, walls between them, one gap in a wall per joined pair of rooms
holding a gate, wall pieces inside, pots spread over the rooms) and kept only when the solver's shortest plan
lies in the level's range, the exit cannot be reached without a pot, no key held down reaches the exit, and the
level's new rule changes the way (level 4: the plan fails under the old rule; level 5 on: the plan fails
without the swaps). The timer bar (the action budget) runs along the bottom.

Baselines: the solver's shortest plan x 1.5, rounded up.
"""

import random
from dataclasses import dataclass, replace
from typing import NamedTuple

import numpy as np
from arcengine import Sprite

from arc_client.games.heldout.stage import (
    BLACK,
    GRAY,
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
    art,
    block,
    held_key_wins,
    inside,
    region_walls,
    rooms,
    solve,
    sprite,
    walled_yard,
)

PALETTE = (RED, LIGHT_BLUE, YELLOW, MAGENTA, ORANGE)  # gate and pot colours
PLAIN_RIM = GRAY  # the rim of a pot that swaps nothing
LEGEND_TOP = 3  # the legend panel's top row
YARD_TOP = 11  # the yard rim's top row
GENERATION_TRIES = 400  # wall layouts tried per level
PLACINGS = 4  # placements of the mover, the exit and the pots tried per layout


@dataclass(frozen=True)
class Spec:
    width: int
    height: int
    colours: int  # gate colours
    parts: int  # the rooms the yard is first cut into
    pots: int
    inverted: bool  # a gate passes only a mover NOT of its colour (level 4 on)
    swapping: bool  # a pot swaps its colour and its rim's colour on the gates (level 5 on)
    inner: int  # wall pieces added inside the rooms
    extra: int  # gates beyond those that join every room once (loops)
    shortest: tuple[int, int]  # the range the shortest plan must lie in


LEVELS = (
    Spec(6, 6, 1, 2, 2, False, False, 1, 0, (6, 14)),
    Spec(7, 7, 2, 3, 3, False, False, 2, 0, (8, 18)),
    Spec(8, 7, 3, 3, 4, False, False, 3, 1, (10, 24)),
    Spec(8, 8, 3, 4, 3, True, False, 3, 0, (10, 28)),
    Spec(9, 8, 3, 4, 3, True, True, 4, 0, (12, 32)),
    Spec(10, 8, 4, 4, 4, True, True, 5, 1, (14, 36)),
    Spec(10, 9, 4, 5, 4, True, True, 5, 1, (16, 40)),
)


@dataclass(frozen=True)
class Yard:
    width: int
    height: int
    cell: int  # pixels per cell
    walls: frozenset[Cell]
    start: Cell
    start_colour: int
    exit: Cell
    gates: tuple[Cell, ...]
    gate_colours: tuple[int, ...]  # each gate's colour at the start
    upright: tuple[bool, ...]  # per gate: its bars stand upright (the gap is crossed left-right)
    pots: tuple[Cell, ...]
    pot_colours: tuple[int, ...]
    rims: tuple[int | None, ...]  # per pot: the colour it swaps with its own on the gates (None: plain)
    inverted: bool
    swapping: bool


class Walk(NamedTuple):
    at: Cell
    colour: int  # the mover's colour
    gates: tuple[int, ...]  # each gate's colour now


def passes(yard: Yard, mover: int, gate: int) -> bool:
    """Whether a mover of colour `mover` may enter a gate of colour `gate` under the level's rule."""
    return (mover == gate) != yard.inverted


def move(yard: Yard, state: Walk, action: int) -> Walk:
    """One key: a step to the next cell unless a wall, the rim or a closed gate is there; a pot reached paints
    the mover (and, from level 5 on, swaps the gates of its colour and its rim's colour)."""
    if action not in MOVES:
        return state
    dx, dy = MOVES[action]
    nxt = (state.at[0] + dx, state.at[1] + dy)
    if not inside(yard.width, yard.height, nxt) or nxt in yard.walls:
        return state
    if nxt in yard.gates and not passes(yard, state.colour, state.gates[yard.gates.index(nxt)]):
        return state
    if nxt not in yard.pots:
        return Walk(nxt, state.colour, state.gates)
    index = yard.pots.index(nxt)
    colour, rim = yard.pot_colours[index], yard.rims[index]
    gates = state.gates
    if yard.swapping and rim is not None:
        swap = {colour: rim, rim: colour}
        gates = tuple(swap.get(g, g) for g in gates)
    return Walk(nxt, colour, gates)


def start_walk(yard: Yard) -> Walk:
    return Walk(yard.start, yard.start_colour, yard.gate_colours)


def _one_key_wins(yard: Yard) -> bool:
    """Whether pressing one key over and over from the start reaches the exit."""
    return held_key_wins(start_walk(yard), lambda s, a: move(yard, s, a), lambda s: s.at == yard.exit)


def _walls(rng: random.Random, spec: Spec) -> set[Cell]:
    """Walls between the regions of a random partition, tiny pockets filled, then wall pieces inside that
    split no room."""
    return region_walls(rng, spec.width, spec.height, spec.parts, spec.inner, pockets_first=True)


def _doors(width: int, height: int, walls: set[Cell], found: list[set[Cell]]) -> list[tuple[Cell, int, int, bool]]:
    """Wall cells that would join two rooms as a one-cell gap: (cell, room, room, crossed left-right)."""
    owner = {cell: i for i, room in enumerate(found) for cell in room}
    doors = []
    for cell in sorted(walls):
        x, y = cell
        for upright, (a, b), (c, d) in ((True, ((x - 1, y), (x + 1, y)), ((x, y - 1), (x, y + 1))),
                                        (False, ((x, y - 1), (x, y + 1)), ((x - 1, y), (x + 1, y)))):
            if a in owner and b in owner and owner[a] != owner[b] and c not in owner and d not in owner:
                doors.append((cell, owner[a], owner[b], upright))
    return doors


def cell_size(width: int, height: int) -> int:
    return 6 if height * 6 <= 64 - 2 - YARD_TOP - 3 and width * 6 <= 60 else 5


class Xg01(Stage):
    NAME = "xg01"
    TITLE = "Gates"
    TAGS = ["sealed", "keyboard"]
    AVAILABLE = [1, 2, 3, 4]
    BAR = "bottom"
    BAR_COLOUR = PURPLE

    def levels(self, rng: random.Random) -> list[Yard]:
        return [self._make(rng, spec) for spec in LEVELS]

    def _make(self, rng: random.Random, spec: Spec) -> Yard:
        lo, hi = spec.shortest
        for _attempt in range(GENERATION_TRIES):
            walls = _walls(rng, spec)
            found = rooms(spec.width, spec.height, walls)
            if len(found) < 2:
                continue
            doors = self._join(rng, spec, walls, found)
            if doors is None:
                continue
            for _placing in range(PLACINGS):
                yard = self._place(rng, spec, frozenset(walls - {d[0] for d in doors}), found, doors)
                if yard is None or _one_key_wins(yard):
                    continue
                if solve(self, replace(yard, pots=(), pot_colours=(), rims=())) is not None:
                    continue  # the exit must need a colour change
                plan = solve(self, yard)
                if plan is None or not lo <= len(plan) <= hi:
                    continue
                if spec.inverted and not spec.swapping and self._wins(replace(yard, inverted=False), plan):
                    continue  # the flipped rule must change the way
                if spec.swapping and self._wins(replace(yard, swapping=False), plan):
                    continue  # the swaps must matter
                return yard
        raise RuntimeError(f"gates: no level found for {spec}")

    def _wins(self, yard: Yard, plan: list[tuple[int, object, object]]) -> bool:
        state = start_walk(yard)
        for action, _, _ in plan:
            state = move(yard, state, action)
            if state.at == yard.exit:
                return True
        return False

    def _join(self, rng: random.Random, spec: Spec, walls: set[Cell],
              found: list[set[Cell]]) -> list[tuple[Cell, bool]] | None:
        """One gap per pair of rooms chosen to join every room (a random spanning tree); None if they cannot."""
        candidates = _doors(spec.width, spec.height, walls, found)
        rng.shuffle(candidates)
        group = list(range(len(found)))

        def root(i: int) -> int:
            while group[i] != i:
                i = group[i]
            return i

        chosen: list[tuple[Cell, bool]] = []
        used: set[Cell] = set()
        pairs: set[frozenset[int]] = set()
        loops = spec.extra
        for cell, a, b, upright in candidates:
            if any((cell[0] + dx, cell[1] + dy) in used for dx, dy in MOVES.values()):
                continue
            ra, rb = root(a), root(b)
            if ra == rb:
                if loops == 0 or frozenset((a, b)) in pairs:
                    continue
                loops -= 1
            group[ra] = rb
            pairs.add(frozenset((a, b)))
            chosen.append((cell, upright))
            used.add(cell)
        if len({root(i) for i in range(len(found))}) != 1 or len(chosen) < max(spec.colours, spec.parts - 1):
            return None
        return chosen

    def _place(self, rng: random.Random, spec: Spec, walls: frozenset[Cell], found: list[set[Cell]],
               doors: list[tuple[Cell, bool]]) -> Yard | None:
        """The mover, the exit and the pots placed over the rooms, the gates coloured; None when they do not fit."""
        gate_cells = {cell for cell, _ in doors}
        taken: set[Cell] = set()

        def pick(room: int) -> Cell | None:
            spots = sorted(c for c in found[room] if c not in taken
                           and all((c[0] + dx, c[1] + dy) not in gate_cells for dx, dy in MOVES.values()))
            if not spots:
                spots = sorted(c for c in found[room] if c not in taken)
            if not spots:
                return None
            chosen = rng.choice(spots)
            taken.add(chosen)
            return chosen

        order = rng.sample(range(len(found)), len(found))
        start, exit_ = pick(order[0]), pick(order[-1])
        if start is None or exit_ is None:
            return None
        colours = rng.sample(PALETTE, spec.colours)
        gate_colours = [colours[i % spec.colours] for i in range(len(doors))]
        rng.shuffle(gate_colours)
        if spec.inverted:  # the colour of a gate out of the mover's room: it cannot leave that way unpainted
            home = found[order[0]]
            out = [gate_colours[i] for i, (c, _) in enumerate(doors)
                   if any((c[0] + dx, c[1] + dy) in home for dx, dy in MOVES.values())]
            start_colour = rng.choice(out or colours)
        else:
            start_colour = rng.choice([c for c in PALETTE if c not in colours])
        pots: list[Cell] = []
        for i in range(spec.pots):
            room = order[0] if i == 0 else rng.randrange(len(found))
            cell = pick(room)
            if cell is None:
                return None
            pots.append(cell)
        pot_colours = [rng.choice(colours) for _ in pots]
        rims: list[int | None] = [None] * len(pots)
        if spec.swapping:
            rims = [rng.choice([c for c in colours if c != own]) for own in pot_colours]
        size = cell_size(spec.width, spec.height)
        return Yard(spec.width, spec.height, size, walls, start, start_colour, exit_,
                    tuple(c for c, _ in doors), tuple(gate_colours), tuple(u for _, u in doors), tuple(pots),
                    tuple(pot_colours), tuple(rims), spec.inverted, spec.swapping)

    def initial_state(self, puzzle: Yard) -> Walk:
        return start_walk(puzzle)

    def transition(self, puzzle: Yard, state: Walk, action: int, cell: Cell | None) -> Walk:
        return move(puzzle, state, action)

    def is_solved(self, puzzle: Yard, state: Walk) -> bool:
        return state.at == puzzle.exit

    # ---- drawing -----------------------------------------------------------------------------
    def origin(self, puzzle: Yard) -> tuple[int, int]:
        """The top left pixel of the yard's cell (0, 0)."""
        room = 64 - 2 - YARD_TOP - 2  # from below the top rim to above the bottom rim and the bar
        return (64 - puzzle.width * puzzle.cell) // 2, YARD_TOP + 1 + (room - puzzle.height * puzzle.cell) // 2

    def corner(self, puzzle: Yard, cell: Cell) -> tuple[int, int]:
        """The top left pixel of a cell's 5x5 sprite."""
        ox, oy = self.origin(puzzle)
        return ox + cell[0] * puzzle.cell, oy + cell[1] * puzzle.cell

    def background(self, puzzle: Yard) -> np.ndarray:
        return walled_yard(puzzle.width, puzzle.height, self.origin(puzzle), puzzle.walls, "bricks", puzzle.cell)

    def scene(self, puzzle: Yard, state: Walk) -> list[Sprite]:
        pieces = [sprite(EXIT, *self.corner(puzzle, puzzle.exit), layer=1, name="exit")]
        for index, (cell, upright) in enumerate(zip(puzzle.gates, puzzle.upright, strict=True)):
            pieces.append(sprite(gate(state.gates[index], upright), *self.corner(puzzle, cell), layer=1,
                                 name=f"gate{index}"))
        for index, cell in enumerate(puzzle.pots):
            rim = puzzle.rims[index]
            pixels = pot(puzzle.pot_colours[index], PLAIN_RIM if rim is None else rim)
            pieces.append(sprite(pixels, *self.corner(puzzle, cell), layer=2, name=f"pot{index}"))
        pieces.append(sprite(mover(state.colour), *self.corner(puzzle, state.at), layer=3, name="mover"))
        pieces.append(self._legend(puzzle))
        return pieces

    def _legend(self, puzzle: Yard) -> Sprite:
        """The rule: a mover and a gate of one colour, then a check mark (passes) or a cross (blocked)."""
        x, y, width, height = self.legend_box(puzzle)
        panel = block(width, height, BLACK, border=WHITE)
        colour = puzzle.gate_colours[0]
        icons = [mover(colour), gate(colour, True), CROSS if puzzle.inverted else CHECK]
        for i, icon in enumerate(icons):
            spot = panel[1:6, 2 + 6 * i : 7 + 6 * i]
            spot[icon != -1] = icon[icon != -1]
        return sprite(panel, x, y, layer=2, name="legend")

    def legend_box(self, puzzle: Yard) -> tuple[int, int, int, int]:
        """The legend's (x, y, width, height) in the frame."""
        return 1, LEGEND_TOP, 21, 7


def mover(colour: int) -> np.ndarray:
    """The mover: a white rim, black eyes, its body in its current colour."""
    return art([".www.", "wkckw", "wcccw", "wcccw", ".w.w."], {"w": WHITE, "k": BLACK, "c": colour})


def gate(colour: int, upright: bool) -> np.ndarray:
    """A gate: a frame of bars of its colour; upright bars bar a gap crossed left-right."""
    pixels = art(["ccccc", "c.c.c", "c.c.c", "c.c.c", "ccccc"], {"c": colour})
    return pixels if upright else pixels.T.copy()


def pot(colour: int, rim: int) -> np.ndarray:
    """A paint pot: a cup of paint of its colour in a rim (grey when it swaps nothing)."""
    return art(["r...r", "rcccr", "rcccr", "rcccr", ".rrr."], {"r": rim, "c": colour})


EXIT = art(["ggggg", "gkkkg", "gkgkg", "gkkkg", "ggggg"], {"g": GREEN, "k": BLACK})
CHECK = art(["....g", "...g.", "g.g..", ".g...", "....."], {"g": GREEN})
CROSS = art(["r...r", ".r.r.", "..r..", ".r.r.", "r...r"], {"r": RED})
