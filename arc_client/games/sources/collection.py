"""Gem Collector: walk over every gem in a cluttered room to pick it up (ACTION1..4)."""

import random
from dataclasses import dataclass

import numpy as np

# The bundler replaces this import with the kit's source.
from arc_client.games.kit import FLOOR, MOVES, ORANGE, PLAYER, WALL, PuzzleGame, room

GEM = ORANGE
# (width, height, gems) per level
SHAPES = [(10, 9, 2), (12, 10, 3), (13, 12, 3), (15, 13, 4), (17, 14, 4)]

Cell = tuple[int, int]
State = tuple[Cell, frozenset[Cell]]  # (player, gems still on the floor)


@dataclass(frozen=True)
class Room:
    width: int
    height: int
    walls: frozenset[Cell]
    start: Cell
    gems: frozenset[Cell]
    base: np.ndarray  # floor and walls; never written to


class Cl01(PuzzleGame):
    NAME = "cl01"
    TITLE = "Gem Collector"
    TAGS = ["keyboard"]
    AVAILABLE = [1, 2, 3, 4]
    LEVELS = 5
    MIN_ACTIONS = 12

    def generate(self, rng: random.Random, index: int) -> Room:
        width, height, count = SHAPES[index]
        walls, floor = room(rng, width, height, 0.12 + 0.02 * index)
        start, *gems = rng.sample(floor, count + 1)
        base = np.full((height, width), FLOOR, dtype=np.uint8)
        for col, row in walls:
            base[row, col] = WALL
        base.setflags(write=False)
        return Room(width, height, walls, start, frozenset(gems), base)

    def initial_state(self, puzzle: Room) -> State:
        return (puzzle.start, puzzle.gems)

    def transition(self, puzzle: Room, state: State, action: int, cell: Cell | None) -> State:
        move = MOVES.get(action)
        if move is None:
            return state
        (col, row), gems = state
        nxt = (col + move[0], row + move[1])
        if nxt in puzzle.walls:
            return state
        return (nxt, gems - {nxt} if nxt in gems else gems)

    def is_solved(self, puzzle: Room, state: State) -> bool:
        return not state[1]

    def draw(self, puzzle: Room, state: State) -> np.ndarray:
        board = puzzle.base.copy()
        (col, row), gems = state
        for gem_col, gem_row in gems:
            board[gem_row, gem_col] = GEM
        board[row, col] = PLAYER
        return board

    def hud(self, puzzle: Room, state: State) -> list[int]:
        return [GEM] * len(state[1])
