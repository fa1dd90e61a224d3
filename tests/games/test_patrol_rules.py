"""Patrol (held-out `hp01`): guards pace their beats on every action, a bump into a wall too; meeting or
passing through a guard is GAME_OVER; the straight shortest way runs into one; from level 4 on the exit is
shut until the gem is picked up; every level's plan wins."""

from __future__ import annotations

import numpy as np
from arcengine import GameState

from arc_client.games.heldout.patrol import LEVELS, Hp01, Walk, Yard, _distances, _straight_caught
from arc_client.games.heldout.stage import MOVES
from arc_client.games.play import act


def _frame(result) -> np.ndarray:  # noqa: ANN001
    return np.asarray(result.frame[-1], dtype=np.uint8)


def _move_to(a: tuple[int, int], b: tuple[int, int]) -> int:
    return next(k for k, d in MOVES.items() if (a[0] + d[0], a[1] + d[1]) == b)


def test_guards_pace_on_every_action_a_bump_too() -> None:
    checked = 0
    for seed in range(10):
        game = Hp01(seed=seed)
        first = _frame(act(game, 0))
        yard: Yard = game.puzzles[0]
        start = game.state
        # a key that bumps into the yard's edge or a wall from the start
        bump = next((k for k, (dx, dy) in MOVES.items()
                     if not (0 <= start.at[0] + dx < yard.width and 0 <= start.at[1] + dy < yard.height)
                     or (start.at[0] + dx, start.at[1] + dy) in yard.walls), None)
        if bump is None or any(b.at(1) in (start.at,) for b in yard.beats):
            continue  # no bump here, or a guard steps onto the start
        result = act(game, bump)
        assert result.state is GameState.NOT_FINISHED and game.state.at == start.at and game.state.tick == 1
        assert [b.at(1) for b in yard.beats] != [b.at(0) for b in yard.beats]
        assert not np.array_equal(first[4:], _frame(result)[4:])  # the scene changed, not only the bar
        checked += 1
    assert checked >= 3, checked


def test_the_straight_way_runs_into_a_guard_and_ends_the_level() -> None:
    for seed in range(3):
        game = Hp01(seed=seed)
        for index, yard in enumerate(game.puzzles):
            from_start = _distances(yard.width, yard.height, yard.walls, yard.start)
            way, here = [], yard.exit
            while here is not None:
                way.append(here)
                here = from_start[here][1]
            assert _straight_caught(yard, way[::-1]), (seed, index)
    game = Hp01(seed=0)
    act(game, 0)
    yard = game.puzzles[0]
    from_start = _distances(yard.width, yard.height, yard.walls, yard.start)
    way, here = [], yard.exit
    while here is not None:
        way.append(here)
        here = from_start[here][1]
    way = way[::-1]
    results = [act(game, _move_to(a, b)) for a, b in zip(way, way[1:], strict=False)
               if game.state is not None and not game.state.caught]
    assert any(r.state is GameState.GAME_OVER for r in results) and game.level_index == 0


def test_from_level_four_the_exit_is_shut_until_the_gem() -> None:
    assert [gem for *_, gem in LEVELS] == [False] * 3 + [True] * 3
    game = Hp01(seed=0)
    for index in range(6):
        yard = game.puzzles[index]
        assert (yard.gem is not None) == (index >= 3)
        if yard.gem is not None:
            shut = Walk(yard.exit, 0, False)
            assert not game.is_solved(yard, shut) and game.is_solved(yard, Walk(yard.exit, 0, True))


def test_every_levels_plan_wins_within_its_budget() -> None:
    game = Hp01(seed=1)
    act(game, 0)
    for index, plan in enumerate(game.solutions):
        assert len(plan) <= game.budgets[index]
        for action, _, _ in plan:
            result = act(game, action)
            assert result.state is not GameState.GAME_OVER, index
        assert result.levels_completed == index + 1
    assert result.state is GameState.WIN
