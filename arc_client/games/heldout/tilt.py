"""Tilt: tilt the tray so every loose block slides; rest each marble in the hole of its colour (keyboard).

A wooden tray (a maroon and orange rim around a green felt floor with yellow specks) stands on a dark
brick floor; the tray is a grid of 6-pixel cells, and wooden wall blocks (orange, maroon-edged) stand in
it. Loose blocks lie on the felt: one or two marbles (6x6 round sprites: a red one shaded maroon, a blue
one shaded purple, each with a white glint) and, from level 2 on, grey crates (a light-grey frame and
cross). A key tilts the tray (ACTION1 up, ACTION2 down, ACTION3 left, ACTION4 right): EVERY loose block
slides that way, all in one action, until a wall, the rim or another block stops it (the block in front
stops first, so blocks stack against each other); the slide is shown with up to two in-between frames.
Each marble's hole is a ring of the marble's colour drawn on the felt; a hole does not catch a marble
rolling over it, only where the marble comes to rest counts. The level is solved when, at the end of a
tilt, every marble rests on the hole of its colour (a crate may rest on a hole; it counts for nothing).

From level 4 on, pits lie in the tray (black squares with an off-black edge): a marble that rolls over
or stops on one falls in, GAME_OVER at once; crates roll over pits as over the felt. From level 5 on the
crates are heavy: a tilt no longer moves them, they stand where they are like walls (a rule change the
picture does not show: they look as before). The timer bar runs down the right side, one step shorter
per action.

Level 1 is a 6x5 tray with a single marble, level 2 adds a crate, level 3 a second marble, level 4 pits,
level 6 is a 9x7 tray with two marbles, three crates and four pits; each level's tray stands somewhere
else. Walls (straight runs and single blocks), marbles, crates and pits are drawn from the seed; the
holes are placed where the marbles can be brought to rest together in a number of tilts inside the
level's span, and a layout is kept only if its loose blocks matter: on levels 2-4 a crate moves on the
shortest plan, on level 4 the pits lengthen or break the plan that ignores them, and on levels 5-6 the
shortest plan that assumes sliding crates does not solve the level.

Baselines: the solver's shortest plan x 1.5, rounded up.
"""

import math
import random
from dataclasses import dataclass, replace

import numpy as np
from arcengine import Sprite

from arc_client.games.heldout.stage import (
    BLACK,
    BLUE,
    GRAY,
    GREEN,
    LIGHT_GRAY,
    MAROON,
    MAX_SEARCH_STATES,
    MOVES,
    OFF_BLACK,
    ORANGE,
    PURPLE,
    RED,
    WHITE,
    YELLOW,
    Plan,
    Stage,
    art,
    block,
    solve,
    sprite,
    texture,
    wall_segments,
)

CELL = 6  # a tray cell's side, in pixels
RIM = 2  # the tray's rim, in pixels
MARBLES = (RED, BLUE)  # each marble's colour, and its hole's
SHADES = (MAROON, PURPLE)
# per level: tray columns, rows, the felt's top-left pixel, wall runs, single wall blocks, marbles, crates,
# pits, heavy crates, span of the shortest plan (tilts)
LEVELS = (
    (6, 5, (14, 20), 1, 1, 1, 0, 0, False, (2, 3)),
    (7, 5, (8, 28), 2, 1, 1, 1, 0, False, (3, 5)),
    (7, 6, (16, 10), 2, 2, 2, 1, 0, False, (4, 6)),
    (8, 6, (6, 16), 2, 2, 2, 2, 3, False, (5, 7)),
    (8, 7, (10, 8), 3, 1, 2, 3, 3, True, (5, 8)),
    (9, 7, (4, 18), 3, 2, 2, 3, 4, True, (6, 9)),
)

Cell = tuple[int, int]  # (column, row) of a tray cell


@dataclass(frozen=True)
class TiltPuzzle:
    cols: int
    rows: int
    origin: tuple[int, int]  # the felt's top-left pixel
    walls: frozenset[Cell]
    pits: frozenset[Cell]
    heavy: bool  # crates do not move (levels 5-6)
    holes: tuple[Cell, ...]  # the hole of each marble
    marbles: tuple[Cell, ...]  # where each marble starts
    crates: tuple[Cell, ...]  # where the crates start, sorted


@dataclass(frozen=True)
class Tray:
    """Where the loose blocks are: each marble's cell (a fallen marble stays on its pit) and the crates' (sorted)."""

    marbles: tuple[Cell, ...]
    crates: tuple[Cell, ...]


def slides(puzzle: TiltPuzzle, tray: Tray, action: int) -> list[tuple[Cell, Cell]]:
    """Where each block (marbles, then crates) is before and after a tilt. Blocks are moved front first, so each
    stops against a wall, the rim or a block already at rest; a marble stops in the first pit it reaches; a fallen
    marble stays in its pit, and blocks roll over it."""
    dx, dy = MOVES[action]
    count = len(tray.marbles)
    blocks = [*tray.marbles, *tray.crates]
    fallen = {i for i in range(count) if blocks[i] in puzzle.pits}
    taken = {cell for i, cell in enumerate(blocks) if i not in fallen}
    ends = list(blocks)
    for i in sorted(range(len(blocks)), key=lambda i: -(blocks[i][0] * dx + blocks[i][1] * dy)):
        if i in fallen or (i >= count and puzzle.heavy):
            continue
        at = blocks[i]
        taken.discard(at)
        while True:
            nxt = (at[0] + dx, at[1] + dy)
            if not (0 <= nxt[0] < puzzle.cols and 0 <= nxt[1] < puzzle.rows) or nxt in puzzle.walls or nxt in taken:
                break
            at = nxt
            if i < count and at in puzzle.pits:
                break
        ends[i] = at
        if not (i < count and at in puzzle.pits):
            taken.add(at)
    return list(zip(blocks, ends, strict=True))


def tilted(puzzle: TiltPuzzle, tray: Tray, action: int) -> Tray:
    ends = [end for _, end in slides(puzzle, tray, action)]
    count = len(tray.marbles)
    return Tray(tuple(ends[:count]), tuple(sorted(ends[count:])))


def marble_pixels(index: int) -> np.ndarray:
    """A marble: round, its colour shaded toward the bottom right, a white glint at the top left."""
    return art([".mmmm.",
                "mwmmmm",
                "mmmmmm",
                "mmmmms",
                "mmmmss",
                ".ssss."], {"m": MARBLES[index], "s": SHADES[index], "w": WHITE})


def crate_pixels() -> np.ndarray:
    """A crate: grey, a light-grey frame and a cross."""
    return art(["llllll",
                "llggll",
                "lgllgl",
                "lgllgl",
                "llggll",
                "llllll"], {"l": LIGHT_GRAY, "g": GRAY})


def hole_pixels(index: int) -> np.ndarray:
    """A hole: a ring of its marble's colour; the felt shows inside and at the corners."""
    return art([".rrrr.",
                "rr..rr",
                "r....r",
                "r....r",
                "rr..rr",
                ".rrrr."], {"r": MARBLES[index]})


def wall_pixels() -> np.ndarray:
    return block(CELL, CELL, ORANGE, border=MAROON)


def pit_pixels() -> np.ndarray:
    return block(CELL, CELL, BLACK, border=OFF_BLACK)


class Hg01(Stage):
    NAME = "hg01"
    TITLE = "Tilt"
    TAGS = ["heldout", "keyboard"]
    AVAILABLE = [1, 2, 3, 4]
    BAR = "right"
    BAR_COLOUR = YELLOW

    def levels(self, rng: random.Random) -> list[TiltPuzzle]:
        return [self._level(rng, *spec) for spec in LEVELS]

    def _level(self, rng: random.Random, cols: int, rows: int, origin: tuple[int, int], runs: int, singles: int,
               marbles: int, crates: int, pits: int, heavy: bool, span: tuple[int, int]) -> TiltPuzzle:
        """Draw layouts until one has holes in the span and loose blocks that matter (see the module docstring)."""
        low, high = span
        while True:
            walls = wall_segments(rng, cols, rows, runs)
            free = [(c, r) for r in range(rows) for c in range(cols) if (c, r) not in walls]
            walls |= set(rng.sample(free, singles))
            free = [cell for cell in free if cell not in walls]
            placed = rng.sample(free, marbles + crates + pits)
            puzzle = TiltPuzzle(cols, rows, origin, frozenset(walls), frozenset(placed[marbles + crates:]), heavy,
                                (), tuple(placed[:marbles]), tuple(sorted(placed[marbles:marbles + crates])))
            depths = self._rest_depths(puzzle, high)
            if depths is None:
                continue
            busy = set(placed)
            choices = sorted((d, holes) for holes, d in depths.items() if low <= d and not busy & set(holes))
            if not choices:
                continue
            depth = rng.choice(sorted({d for d, _ in choices}))
            holes = rng.choice([h for d, h in choices if d == depth])
            puzzle = replace(puzzle, holes=holes)
            plan = solve(self, puzzle)
            if plan is not None and len(plan) == depth and self._matters(puzzle, plan):
                return puzzle

    def _rest_depths(self, puzzle: TiltPuzzle, high: int) -> dict[tuple[Cell, ...], int] | None:
        """Each way the marbles can rest together (none in a pit) -> the fewest tilts to it, up to `high` tilts;
        None when the search passes the Stage's state limit."""
        start = self.initial_state(puzzle)
        seen = {start}
        layer = [start]
        best: dict[tuple[Cell, ...], int] = {}
        for depth in range(1, high + 1):
            nxt = []
            for tray in layer:
                for action in MOVES:
                    after = tilted(puzzle, tray, action)
                    if after in seen:
                        continue
                    seen.add(after)
                    if any(m in puzzle.pits for m in after.marbles):
                        continue
                    best.setdefault(after.marbles, depth)
                    nxt.append(after)
            if len(seen) > MAX_SEARCH_STATES:
                return None
            layer = nxt
        best.pop(start.marbles, None)
        return best

    def _matters(self, puzzle: TiltPuzzle, plan: Plan) -> bool:
        """Crates move on the plan (levels 2-4), the pits change the shortest plan (level 4), the heavy crates
        break the plan that assumes sliding ones (levels 5-6)."""
        if puzzle.crates and not puzzle.heavy:
            trays = [self.initial_state(puzzle)]
            for action, _, _ in plan:
                trays.append(tilted(puzzle, trays[-1], action))
            if len({tray.crates for tray in trays}) == 1:
                return False
        if puzzle.pits and not puzzle.heavy:
            careless = solve(self, replace(puzzle, pits=frozenset()))
            if careless is not None and len(careless) == len(plan) and self._wins(puzzle, careless):
                return False
        if puzzle.heavy:
            sliding = solve(self, replace(puzzle, heavy=False))
            if sliding is not None and self._wins(puzzle, sliding):
                return False
        return True

    def _wins(self, puzzle: TiltPuzzle, plan: Plan) -> bool:
        tray = self.initial_state(puzzle)
        for action, _, _ in plan:
            tray = tilted(puzzle, tray, action)
            if self.is_lost(puzzle, tray):
                return False
            if self.is_solved(puzzle, tray):
                return True
        return False

    def corner(self, puzzle: TiltPuzzle, cell: Cell) -> tuple[int, int]:
        """The top-left pixel of a tray cell."""
        return puzzle.origin[0] + cell[0] * CELL, puzzle.origin[1] + cell[1] * CELL

    def initial_state(self, puzzle: TiltPuzzle) -> Tray:
        return Tray(puzzle.marbles, puzzle.crates)

    def transition(self, puzzle: TiltPuzzle, state: Tray, action: int, cell: Cell | None) -> Tray:
        if action not in MOVES:
            return state
        return tilted(puzzle, state, action)

    def tweens(self, puzzle: TiltPuzzle, before: Tray, after: Tray, action: int) -> list[Tray]:
        """Up to two in-between frames: every block a third and two thirds of the longest slide along (a block with
        a shorter slide stops at its end)."""
        dx, dy = MOVES[action]
        moves = slides(puzzle, before, action)
        longest = max(abs(b[0] - a[0]) + abs(b[1] - a[1]) for a, b in moves)
        steps = sorted({math.ceil(longest * k / 3) for k in (1, 2)} - {longest})
        count = len(before.marbles)
        frames = []
        for step in steps:
            cells = []
            for a, b in moves:
                run = min(step, abs(b[0] - a[0]) + abs(b[1] - a[1]))
                cells.append((a[0] + dx * run, a[1] + dy * run))
            frames.append(Tray(tuple(cells[:count]), tuple(cells[count:])))
        return frames

    def is_solved(self, puzzle: TiltPuzzle, state: Tray) -> bool:
        return state.marbles == puzzle.holes

    def is_lost(self, puzzle: TiltPuzzle, state: Tray) -> bool:
        return any(m in puzzle.pits for m in state.marbles)

    def background(self, puzzle: TiltPuzzle) -> np.ndarray:
        floor = texture(random.Random(0), 64, OFF_BLACK, BLACK, "bricks")
        (x, y), w, h = puzzle.origin, puzzle.cols * CELL, puzzle.rows * CELL
        floor[y - RIM : y + h + RIM, x - RIM : x + w + RIM] = MAROON
        floor[y - 1 : y + h + 1, x - 1 : x + w + 1] = ORANGE
        floor[y : y + h, x : x + w] = texture(random.Random(puzzle.cols * 10 + puzzle.rows), 64, GREEN, YELLOW,
                                              "noise")[:h, :w]
        pieces = [(cell, wall_pixels()) for cell in puzzle.walls] + [(cell, pit_pixels()) for cell in puzzle.pits]
        pieces += [(cell, hole_pixels(index)) for index, cell in enumerate(puzzle.holes)]
        for cell, pixels in pieces:
            cx, cy = self.corner(puzzle, cell)
            patch = floor[cy : cy + CELL, cx : cx + CELL]
            patch[pixels >= 0] = pixels[pixels >= 0]
        return floor

    def scene(self, puzzle: TiltPuzzle, state: Tray) -> list[Sprite]:
        pieces = [sprite(crate_pixels(), *self.corner(puzzle, cell), layer=2, name="crate") for cell in state.crates]
        for index, cell in enumerate(state.marbles):
            if cell not in puzzle.pits:  # a marble in a pit has fallen out of sight
                pieces.append(sprite(marble_pixels(index), *self.corner(puzzle, cell), layer=3, name=f"marble{index}"))
        return pieces
