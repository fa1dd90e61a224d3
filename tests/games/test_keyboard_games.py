"""Mechanics of the maze, gem, switch and block-pushing games, seen through their frames."""

import numpy as np

from arc_client.games.kit import PuzzleGame, _Layout
from arc_client.games.play import act, play_plan
from arc_client.games.sources.collection import GEM, Cl01
from arc_client.games.sources.navigation import Mz01
from arc_client.games.sources.pushing import BLOCK_MOVING, Pb01
from arc_client.games.sources.switches import OFF, ON, Sw01


def board(game: PuzzleGame, frame: np.ndarray) -> np.ndarray:
    """The board part of a display frame (the HUD band cut off)."""
    puzzle = game.puzzles[game.level_index]
    layout = _Layout(puzzle.width, puzzle.height)
    return frame[layout.offset_y : layout.hud_top]


def test_walking_into_a_wall_spends_budget_but_moves_nothing() -> None:
    game = Mz01(seed=0)
    start = act(game, 0).frame[-1]
    puzzle, (col, row) = game.puzzles[0], game.state
    blocked = next(a for a, (dc, dr) in {1: (0, -1), 2: (0, 1), 3: (-1, 0), 4: (1, 0)}.items()
                   if (col + dc, row + dr) in puzzle.walls)
    after = act(game, blocked).frame[-1]
    assert np.array_equal(board(game, after), board(game, start))
    assert not np.array_equal(after, start) and game.budget_left == game.budgets[0] - 1


def test_gems_disappear_when_walked_over() -> None:
    game = Cl01(seed=0)
    counts = [int((board(game, act(game, 0).frame[-1]) == GEM).sum())]
    for action, x, y in game.solutions[0][:-1]:
        counts.append(int((board(game, act(game, action, x, y).frame[-1]) == GEM).sum()))
    drops = sum(1 for a, b in zip(counts, counts[1:], strict=False) if b < a)
    assert drops == len(game.puzzles[0].gems) - 1 and all(a >= b for a, b in zip(counts, counts[1:], strict=False))


def test_action5_flips_the_switch_under_the_player_only() -> None:
    game = Sw01(seed=0)
    act(game, 0)
    plan = game.solutions[0]
    first_press = next(i for i, (action, _, _) in enumerate(plan) if action == 5)
    play_plan(game, plan[:first_press])
    before = game.state
    lit = act(game, 5).frame[-1]
    assert game.state[1] != before[1]
    unlit = act(game, 5).frame[-1]  # a second press turns it off again
    assert game.state == before
    assert (lit == ON).sum() > (unlit == ON).sum() and (lit == OFF).sum() < (unlit == OFF).sum()


def test_push_animates_over_three_frames_and_undo_restores_the_board() -> None:
    game = Pb01(seed=0)
    shown = act(game, 0).frame[-1]
    for spent, (action, _, _) in enumerate(game.solutions[0][:-1], start=1):
        before_blocks, before_frame = game.state[1], shown
        result = act(game, action)
        shown = result.frame[-1]
        if game.state[1] == before_blocks:
            assert len(result.frame) == 1  # a plain move: one frame
            continue
        assert len(result.frame) == 3 and (result.frame[0] == BLOCK_MOVING).any()
        undone = act(game, 7).frame[-1]
        assert game.state[1] == before_blocks
        assert np.array_equal(board(game, undone), board(game, before_frame))
        assert game.budget_left == game.budgets[0] - spent - 1  # the undo counts as an action
        return
    raise AssertionError("the oracle's first level pushes no block")
