"""Light Switches: stand on a switch and press ACTION5 to flip it; light every switch (ACTION1..5).

Switches show their state (red = off, green = on) on the board and as HUD swatches; flipping a lit
switch turns it off again, and from level 2 on some switches start lit.
"""

import random
from dataclasses import dataclass

import numpy as np

# The bundler replaces this import with the kit's source.
from arc_client.games.kit import FLOOR, GREEN, MOVES, PLAYER, RED, WALL, PuzzleGame, room

OFF, ON = RED, GREEN
# (width, height, switches) per level
SHAPES = [(9, 9, 2), (10, 10, 3), (12, 11, 3), (13, 12, 4), (14, 13, 5)]

Cell = tuple[int, int]
State = tuple[Cell, int]  # (player, bit i set = switch i lit)


@dataclass(frozen=True)
class Panel:
    width: int
    height: int
    walls: frozenset[Cell]
    start: Cell
    switches: tuple[Cell, ...]
    lit: int  # switches lit at the start
    base: np.ndarray  # floor and walls; never written to

    @property
    def all_lit(self) -> int:
        return (1 << len(self.switches)) - 1


class Sw01(PuzzleGame):
    NAME = "sw01"
    TITLE = "Light Switches"
    TAGS = ["keyboard"]
    AVAILABLE = [1, 2, 3, 4, 5]
    LEVELS = 5
    MIN_ACTIONS = 12

    def generate(self, rng: random.Random, index: int) -> Panel:
        width, height, count = SHAPES[index]
        walls, floor = room(rng, width, height, 0.1 + 0.02 * index)
        start, *switches = rng.sample(floor, count + 1)
        lit = 0
        if index > 0:  # some start lit, so pressing blindly can undo progress
            lit = rng.randrange(1, 1 << count) & ~(1 << rng.randrange(count))
        base = np.full((height, width), FLOOR, dtype=np.uint8)
        for col, row in walls:
            base[row, col] = WALL
        base.setflags(write=False)
        return Panel(width, height, walls, start, tuple(switches), lit, base)

    def initial_state(self, puzzle: Panel) -> State:
        return (puzzle.start, puzzle.lit)

    def transition(self, puzzle: Panel, state: State, action: int, cell: Cell | None) -> State:
        (col, row), lit = state
        if action == 5:
            if (col, row) in puzzle.switches:
                return ((col, row), lit ^ (1 << puzzle.switches.index((col, row))))
            return state
        move = MOVES.get(action)
        if move is None:
            return state
        nxt = (col + move[0], row + move[1])
        return state if nxt in puzzle.walls else (nxt, lit)

    def is_solved(self, puzzle: Panel, state: State) -> bool:
        return state[1] == puzzle.all_lit

    def draw(self, puzzle: Panel, state: State) -> np.ndarray:
        board = puzzle.base.copy()
        (col, row), lit = state
        for i, (switch_col, switch_row) in enumerate(puzzle.switches):
            board[switch_row, switch_col] = ON if lit >> i & 1 else OFF
        board[row, col] = PLAYER
        return board

    def hud(self, puzzle: Panel, state: State) -> list[int]:
        return [ON if state[1] >> i & 1 else OFF for i in range(len(puzzle.switches))]
