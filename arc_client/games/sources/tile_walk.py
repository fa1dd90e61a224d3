"""Tile walk: walk over the grey tiles to light them as the panel above shows, then reach the exit.

Stepping onto a tile flips it (grey <-> orange), so crossing the tile patch spoils it: the route is
the puzzle. The exit turns green once the patch equals the panel, and the level ends when the
player stands on it then. Later levels have larger rooms with more walls and larger patches.
"""

import random
from dataclasses import dataclass

import numpy as np

# The bundler replaces this import with the kit's source.
from arc_client.games.kit import FLOOR, GOAL, GRAY, MOVES, OFF_WHITE, ORANGE, PLAYER, WALL, PuzzleGame, room

Cell = tuple[int, int]
LIT, UNLIT, LOCKED = ORANGE, GRAY, OFF_WHITE
# Per level: (room width, room height, patch columns, patch rows, share of the room turned to wall).
SHAPES = (
    (8, 7, 2, 2, 0.0),
    (9, 8, 2, 2, 0.1),
    (10, 8, 3, 2, 0.1),
    (11, 9, 3, 2, 0.15),
    (12, 9, 2, 3, 0.15),
    (13, 10, 3, 2, 0.2),
)


@dataclass(frozen=True)
class TilePuzzle:
    width: int
    height: int
    walls: frozenset[Cell]
    start: Cell
    exit: Cell
    tiles: tuple[Cell, ...]  # the patch, row-major; tile i is bit i of the lit mask
    panel: tuple[Cell, ...]  # where the target shows each tile, in the strip above the room
    target: int  # bitmask of tiles that must be lit


# State: (player, bitmask of lit tiles).
TileState = tuple[Cell, int]


class Tw01(PuzzleGame):
    NAME = "tw01"
    TITLE = "Tile Walk"
    TAGS = ["keyboard"]
    AVAILABLE = [1, 2, 3, 4]
    LEVELS = 6

    def generate(self, rng: random.Random, index: int) -> TilePuzzle:
        width, height, cols, rows, density = SHAPES[index]
        top = rows + 2  # the panel strip above the room
        walls, floor = room(rng, width, height, density)
        open_cells = set(floor)
        corners = [
            (c, r) for c, r in floor if all((c + i, r + j) in open_cells for i in range(cols) for j in range(rows))
        ]
        left, up = rng.choice(corners)
        patch = [(left + i, up + j) for j in range(rows) for i in range(cols)]
        start, exit_ = rng.sample([cell for cell in floor if cell not in patch], 2)
        target = 0
        while target.bit_count() < len(patch) // 2:  # at least half the patch lit: a real route
            target = rng.randrange(1, 1 << len(patch))
        panel = tuple((1 + i, 1 + j) for j in range(rows) for i in range(cols))

        def shift(cell: Cell) -> Cell:
            return (cell[0], cell[1] + top)

        return TilePuzzle(
            width,
            height + top,
            frozenset(map(shift, walls)),
            shift(start),
            shift(exit_),
            tuple(map(shift, patch)),
            panel,
            target,
        )

    def initial_state(self, puzzle: TilePuzzle) -> TileState:
        return (puzzle.start, 0)

    def transition(self, puzzle: TilePuzzle, state: TileState, action: int, cell: Cell | None) -> TileState:
        move = MOVES.get(action)
        if move is None:
            return state
        (col, row), lit = state
        ahead = (col + move[0], row + move[1])
        if ahead in puzzle.walls:
            return state
        if ahead in puzzle.tiles:
            lit ^= 1 << puzzle.tiles.index(ahead)
        return (ahead, lit)

    def is_solved(self, puzzle: TilePuzzle, state: TileState) -> bool:
        return state[1] == puzzle.target and state[0] == puzzle.exit

    def draw(self, puzzle: TilePuzzle, state: TileState) -> np.ndarray:
        player, lit = state
        board = np.full((puzzle.height, puzzle.width), FLOOR, dtype=np.uint8)
        for col, row in puzzle.walls:
            board[row, col] = WALL
        for bit, ((col, row), (panel_col, panel_row)) in enumerate(zip(puzzle.tiles, puzzle.panel, strict=True)):
            board[row, col] = LIT if lit >> bit & 1 else UNLIT
            board[panel_row, panel_col] = LIT if puzzle.target >> bit & 1 else UNLIT
        board[puzzle.exit[1], puzzle.exit[0]] = GOAL if lit == puzzle.target else LOCKED
        board[player[1], player[0]] = PLAYER
        return board
