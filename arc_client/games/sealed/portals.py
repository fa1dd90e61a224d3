"""Portals: walk a walled maze whose parts are joined only by coloured portal rings (keyboard).

A top view of a maze of cells (6 pixels a cell, 5 in the largest maze) on a dark striped floor, walled with
grey blocks inside a grey rim. The mover (a white robot with blue eyes and yellow feet, 5x5 pixels) goes one
cell per key: ACTION1 up, ACTION2 down, ACTION3 left, ACTION4 right; a wall or the rim stops it. The maze is
cut by walls into parts that no walk joins: the exit (a green square with a black ring inside) lies in
another part than the mover, so it is reached only through portals (5x5 rings, one colour per portal).

Levels 1-3: the portals come in pairs of one colour; stepping onto a ring moves the mover to the other ring
of its colour (one in-between frame shows the mover on the ring it stepped onto). Standing on the ring it
arrived on does nothing; stepping off and back on jumps again. Some pairs are decoys.

Level 4 on (a rule change nothing announces): a colour works once. After the mover jumps through a pair,
both its rings are drawn dim (grey, the colour left as a dot in the middle) and act as floor.

Level 5 on: each colour has ONE ring, and a small legend in the top right corner shows the colours in a
row joined by arrows, the first colour repeated at the end (a cycle). Stepping onto the ring of a colour
moves the mover to the ring of the NEXT colour of the cycle. The once-only rule still holds: the ring
stepped onto is spent (dim, floor); the ring arrived on stays live, so stepping off and back onto it jumps
on along the cycle. A ring whose next colour is spent does nothing (it stays live).

The level is won when the mover stands on the exit. Mazes grow from 6x6 cells with one pair to 10x9 cells
with four rings; every level is generated from the seed (a random partition of the maze into parts, walls
between them and wall pieces inside, portals chained from the mover's part to the exit's part plus decoys)
and kept only when the exit is cut off from the mover, the solver's shortest plan lies in the level's range
and no key held down reaches the exit; level 4 is kept only when the once-only rule makes its shortest plan
longer. The timer bar (the action budget) runs along the top.

Baselines: the solver's shortest plan x 1.5, rounded up.
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
    LIGHT_BLUE,
    MAGENTA,
    MOVES,
    ORANGE,
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

COLOURS = (RED, LIGHT_BLUE, MAGENTA, ORANGE)  # the portals' colours, in cycle order from level 5 on
DIM = GRAY  # a spent ring
LEGEND_TOP = 3  # the legend panel's top row (levels 5 on)
MAZE_TOP = 11  # the first row the maze's rim may use when a legend is shown (else 3)
GENERATION_TRIES = 300  # wall layouts tried per level
PLACINGS = 4  # placements of the mover, the exit and the rings tried per layout


@dataclass(frozen=True)
class Spec:
    width: int
    height: int
    colours: int  # portal colours: pairs in levels 1-4, single rings of a cycle from level 5 on
    parts: int  # the parts the maze is first cut into
    once: bool  # a colour works once (level 4 on)
    cycle: bool  # a ring leads to the ring of the next colour (level 5 on)
    inner: int  # wall pieces added inside the parts
    shortest: tuple[int, int]  # the range the shortest plan must lie in


LEVELS = (
    Spec(6, 6, 1, 2, False, False, 2, (6, 12)),
    Spec(7, 7, 2, 3, False, False, 3, (8, 16)),
    Spec(8, 7, 3, 3, False, False, 4, (10, 20)),
    Spec(8, 8, 3, 3, True, False, 4, (12, 26)),
    Spec(9, 8, 3, 3, True, True, 5, (14, 30)),
    Spec(10, 8, 4, 3, True, True, 6, (16, 36)),
    Spec(10, 9, 4, 4, True, True, 6, (18, 40)),
)


@dataclass(frozen=True)
class Maze:
    width: int
    height: int
    cell: int  # pixels per cell
    walls: frozenset[Cell]
    start: Cell
    exit: Cell
    rings: tuple[tuple[Cell, ...], ...]  # per colour index: its two rings (levels 1-4) or its one ring
    colours: tuple[int, ...]  # per colour index: the colour drawn
    once: bool
    cycle: bool


class Walk(NamedTuple):
    at: Cell
    used: frozenset[int]  # colour indices spent (from level 4 on)


def ring_at(maze: Maze, cell: Cell, used: frozenset[int]) -> int | None:
    """The colour index of a live ring on `cell`, or None."""
    for index, cells in enumerate(maze.rings):
        if cell in cells and index not in used:
            return index
    return None


def destination(maze: Maze, index: int, entered: Cell, used: frozenset[int]) -> Cell | None:
    """Where stepping onto the ring of colour `index` at `entered` sends the mover (None: nowhere)."""
    if maze.cycle:
        target = (index + 1) % len(maze.rings)
        if target in used or target == index:
            return None
        return maze.rings[target][0]
    a, b = maze.rings[index]
    return b if entered == a else a


def move(maze: Maze, state: Walk, action: int) -> Walk:
    """One key: a step to the next cell unless a wall or the rim is there; a live ring reached jumps."""
    if action not in MOVES:
        return state
    dx, dy = MOVES[action]
    nxt = (state.at[0] + dx, state.at[1] + dy)
    if not inside(maze.width, maze.height, nxt) or nxt in maze.walls:
        return state
    index = ring_at(maze, nxt, state.used)
    if index is None:
        return Walk(nxt, state.used)
    target = destination(maze, index, nxt, state.used)
    if target is None:
        return Walk(nxt, state.used)
    return Walk(target, state.used | {index} if maze.once else state.used)


def _one_key_wins(maze: Maze) -> bool:
    """Whether pressing one key over and over from the start reaches the exit."""
    return held_key_wins(Walk(maze.start, frozenset()), lambda s, a: move(maze, s, a), lambda s: s.at == maze.exit)


def _walls(rng: random.Random, spec: Spec) -> set[Cell]:
    """Walls between the regions of a random partition, then wall pieces inside that split no part, then
    tiny pockets filled."""
    return region_walls(rng, spec.width, spec.height, spec.parts, spec.inner, pockets_first=False)


def cell_size(spec_width: int, spec_height: int, legend: bool) -> int:
    room = 64 - (MAZE_TOP if legend else 3) - 2
    return 6 if spec_height * 6 <= room and spec_width * 6 <= 62 else 5


class Xf01(Stage):
    NAME = "xf01"
    TITLE = "Portals"
    TAGS = ["sealed", "keyboard"]
    AVAILABLE = [1, 2, 3, 4]
    BAR = "top"
    BAR_COLOUR = YELLOW

    def levels(self, rng: random.Random) -> list[Maze]:
        return [self._make(rng, spec) for spec in LEVELS]

    def _make(self, rng: random.Random, spec: Spec) -> Maze:
        lo, hi = spec.shortest
        for _attempt in range(GENERATION_TRIES):
            walls = _walls(rng, spec)
            found = rooms(spec.width, spec.height, walls)
            if len(found) < 2:
                continue
            for _placing in range(PLACINGS):
                maze = self._place(rng, spec, frozenset(walls), found)
                if maze is None:
                    continue
                plan = solve(self, maze)
                if plan is None or not lo <= len(plan) <= hi or _one_key_wins(maze):
                    continue
                if spec.once and not spec.cycle:  # the once-only rule must change the way
                    free = solve(self, replace(maze, once=False))
                    if free is None or len(free) >= len(plan):
                        continue
                return maze
        raise RuntimeError(f"portals: no level found for {spec}")

    def _place(self, rng: random.Random, spec: Spec, walls: frozenset[Cell], found: list[set[Cell]]) -> Maze | None:
        """The mover, the exit and the rings placed over the maze's parts; None when they do not fit."""
        order = rng.sample(range(len(found)), len(found))
        home = order[0]
        taken: set[Cell] = set()

        def pick(part: int) -> Cell | None:
            spots = sorted(c for c in found[part] if c not in taken
                           and all((c[0] + dx, c[1] + dy) not in taken for dx, dy in MOVES.values()))
            if not spots:
                return None
            chosen = rng.choice(spots)
            taken.add(chosen)
            return chosen

        start = pick(home)
        if start is None:
            return None
        rings: list[tuple[Cell, ...]] = []
        if spec.cycle:
            # one ring per colour, each in another part than the ring before it (and the last than the first)
            homes = [home]
            for i in range(1, spec.colours):
                options = [p for p in range(len(found)) if p != homes[-1] and (i < spec.colours - 1 or p != home)]
                if not options:
                    return None
                homes.append(rng.choice(options))
            exit_part = rng.choice([p for p in range(len(found)) if p != home])
            for part in homes:
                ring = pick(part)
                if ring is None:
                    return None
                rings.append((ring,))
        else:
            hops = rng.randint(1, min(spec.colours, len(found) - 1))
            exit_part = order[hops]
            links = [(order[i], order[i + 1]) for i in range(hops)]
            while len(links) < spec.colours:
                a, b = rng.sample(range(len(found)), 2)
                links.append((a, b))
            rng.shuffle(links)
            for a, b in links:
                one, two = pick(a), pick(b)
                if one is None or two is None:
                    return None
                rings.append((one, two))
        exit_ = pick(exit_part)
        if exit_ is None:
            return None
        colours = COLOURS[: spec.colours] if spec.cycle else tuple(rng.sample(COLOURS, spec.colours))
        cell = cell_size(spec.width, spec.height, spec.cycle)
        return Maze(spec.width, spec.height, cell, walls, start, exit_, tuple(rings), tuple(colours), spec.once,
                    spec.cycle)

    def initial_state(self, puzzle: Maze) -> Walk:
        return Walk(puzzle.start, frozenset())

    def transition(self, puzzle: Maze, state: Walk, action: int, cell: Cell | None) -> Walk:
        return move(puzzle, state, action)

    def is_solved(self, puzzle: Maze, state: Walk) -> bool:
        return state.at == puzzle.exit

    def tweens(self, puzzle: Maze, before: Walk, after: Walk, action: int) -> list[Walk]:
        dx, dy = MOVES.get(action, (0, 0))
        stepped = (before.at[0] + dx, before.at[1] + dy)
        if after.at == stepped or after.at == before.at:
            return []
        return [Walk(stepped, before.used)]  # the mover on the ring it stepped onto, before the jump

    # ---- drawing -----------------------------------------------------------------------------
    def origin(self, puzzle: Maze) -> tuple[int, int]:
        """The top left pixel of the maze's cell (0, 0)."""
        top = MAZE_TOP if puzzle.cycle else 3
        room = 64 - top - 2
        return (64 - puzzle.width * puzzle.cell) // 2, top + 1 + (room - puzzle.height * puzzle.cell) // 2

    def corner(self, puzzle: Maze, cell: Cell) -> tuple[int, int]:
        """The top left pixel of a cell's 5x5 sprite."""
        ox, oy = self.origin(puzzle)
        return ox + cell[0] * puzzle.cell, oy + cell[1] * puzzle.cell

    def background(self, puzzle: Maze) -> np.ndarray:
        return walled_yard(puzzle.width, puzzle.height, self.origin(puzzle), puzzle.walls, "stripes", puzzle.cell)

    def scene(self, puzzle: Maze, state: Walk) -> list[Sprite]:
        pieces = [sprite(EXIT, *self.corner(puzzle, puzzle.exit), layer=1, name="exit")]
        for index, cells in enumerate(puzzle.rings):
            colour = puzzle.colours[index]
            dim = index in state.used
            pixels = ring(DIM if dim else colour, colour if dim else None)
            for c in cells:
                pieces.append(sprite(pixels, *self.corner(puzzle, c), layer=2, name=f"ring{index}"))
        pieces.append(sprite(MOVER, *self.corner(puzzle, state.at), layer=3, name="mover"))
        if puzzle.cycle:
            pieces.append(self._legend(puzzle))
        return pieces

    def _legend(self, puzzle: Maze) -> Sprite:
        """The cycle: 3x3 swatches in order joined by white arrows, the first colour again at the end."""
        colours = [*puzzle.colours, puzzle.colours[0]]
        inner = 7 * len(colours) - 4
        panel = block(inner + 4, 7, BLACK, border=WHITE)
        for i, colour in enumerate(colours):
            x = 2 + 7 * i
            panel[2:5, x : x + 3] = colour
            if i < len(colours) - 1:
                panel[2, x + 4] = panel[3, x + 5] = panel[4, x + 4] = WHITE
        return sprite(panel, 63 - panel.shape[1], LEGEND_TOP, layer=2, name="legend")

    def legend_box(self, puzzle: Maze) -> tuple[int, int, int, int]:
        """The legend's (x, y, width, height) in the frame (levels 5 on)."""
        width = 7 * (len(puzzle.colours) + 1)
        return 63 - width, LEGEND_TOP, width, 7


def ring(colour: int, dot: int | None = None) -> np.ndarray:
    """A portal ring; a spent one is grey with its colour left as a dot in the middle."""
    pixels = art([".ccc.", "c...c", "c...c", "c...c", ".ccc."], {"c": colour})
    if dot is not None:
        pixels[2, 2] = dot
    return pixels


MOVER = art([".www.", "wbwbw", "wwwww", ".www.", "yy.yy"], {"w": WHITE, "b": BLUE, "y": YELLOW})
EXIT = art(["ggggg", "gkkkg", "gkgkg", "gkkkg", "ggggg"], {"g": GREEN, "k": BLACK})
