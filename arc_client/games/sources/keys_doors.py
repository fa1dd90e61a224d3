"""Keys and doors: walk a maze, pick up coloured keys, pass the doors of their colour, reach the exit.

Walking onto a key picks it up for good (it shows in the HUD); a door is a wall until a key of its
colour is held, then it stands open. Doors sit on the only path to the exit, their keys in dead ends
before them, so each level is solvable by construction; later levels add doors, decoy keys and
decoy doors that guard nothing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np

# The bundler replaces this import with the kit's source.
from arc_client.games.kit import (
    FLOOR,
    GOAL,
    LIGHT_BLUE,
    MAGENTA,
    MAROON,
    MOVES,
    ORANGE,
    PLAYER,
    PURPLE,
    RED,
    WALL,
    PuzzleGame,
    carve_maze,
)

Cell = tuple[int, int]
KEY_COLOURS = (RED, MAGENTA, ORANGE, PURPLE, LIGHT_BLUE, MAROON)
# Per level: maze side (odd), doors on the exit path, decoy keys (each with a decoy door).
SIDES = (9, 11, 13, 15, 17, 19)
DOORS = (1, 1, 2, 2, 3, 3)
DECOYS = (0, 0, 1, 1, 1, 2)


@dataclass(frozen=True)
class KeysPuzzle:
    width: int
    height: int
    walls: frozenset[Cell]
    start: Cell
    exit: Cell
    keys: tuple[tuple[Cell, int], ...]  # (cell, colour); key i is bit i of the held mask
    doors: tuple[tuple[Cell, int], ...]  # (cell, colour)


# State: (player cell, bitmask of held keys).
KeysState = tuple[Cell, int]


def parents_from(opened: set[Cell], source: Cell, blocked: frozenset[Cell] = frozenset()) -> dict[Cell, Cell | None]:
    """Breadth-first tree from `source` over `opened` minus `blocked`: cell -> parent (None at the root)."""
    parent: dict[Cell, Cell | None] = {source: None}
    queue = [source]
    for cell in queue:
        for dx, dy in MOVES.values():
            nxt = (cell[0] + dx, cell[1] + dy)
            if nxt in opened and nxt not in blocked and nxt not in parent:
                parent[nxt] = cell
                queue.append(nxt)
    return parent


def steps_from(opened: set[Cell], sources: list[Cell]) -> dict[Cell, int]:
    """Steps from the nearest of `sources` to every cell of `opened` (multi-source breadth-first)."""
    steps = dict.fromkeys(sources, 0)
    queue = list(sources)
    for cell in queue:
        for dx, dy in MOVES.values():
            nxt = (cell[0] + dx, cell[1] + dy)
            if nxt in opened and nxt not in steps:
                steps[nxt] = steps[cell] + 1
                queue.append(nxt)
    return steps


class Kd01(PuzzleGame):
    NAME = "kd01"
    TITLE = "Keys and Doors"
    TAGS = ["keyboard"]
    AVAILABLE = [1, 2, 3, 4]
    LEVELS = 6

    def generate(self, rng: random.Random, index: int) -> KeysPuzzle:
        side = SIDES[index]
        opened = carve_maze(rng, side, side)
        lattice = sorted(c for c in opened if c[0] % 2 and c[1] % 2)
        start = rng.choice(lattice)
        tree = parents_from(opened, start)
        exit_ = list(tree)[-1]  # the farthest cell from the start
        path = [exit_]
        while (up := tree[path[-1]]) is not None:
            path.append(up)
        path.reverse()
        on_path = set(path)
        depth = steps_from(opened, path)
        colours = list(KEY_COLOURS)
        rng.shuffle(colours)
        # Doors on corridor cells of the exit path, spread along it; keys in the region before each door.
        corridors = [i for i, c in enumerate(path) if (c[0] + c[1]) % 2 and 2 <= i <= len(path) - 3]
        count = DOORS[index]
        chunk = len(corridors) // count
        if chunk == 0:  # an exit path too short for its doors: draw another maze
            return self.generate(rng, index)
        door_steps = [rng.choice(corridors[k * chunk : (k + 1) * chunk]) for k in range(count)]
        door_cells = [path[i] for i in door_steps]
        keys: list[tuple[Cell, int]] = []
        doors: list[tuple[Cell, int]] = []
        used = {start, exit_, *door_cells}
        previous_region: set[Cell] = set()
        for k, door in enumerate(door_cells):
            region = set(parents_from(opened, start, frozenset(door_cells[k:])))
            key = self._hideout(rng, region - previous_region - used, region - used, depth)
            keys.append((key, colours[k]))
            doors.append((door, colours[k]))
            used.add(key)
            previous_region = region
        # Decoys: a key of a fresh colour in a dead end, and a door of that colour closing a side branch.
        for k in range(DECOYS[index]):
            colour = colours[count + k]
            free = set(opened) - used
            keys.append((self._hideout(rng, free, free, depth), colour))
            used.add(keys[-1][0])
            branches = sorted(c for c in free - on_path if (c[0] + c[1]) % 2 and c not in used)
            if branches:
                decoy_door = rng.choice(branches)
                doors.append((decoy_door, colour))
                used.add(decoy_door)
        walls = frozenset((c, r) for c in range(side) for r in range(side)) - opened
        return KeysPuzzle(side, side, walls, start, exit_, tuple(keys), tuple(doors))

    @staticmethod
    def _hideout(rng: random.Random, preferred: set[Cell], fallback: set[Cell], depth: dict[Cell, int]) -> Cell:
        """A cell as deep into a dead end as possible (`depth` = steps from the exit path): a detour."""
        pool = sorted(preferred or fallback, key=lambda c: (-depth[c], c))
        return rng.choice(pool[: max(1, len(pool) // 3)])

    def initial_state(self, puzzle: KeysPuzzle) -> KeysState:
        return (puzzle.start, 0)

    def transition(self, puzzle: KeysPuzzle, state: KeysState, action: int, cell: Cell | None) -> KeysState:
        if action not in MOVES:
            return state
        (col, row), held = state
        dx, dy = MOVES[action]
        target = (col + dx, row + dy)
        if target in puzzle.walls:
            return state
        for door, colour in puzzle.doors:
            if door == target and not self._holds(puzzle, held, colour):
                return state
        for bit, (key, _) in enumerate(puzzle.keys):
            if key == target:
                held |= 1 << bit
        return (target, held)

    @staticmethod
    def _holds(puzzle: KeysPuzzle, held: int, colour: int) -> bool:
        return any(held >> bit & 1 and c == colour for bit, (_, c) in enumerate(puzzle.keys))

    def is_solved(self, puzzle: KeysPuzzle, state: KeysState) -> bool:
        return state[0] == puzzle.exit

    def draw(self, puzzle: KeysPuzzle, state: KeysState) -> np.ndarray:
        pos, held = state
        board = np.full((puzzle.height, puzzle.width), FLOOR, dtype=np.uint8)
        for col, row in puzzle.walls:
            board[row, col] = WALL
        for (col, row), colour in puzzle.doors:
            if not self._holds(puzzle, held, colour):  # an open door is plain floor
                board[row, col] = colour
        for bit, ((col, row), colour) in enumerate(puzzle.keys):
            if not held >> bit & 1:
                board[row, col] = colour
        board[puzzle.exit[1], puzzle.exit[0]] = GOAL
        board[pos[1], pos[0]] = PLAYER
        return board

    def hud(self, puzzle: KeysPuzzle, state: KeysState) -> list[int]:
        return [colour for bit, (_, colour) in enumerate(puzzle.keys) if state[1] >> bit & 1]

