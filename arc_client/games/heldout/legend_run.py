"""Legend Run: walk a two-colour sprite, 3 pixels a step, onto the pad whose colour the legend shows.

The floor is textured, walls are brick blocks, and four to six coloured pads lie about; only the
small framed swatch at the top left says which pad counts. Wrong pads do nothing. From level 3 on,
red sentries patrol back and forth along a row, one step per action whatever the action; meeting one
is GAME_OVER. The timer bar runs along the top. Layouts, pad colours, sentry beats and the goal are
drawn from the seed; walls grow denser and pads more numerous level by level.

Baselines: the solver's shortest plan x 1.5, rounded up (a first-time human also has to find out which
pad the legend means, which costs a few extra steps).
"""

import random
from dataclasses import dataclass

import numpy as np
from arcengine import Sprite

from arc_client.games.heldout.stage import (
    BLUE,
    GRAY,
    GREEN,
    LIGHT_GRAY,
    MAGENTA,
    MOVES,
    OFF_BLACK,
    ORANGE,
    PURPLE,
    RED,
    WHITE,
    YELLOW,
    Stage,
    block,
    solve,
    sprite,
    texture,
)

CELL = 3  # pixels per step
COLS, ROWS = 21, 18
TOP = 9  # playfield starts below the bar and the legend strip
PAD_COLOURS = (GREEN, RED, ORANGE, PURPLE, MAGENTA, YELLOW)
PLAYER = np.array([[BLUE, BLUE, BLUE], [BLUE, WHITE, BLUE], [BLUE, BLUE, BLUE]], dtype=np.int8)
SENTRY = np.array([[RED, RED, RED], [RED, YELLOW, RED], [RED, RED, RED]], dtype=np.int8)
# per level: wall share of the playfield, number of pads, sentries
SHAPES = ((0.10, 3, 0), (0.16, 4, 0), (0.20, 4, 1), (0.22, 5, 2), (0.26, 5, 2), (0.28, 6, 3))

Cell = tuple[int, int]


@dataclass(frozen=True)
class RunPuzzle:
    walls: frozenset[Cell]
    pads: tuple[tuple[int, Cell], ...]  # (colour, top-left cell of a 2x2-cell pad)
    goal: int
    start: Cell
    floor: str
    sentries: tuple[tuple[Cell, int], ...] = ()  # (left end of its beat, beat length in cells)
    period: int = 1  # sentries' common period in actions


@dataclass(frozen=True)
class RunState:
    at: Cell
    tick: int  # actions taken, modulo the sentries' period


def sentry_at(puzzle: RunPuzzle, sentry: tuple[Cell, int], tick: int) -> Cell:
    (col, row), length = sentry
    k = tick % (2 * (length - 1))
    return (col + (k if k < length else 2 * (length - 1) - k), row)


def pad_cells(corner: Cell) -> list[Cell]:
    return [(corner[0] + dx, corner[1] + dy) for dx in (0, 1) for dy in (0, 1)]


class Hk01(Stage):
    NAME = "hk01"
    TITLE = "Legend Run"
    TAGS = ["heldout", "keyboard"]
    AVAILABLE = [1, 2, 3, 4]
    BAR = "top"

    def levels(self, rng: random.Random) -> list[RunPuzzle]:
        out = []
        for index, (density, pads, sentries) in enumerate(SHAPES):
            while True:
                puzzle = self._draw(rng, density, pads, ("noise", "checker", "stripes")[index % 3])
                start = puzzle.start
                goal = next(c for colour, c in puzzle.pads if colour == puzzle.goal)
                if abs(start[0] - goal[0]) + abs(start[1] - goal[1]) < 8 + index or not self._reachable(puzzle):
                    continue
                patrolled = self._patrol(rng, puzzle, sentries)
                if patrolled is not None and solve(self, patrolled) is not None:
                    out.append(patrolled)
                    break
        return out

    def _patrol(self, rng: random.Random, puzzle: RunPuzzle, count: int) -> RunPuzzle | None:
        """Add `count` sentries with one beat length, each on a free stretch of a row away from the start."""
        if not count:
            return puzzle
        length = rng.randint(4, 7)
        blocked = set(puzzle.walls) | {c for _, corner in puzzle.pads for c in pad_cells(corner)}
        stretches = [((col, row), length) for row in range(ROWS) for col in range(COLS - length + 1)
                     if abs(row - puzzle.start[1]) > 1
                     and not any((col + i, row) in blocked for i in range(length))]
        if len(stretches) < count:
            return None
        chosen = rng.sample(stretches, count)
        return RunPuzzle(puzzle.walls, puzzle.pads, puzzle.goal, puzzle.start, puzzle.floor, tuple(chosen),
                         2 * (length - 1))

    def _draw(self, rng: random.Random, density: float, count: int, floor: str) -> RunPuzzle:
        cells = [(c, r) for c in range(COLS) for r in range(ROWS)]
        corners = rng.sample([(c, r) for c in range(0, COLS - 1, 3) for r in range(0, ROWS - 1, 3)], count)
        colours = rng.sample(PAD_COLOURS, count)
        taken = {cell for corner in corners for cell in pad_cells(corner)}
        free = [cell for cell in cells if cell not in taken]
        start = rng.choice(free)
        walls = frozenset(rng.sample([c for c in free if c != start], int(len(cells) * density)))
        return RunPuzzle(walls, tuple(zip(colours, corners, strict=True)), rng.choice(colours), start, floor)

    def _reachable(self, puzzle: RunPuzzle) -> bool:
        seen, queue = {puzzle.start}, [puzzle.start]
        for cell in queue:
            for action in MOVES:
                nxt = self._step(puzzle, cell, action)
                if nxt not in seen:
                    seen.add(nxt)
                    queue.append(nxt)
        return all(any(c in seen for c in pad_cells(corner)) for _, corner in puzzle.pads)

    def _step(self, puzzle: RunPuzzle, at: Cell, action: int) -> Cell:
        dx, dy = MOVES[action]
        nxt = (at[0] + dx, at[1] + dy)
        if not (0 <= nxt[0] < COLS and 0 <= nxt[1] < ROWS) or nxt in puzzle.walls:
            return at
        return nxt

    def initial_state(self, puzzle: RunPuzzle) -> RunState:
        return RunState(puzzle.start, 0)

    def transition(self, puzzle: RunPuzzle, state: RunState, action: int, cell: Cell | None) -> RunState:
        if action not in MOVES:
            return state
        return RunState(self._step(puzzle, state.at, action), (state.tick + 1) % puzzle.period)

    def is_solved(self, puzzle: RunPuzzle, state: RunState) -> bool:
        return any(colour == puzzle.goal and state.at in pad_cells(c) for colour, c in puzzle.pads)

    def is_lost(self, puzzle: RunPuzzle, state: RunState) -> bool:
        return any(sentry_at(puzzle, s, state.tick) == state.at for s in puzzle.sentries)

    def background(self, puzzle: RunPuzzle) -> np.ndarray:
        rng = random.Random(sum(c * 31 + r for c, r in puzzle.walls))
        floor = texture(rng, 64, OFF_BLACK, GRAY, puzzle.floor)
        floor[:TOP, :] = OFF_BLACK
        for col, row in puzzle.walls:
            x, y = col * CELL, TOP + row * CELL
            floor[y : y + CELL, x : x + CELL] = LIGHT_GRAY
            floor[y + CELL - 1, x : x + CELL] = GRAY
        return floor

    def scene(self, puzzle: RunPuzzle, state: RunState) -> list[Sprite]:
        pieces = [sprite(block(2 * CELL, 2 * CELL, colour), c[0] * CELL, TOP + c[1] * CELL) for colour, c in puzzle.pads]
        pieces.append(sprite(block(7, 7, puzzle.goal, border=WHITE), 1, 2, layer=2))  # the legend
        for sentry in puzzle.sentries:
            col, row = sentry_at(puzzle, sentry, state.tick)
            pieces.append(sprite(SENTRY, col * CELL, TOP + row * CELL, layer=3, name="sentry"))
        pieces.append(sprite(PLAYER, state.at[0] * CELL, TOP + state.at[1] * CELL, layer=4, name="player"))
        return pieces
