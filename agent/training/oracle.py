"""The oracle from any state: BFS over a built-in game's own `transition`, as the kit's `solve` does
from a level's start. DAgger and noisy demonstrations need the expert's answer in states the expert
would never have reached, so the search starts from `game.state`, wherever play has led.
"""

from __future__ import annotations

from collections import deque
from typing import Any

from arc_client.games.kit import MAX_SEARCH_STATES, Plan, PuzzleGame


def solve_from(game: PuzzleGame, state: Any, puzzle: Any | None = None,
               max_states: int = MAX_SEARCH_STATES) -> Plan | None:
    """A shortest plan from `state` of the current level (or of `puzzle`) to a solved state.

    [] when `state` is solved already; None when no solution exists within `max_states` states.
    ACTION6 steps carry display coordinates, like the kit's plans.
    """
    puzzle = game.puzzles[game.level_index] if puzzle is None else puzzle
    if game.is_solved(puzzle, state):
        return []
    keys = [a for a in game.AVAILABLE if a not in (6, 7)]
    clicks = 6 in game.AVAILABLE
    parent: dict[Any, tuple[Any, int, tuple[int, int] | None]] = {state: (None, 0, None)}
    frontier = deque([state])
    while frontier:
        here = frontier.popleft()
        moves: list[tuple[int, tuple[int, int] | None]] = [(a, None) for a in keys]
        if clicks:
            moves.extend((6, cell) for cell in game.click_targets(puzzle, here))
        for action, cell in moves:
            after = game.transition(puzzle, here, action, cell)
            if after in parent:
                continue
            parent[after] = (here, action, cell)
            if game.is_solved(puzzle, after):
                return _unwind(game, puzzle, parent, after)
            if len(parent) > max_states:
                return None
            if not game.dead(puzzle, after):
                frontier.append(after)
    return None


def _unwind(game: PuzzleGame, puzzle: Any, parent: dict[Any, Any], end: Any) -> Plan:
    plan: Plan = []
    state = end
    while (link := parent[state])[0] is not None:
        previous, action, cell = link
        if cell is None:
            plan.append((action, None, None))
        else:
            x, y = game.display_point(puzzle, cell)
            plan.append((action, x, y))
        state = previous
    plan.reverse()
    return plan
