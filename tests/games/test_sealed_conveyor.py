"""Conveyor (sealed `xb01`): a click on a conveyor tile turns its arrow a quarter (clockwise on levels 1-4,
counter-clockwise from level 5) and nothing else; every click then ticks the world: a crate on a tile moves one
cell along that tile's arrow, with an in-between frame at half way, a crate on plain floor stays, a wall or the
yard's edge stops it; a crate carried into a pit (from level 3 on) is GAME_OVER; every level of seeds 0-5 is won
by its plan through the engine within its budget, and never by waiting alone."""

from __future__ import annotations

import math
from collections import deque
from dataclasses import replace

import numpy as np
from arcengine import GameState
from stage_testkit import frame_of, on_level

from arc_client.games.heldout.stage import BLACK
from arc_client.games.play import act, play_plan
from arc_client.games.sealed import SEALED
from arc_client.games.sealed.conveyor import (
    CLOCKWISE,
    COUNTER,
    CRATE,
    EXIT,
    LEVELS,
    PIT,
    PITCH,
    SUNK,
    Belts,
    Xb01,
    Yard,
    arrow_pixels,
)

SEEDS = range(6)
# the test's own reading of an arrow: UP, RIGHT, DOWN, LEFT as a cell step (y grows downward)
STEP = {0: (0, -1), 1: (1, 0), 2: (0, 1), 3: (-1, 0)}
Cell = tuple[int, int]


def _patch(frame: np.ndarray, game: Xb01, yard: Yard, cell: Cell, dx: int = 0, dy: int = 0,
           size: int = PITCH) -> np.ndarray:
    x, y = game.corner(yard, cell)
    return frame[y + dy : y + dy + size, x + dx : x + dx + size]


def _crate_drawn_at(frame: np.ndarray, game: Xb01, yard: Yard, cell: Cell, shift: tuple[int, int] = (0, 0)) -> bool:
    return bool((_patch(frame, game, yard, cell, 1 + shift[0], 1 + shift[1], 5) == CRATE).all())


def _blocked(yard: Yard, cell: Cell, direction: int) -> bool:
    dx, dy = STEP[direction]
    ahead = (cell[0] + dx, cell[1] + dy)
    return not (0 <= ahead[0] < yard.width and 0 <= ahead[1] < yard.height) or ahead in yard.walls


def _expected(yard: Yard, state: Belts, clicked: Cell | None, level: int) -> Belts:
    """The rules as the test reads them: the clicked tile turns a quarter (clockwise on levels 1-4), then a crate on
    a tile moves one cell along its arrow unless a wall or the edge is in the way."""
    arrows = list(state.arrows)
    if clicked in yard.belts:
        i = yard.belts.index(clicked)
        arrows[i] = (arrows[i] + (1 if level < 4 else -1)) % 4
    crate = state.crate
    if crate in yard.belts:
        direction = arrows[yard.belts.index(crate)]
        if not _blocked(yard, crate, direction):
            crate = (crate[0] + STEP[direction][0], crate[1] + STEP[direction][1])
    return Belts(crate, tuple(arrows))


def _search(game: Xb01, yard: Yard, goal) -> list[tuple[int, int]] | None:  # noqa: ANN001
    """The fewest clicks (display pixels) from the level's start to a state where `goal(before, after)` holds, by
    the game's own `transition`; levels are not expanded past a win or a loss."""
    start = game.initial_state(yard)
    parent: dict[Belts, tuple[Belts, tuple[int, int]] | None] = {start: None}
    queue = deque([start])
    while queue:
        state = queue.popleft()
        for pixel in game.click_targets(yard, state):
            after = game.transition(yard, state, 6, pixel)
            if goal(state, after):
                clicks = [pixel]
                while parent[state] is not None:
                    state, step = parent[state]  # type: ignore[misc]
                    clicks.append(step)
                return clicks[::-1]
            if after in parent or game.is_solved(yard, after) or game.is_lost(yard, after):
                continue
            parent[after] = (state, pixel)
            queue.append(after)
        if len(parent) > 20_000:
            return None
    return None


def test_the_levels_are_as_designed() -> None:
    assert Xb01 in SEALED and Xb01.NAME == "xb01" and Xb01.TITLE == "Conveyor"
    assert Xb01.TAGS == ["sealed", "click"] and Xb01.AVAILABLE == [6]
    assert [(w, h) for w, h, *_ in LEVELS] == [(5, 4), (6, 5), (6, 6), (7, 6), (7, 7), (8, 7)]
    assert [spec[2] for spec in LEVELS] == [4, 5, 6, 7, 8, 9]  # more tiles on every level
    assert [spec[4] > 0 for spec in LEVELS] == [False, False, True, True, True, True]
    assert [spec[5] for spec in LEVELS] == [CLOCKWISE] * 4 + [COUNTER] * 2
    for seed in SEEDS:
        for level, yard in enumerate(Xb01(seed=seed).puzzles):
            width, height, tiles, _, pits, turn, _, origin, _ = LEVELS[level]
            assert (yard.width, yard.height, yard.origin, yard.turn) == (width, height, origin, turn)
            assert len(yard.belts) == tiles and len(yard.pits) == pits and len(yard.arrows) == tiles
            assert yard.start in yard.belts and yard.exit not in yard.belts
            cells = [*yard.belts, *yard.walls, *yard.pits, yard.exit, yard.wait]
            assert len(set(cells)) == len(cells)  # the wait cell is plain floor
            assert all(0 <= c < width and 0 <= r < height for c, r in cells)
            x, y = origin  # the yard and its rim stay clear of the frame's edges and of the bar along the top
            assert x - 1 >= 0 and y - 1 > 2 and x + width * PITCH < 64 and y + height * PITCH < 64


def test_the_scene_shows_tiles_crate_exit_and_pits() -> None:
    for seed in SEEDS:
        game = Xb01(seed=seed)
        for level in range(6):
            result = play_plan(game, game.solutions[level - 1]) if level else act(game, 0)
            yard = game.puzzles[level]
            frame = frame_of(result)  # the level's first frame
            for cell, direction in zip(yard.belts, yard.arrows, strict=True):
                patch = _patch(frame, game, yard, cell)
                if cell == yard.start:
                    assert (patch[0] == arrow_pixels(direction)[0]).all()  # the crate leaves the plate's rim showing
                else:
                    assert (patch == arrow_pixels(direction)).all()
            assert _crate_drawn_at(frame, game, yard, yard.start)
            assert (_patch(frame, game, yard, yard.exit) == EXIT).all()
            for pit in yard.pits:
                assert (_patch(frame, game, yard, pit) == PIT).all()


def test_a_click_turns_only_the_clicked_tile_a_quarter() -> None:
    checked = {CLOCKWISE: 0, COUNTER: 0}
    for seed in SEEDS:
        for level in range(6):
            game, first = on_level(Xb01, seed, level)
            yard = game.puzzles[level]
            turn = 1 if level < 4 else -1
            for index, cell in enumerate(yard.belts):
                before = game.state
                after = game.transition(yard, before, 6, game.centre(yard, cell))
                if game.is_lost(yard, after) or game.is_solved(yard, after):
                    continue
                result = act(game, 6, *game.centre(yard, cell))
                assert result.state is GameState.NOT_FINISHED and game.level_index == level
                changed = [i for i, (a, b) in enumerate(zip(before.arrows, game.state.arrows, strict=True)) if a != b]
                assert changed == [index] and game.state.arrows[index] == (before.arrows[index] + turn) % 4
                if cell not in (before.crate, game.state.crate):  # the drawn arrow turned a quarter, the same way
                    last = frame_of(result)
                    assert (_patch(last, game, yard, cell) == np.rot90(_patch(first, game, yard, cell), k=-turn)).all()
                    assert (_patch(last, game, yard, cell) == arrow_pixels(game.state.arrows[index])).all()
                    checked[yard.turn] += 1
                act(game, 0)  # RESET (after a click: the level only)
                assert game.state == game.initial_state(yard) and game.level_index == level
    assert checked[CLOCKWISE] >= 60 and checked[COUNTER] >= 40, checked


def test_each_click_moves_a_crate_on_a_tile_one_cell_along_its_arrow_with_an_in_between_frame() -> None:
    moved = held = 0
    for seed in SEEDS:
        game = Xb01(seed=seed)
        act(game, 0)
        for level, plan in enumerate(game.solutions):
            yard = game.puzzles[level]
            for step, (action, x, y) in enumerate(plan):
                before = game.state
                expected = _expected(yard, before, game.cell_at(yard, (x, y)), level)
                result = act(game, action, x, y)
                if step == len(plan) - 1:  # the winning click carries the crate onto the exit
                    assert expected.crate == yard.exit and (game.level_index == level + 1 or result.state is GameState.WIN)
                    assert _crate_drawn_at(frame_of(result, 0), game, yard, before.crate, (
                        3 * (yard.exit[0] - before.crate[0]), 3 * (yard.exit[1] - before.crate[1])))
                    continue
                assert game.state == expected and game.level_index == level
                last = frame_of(result)
                assert _crate_drawn_at(last, game, yard, expected.crate)
                if expected.crate != before.crate:
                    dx, dy = expected.crate[0] - before.crate[0], expected.crate[1] - before.crate[1]
                    assert abs(dx) + abs(dy) == 1 and len(result.frame) == 2
                    assert _crate_drawn_at(frame_of(result, 0), game, yard, before.crate, (3 * dx, 3 * dy))
                    moved += 1
                else:
                    assert len(result.frame) == 1
                    held += 1
    assert moved >= 60 and held >= 3, (moved, held)


def test_a_crate_on_plain_floor_stays_whatever_is_clicked() -> None:
    stuck = 0
    for seed in SEEDS:
        for level in range(6):
            game, _ = on_level(Xb01, seed, level)
            yard = game.puzzles[level]
            floor = set(np.ndindex(yard.width, yard.height)) - set(yard.belts) - yard.walls - yard.pits - {yard.exit}
            clicks = _search(game, yard, lambda s, a, floor=floor: a.crate in floor)
            if clicks is None:
                continue
            for pixel in clicks:
                result = act(game, 6, *pixel)
            assert result.state is GameState.NOT_FINISHED and game.state.crate in floor
            crate = game.state.crate
            for cell in [*yard.belts, yard.wait, yard.exit]:  # every tile, the floor, the exit
                arrows = game.state.arrows
                result = act(game, 6, *game.centre(yard, cell))
                assert game.state.crate == crate and result.state is GameState.NOT_FINISHED
                assert _crate_drawn_at(frame_of(result), game, yard, crate) and len(result.frame) == 1
                if cell in yard.belts:
                    assert game.state.arrows != arrows
            stuck += 1
    assert stuck >= 20, stuck


def test_a_wall_or_the_yards_edge_stops_the_crate() -> None:
    seen = {"wall": 0, "edge": 0}
    for seed in SEEDS:
        game = Xb01(seed=seed)
        for yard in game.puzzles:  # by the hooks: every tile, every direction that faces a wall or the edge
            for i, cell in enumerate(yard.belts):
                for direction in range(4):
                    arrows = (*yard.arrows[:i], direction, *yard.arrows[i + 1 :])
                    after = game.transition(yard, Belts(cell, arrows), 6, game.centre(yard, yard.wait))
                    dx, dy = STEP[direction]
                    ahead = (cell[0] + dx, cell[1] + dy)
                    assert after.crate == (cell if _blocked(yard, cell, direction) else ahead)
                    if _blocked(yard, cell, direction):
                        seen["wall" if ahead in yard.walls else "edge"] += 1
    assert seen["wall"] >= 20 and seen["edge"] >= 60, seen
    played = 0
    for seed in SEEDS:  # through the engine: reach a tick where the crate stands on a tile facing a wall or the edge
        for level in (1, 3, 5):
            game, _ = on_level(Xb01, seed, level)
            yard = game.puzzles[level]

            def pushed_nowhere(before: Belts, after: Belts, yard: Yard = yard) -> bool:
                return (before.crate == after.crate and after.crate in yard.belts
                        and _blocked(yard, after.crate, after.arrows[yard.belts.index(after.crate)]))

            clicks = _search(game, yard, pushed_nowhere)
            if clicks is None:
                continue
            for pixel in clicks[:-1]:
                act(game, 6, *pixel)
            before = game.state
            result = act(game, 6, *clicks[-1])
            assert game.state.crate == before.crate and len(result.frame) == 1
            assert _crate_drawn_at(frame_of(result), game, yard, before.crate)
            result = act(game, 6, *game.centre(yard, yard.wait))  # waiting changes nothing now
            assert game.state.crate == before.crate and len(result.frame) == 1
            played += 1
    assert played >= 12, played


def test_a_pit_ends_the_game_from_level_3() -> None:
    lost = 0
    for seed in SEEDS:
        game = Xb01(seed=seed)
        assert [bool(yard.pits) for yard in game.puzzles] == [False, False, True, True, True, True]
        for level in range(2, 6):
            game, _ = on_level(Xb01, seed, level)
            yard = game.puzzles[level]
            clicks = _search(game, yard, lambda s, a, yard=yard: a.crate in yard.pits)
            assert clicks is not None, (seed, level)  # every pit level can be lost
            states = [act(game, 6, *pixel).state for pixel in clicks[:-1]]
            assert GameState.GAME_OVER not in states
            result = act(game, 6, *clicks[-1])
            pit = game.state.crate
            assert result.state is GameState.GAME_OVER and pit in yard.pits and game.level_index == level
            assert (_patch(frame_of(result), game, yard, pit, 2, 2, 3) == SUNK).all()  # the crate sunk in the pit
            assert act(game, 6, *game.centre(yard, yard.wait)).state is GameState.GAME_OVER  # nothing more happens
            result = act(game, 0)  # RESET restores the level
            assert result.state is GameState.NOT_FINISHED and game.state == game.initial_state(yard)
            assert play_plan(game, game.solutions[level]).levels_completed == level + 1
            lost += 1
    assert lost == 24


def test_every_level_is_won_by_its_plan_within_its_budget_and_never_by_waiting() -> None:
    lengths = []
    for seed in SEEDS:
        game = Xb01(seed=seed)
        act(game, 0)
        for level, (yard, plan) in enumerate(zip(game.puzzles, game.solutions, strict=True)):
            low, high = LEVELS[level][6]
            assert 3 <= low <= len(plan) <= high and len(plan) < game.budgets[level]
            assert all(action == 6 for action, _, _ in plan)
            state = game.initial_state(yard)
            for _ in range(game.budgets[level]):  # the crate left alone never reaches the exit
                state = game.transition(yard, state, 6, game.centre(yard, yard.wait))
                assert not game.is_solved(yard, state)
            if yard.turn == COUNTER:  # the rule change matters: the plan with clockwise turns does not win
                old = replace(yard, turn=CLOCKWISE)
                state = game.initial_state(old)
                for _, x, y in plan:
                    state = game.transition(old, state, 6, (x, y))
                    if game.is_solved(old, state) or game.is_lost(old, state):
                        break
                assert not game.is_solved(old, state)
            result = play_plan(game, plan)
            assert result.levels_completed == level + 1, (seed, level)
            lengths.append(len(plan))
        assert result.state is GameState.WIN
        assert Xb01.baselines(seed) == [math.ceil(1.5 * len(plan)) for plan in game.solutions]
    assert len(set(lengths)) >= 5


def test_a_spent_budget_is_game_over_and_reset_restores_the_level() -> None:
    game, _ = on_level(Xb01, 0, 1)  # level 2: no pits, and waiting never wins
    yard = game.puzzles[1]
    results = [act(game, 6, 0, 63) for _ in range(game.budgets[1])]  # clicks outside the yard tick too
    states = [result.state for result in results]
    assert states[-1] is GameState.GAME_OVER and GameState.GAME_OVER not in states[:-1]
    bars = [np.count_nonzero(frame_of(result)[0:2] != BLACK) for result in results]
    assert bars == sorted(bars, reverse=True) and bars[0] > bars[-1] == 0  # the timer bar runs down, then is spent
    result = act(game, 0)
    assert result.state is GameState.NOT_FINISHED and game.level_index == 1 and game.state == game.initial_state(yard)
    assert play_plan(game, game.solutions[1]).levels_completed == 2
