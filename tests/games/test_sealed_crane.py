"""Crane (sealed `xc01`): a hook on a rail moves one column a step and stops at the ends; ACTION5 grabs the
top block under it and drops it on top of another column; a full column refuses a drop; from level 5 on
ACTION5 only grabs and ACTION2 drops; a level is won when the pit matches the legend with the hook empty."""

import numpy as np
from arcengine import GameState

from arc_client.games.heldout.stage import RED, YELLOW
from arc_client.games.play import act, play_plan
from arc_client.games.sealed import SEALED
from arc_client.games.sealed.crane import (
    EMPTY_HOOK,
    GRAB,
    HELD_Y,
    LEVELS,
    PITCH,
    RAIL,
    Crane,
    Pit,
    Xc01,
    block_y,
    pit_left,
)

SEEDS = range(6)


def _frame(result) -> np.ndarray:  # noqa: ANN001
    return np.asarray(result.frame[-1], dtype=np.uint8)


def _hook_x(frame: np.ndarray) -> int:
    """The left edge of the hook's yellow trolley on the rail."""
    return int(np.flatnonzero(frame[RAIL - 1] == YELLOW).min())


def _column_x(pit: Pit, column: int) -> int:
    return pit_left(pit.columns) + PITCH * column + 1


def _moved(stacks: tuple[tuple[int, ...], ...], source: int, target: int) -> tuple[tuple[int, ...], ...]:
    """`stacks` with the top block of `source` put on top of `target`."""
    top = stacks[source][-1]
    return tuple((*s, top) if c == target else s[:-1] if c == source else s for c, s in enumerate(stacks))


def test_the_game_is_discovered_with_seven_levels_growing() -> None:
    assert Xc01 in SEALED and Xc01.NAME == "xc01" and "sealed" in Xc01.TAGS
    assert [spec.drop for spec in LEVELS] == [GRAB] * 4 + [2] * 3
    game = Xc01(seed=0)
    assert len(game.puzzles) >= 6
    assert game.puzzles[0].columns == 3 and game.puzzles[-1].columns == 6
    assert sum(map(len, game.puzzles[-1].start)) == 8
    for pit, plan in zip(game.puzzles, game.solutions, strict=True):
        assert 4 <= len(plan) <= 30
        assert not game.is_solved(pit, game.initial_state(pit))


def test_left_and_right_move_the_hook_one_column_and_stop_at_the_ends() -> None:
    game = Xc01(seed=0)
    pit = game.puzzles[0]
    result = act(game, 0)
    assert game.state.hook == pit.hook and _hook_x(_frame(result)) == _column_x(pit, pit.hook)
    for _ in range(pit.hook):
        result = act(game, 3)
    assert game.state.hook == 0 and _hook_x(_frame(result)) == _column_x(pit, 0)
    result = act(game, 3)  # at the left end: nothing moves
    assert game.state.hook == 0 and _hook_x(_frame(result)) == _column_x(pit, 0)
    for column in range(1, pit.columns):
        before = _hook_x(_frame(result))
        result = act(game, 4)
        assert game.state.hook == column and _hook_x(_frame(result)) == before + PITCH
    result = act(game, 4)  # at the right end
    assert game.state.hook == pit.columns - 1 and _hook_x(_frame(result)) == _column_x(pit, pit.columns - 1)
    assert game.state.stacks == pit.start and game.state.held == EMPTY_HOOK


def test_action5_grabs_the_top_block_and_drops_it_on_top_of_another_column() -> None:
    game = Xc01(seed=0)
    pit = game.puzzles[0]
    act(game, 0)
    pairs = [(a, b) for a in range(pit.columns) for b in range(pit.columns)
             if a != b and pit.start[a] and len(pit.start[b]) < pit.depth]
    # a move that does not finish the level (its frame then still shows level 1)
    source, target = next((a, b) for a, b in pairs
                          if not game.is_solved(pit, Crane(b, EMPTY_HOOK, _moved(pit.start, a, b))))
    for _ in range(pit.columns):
        act(game, 3)
    for _ in range(source):
        act(game, 4)
    colour = pit.start[source][-1]
    result = act(game, 5)
    assert len(result.frame) == 2  # an in-between frame: the block half way up
    assert game.state.held == colour and game.state.stacks[source] == pit.start[source][:-1]
    x = _column_x(pit, source)
    assert (_frame(result)[HELD_Y : HELD_Y + 5, x : x + 5] == colour).all()  # hanging under the claw
    act(game, 1)  # ACTION1 does nothing
    assert game.state.held == colour
    step = 4 if target > source else 3
    for _ in range(abs(target - source)):
        act(game, step)
    result = act(game, 5)
    assert len(result.frame) == 2  # the block half way down
    assert game.state.held == EMPTY_HOOK
    assert game.state.stacks == _moved(pit.start, source, target)
    y, x = block_y(len(pit.start[target])), _column_x(pit, target)
    assert result.levels_completed == 0
    assert (_frame(result)[y : y + 5, x : x + 5] == colour).all()  # landed on top of the stack
    # grabbing from an empty column does nothing
    empty = Crane(0, EMPTY_HOOK, ((),) + pit.start[1:])
    assert game.transition(pit, empty, 5, None) == empty


def test_a_full_column_refuses_a_drop() -> None:
    game = Xc01(seed=0)
    for pit in game.puzzles:
        full = tuple([RED] * pit.depth if c == 0 else [] for c in range(pit.columns))
        stacks = tuple(tuple(s) for s in full)
        holding = Crane(0, YELLOW, stacks)
        assert game.transition(pit, holding, pit.drop, None) == holding
        beside = game.transition(pit, holding, 4, None)
        dropped = game.transition(pit, beside, pit.drop, None)
        assert dropped.held == EMPTY_HOOK and dropped.stacks[1] == (YELLOW,)


def test_from_level_five_action5_only_grabs_and_action2_drops() -> None:
    game = Xc01(seed=0)
    for index, pit in enumerate(game.puzzles):
        column = next(c for c, stack in enumerate(pit.start) if stack)
        state = Crane(column, EMPTY_HOOK, pit.start)
        assert game.transition(pit, state, 2, None) == state  # nothing to drop
        held = game.transition(pit, state, 5, None)
        assert held.held == pit.start[column][-1]
        assert game.transition(pit, held, 1, None) == held  # up never drops
        if index < 4:
            assert pit.drop == GRAB
            assert game.transition(pit, held, 2, None) == held
            assert game.transition(pit, held, 5, None) == state
        else:
            assert pit.drop == 2
            assert game.transition(pit, held, 5, None) == held
            assert game.transition(pit, held, 2, None) == state
    # through the engine: on level 5, ACTION5 twice keeps the block, ACTION2 puts it back
    act(game, 0)
    for plan in game.solutions[:4]:
        result = play_plan(game, plan)
    assert result.levels_completed == 4
    pit = game.puzzles[4]
    column = next(c for c, stack in enumerate(pit.start) if stack)
    while game.state.hook != column:
        act(game, 4 if game.state.hook < column else 3)
    act(game, 5)
    act(game, 5)
    assert game.state.held == pit.start[column][-1]
    act(game, 2)
    assert game.state.held == EMPTY_HOOK and game.state.stacks == pit.start


def test_the_level_is_won_when_the_stacks_match_the_legend_with_the_hook_empty() -> None:
    game = Xc01(seed=0)
    for pit in game.puzzles:
        assert game.is_solved(pit, Crane(0, EMPTY_HOOK, pit.goal))
        assert not game.is_solved(pit, Crane(0, RED, pit.goal))  # the hook still holds a block
        tops_only = tuple((RED,) * (len(s) - 1) + s[-1:] for s in pit.goal)
        if tops_only != pit.goal:  # levels 1-2: only the top colours count; from level 3 the whole stacks
            assert game.is_solved(pit, Crane(0, EMPTY_HOOK, tops_only)) == (not pit.full_legend)
    assert [pit.full_legend for pit in game.puzzles] == [False, False] + [True] * (len(game.puzzles) - 2)
    # the legend (top right) shows the goal's top colours in level 1
    frame = _frame(act(game, 0))
    legend = frame[3:12, 40:63]
    for stack in game.puzzles[0].goal:
        assert (legend == stack[-1]).sum() >= 9
    result = play_plan(game, game.solutions[0])
    assert result.levels_completed == 1 and result.state is GameState.NOT_FINISHED


def test_a_spent_budget_is_game_over() -> None:
    game = Xc01(seed=1)
    act(game, 0)
    for _ in range(game.budgets[0]):
        result = act(game, 1)
    assert result.state is GameState.GAME_OVER
    assert act(game, 0).state is GameState.NOT_FINISHED
