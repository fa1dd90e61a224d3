"""Key behind a block: push the block aside, take the key, open the door of its colour, reach the exit.

The left room holds a key in a one-cell niche whose mouth a block seals. The block cannot be pushed
into the niche (keys stop blocks), only sideways, so the player must get beside it. A wall with a
door of the key's colour separates the room from the exit. From level 3 on a second wall needs a
second key lying loose in the first room. Blocks never enter doors, keys or the exit.
"""

import random
from dataclasses import dataclass

import numpy as np

# The bundler replaces this import with the kit's source.
from arc_client.games.kit import FLOOR, GOAL, MAGENTA, MOVES, ORANGE, PLAYER, PURPLE, RED, WALL, PuzzleGame

Cell = tuple[int, int]
BLOCK = ORANGE
KEY_COLOURS = (RED, MAGENTA, PURPLE)
# Per level: (width, height, loose walls in the first room, second door).
SHAPES = ((9, 8, 0, False), (10, 8, 2, False), (12, 9, 3, True), (13, 10, 4, True), (14, 10, 5, True), (16, 11, 6, True))


@dataclass(frozen=True)
class KeyBlockPuzzle:
    width: int
    height: int
    walls: frozenset[Cell]
    start: Cell
    block: Cell
    exit: Cell
    keys: tuple[tuple[Cell, int], ...]  # (cell, colour); key i is bit i of the held mask
    doors: tuple[tuple[Cell, int], ...]  # (cell, colour)


# State: (player, block, bitmask of held keys).
KeyBlockState = tuple[Cell, Cell, int]


class Kb01(PuzzleGame):
    NAME = "kb01"
    TITLE = "Key Behind a Block"
    TAGS = ["keyboard"]
    AVAILABLE = [1, 2, 3, 4]
    LEVELS = 6

    def generate(self, rng: random.Random, index: int) -> KeyBlockPuzzle:
        width, height, loose, second = SHAPES[index]
        split = width // 2 if not second else width // 2 - 1
        walls = {(c, r) for c in range(width) for r in range(height) if c in (0, width - 1) or r in (0, height - 1)}
        walls |= {(split, r) for r in range(height)}
        colours = rng.sample(KEY_COLOURS, 2)
        doors = [((split, rng.randrange(1, height - 1)), colours[0])]
        right = split + 1
        if second:  # a second wall across the right part, its key loose in the first room
            split2 = split + (width - split) // 2
            walls |= {(split2, r) for r in range(height)}
            doors.append(((split2, rng.randrange(1, height - 1)), colours[1]))
            right = split2 + 1
        for cell, _ in doors:
            walls.discard(cell)
        # The niche: the key on the top or bottom row of the first room, walls either side, block below.
        col = rng.randrange(2, split - 1)
        row, mouth_step = (1, 1) if rng.random() < 0.5 else (height - 2, -1)
        key = (col, row)
        block = (col, row + mouth_step)
        walls |= {(col - 1, row), (col + 1, row)}
        reserved = {key, block, (col - 1, block[1]), (col + 1, block[1])}
        room = [(c, r) for c in range(1, split) for r in range(1, height - 1) if (c, r) not in walls | reserved]
        rng.shuffle(room)
        walls |= set(room[:loose])
        free = room[loose:]
        start = free[0]
        keys = [(key, colours[0])]
        if second:
            keys.append((free[1], colours[1]))
        exit_ = (rng.randrange(right, width - 1), rng.randrange(1, height - 1))
        return KeyBlockPuzzle(width, height, frozenset(walls), start, block, exit_, tuple(keys), tuple(doors))

    def initial_state(self, puzzle: KeyBlockPuzzle) -> KeyBlockState:
        return (puzzle.start, puzzle.block, 0)

    def transition(self, puzzle: KeyBlockPuzzle, state: KeyBlockState, action: int, cell: Cell | None) -> KeyBlockState:
        move = MOVES.get(action)
        if move is None:
            return state
        (col, row), block, held = state
        ahead = (col + move[0], row + move[1])
        if ahead in puzzle.walls or self._locked(puzzle, held, ahead):
            return state
        if ahead == block:
            beyond = (ahead[0] + move[0], ahead[1] + move[1])
            if beyond in puzzle.walls or beyond == puzzle.exit or self._occupied(puzzle, held, beyond):
                return state
            block = beyond
        for bit, (key, _) in enumerate(puzzle.keys):
            if key == ahead:
                held |= 1 << bit
        return (ahead, block, held)

    @staticmethod
    def _locked(puzzle: KeyBlockPuzzle, held: int, cell: Cell) -> bool:
        """A door whose key is not held."""
        return any(door == cell and not held >> bit & 1 for bit, (door, _) in enumerate(puzzle.doors))

    @staticmethod
    def _occupied(puzzle: KeyBlockPuzzle, held: int, cell: Cell) -> bool:
        """Cells a block may not enter: any door, and keys still lying there."""
        return any(door == cell for door, _ in puzzle.doors) or any(
            key == cell and not held >> bit & 1 for bit, (key, _) in enumerate(puzzle.keys)
        )

    def is_solved(self, puzzle: KeyBlockPuzzle, state: KeyBlockState) -> bool:
        return state[0] == puzzle.exit

    def draw(self, puzzle: KeyBlockPuzzle, state: KeyBlockState) -> np.ndarray:
        player, block, held = state
        board = np.full((puzzle.height, puzzle.width), FLOOR, dtype=np.uint8)
        for col, row in puzzle.walls:
            board[row, col] = WALL
        for bit, ((col, row), colour) in enumerate(puzzle.doors):
            if not held >> bit & 1:  # an open door is plain floor
                board[row, col] = colour
        for bit, ((col, row), colour) in enumerate(puzzle.keys):
            if not held >> bit & 1:
                board[row, col] = colour
        board[puzzle.exit[1], puzzle.exit[0]] = GOAL
        board[block[1], block[0]] = BLOCK
        board[player[1], player[0]] = PLAYER
        return board

    def hud(self, puzzle: KeyBlockPuzzle, state: KeyBlockState) -> list[int]:
        return [colour for bit, (_, colour) in enumerate(puzzle.keys) if state[2] >> bit & 1]
