"""Block Pusher: push every block onto a green target (ACTION1..4 move, ACTION7 undoes a move).

A push is animated over three frames (the block lights up, slides, then the player follows).
"""

import random
from dataclasses import dataclass

import numpy as np

# The bundler replaces this import with the kit's source.
from arc_client.games.kit import FLOOR, GOAL, MOVES, ORANGE, PLAYER, PURPLE, RED, WALL, PuzzleGame, room

BLOCK, BLOCK_HOME, BLOCK_MOVING, TARGET = ORANGE, PURPLE, RED, GOAL
# (width, height, blocks, reverse pulls) per level
SHAPES = [(8, 8, 1, 120), (8, 8, 2, 150), (9, 8, 2, 180), (9, 9, 2, 200), (10, 10, 2, 250)]

Cell = tuple[int, int]
State = tuple[Cell, frozenset[Cell]]  # (player, blocks)


@dataclass(frozen=True)
class Warehouse:
    width: int
    height: int
    walls: frozenset[Cell]
    targets: frozenset[Cell]
    start: Cell
    blocks: frozenset[Cell]
    dead: frozenset[Cell]  # floor cells from which no block can ever reach a target
    base: np.ndarray  # floor, walls and targets; never written to


def live_cells(walls: frozenset[Cell], targets: frozenset[Cell]) -> set[Cell]:
    """Cells a block can be pulled to from a target; a block anywhere else is stuck for good."""
    live = set(targets)
    queue = list(targets)
    for col, row in queue:
        for dc, dr in MOVES.values():
            step, stand = (col + dc, row + dr), (col + 2 * dc, row + 2 * dr)
            if step not in walls and stand not in walls and step not in live:
                live.add(step)
                queue.append(step)
    return live


def pull_back(
    rng: random.Random, walls: frozenset[Cell], targets: list[Cell], floor: list[Cell], pulls: int
) -> tuple[Cell, set[Cell]]:
    """Start from the solved warehouse and walk backwards, pulling blocks: solvable by construction.

    Returns the position along the walk whose blocks lie farthest from the targets.
    """
    blocks = set(targets)
    player = rng.choice([cell for cell in floor if cell not in blocks])
    best, best_score = (player, set(blocks)), -1
    direction = rng.randint(1, 4)
    for _ in range(pulls):
        if rng.random() < 0.4:
            direction = rng.randint(1, 4)
        dc, dr = MOVES[direction]
        ahead = (player[0] + dc, player[1] + dr)
        if ahead in walls or ahead in blocks:
            direction = rng.randint(1, 4)
            continue
        behind = (player[0] - dc, player[1] - dr)
        if behind in blocks and rng.random() < 0.9:
            blocks.remove(behind)
            blocks.add(player)
        player = ahead
        score = sum(min(abs(b[0] - t[0]) + abs(b[1] - t[1]) for t in targets) for b in blocks)
        if score >= best_score and blocks != set(targets):
            best, best_score = (player, set(blocks)), score
    return best


class Pb01(PuzzleGame):
    NAME = "pb01"
    TITLE = "Block Pusher"
    TAGS = ["keyboard"]
    AVAILABLE = [1, 2, 3, 4, 7]
    LEVELS = 5
    UNDO = True
    MIN_ACTIONS = 10

    def generate(self, rng: random.Random, index: int) -> Warehouse:
        width, height, count, pulls = SHAPES[index]
        while True:
            walls, floor = room(rng, width, height, 0.08)
            targets = rng.sample(floor, count)
            player, blocks = pull_back(rng, walls, targets, floor, pulls)
            if blocks != set(targets):
                break
        frozen_targets = frozenset(targets)
        dead = frozenset(set(floor) - live_cells(walls, frozen_targets))
        base = np.full((height, width), FLOOR, dtype=np.uint8)
        for col, row in walls:
            base[row, col] = WALL
        for col, row in targets:
            base[row, col] = TARGET
        base.setflags(write=False)
        return Warehouse(width, height, walls, frozen_targets, player, frozenset(blocks), dead, base)

    def initial_state(self, puzzle: Warehouse) -> State:
        return (puzzle.start, puzzle.blocks)

    def transition(self, puzzle: Warehouse, state: State, action: int, cell: Cell | None) -> State:
        move = MOVES.get(action)
        if move is None:
            return state
        (col, row), blocks = state
        ahead = (col + move[0], row + move[1])
        if ahead in puzzle.walls:
            return state
        if ahead not in blocks:
            return (ahead, blocks)
        beyond = (ahead[0] + move[0], ahead[1] + move[1])
        if beyond in puzzle.walls or beyond in blocks:
            return state
        return (ahead, (blocks - {ahead}) | {beyond})

    def is_solved(self, puzzle: Warehouse, state: State) -> bool:
        return state[1] == puzzle.targets

    def dead(self, puzzle: Warehouse, state: State) -> bool:
        return not puzzle.dead.isdisjoint(state[1])

    def draw(self, puzzle: Warehouse, state: State) -> np.ndarray:
        return self._paint(puzzle, state[0], state[1])

    def animate(self, puzzle: Warehouse, before: State, after: State, action: int) -> list[np.ndarray]:
        if before[1] == after[1]:
            return []
        (moved_from,) = before[1] - after[1]
        lit = self._paint(puzzle, before[0], before[1])
        lit[moved_from[1], moved_from[0]] = BLOCK_MOVING
        return [lit, self._paint(puzzle, before[0], after[1])]

    def _paint(self, puzzle: Warehouse, player: Cell, blocks: frozenset[Cell]) -> np.ndarray:
        board = puzzle.base.copy()
        for col, row in blocks:
            board[row, col] = BLOCK_HOME if (col, row) in puzzle.targets else BLOCK
        board[player[1], player[0]] = PLAYER
        return board
