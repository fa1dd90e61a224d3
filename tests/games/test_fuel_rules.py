"""Fuel (held-out `hf01`): the bar is a tank, not a step budget. Every action burns a unit (a bump into a
wall too), an empty tank is GAME_OVER, a can fills the tank (half of it from level 5 on), and from level
2 on the exit lies further than a full tank goes."""

from __future__ import annotations

import numpy as np
from arcengine import GameState

from arc_client.games.heldout.fuel import LEVELS, Drive, Hf01, Yard, _distances, refill, step
from arc_client.games.heldout.stage import MOVES
from arc_client.games.play import act


def _bar(frame: np.ndarray) -> int:
    """The tank as drawn: lit pixels of the bar along the bottom."""
    return int((frame[-1] != frame[-1, 0]).sum())


def _frame(result) -> np.ndarray:  # noqa: ANN001
    return np.asarray(result.frame[-1], dtype=np.uint8)


def test_every_action_burns_fuel_and_an_empty_tank_ends_the_level() -> None:
    game = Hf01(seed=0)
    first = _frame(act(game, 0))
    yard: Yard = game.puzzles[0]
    full = _bar(first)
    assert not yard.walls  # level 1: an open yard; walk straight to the rim (no can on the way), then bump
    def to_rim(dx: int, dy: int) -> list[tuple[int, int]]:
        line, at = [], yard.start
        while 0 <= at[0] + dx < yard.width and 0 <= at[1] + dy < yard.height:
            at = (at[0] + dx, at[1] + dy)
            line.append(at)
        return line

    lines = {way: to_rim(*d) for way, d in MOVES.items()}
    way, line = next((w, ln) for w, ln in lines.items() if ln and not set(ln) & (yard.cans | {yard.exit}))
    for _ in line:
        result = act(game, way)
    assert game.state.at == line[-1] and game.state.fuel == yard.tank - len(line)
    before = _bar(_frame(result))
    result = act(game, way)  # a bump: nothing moves, a unit burns
    assert game.state.at == line[-1] and game.state.fuel == yard.tank - len(line) - 1
    assert _bar(_frame(result)) < before < full
    while game.state.fuel > 0:
        assert result.state is GameState.NOT_FINISHED
        result = act(game, way)
    assert result.state is GameState.GAME_OVER
    assert _bar(_frame(result)) == 0
    result = act(game, 0)  # RESET: the level again, tank full
    assert result.state is GameState.NOT_FINISHED and _bar(_frame(result)) == full


def test_a_can_fills_the_tank_and_from_level_five_half_of_it() -> None:
    assert [half for *_, half in LEVELS] == [False] * 4 + [True] * 2
    game = Hf01(seed=0)
    for index in (1, 4):
        yard = game.puzzles[index]
        can = sorted(yard.cans)[0]
        # walk to the can along a shortest path, then check the tank
        dist = _distances(yard.width, yard.height, yard.walls, can)
        state = Drive(yard.start, yard.tank, yard.cans)
        spent = 0
        while state.at != can:
            action = next(a for a, (dx, dy) in MOVES.items()
                          if dist.get((state.at[0] + dx, state.at[1] + dy), 1 << 30) == dist[state.at] - 1)
            before = state.fuel
            state = step(yard, state, action)
            spent += 1
            if state.at != can:
                assert state.fuel == before - 1
        assert can not in state.cans
        assert state.fuel == refill(yard, yard.tank - spent)
        if yard.half:
            assert state.fuel == min(yard.tank, yard.tank - spent + yard.tank // 2)
        else:
            assert state.fuel == yard.tank


def test_from_level_two_the_exit_is_beyond_a_full_tank_and_the_solver_uses_a_can() -> None:
    for seed in range(4):
        game = Hf01(seed=seed)
        for index, (yard, plan) in enumerate(zip(game.puzzles, game.solutions, strict=True)):
            direct = _distances(yard.width, yard.height, yard.walls, yard.start)[yard.exit]
            if index == 0:
                assert yard.tank > direct
                continue
            assert direct > yard.tank, (seed, index)
            state = Drive(yard.start, yard.tank, yard.cans)
            for action, _, _ in plan:
                state = step(yard, state, action)
            assert state.at == yard.exit and len(state.cans) < len(yard.cans)


def test_the_solution_clears_the_game_and_the_bar_refills_on_a_can() -> None:
    game = Hf01(seed=0)
    act(game, 0)
    for index, plan in enumerate(game.solutions):
        bars = [_bar(_frame(act(game, action, x, y))) for action, x, y in plan[:-1]]
        if index > 0:  # the walk passes a can: the bar grows on that step
            assert any(b > a for a, b in zip(bars, bars[1:], strict=False)), (index, bars)
        result = act(game, *plan[-1])
        assert result.levels_completed == index + 1
    assert result.state is GameState.WIN
