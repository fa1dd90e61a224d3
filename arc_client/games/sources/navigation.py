"""Maze: walk through a carved maze to the exit (ACTION1..4 = up, down, left, right)."""

import random
from dataclasses import dataclass

import numpy as np

# The bundler replaces this import with the kit's source.
from arc_client.games.kit import FLOOR, GOAL, MOVES, PLAYER, WALL, PuzzleGame, carve_maze

SIZES = [9, 11, 15, 19, 23]


@dataclass(frozen=True)
class Maze:
    width: int
    height: int
    walls: frozenset[tuple[int, int]]
    start: tuple[int, int]
    exit: tuple[int, int]
    base: np.ndarray  # floor, walls and exit; never written to


def distances(opened: set[tuple[int, int]], source: tuple[int, int]) -> dict[tuple[int, int], int]:
    dist = {source: 0}
    queue = [source]
    for col, row in queue:
        for dc, dr in MOVES.values():
            nxt = (col + dc, row + dr)
            if nxt in opened and nxt not in dist:
                dist[nxt] = dist[(col, row)] + 1
                queue.append(nxt)
    return dist


class Mz01(PuzzleGame):
    NAME = "mz01"
    TITLE = "Maze Runner"
    TAGS = ["keyboard"]
    AVAILABLE = [1, 2, 3, 4]
    LEVELS = 5
    MIN_ACTIONS = 10

    def generate(self, rng: random.Random, index: int) -> Maze:
        size = SIZES[index]
        opened = carve_maze(rng, size, size, start=(1, 1))
        # A few extra openings make loops, so the shortest way is not the only one.
        inner_walls = [
            (c, r) for c in range(1, size - 1) for r in range(1, size - 1)
            if (c, r) not in opened and (c % 2) != (r % 2)
        ]
        opened.update(rng.sample(inner_walls, min(len(inner_walls), index * 2)))
        cells = sorted(cell for cell in opened if cell[0] % 2 and cell[1] % 2)
        start = rng.choice(cells)
        dist = distances(opened, start)
        far = sorted(dist.items(), key=lambda item: item[1])[-max(1, len(dist) // 8) :]
        exit_cell = rng.choice(far)[0]
        walls = frozenset((c, r) for c in range(size) for r in range(size) if (c, r) not in opened)
        base = np.full((size, size), FLOOR, dtype=np.uint8)
        for col, row in walls:
            base[row, col] = WALL
        base[exit_cell[1], exit_cell[0]] = GOAL
        base.setflags(write=False)
        return Maze(size, size, walls, start, exit_cell, base)

    def initial_state(self, puzzle: Maze) -> tuple[int, int]:
        return puzzle.start

    def transition(self, puzzle: Maze, state: tuple[int, int], action: int, cell: tuple[int, int] | None) -> tuple[int, int]:
        if action not in MOVES:
            return state
        dc, dr = MOVES[action]
        nxt = (state[0] + dc, state[1] + dr)
        return state if nxt in puzzle.walls else nxt

    def is_solved(self, puzzle: Maze, state: tuple[int, int]) -> bool:
        return state == puzzle.exit

    def draw(self, puzzle: Maze, state: tuple[int, int]) -> np.ndarray:
        board = puzzle.base.copy()
        board[state[1], state[0]] = PLAYER
        return board
