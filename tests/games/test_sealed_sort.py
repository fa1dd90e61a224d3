"""Sort (sealed `xe01`): a first click selects a bar (framed, an arrow above it), a click on a neighbour swaps
the two with an in-between frame and deselects, a click on another bar moves the selection, a click on the
selected bar deselects; the bars must ascend on levels 1-3 and descend from level 4 on; from level 5 on two bars
of one colour swap over any distance; every level of seeds 0-5 is won by its plan through the engine within its
budget; a spent budget is GAME_OVER and RESET restores the level."""

import math

import numpy as np
from arcengine import GameState
from stage_testkit import frame_of, on_level

from arc_client.games.heldout.stage import BLACK, OFF_BLACK, WHITE
from arc_client.games.play import act, play_plan
from arc_client.games.sealed import SEALED
from arc_client.games.sealed.sort import (
    FLOOR,
    HEIGHTS,
    LEVELS,
    PAIRS,
    WIDTH,
    Order,
    Shelf,
    Xe01,
    bar_x,
    fewest_swaps,
    inversions,
)

SEEDS = range(6)
SHELF_TOP = 16  # below the legend boxes


def _click(game: Xe01, position: int):  # noqa: ANN202
    """Click bar `position` a pixel above the plank."""
    shelf = game.puzzles[game.level_index]
    return act(game, 6, bar_x(shelf.size, position) + WIDTH // 2, FLOOR - 2)


def _drawn(shelf: Shelf, frame: np.ndarray) -> list[tuple[int, int]]:
    """(height, colour) of each bar as drawn: the coloured run in its second column, standing on the plank."""
    out = []
    for position in range(shelf.size):
        column = frame[SHELF_TOP:FLOOR, bar_x(shelf.size, position) + 1]
        coloured = [int(c) for c in column if c not in (BLACK, OFF_BLACK, WHITE)]
        assert column[-1] not in (BLACK, OFF_BLACK, WHITE)  # standing on the plank
        out.append((len(coloured), coloured[-1]))
    return out


def _expected(shelf: Shelf, bars: tuple[int, ...]) -> list[tuple[int, int]]:
    return [(shelf.heights[bar], PAIRS[shelf.colours[bar]][0]) for bar in bars]


def _white_on_shelf(frame: np.ndarray) -> set[tuple[int, int]]:
    ys, xs = np.nonzero(frame[SHELF_TOP:FLOOR] == WHITE)
    return {(int(x), int(y) + SHELF_TOP) for x, y in zip(xs, ys, strict=True)}


def _swapped(bars: tuple[int, ...], p: int, q: int) -> tuple[int, ...]:
    out = list(bars)
    out[p], out[q] = out[q], out[p]
    return tuple(out)


def _neighbour_swaps(bars: tuple[int, ...], target: tuple[int, ...]) -> list[int]:
    """Left positions of the neighbour swaps (a bubble sort) that turn `bars` into `target`."""
    rank = {bar: i for i, bar in enumerate(target)}
    order, out = [rank[b] for b in bars], []
    for end in range(len(order) - 1, 0, -1):
        for p in range(end):
            if order[p] > order[p + 1]:
                order[p], order[p + 1] = order[p + 1], order[p]
                out.append(p)
    return out


def test_the_levels_are_as_designed() -> None:
    assert Xe01 in SEALED and Xe01.NAME == "xe01" and Xe01.AVAILABLE == [6] and Xe01.TAGS == ["sealed", "click"]
    assert len(LEVELS) >= 6
    for seed in SEEDS:
        game = Xe01(seed=seed)
        sizes = [shelf.size for shelf in game.puzzles]
        assert sizes == sorted(sizes) and sizes[0] == 3 and sizes[-1] == 7
        assert [s.descending for s in game.puzzles] == [False] * 3 + [True] * (len(LEVELS) - 3)
        assert [s.colour_swaps for s in game.puzzles] == [False] * 4 + [True] * (len(LEVELS) - 4)
        for shelf, plan, spec in zip(game.puzzles, game.solutions, LEVELS, strict=True):
            assert list(shelf.heights) == sorted(set(shelf.heights)) and set(shelf.heights) <= set(HEIGHTS)
            assert min(shelf.heights) >= 6 and max(shelf.heights) <= 30
            assert sorted(shelf.start) == list(range(shelf.size))
            assert not game.is_solved(shelf, game.initial_state(shelf))
            assert len(plan) == 2 * fewest_swaps(shelf) and 4 <= len(plan) <= 24
            assert spec.span[0] <= len(plan) <= spec.span[1]
            if shelf.colour_swaps:  # the long swaps pay off
                assert len(plan) < 2 * inversions(shelf)
            else:
                assert len(plan) == 2 * inversions(shelf)
    assert Xe01(seed=1).puzzles != Xe01(seed=0).puzzles  # seeded


def test_a_first_click_selects_the_bar_and_draws_it_framed_with_an_arrow() -> None:
    for seed in SEEDS:
        game = on_level(Xe01, seed, 2)[0]
        shelf = game.puzzles[2]
        before = frame_of(act(game, 6, 0, 63))  # a click off the shelf: nothing happens
        assert game.state == Order(shelf.start, -1) and not _white_on_shelf(before)
        position = seed % shelf.size
        result = _click(game, position)
        assert game.state == Order(shelf.start, position) and len(result.frame) == 1
        frame = frame_of(result)
        x, height = bar_x(shelf.size, position), shelf.heights[shelf.start[position]]
        white = _white_on_shelf(frame)
        top = FLOOR - height - 1
        assert {(xx, top) for xx in range(x - 1, x + WIDTH + 1)} <= white  # the frame's top
        assert {(x - 1, y) for y in range(top, FLOOR)} <= white and {(x + WIDTH, y) for y in range(top, FLOOR)} <= white
        assert all(x - 1 <= xx <= x + WIDTH and yy <= top for xx, yy in white if yy < top)  # the arrow above it
        assert any(yy < top for _, yy in white)
        assert _drawn(shelf, frame) == _expected(shelf, shelf.start)  # nothing moved


def test_a_click_on_a_neighbour_swaps_the_two_with_an_in_between_frame_and_deselects() -> None:
    swaps = 0
    for seed in SEEDS:
        for level in range(len(LEVELS)):
            game = on_level(Xe01, seed, level)[0]
            shelf = game.puzzles[level]
            for p in range(shelf.size - 1):
                bars = game.state.bars
                after = list(bars)
                after[p], after[p + 1] = after[p + 1], after[p]
                if tuple(after) == shelf.goal:
                    continue
                first, second = (p, p + 1) if (seed + p) % 2 else (p + 1, p)
                _click(game, first)
                result = _click(game, second)
                assert game.state == Order(tuple(after), -1) and game.level_index == level, (seed, level, p)
                assert len(result.frame) == 2  # the in-between frame, then the swapped shelf
                middle = np.asarray(result.frame[0], dtype=np.int16)
                lifted = [middle[FLOOR - 1, bar_x(shelf.size, q) + 1] in (BLACK, OFF_BLACK) for q in range(shelf.size)]
                assert lifted == [q in (p, p + 1) for q in range(shelf.size)]  # only the two rise off the plank
                frame = frame_of(result)
                assert _drawn(shelf, frame) == _expected(shelf, tuple(after)) and not _white_on_shelf(frame)
                swaps += 1
    assert swaps >= 100


def test_a_click_on_a_bar_that_may_not_swap_moves_the_selection_and_a_second_click_deselects() -> None:
    for seed in SEEDS:
        for level in range(len(LEVELS)):
            game = on_level(Xe01, seed, level)[0]
            shelf = game.puzzles[level]
            bars = shelf.start
            far = [(p, q) for p in range(shelf.size) for q in range(shelf.size)
                   if abs(p - q) > 1 and shelf.colours[bars[p]] != shelf.colours[bars[q]]]
            p, q = far[seed % len(far)]
            _click(game, p)
            result = _click(game, q)
            assert game.state == Order(bars, q) and len(result.frame) == 1, (seed, level)
            x = bar_x(shelf.size, q)
            assert {xx for xx, _ in _white_on_shelf(frame_of(result))} == set(range(x - 1, x + WIDTH + 1))
            frame = frame_of(_click(game, q))  # the selected bar again: deselected
            assert game.state == Order(bars, -1) and not _white_on_shelf(frame)
            assert game.budget_left == game.budgets[level] - 3


def test_bars_must_ascend_on_levels_1_to_3_and_descend_from_level_4() -> None:
    for seed in SEEDS:
        game = Xe01(seed=seed)
        for level, shelf in enumerate(game.puzzles):
            up, down = tuple(range(shelf.size)), tuple(range(shelf.size))[::-1]
            # ascending means the drawn heights grow from left to right
            assert [shelf.heights[b] for b in up] == sorted(shelf.heights)
            won, wrong = (up, down) if level < 3 else (down, up)
            for selected in range(-1, shelf.size):
                assert game.is_solved(shelf, Order(won, selected)) and not game.is_solved(shelf, Order(wrong, selected))
    for seed in SEEDS:
        for level in range(4):  # through the engine: the other order stands and the level goes on
            game = on_level(Xe01, seed, level)[0]
            shelf = game.puzzles[level]
            wrong = shelf.goal[::-1]
            result = act(game, 6, 0, 63)  # a click off the shelf (the start may already be the other order)
            for p in _neighbour_swaps(shelf.start, wrong):
                _click(game, p)
                result = _click(game, p + 1)
            assert game.state == Order(wrong, -1) and game.level_index == level
            assert result.state is GameState.NOT_FINISHED and result.levels_completed == level
            heights = [h for h, _ in _drawn(shelf, frame_of(result))]
            assert heights == sorted(heights, reverse=level < 3)
            act(game, 0)  # RESET; the legend's order wins
            for p in _neighbour_swaps(shelf.start, shelf.goal):
                _click(game, p)
                result = _click(game, p + 1)
            assert result.levels_completed == level + 1 and game.level_index == level + 1


def test_bars_of_one_colour_swap_over_any_distance_from_level_5_only() -> None:
    long_swaps = refused = 0
    for seed in SEEDS:
        for level in range(len(LEVELS)):
            game = on_level(Xe01, seed, level)[0]
            shelf = game.puzzles[level]
            bars = shelf.start
            pairs = [(p, q) for p in range(shelf.size) for q in range(p + 2, shelf.size)
                     if shelf.colours[bars[p]] == shelf.colours[bars[q]]]
            if level < 2:
                assert not pairs and len(set(shelf.colours)) == shelf.size
                continue
            assert pairs
            p, q = next(((p, q) for p, q in pairs if _swapped(bars, p, q) != shelf.goal), pairs[0])
            _click(game, q)
            result = _click(game, p)
            if level < 4:
                assert game.state == Order(bars, p) and len(result.frame) == 1, (seed, level)
                refused += 1
            elif game.level_index == level:
                assert game.state == Order(_swapped(bars, p, q), -1) and len(result.frame) == 2
                assert _drawn(shelf, frame_of(result)) == _expected(shelf, game.state.bars)
                long_swaps += 1
    assert refused == 2 * len(SEEDS) and long_swaps == 3 * len(SEEDS)


def test_clicks_off_the_bars_change_nothing() -> None:
    game = on_level(Xe01, 0, 6)[0]
    shelf = game.puzzles[6]
    state = game.state
    x = bar_x(shelf.size, 3)
    for cell in ((x - 1, FLOOR - 2), (x + WIDTH, FLOOR - 2), (x + 2, FLOOR), (x + 2, 5), (55, 8), (3, 5), (0, 63)):
        assert game.transition(shelf, state, 6, cell) == state, cell
    assert game.transition(shelf, state, 6, (x + 2, FLOOR - 35)) == Order(state.bars, 3)  # above the bar counts
    for action in (1, 2, 3, 4, 5):
        assert game.transition(shelf, state, action, None) == state
    result = act(game, 6, x + WIDTH + 1, FLOOR - 2)
    assert game.state == state and result.state is GameState.NOT_FINISHED


def test_every_level_is_won_by_its_plan_within_its_budget() -> None:
    for seed in SEEDS:
        game = Xe01(seed=seed)
        act(game, 0)
        for level, plan in enumerate(game.solutions):
            assert 0 < len(plan) < game.budgets[level], (seed, level)
            result = play_plan(game, plan)
            assert result.levels_completed == level + 1, (seed, level)
        assert result.state is GameState.WIN
        assert Xe01.baselines(seed) == [math.ceil(1.5 * len(plan)) for plan in game.solutions]


def test_a_spent_budget_is_game_over_and_reset_restores_the_level() -> None:
    game = on_level(Xe01, 2, 1)[0]
    shelf = game.puzzles[1]
    results = [_click(game, 0) for _ in range(game.budgets[1])]  # select, deselect, ...: never a win
    states = [result.state for result in results]
    assert states[-1] is GameState.GAME_OVER and GameState.GAME_OVER not in states[:-1]
    bars = [np.count_nonzero(frame_of(result)[0:2] != BLACK) for result in results]
    assert bars == sorted(bars, reverse=True) and bars[0] > bars[-1] == 0  # the timer bar runs down, then is spent
    assert _click(game, 1).state is GameState.GAME_OVER  # nothing more happens
    result = act(game, 0)
    assert result.state is GameState.NOT_FINISHED and game.level_index == 1
    assert game.state == Order(shelf.start, -1) and game.budget_left == game.budgets[1]
    assert play_plan(game, game.solutions[1]).levels_completed == 2
