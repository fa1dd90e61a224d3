"""Beam: click mirrors to flip them until the emitter's beam reaches the target (click only).

A walled room seen from above: a grey rim (grey outside, light grey inside) around a dark textured
floor laid out on a coarse grid of 6-pixel cells. An emitter set into the rim on one side (a red
body in a maroon housing with a yellow nozzle) sends a yellow beam, one pixel wide, straight into
the room along the middle of a row or column of cells. Mirrors stand on the cells: 5x5 sprites, a
white diagonal ("/" or "\\") on a light blue or orange plate. The beam turns 90 degrees at a mirror
as its diagonal says, runs on through empty cells and gems, and stops at the rim, at a grey block
(a 5x5 grey square framed in light grey) or in the target, a green ring with a dot in the middle
that lights up (white ring, yellow inside) when the beam reaches it. The beam is drawn under the
sprites and redrawn after every click. A click on a mirror flips it ("/" <-> "\\"); a click
anywhere else (the floor, a gap, a block, a gem, the target, the rim, the emitter) changes nothing
but still costs an action. The level ends when the beam reaches the target and, on levels with
gems (small magenta diamonds that light up, light magenta with a white heart, while the beam
crosses them), crosses every gem on the way; the frame of the winning click shows the lit target
before the next level appears.

Level 1 is a 5x4-cell room with two mirrors (one or two clicks), level 2 6x5 with four mirrors and a
block, level 3 7x6 with six mirrors and two blocks, level 4 8x7 with eight mirrors, three blocks and
a gem, level 5 8x8 with ten mirrors, three blocks and a gem, level 6 9x8 with twelve mirrors, four
blocks and two gems. Mirrors come in both plate colours on every level; from level 5 on the
orange-plated mirrors are linked: a click on any of them flips every orange mirror in the room
(light blue ones still flip alone), a rule change the picture does not show. The room stands
somewhere else on every level and its emitter on another side than the level before; the floor's
texture changes by level, and the timer bar runs down the right edge. Each level's layout is drawn
from the seed: a count of fewest clicks in the level's span, then a route of turns from the emitter
to the target (gems on its straight runs) with as many of its mirrors set wrong (on levels 5-6 two
or more orange ones, all put right by one click, and light blue ones for the rest of the count),
decoy mirrors and blocks off the route; a layout is drawn again until its fewest clicks (which a
shortcut through the decoys may lower) are that count, both plate colours show, and on levels 5-6
every fewest-click plan clicks an orange mirror while no fewest-click plan of levels 1-4's rule
(each mirror flipping alone) still solves it.

Baselines: the solver's shortest click count x 1.5, rounded up.
"""

import random
from dataclasses import dataclass, replace
from itertools import combinations

import numpy as np
from arcengine import Sprite

from arc_client.games.heldout.stage import (
    BLACK,
    CLEAR,
    GRAY,
    GREEN,
    LIGHT_BLUE,
    LIGHT_GRAY,
    LIGHT_MAGENTA,
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
    sprite,
    texture,
)

PITCH, SIDE = 6, 5  # cells sit 6 pixels apart; a mirror, block or target is 5x5 with a one-pixel gap around it
MID = SIDE // 2  # the beam runs through a cell's middle row or column
RIM = 2  # the room's wall, in pixels
BEAM = YELLOW
PLATES = (LIGHT_BLUE, ORANGE)
LINKED = ORANGE  # from level 5 on a click on one orange-plated mirror flips them all
HEADINGS = {"left": (1, 0), "right": (-1, 0), "top": (0, 1), "bottom": (0, -1)}  # the emitter's side -> the beam's first heading
# per level: room width, height (cells), the emitter's side, mirrors, turns on the route, blocks, gems,
# linked orange mirrors, span of the fewest clicks, the room floor's top-left pixel, the floor's texture
Spec = tuple[int, int, str, int, tuple[int, int], int, int, bool, tuple[int, int], tuple[int, int], str]
LEVELS: tuple[Spec, ...] = (
    (5, 4, "left", 2, (1, 2), 0, 0, False, (1, 2), (16, 20), "bricks"),
    (6, 5, "top", 4, (2, 3), 1, 0, False, (2, 3), (8, 24), "checker"),
    (7, 6, "right", 6, (3, 4), 2, 0, False, (3, 4), (14, 6), "noise"),
    (8, 7, "bottom", 8, (3, 5), 3, 1, False, (3, 5), (4, 14), "stripes"),
    (8, 8, "left", 10, (4, 6), 3, 1, True, (3, 5), (10, 4), "bricks"),
    (9, 8, "top", 12, (5, 7), 4, 2, True, (4, 6), (3, 10), "noise"),
)

Cell = tuple[int, int]  # (column, row) of a room's cell
Mirrors = tuple[bool, ...]  # per mirror: True for "/", False for "\"


@dataclass(frozen=True)
class BeamPuzzle:
    width: int
    height: int
    side: str  # the rim the emitter is set into
    entry: int  # the row (left, right) or column (top, bottom) the emitter faces
    mirrors: tuple[Cell, ...]
    plates: tuple[int, ...]  # each mirror's plate colour
    start: Mirrors
    blocks: frozenset[Cell]
    target: Cell
    gems: tuple[Cell, ...]
    linked: bool  # a click on an orange mirror flips every orange mirror (levels 5-6)
    origin: tuple[int, int]  # the room floor's top-left pixel
    floor: str  # the floor's `texture` kind
    shortest: int  # the fewest clicks that solve the level


def turned(heading: Cell, slash: bool) -> Cell:
    """The heading after a mirror: "/" sends east to north, "\\" east to south (y grows downward)."""
    dx, dy = heading
    return (-dy, -dx) if slash else (dy, dx)


def first_cell(width: int, height: int, side: str, entry: int) -> Cell:
    return {"left": (0, entry), "right": (width - 1, entry), "top": (entry, 0), "bottom": (entry, height - 1)}[side]


def trace(puzzle: BeamPuzzle, state: Mirrors) -> tuple[list[tuple[Cell, Cell]], str]:
    """The beam: each cell it crosses with the heading it leaves by, in order, and how it ends
    ("target", "block" or "wall")."""
    at = dict(zip(puzzle.mirrors, state, strict=True))
    heading = HEADINGS[puzzle.side]
    cell = first_cell(puzzle.width, puzzle.height, puzzle.side, puzzle.entry)
    path: list[tuple[Cell, Cell]] = []
    seen = set()
    while True:
        if not (0 <= cell[0] < puzzle.width and 0 <= cell[1] < puzzle.height):
            return path, "wall"
        if cell in puzzle.blocks:
            return path, "block"
        if (cell, heading) in seen:  # cannot happen from an emitter outside the room; kept as a guard
            return path, "wall"
        seen.add((cell, heading))
        if cell in at:
            heading = turned(heading, at[cell])
        path.append((cell, heading))
        if cell == puzzle.target:
            return path, "target"
        cell = (cell[0] + heading[0], cell[1] + heading[1])


def solved(puzzle: BeamPuzzle, state: Mirrors) -> bool:
    path, end = trace(puzzle, state)
    crossed = {cell for cell, _ in path}
    return end == "target" and all(gem in crossed for gem in puzzle.gems)


def flipped(puzzle: BeamPuzzle, state: Mirrors, index: int) -> Mirrors:
    """`state` after a click on mirror `index` (every orange mirror with it on linked levels)."""
    group = {index}
    if puzzle.linked and puzzle.plates[index] == LINKED:
        group = {i for i, plate in enumerate(puzzle.plates) if plate == LINKED}
    return tuple(slash != (i in group) for i, slash in enumerate(state))


def click_units(puzzle: BeamPuzzle, linked: bool) -> list[tuple[int, ...]]:
    """The sets of mirrors one click can flip, under the linked rule or with every mirror alone."""
    if not linked:
        return [(i,) for i in range(len(puzzle.mirrors))]
    orange = tuple(i for i, plate in enumerate(puzzle.plates) if plate == LINKED)
    return [(i,) for i, plate in enumerate(puzzle.plates) if plate != LINKED] + ([orange] if orange else [])


def fewest(puzzle: BeamPuzzle, linked: bool, most: int) -> tuple[int, list[Mirrors]] | None:
    """The fewest clicks that solve the level under a rule (clicks commute and undo themselves, so a plan is
    a set of click units) and the sets of mirrors each such plan flips; None above `most`."""
    units = click_units(puzzle, linked)
    for size in range(most + 1):
        found = []
        for chosen in combinations(units, size):
            flips = {i for unit in chosen for i in unit}
            state = tuple(slash != (i in flips) for i, slash in enumerate(puzzle.start))
            if solved(puzzle, state):
                found.append(tuple(i in flips for i in range(len(puzzle.mirrors))))
        if found:
            return size, found
    return None


def route(rng: random.Random, width: int, height: int, side: str, turns: int) -> tuple[int, list[Cell], dict[Cell, bool]] | None:
    """A random route from the emitter with `turns` turns and no cell crossed twice: its entry, its cells in
    order (the last one the target's) and the mirror each turn needs; None at a dead end."""
    entry = rng.randrange(height if side in ("left", "right") else width)
    heading = HEADINGS[side]
    first = first_cell(width, height, side, entry)
    here = (first[0] - heading[0], first[1] - heading[1])  # just outside the room, at the emitter
    cells: list[Cell] = []
    needs: dict[Cell, bool] = {}
    for leg in range(turns + 1):
        room = 0
        ahead = (here[0] + heading[0], here[1] + heading[1])
        while 0 <= ahead[0] < width and 0 <= ahead[1] < height and ahead not in cells:
            room += 1
            ahead = (ahead[0] + heading[0], ahead[1] + heading[1])
        if room == 0:
            return None
        for _ in range(rng.randint(1, room)):
            here = (here[0] + heading[0], here[1] + heading[1])
            cells.append(here)
        if leg < turns:
            after = rng.choice(((heading[1], heading[0]), (-heading[1], -heading[0])))
            needs[here] = turned(heading, True) == after
            heading = after
    return entry, cells, needs


def layout(rng: random.Random, spec: Spec, aim: int) -> BeamPuzzle | None:
    """One draw of a level's layout whose fewest clicks are `aim`; None when it misses the level's conditions."""
    width, height, side, count, (few, many), blocks, gems, linked, (low, high), origin, floor = spec
    turns = rng.randint(max(few, aim + linked), many)  # a linked level sets one orange click and aim - 1 blue wrong
    drawn = route(rng, width, height, side, turns)
    if drawn is None:
        return None
    entry, cells, needs = drawn
    turns_at = list(needs)
    straight = [cell for cell in cells[:-1] if cell not in needs]
    off = [(c, r) for r in range(height) for c in range(width) if (c, r) not in cells]
    if len(off) < count - turns + blocks or len(straight) < gems:
        return None
    placed = rng.sample(off, count - turns + blocks)
    decoys, stops = placed[: count - turns], frozenset(placed[count - turns :])
    plates = {cell: rng.choice(PLATES) for cell in turns_at + decoys}
    if linked:  # two or more orange mirrors on the route, all set wrong: one orange click puts them right
        oranges = rng.sample(turns_at, rng.randint(2, turns - aim + 1))
        for cell in turns_at:
            plates[cell] = LINKED if cell in oranges else PLATES[0]
        blue = [cell for cell in turns_at if cell not in oranges]
        wrong = set(oranges) | set(rng.sample(blue, min(len(blue), aim - 1)))
    else:
        wrong = set(rng.sample(turns_at, min(turns, aim)))
    if len(set(plates.values())) < len(PLATES):  # both plate colours on every level
        return None
    mirrors = tuple(sorted(turns_at + decoys, key=lambda cell: (cell[1], cell[0])))  # row by row, decoys among them
    start = tuple(needs[cell] != (cell in wrong) if cell in needs else rng.random() < 0.5 for cell in mirrors)
    puzzle = BeamPuzzle(width, height, side, entry, mirrors, tuple(plates[cell] for cell in mirrors), start, stops,
                        cells[-1], tuple(rng.sample(straight, gems)), linked, origin, floor, 0)
    best = fewest(puzzle, linked, high)
    if best is None or best[0] != aim:
        return None
    if linked:
        orange = [i for i, plate in enumerate(puzzle.plates) if plate == LINKED]
        alone = fewest(puzzle, False, len(mirrors))
        assert alone is not None  # the route itself solves it with each wrong mirror flipped alone
        for flips in alone[1]:  # a plan of the old rule, replayed under the new one, must fail
            state = list(puzzle.start)
            for i in (i for i, flip in enumerate(flips) if flip):
                state = list(flipped(puzzle, tuple(state), i))
            if solved(puzzle, tuple(state)):
                return None
        for flips in best[1]:  # every fewest-click plan clicks an orange mirror
            if not any(flips[i] for i in orange):
                return None
    return replace(puzzle, shortest=best[0])


def mirror_pixels(slash: bool, plate: int) -> np.ndarray:
    """A mirror: a white diagonal on a plate of its colour."""
    out = np.full((SIDE, SIDE), plate, dtype=np.int8)
    for i in range(SIDE):
        out[SIDE - 1 - i if slash else i, i] = WHITE
    return out


TARGET = art([".ggg.", "g...g", "g.g.g", "g...g", ".ggg."], {"g": GREEN})
TARGET_LIT = art([".www.", "wyyyw", "wywyw", "wyyyw", ".www."], {"w": WHITE, "y": BEAM})
GEM = art([".m.", "mpm", ".m."], {"m": MAGENTA, "p": LIGHT_MAGENTA})
GEM_LIT = art([".p.", "pwp", ".p."], {"p": LIGHT_MAGENTA, "w": WHITE})
BLOCK = block(SIDE, SIDE, GRAY, border=LIGHT_GRAY)
EMITTER = art(["mm.", "mrr", "mry", "mrr", "mm."], {"m": MAROON, "r": RED, "y": BEAM})  # on the left rim, nozzle right


def emitter_pixels(side: str) -> np.ndarray:
    return {"left": EMITTER, "right": EMITTER[:, ::-1], "top": EMITTER.T, "bottom": EMITTER.T[::-1, :]}[side].copy()


class Hm01(Stage):
    NAME = "hm01"
    TITLE = "Beam"
    TAGS = ["heldout", "click"]
    AVAILABLE = [6]
    BAR = "right"
    BAR_COLOUR = PURPLE

    def levels(self, rng: random.Random) -> list[BeamPuzzle]:
        out = []
        for spec in LEVELS:
            low, high = spec[8]
            aim = rng.randint(low, high)
            puzzle = None
            while puzzle is None:
                puzzle = layout(rng, spec, aim)
            out.append(puzzle)
        return out

    def corner(self, puzzle: BeamPuzzle, cell: Cell) -> tuple[int, int]:
        """The top-left pixel of a cell's 5x5 sprite."""
        return puzzle.origin[0] + 1 + cell[0] * PITCH, puzzle.origin[1] + 1 + cell[1] * PITCH

    def centre(self, puzzle: BeamPuzzle, cell: Cell) -> tuple[int, int]:
        x, y = self.corner(puzzle, cell)
        return x + MID, y + MID

    def cell_at(self, puzzle: BeamPuzzle, pixel: tuple[int, int]) -> Cell | None:
        """The cell whose 5x5 sprite area covers `pixel` (None on a gap, the rim or outside the room)."""
        col, dx = divmod(pixel[0] - puzzle.origin[0] - 1, PITCH)
        row, dy = divmod(pixel[1] - puzzle.origin[1] - 1, PITCH)
        if 0 <= col < puzzle.width and 0 <= row < puzzle.height and dx < SIDE and dy < SIDE:
            return col, row
        return None

    def beam_pixels(self, puzzle: BeamPuzzle, state: Mirrors) -> list[tuple[int, int]]:
        """Every pixel the beam covers, from the rim at the emitter to where it stops."""
        path, end = trace(puzzle, state)
        heading = HEADINGS[puzzle.side]
        x, y = self.centre(puzzle, path[0][0])
        points = [(x - (MID + 1) * heading[0], y - (MID + 1) * heading[1])]
        points += [self.centre(puzzle, cell) for cell, _ in path]
        if end != "target":  # on to the gap before the rim or the block
            (x, y), heading = points[-1], path[-1][1]
            points.append((x + (MID + 1) * heading[0], y + (MID + 1) * heading[1]))
        out = []
        for (x0, y0), (x1, y1) in zip(points, points[1:], strict=False):
            dx, dy = (x1 > x0) - (x1 < x0), (y1 > y0) - (y1 < y0)
            out += [(x0 + dx * i, y0 + dy * i) for i in range(abs(x1 - x0) + abs(y1 - y0))]
        return [*out, points[-1]]

    def initial_state(self, puzzle: BeamPuzzle) -> Mirrors:
        return puzzle.start

    def transition(self, puzzle: BeamPuzzle, state: Mirrors, action: int, cell: tuple[int, int] | None) -> Mirrors:
        if action != 6 or cell is None:
            return state
        spot = self.cell_at(puzzle, cell)
        if spot is None or spot not in puzzle.mirrors:
            return state
        return flipped(puzzle, state, puzzle.mirrors.index(spot))

    def is_solved(self, puzzle: BeamPuzzle, state: Mirrors) -> bool:
        return solved(puzzle, state)

    def click_targets(self, puzzle: BeamPuzzle, state: Mirrors) -> list[tuple[int, int]]:
        return [self.centre(puzzle, cell) for cell in puzzle.mirrors]

    def background(self, puzzle: BeamPuzzle) -> np.ndarray:
        out = np.full((64, 64), BLACK, dtype=np.int8)
        x, y = puzzle.origin
        w, h = puzzle.width * PITCH + 1, puzzle.height * PITCH + 1
        out[y - RIM : y + h + RIM, x - RIM : x + w + RIM] = GRAY
        out[y - 1 : y + h + 1, x - 1 : x + w + 1] = LIGHT_GRAY
        out[y : y + h, x : x + w] = texture(random.Random(puzzle.width), 64, OFF_BLACK, BLACK, puzzle.floor)[:h, :w]
        for cell in puzzle.blocks:
            bx, by = self.corner(puzzle, cell)
            out[by : by + SIDE, bx : bx + SIDE] = BLOCK
        return out

    def scene(self, puzzle: BeamPuzzle, state: Mirrors) -> list[Sprite]:
        path, end = trace(puzzle, state)
        crossed = {cell for cell, _ in path}
        beam = np.full((64, 64), CLEAR, dtype=np.int8)
        for x, y in self.beam_pixels(puzzle, state):
            beam[y, x] = BEAM
        pieces = [sprite(beam, 0, 0, layer=1, name="beam")]
        x, y = self.centre(puzzle, first_cell(puzzle.width, puzzle.height, puzzle.side, puzzle.entry))
        dx, dy = HEADINGS[puzzle.side]
        nozzle = (x - (MID + 2) * dx, y - (MID + 2) * dy)  # on the rim's inner line, facing the room
        emitter = emitter_pixels(puzzle.side)
        ny, nx = np.argwhere(emitter == BEAM)[0]
        pieces.append(sprite(emitter, nozzle[0] - int(nx), nozzle[1] - int(ny), layer=2, name="emitter"))
        for i, (cell, slash) in enumerate(zip(puzzle.mirrors, state, strict=True)):
            pieces.append(sprite(mirror_pixels(slash, puzzle.plates[i]), *self.corner(puzzle, cell), layer=2,
                                 name=f"mirror{i}"))
        for i, cell in enumerate(puzzle.gems):
            gx, gy = self.corner(puzzle, cell)
            pieces.append(sprite(GEM_LIT if cell in crossed else GEM, gx + 1, gy + 1, layer=2, name=f"gem{i}"))
        lit = end == "target"
        pieces.append(sprite(TARGET_LIT if lit else TARGET, *self.corner(puzzle, puzzle.target), layer=2, name="target"))
        return pieces
