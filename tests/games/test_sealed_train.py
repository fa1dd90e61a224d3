"""Train (sealed `xi01`): the keys move the engine one cell and the cars follow it like a snake; walls,
crates, the yard's edge and the train's own cars stop the engine; from level 4 ACTION5 reverses the train
and the depot's flag marks the engine's end; from level 5 the train has four vehicles and crates lie about;
a level is won when the whole train stands on the depot."""

import time
from collections import deque

import numpy as np
from arcengine import GameState

from arc_client.games.heldout.stage import BLUE, MOVES, YELLOW
from arc_client.games.play import act, play_plan
from arc_client.games.sealed import SEALED
from arc_client.games.sealed.train import BODY, LEVELS, PITCH, REVERSE, Train, Xi01, Yard, cell_pixel

SEEDS = range(6)


def _frame(result) -> np.ndarray:  # noqa: ANN001
    return np.asarray(result.frame[-1], dtype=np.uint8)


def _lamp(frame: np.ndarray) -> tuple[int, int]:
    """The top-left pixel of the engine's yellow lamp (the only yellow in the frame)."""
    ys, xs = np.nonzero(frame == YELLOW)
    assert len(xs) == 4
    return int(xs.min()), int(ys.min())


def _lamp_at(yard: Yard, cell: tuple[int, int]) -> tuple[int, int]:
    x, y = cell_pixel(yard, cell)
    return x + BODY + 1, y + BODY + 1


def _reachable(game: Xi01, yard: Yard) -> list[Train]:
    seen = {yard.start}
    queue = deque([yard.start])
    while queue:
        train = queue.popleft()
        for action in game.AVAILABLE:
            after = game.transition(yard, train, action, None)
            if after not in seen:
                seen.add(after)
                queue.append(after)
    return sorted(seen)


def test_the_game_is_discovered_with_seven_levels_growing() -> None:
    assert Xi01 in SEALED and Xi01.NAME == "xi01" and "sealed" in Xi01.TAGS and Xi01.AVAILABLE == [1, 2, 3, 4, 5]
    for seed in SEEDS:
        start = time.perf_counter()
        game = Xi01(seed=seed + 100)  # seeds not built yet in this process
        assert time.perf_counter() - start < 2.0
        assert len(game.puzzles) == len(LEVELS) >= 6
        assert [len(yard.start) for yard in game.puzzles] == [3, 3, 3, 3, 4, 4, 4]
        assert [yard.flagged for yard in game.puzzles] == [False] * 3 + [True] * 4
        assert not any(yard.crates for yard in game.puzzles[:4]) and all(yard.crates for yard in game.puzzles[4:])
        assert (game.puzzles[0].width, game.puzzles[0].height) == (7, 6)
        assert (game.puzzles[-1].width, game.puzzles[-1].height) == (10, 9)
        for yard, plan, spec in zip(game.puzzles, game.solutions, LEVELS, strict=True):
            assert spec.shortest[0] <= len(plan) <= spec.shortest[1] and 6 <= len(plan) <= 35
            assert len(yard.depot) == len(yard.start) and not game.is_solved(yard, yard.start)
            xs, ys = {c for c, _ in yard.depot}, {r for _, r in yard.depot}
            assert len(xs) == 1 or len(ys) == 1 or min(len(xs), len(ys)) == 2  # a line or an L


def test_a_key_moves_the_engine_one_cell_and_the_cars_follow() -> None:
    game = Xi01(seed=0)
    yard = game.puzzles[0]
    result = act(game, 0)
    assert game.state == yard.start and _lamp(_frame(result)) == _lamp_at(yard, yard.start[0])
    action = next(a for a in MOVES if game.transition(yard, yard.start, a, None) != yard.start)
    dx, dy = MOVES[action]
    before = _lamp(_frame(result))
    result = act(game, action)
    head = (yard.start[0][0] + dx, yard.start[0][1] + dy)
    assert game.state == (head, *yard.start[:-1])
    assert len(result.frame) == 2  # an in-between frame, the train half way
    half = np.asarray(result.frame[0], dtype=np.uint8)
    assert _lamp(half) == (before[0] + dx * PITCH // 2, before[1] + dy * PITCH // 2)
    frame = _frame(result)
    assert _lamp(frame) == (before[0] + dx * PITCH, before[1] + dy * PITCH)
    for car in game.state[1:]:  # each car drawn in the cell the vehicle ahead of it left
        x, y = cell_pixel(yard, car)
        assert (frame[y + BODY : y + BODY + 4, x + BODY] == BLUE).all()
    assert (frame == YELLOW).sum() == 4


def test_walls_crates_the_edge_and_the_cars_block_the_engine() -> None:
    game = Xi01(seed=0)
    checked = {"wall": 0, "crate": 0, "edge": 0, "car": 0, "moved": 0}
    for yard in game.puzzles:
        for train in _reachable(game, yard):
            assert len(set(train)) == len(train)
            for action, (dx, dy) in MOVES.items():
                head = (train[0][0] + dx, train[0][1] + dy)
                after = game.transition(yard, train, action, None)
                if not (0 <= head[0] < yard.width and 0 <= head[1] < yard.height):
                    kind = "edge"
                elif head in yard.walls:
                    kind = "wall"
                elif head in yard.crates:
                    kind = "crate"
                elif head in train:
                    kind = "car"
                else:
                    assert after == (head, *train[:-1])
                    checked["moved"] += 1
                    continue
                assert after == train, (kind, train, action)
                checked[kind] += 1
    assert all(checked.values()), checked
    # through the engine: a blocked key costs an action and moves nothing
    act(game, 0)
    yard = game.puzzles[0]
    engine, car = yard.start[0], yard.start[1]
    backwards = next(a for a, d in MOVES.items() if (engine[0] + d[0], engine[1] + d[1]) == car)
    result = act(game, backwards)  # into the car behind the engine
    assert game.state == yard.start and game.budget_left == game.budgets[0] - 1
    assert len(result.frame) == 1 and _lamp(_frame(result)) == _lamp_at(yard, engine)


def test_action5_does_nothing_before_level_4_and_reverses_the_train_from_level_4() -> None:
    game = Xi01(seed=0)
    for index, yard in enumerate(game.puzzles):
        after = game.transition(yard, yard.start, REVERSE, None)
        assert after == (yard.start if index < 3 else yard.start[::-1])
    act(game, 0)
    result = act(game, REVERSE)
    assert game.state == game.puzzles[0].start and game.budget_left == game.budgets[0] - 1
    for plan in game.solutions[:3]:
        result = play_plan(game, plan)
    assert result.levels_completed == 3
    yard = game.puzzles[3]
    result = act(game, REVERSE)
    assert len(result.frame) == 1  # no animation for a reversal
    assert game.state == yard.start[::-1]
    frame = _frame(result)
    assert _lamp(frame) == _lamp_at(yard, yard.start[-1])  # the old last car is drawn as the engine
    x, y = cell_pixel(yard, yard.start[0])
    assert (frame[y + BODY : y + BODY + 4, x + BODY] == BLUE).all()  # the old engine is drawn as a car
    act(game, REVERSE)
    assert game.state == yard.start


def test_the_win_needs_every_vehicle_on_the_depot_and_from_level_4_the_engine_on_the_flag() -> None:
    game = Xi01(seed=0)
    for index, yard in enumerate(game.puzzles):
        depot = yard.depot
        assert game.is_solved(yard, depot)  # the engine on the flagged end
        assert game.is_solved(yard, depot[::-1]) == (index < 3)  # the engine on the other end
        free = next((c, r) for c in range(yard.width) for r in range(yard.height)
                    if (c, r) not in depot and (c, r) not in yard.walls and (c, r) not in yard.crates)
        assert not game.is_solved(yard, (*depot[:-1], free))  # the last car off the depot
        assert not game.is_solved(yard, (free, *depot[1:]))  # the engine off the depot
    # through the engine: level 4's plan ends with the engine on the flag; reversed there, it would not win
    act(game, 0)
    for plan in game.solutions[:3]:
        play_plan(game, plan)
    yard = game.puzzles[3]
    plan = game.solutions[3]
    result = play_plan(game, plan[:-1])
    assert result.levels_completed == 3 and not game.is_solved(yard, game.state)
    last = game.transition(yard, game.state, plan[-1][0], None)
    assert last[0] == yard.depot[0]
    assert not game.is_solved(yard, last[::-1])
    result = act(game, plan[-1][0])
    assert result.levels_completed == 4


def test_no_single_key_held_down_wins_a_level() -> None:
    for seed in SEEDS:
        game = Xi01(seed=seed)
        for yard, budget in zip(game.puzzles, game.budgets, strict=True):
            for action in game.AVAILABLE:
                train = yard.start
                for _ in range(budget):
                    train = game.transition(yard, train, action, None)
                    assert not game.is_solved(yard, train), (seed, action)


def test_a_spent_budget_is_game_over_and_reset_restores_the_level() -> None:
    game = Xi01(seed=1)
    act(game, 0)
    yard = game.puzzles[0]
    for _ in range(game.budgets[0]):
        result = act(game, REVERSE)  # does nothing on level 1, but costs an action
    assert result.state is GameState.GAME_OVER and result.levels_completed == 0
    result = act(game, 0)
    assert result.state is GameState.NOT_FINISHED and game.state == yard.start
    assert game.budget_left == game.budgets[0]
    assert play_plan(game, game.solutions[0]).levels_completed == 1
