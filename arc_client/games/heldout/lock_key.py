"""Lock and Key: carry the key whose shape fits the lock, open the door, reach the exit.

The player (a 4x4 two-colour sprite) walks 4 pixels a step. Keys are 3x3 shapes of one colour lying on
the floor; walking onto one picks it up, dropping the key already carried in its place. The held key is
shown in the HUD box at the bottom left. The door in the exit chamber's wall shows the shape it takes;
walking into it with that key opens it. From level 4 on the matching key lies turned: ACTION5 turns the
carried key a quarter clockwise. The timer bar runs along the top. Walls and key places are seeded.

Baselines: the solver's shortest plan x 1.5, rounded up.
"""

import random
from dataclasses import dataclass

import numpy as np
from arcengine import Sprite

from arc_client.games.heldout.stage import (
    BLUE,
    GRAY,
    GREEN,
    LIGHT_BLUE,
    LIGHT_GRAY,
    MAROON,
    MOVES,
    OFF_BLACK,
    OFF_WHITE,
    WHITE,
    YELLOW,
    Stage,
    block,
    sprite,
    texture,
)

CELL = 4
COLS, ROWS = 16, 13
TOP = 4
KEY_SHAPES = (
    ((1, 1, 1), (1, 0, 0), (1, 0, 0)),
    ((1, 1, 0), (0, 1, 1), (0, 0, 1)),
    ((0, 1, 0), (1, 1, 1), (0, 0, 0)),
    ((1, 0, 1), (1, 1, 1), (0, 0, 0)),
    ((1, 1, 1), (0, 0, 1), (0, 0, 0)),
)
PLAYER = np.array([[BLUE] * 4, [BLUE, WHITE, WHITE, BLUE], [BLUE] * 4, [LIGHT_BLUE, BLUE, BLUE, LIGHT_BLUE]], dtype=np.int8)
# per level: keys, the matching key lies turned (needs ACTION5), wall density
LEVELS = ((1, False, 0.05), (2, False, 0.10), (3, False, 0.14), (2, True, 0.10), (3, True, 0.16), (3, True, 0.22))

Cell = tuple[int, int]
Key = tuple[int, int]  # (shape, quarter turns)


@dataclass(frozen=True)
class LockPuzzle:
    walls: frozenset[Cell]
    keys: tuple[tuple[Cell, Key], ...]
    lock: Key  # the shape the door takes, in its turn
    door: Cell
    exit: Cell
    start: Cell


@dataclass(frozen=True)
class LockState:
    at: Cell
    held: Key | None
    floor: tuple[tuple[Cell, Key], ...]
    open: bool


def key_bits(key: Key) -> np.ndarray:
    return np.rot90(np.array(KEY_SHAPES[key[0]], dtype=bool), k=-key[1])


def fits(key: Key, lock: Key) -> bool:
    return bool(np.array_equal(key_bits(key), key_bits(lock)))


def key_pixels(key: Key, colour: int) -> np.ndarray:
    return np.where(key_bits(key), colour, -1).astype(np.int8)


class Hd01(Stage):
    NAME = "hd01"
    TITLE = "Lock and Key"
    TAGS = ["heldout", "keyboard"]
    AVAILABLE = [1, 2, 3, 4, 5]
    BAR = "top"
    BAR_COLOUR = GREEN

    def levels(self, rng: random.Random) -> list[LockPuzzle]:
        out = []
        for count, turned, density in LEVELS:
            while True:
                puzzle = self._draw(rng, count, turned, density)
                if self._solvable_layout(puzzle):
                    out.append(puzzle)
                    break
        return out

    def _draw(self, rng: random.Random, count: int, turned: bool, density: float) -> LockPuzzle:
        # the exit chamber: three cells at the right edge, walled, with the door on its left
        top = rng.randrange(1, ROWS - 3)
        chamber = {(COLS - 1, top + i) for i in range(3)}
        walls = {(COLS - 2, top + i) for i in range(3)} | {(COLS - 1, top - 1), (COLS - 1, top + 3)}
        door = (COLS - 2, top + 1)
        walls.discard(door)
        free = [(c, r) for c in range(COLS - 2) for r in range(ROWS)]
        start, *places = rng.sample(free, 1 + count)
        shapes = rng.sample(range(len(KEY_SHAPES)), count)
        lock: Key = (shapes[0], rng.randrange(4) if turned else 0)
        keys = []
        for i, (place, shape) in enumerate(zip(places, shapes, strict=True)):
            turn = (lock[1] + rng.randrange(1, 4)) % 4 if turned and i == 0 else (0 if i == 0 else rng.randrange(4))
            keys.append((place, (shape, turn)))
        taken = {start, *places, door}
        interior = [cell for cell in free if cell not in taken and cell[0] < COLS - 2]
        walls |= set(rng.sample(interior, int(len(interior) * density)))
        return LockPuzzle(frozenset(walls | {c for c in chamber if c != (COLS - 1, top + 1)} - {(COLS - 1, top + 1)}),
                          tuple(sorted(keys)), lock, door, (COLS - 1, top + 1), start)

    def _solvable_layout(self, puzzle: LockPuzzle) -> bool:
        seen, queue = {puzzle.start}, [puzzle.start]
        for col, row in queue:
            for dx, dy in MOVES.values():
                nxt = (col + dx, row + dy)
                if 0 <= nxt[0] < COLS and 0 <= nxt[1] < ROWS and nxt not in puzzle.walls and nxt != puzzle.door \
                        and nxt not in seen:
                    seen.add(nxt)
                    queue.append(nxt)
        return all(place in seen for place, _ in puzzle.keys) and (puzzle.door[0] - 1, puzzle.door[1]) in seen

    def initial_state(self, puzzle: LockPuzzle) -> LockState:
        return LockState(puzzle.start, None, puzzle.keys, False)

    def transition(self, puzzle: LockPuzzle, state: LockState, action: int, cell: Cell | None) -> LockState:
        if action == 5:
            if state.held is None:
                return state
            return LockState(state.at, (state.held[0], (state.held[1] + 1) % 4), state.floor, state.open)
        if action not in MOVES:
            return state
        dx, dy = MOVES[action]
        nxt = (state.at[0] + dx, state.at[1] + dy)
        if not (0 <= nxt[0] < COLS and 0 <= nxt[1] < ROWS) or nxt in puzzle.walls:
            return state
        if nxt == puzzle.door and not state.open:
            if state.held is not None and fits(state.held, puzzle.lock):
                return LockState(state.at, None, state.floor, True)
            return state
        floor = dict(state.floor)
        held = state.held
        if nxt in floor:
            picked = floor.pop(nxt)
            if held is not None:
                floor[nxt] = held
            held = picked
        return LockState(nxt, held, tuple(sorted(floor.items())), state.open)

    def is_solved(self, puzzle: LockPuzzle, state: LockState) -> bool:
        return state.at == puzzle.exit

    def background(self, puzzle: LockPuzzle) -> np.ndarray:
        floor = texture(random.Random(puzzle.start[0]), 64, OFF_BLACK, GRAY, "checker")
        floor[:TOP, :] = OFF_BLACK
        floor[TOP + ROWS * CELL :, :] = OFF_BLACK
        for col, row in puzzle.walls:
            floor[TOP + row * CELL : TOP + (row + 1) * CELL, col * CELL : (col + 1) * CELL] = LIGHT_GRAY
        x, y = puzzle.exit[0] * CELL, TOP + puzzle.exit[1] * CELL
        floor[y : y + CELL, x : x + CELL] = GREEN
        return floor

    def scene(self, puzzle: LockPuzzle, state: LockState) -> list[Sprite]:
        pieces = []
        for (col, row), key in state.floor:
            pieces.append(sprite(key_pixels(key, YELLOW), col * CELL, TOP + row * CELL))
        if not state.open:
            door = block(4, 4, MAROON)
            door[:3, :3][key_bits(puzzle.lock)] = OFF_WHITE
            pieces.append(sprite(door, puzzle.door[0] * CELL, TOP + puzzle.door[1] * CELL, name="door"))
        pieces.append(sprite(PLAYER, state.at[0] * CELL, TOP + state.at[1] * CELL, layer=3, name="player"))
        box = block(7, 7, OFF_BLACK, border=WHITE)  # the held-key box
        if state.held is not None:
            box[2:5, 2:5] = np.where(key_bits(state.held), YELLOW, OFF_BLACK)
        pieces.append(sprite(box, 1, 57, layer=2, name="held"))
        return pieces
