"""Every optimal move, not one: exact steps-to-go over a level's whole reachable graph.

The oracle (`oracle.solve_from`) returns ONE shortest plan, but in mazes and push puzzles several moves
are often equally short. Behaviour cloning on the single first action then punishes equally good
moves. Here one forward BFS from the level's start enumerates every reachable state (solved and dead
states are not expanded: a dead state cannot reach a solved one), and a reverse BFS from the solved
states gives each state its exact distance. A move is optimal when its successor is one step nearer.

Undo (ACTION7) is a move through history, not through the state graph: it is never in the set of a
solvable state (the oracle never undoes there); in an unsolvable state the caller keeps the oracle's
label (undo, where there is history to undo).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any

from arc_client.games.kit import MAX_SEARCH_STATES, PuzzleGame

Move = tuple[int, tuple[int, int] | None]  # (action id, board cell for ACTION6 else None)


def moves_of(game: PuzzleGame, puzzle: Any, state: Any) -> list[Move]:
    """The oracle's moves from `state`: every key action, then a click on every click target."""
    moves: list[Move] = [(a, None) for a in game.AVAILABLE if a not in (6, 7)]
    if 6 in game.AVAILABLE:
        moves.extend((6, cell) for cell in game.click_targets(puzzle, state))
    return moves


@dataclass
class LevelDistances:
    """Steps to a solved state for every solvable state reachable from a level's start."""

    game: PuzzleGame
    puzzle: Any
    dist: dict[Hashable, int] = field(default_factory=dict)

    def steps_to_go(self, state: Any) -> int | None:
        """The exact shortest plan length from `state`; None when unsolvable (or never reached)."""
        return self.dist.get(state)

    def optimal_moves(self, state: Any) -> list[Move]:
        """Every move from `state` whose successor is one step nearer a solved state ([] if none)."""
        here = self.dist.get(state)
        if not here:  # None: unsolvable or unknown; 0: solved already
            return []
        return [(a, cell) for a, cell in moves_of(self.game, self.puzzle, state)
                if self.dist.get(self.game.transition(self.puzzle, state, a, cell)) == here - 1]


def level_distances(game: PuzzleGame, puzzle: Any, start: Any,
                    max_states: int = MAX_SEARCH_STATES) -> LevelDistances | None:
    """Exact distances over the graph reachable from `start`; None when it exceeds `max_states`."""
    parents: dict[Hashable, list[Hashable]] = {start: []}
    solved: list[Hashable] = []
    frontier = deque([start])
    while frontier:
        here = frontier.popleft()
        if game.is_solved(puzzle, here):
            solved.append(here)
            continue
        if game.dead(puzzle, here):
            continue
        for action, cell in moves_of(game, puzzle, here):
            after = game.transition(puzzle, here, action, cell)
            if after == here:
                continue
            known = parents.get(after)
            if known is None:
                if len(parents) >= max_states:
                    return None
                parents[after] = [here]
                frontier.append(after)
            else:
                known.append(here)
    dist = dict.fromkeys(solved, 0)
    back = deque(solved)
    while back:
        here = back.popleft()
        for before in parents[here]:
            if before not in dist:
                dist[before] = dist[here] + 1
                back.append(before)
    return LevelDistances(game, puzzle, dist)
