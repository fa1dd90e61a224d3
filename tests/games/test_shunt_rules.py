"""Shunt (held-out `hb01`; Depot, `hz01`, drawn and ruled otherwise): a click on a block takes hold of it (its middle turns white), the keys move the
block held one cell (stopped by walls and the other blocks), nothing moves while no block is held; from
level 2 on a block without a pad is held at the start, from level 3 on the shortest plan moves two blocks
or more, from level 5 on a moved block slides until stopped; the level ends when every pad has its block."""

from __future__ import annotations

import numpy as np
from arcengine import GameState

from arc_client.games.heldout.shunt import CELL, LEVELS, NOBODY, Hb01, Hold, Hz01, blocks_moved
from arc_client.games.heldout.stage import MOVES, WHITE
from arc_client.games.play import act


def _frame(result) -> np.ndarray:  # noqa: ANN001
    return np.asarray(result.frame[-1], dtype=np.uint8)


def _centre(game: Hb01, cell: tuple[int, int]) -> tuple[int, int]:
    ox, oy = game._origin(game.puzzles[game.level_index])
    return ox + cell[0] * CELL + 1, oy + cell[1] * CELL + 1


def test_keys_move_nothing_until_a_click_takes_hold_of_a_block() -> None:
    game = Hb01(seed=0)
    first = _frame(act(game, 0))
    assert game.state.held == NOBODY and not (first[:, :60] == WHITE).any()
    for key in MOVES:
        act(game, key)
        assert game.state == Hold(game.puzzles[0].start, NOBODY)
    x, y = _centre(game, game.state.at[1])
    held = _frame(act(game, 6, x, y))
    assert game.state.held == 1 and np.count_nonzero(held[:, :60] == WHITE) == 4
    # a click on the floor changes nothing
    ox, oy = game._origin(game.puzzles[0])
    empty = next((c, r) for c in range(6) for r in range(6) if (c, r) not in game.state.at)
    before = game.state
    act(game, 6, ox + empty[0] * CELL + 1, oy + empty[1] * CELL + 1)
    assert game.state == before


def test_the_block_held_moves_one_cell_and_is_stopped_by_blocks_and_walls() -> None:
    moved = stopped = 0
    for seed in range(6):
        game = Hb01(seed=seed)
        act(game, 0)
        yard = game.puzzles[0]
        x, y = _centre(game, game.state.at[0])
        act(game, 6, x, y)
        for key in (1, 2, 3, 4, 1, 3):
            before = game.state
            act(game, key)
            if game.level_index:
                break
            dx, dy = MOVES[key]
            ahead = (before.at[0][0] + dx, before.at[0][1] + dy)
            free = (0 <= ahead[0] < yard.width and 0 <= ahead[1] < yard.height and ahead not in yard.walls
                    and ahead not in before.at[1:])
            assert game.state.at[0] == (ahead if free else before.at[0]) and game.state.at[1:] == before.at[1:]
            moved += free
            stopped += not free
    assert moved and stopped


def test_the_rule_changes_and_every_levels_plan_wins() -> None:
    assert [slide for *_, slide, _ in LEVELS] == [False] * 4 + [True] * 2
    for seed in range(3):
        game = Hb01(seed=seed)
        act(game, 0)
        for index, (yard, plan) in enumerate(zip(game.puzzles, game.solutions, strict=True)):
            assert (yard.held == NOBODY) == (index == 0)
            assert yard.held == NOBODY or yard.held not in [b for _, b in yard.pads]
            assert blocks_moved(yard, plan, game._origin(yard)) >= LEVELS[index][-1]
            assert len(plan) < game.budgets[index]
            for action, x, y in plan:
                result = act(game, action, x, y)
            assert game.level_index == index + 1 or result.state is GameState.WIN, (seed, index)
    # level 5: a block moved slides until it hits something
    game = Hb01(seed=0)
    yard = game.puzzles[4]
    state = Hold(yard.start, yard.held)
    for key in MOVES:
        after = game.transition(yard, state, key, None)
        steps = abs(after.at[yard.held][0] - state.at[yard.held][0]) + abs(after.at[yard.held][1] - state.at[yard.held][1])
        if steps:
            dx, dy = MOVES[key]
            end = after.at[yard.held]
            ahead = (end[0] + dx, end[1] + dy)
            assert not (0 <= ahead[0] < yard.width and 0 <= ahead[1] < yard.height) or ahead in yard.walls \
                or ahead in after.at


def test_depot_rings_the_block_held_and_steps_again_on_its_last_level() -> None:
    assert [slide for *_, slide, _ in Hz01.LEVELS] == [False] * 3 + [True] * 2 + [False]
    game = Hz01(seed=0)
    act(game, 0)
    yard = game.puzzles[0]
    ox, oy = game._origin(yard)
    c, r = game.state.at[0]
    frame = _frame(act(game, 6, ox + c * Hz01.CELL + 2, oy + r * Hz01.CELL + 2))
    block = frame[oy + r * Hz01.CELL:oy + (r + 1) * Hz01.CELL, ox + c * Hz01.CELL:ox + (c + 1) * Hz01.CELL]
    assert game.state.held == 0
    assert (block[[0, -1], :] == WHITE).all() and (block[:, [0, -1]] == WHITE).all()
    assert (block[1:-1, 1:-1] == yard.colours[0]).all()
    for seed in range(2):
        game = Hz01(seed=seed)
        act(game, 0)
        for index, plan in enumerate(game.solutions):
            for action, x, y in plan:
                result = act(game, action, x, y)
            assert game.level_index == index + 1 or result.state is GameState.WIN, (seed, index)
