"""Legend Run: walk a two-colour sprite, 3 pixels a step, onto the pad whose colour the legend shows.

The floor is textured, walls are brick blocks, and four to six coloured pads lie about; only the
small framed swatch at the top left says which pad counts. Wrong pads do nothing. The timer bar runs
along the top. Layouts, pad colours and the goal are drawn from the seed; walls grow denser and pads
more numerous level by level.

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
    sprite,
    texture,
)

CELL = 3  # pixels per step
COLS, ROWS = 21, 18
TOP = 9  # playfield starts below the bar and the legend strip
PAD_COLOURS = (GREEN, RED, ORANGE, PURPLE, MAGENTA, YELLOW)
PLAYER = np.array([[BLUE, BLUE, BLUE], [BLUE, WHITE, BLUE], [BLUE, BLUE, BLUE]], dtype=np.int8)
# per level: wall share of the playfield, number of pads
SHAPES = ((0.10, 3), (0.16, 4), (0.22, 4), (0.26, 5), (0.30, 5), (0.34, 6))

Cell = tuple[int, int]


@dataclass(frozen=True)
class RunPuzzle:
    walls: frozenset[Cell]
    pads: tuple[tuple[int, Cell], ...]  # (colour, top-left cell of a 2x2-cell pad)
    goal: int
    start: Cell
    floor: str


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
        for index, (density, pads) in enumerate(SHAPES):
            while True:
                puzzle = self._draw(rng, density, pads, ("noise", "checker", "stripes")[index % 3])
                start = puzzle.start
                goal = next(c for colour, c in puzzle.pads if colour == puzzle.goal)
                if abs(start[0] - goal[0]) + abs(start[1] - goal[1]) >= 8 + index and self._reachable(puzzle):
                    out.append(puzzle)
                    break
        return out

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
                nxt = self.transition(puzzle, cell, action, None)
                if nxt not in seen:
                    seen.add(nxt)
                    queue.append(nxt)
        return all(any(c in seen for c in pad_cells(corner)) for _, corner in puzzle.pads)

    def initial_state(self, puzzle: RunPuzzle) -> Cell:
        return puzzle.start

    def transition(self, puzzle: RunPuzzle, state: Cell, action: int, cell: Cell | None) -> Cell:
        if action not in MOVES:
            return state
        dx, dy = MOVES[action]
        nxt = (state[0] + dx, state[1] + dy)
        if not (0 <= nxt[0] < COLS and 0 <= nxt[1] < ROWS) or nxt in puzzle.walls:
            return state
        return nxt

    def is_solved(self, puzzle: RunPuzzle, state: Cell) -> bool:
        return any(colour == puzzle.goal and state in pad_cells(c) for colour, c in puzzle.pads)

    def background(self, puzzle: RunPuzzle) -> np.ndarray:
        rng = random.Random(sum(c * 31 + r for c, r in puzzle.walls))
        floor = texture(rng, 64, OFF_BLACK, GRAY, puzzle.floor)
        floor[:TOP, :] = OFF_BLACK
        for col, row in puzzle.walls:
            x, y = col * CELL, TOP + row * CELL
            floor[y : y + CELL, x : x + CELL] = LIGHT_GRAY
            floor[y + CELL - 1, x : x + CELL] = GRAY
        return floor

    def scene(self, puzzle: RunPuzzle, state: Cell) -> list[Sprite]:
        pieces = [sprite(block(2 * CELL, 2 * CELL, colour), c[0] * CELL, TOP + c[1] * CELL) for colour, c in puzzle.pads]
        pieces.append(sprite(block(7, 7, puzzle.goal, border=WHITE), 1, 2, layer=2))  # the legend
        pieces.append(sprite(PLAYER, state[0] * CELL, TOP + state[1] * CELL, layer=3, name="player"))
        return pieces
