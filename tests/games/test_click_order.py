"""Click in Order (sq01): blocks must be clicked in the legend's order; a wrong click starts over."""

import numpy as np

from arc_client.games.kit import RED, WHITE
from arc_client.games.play import act
from arc_client.games.sources.click_order import LEGEND_ROWS, Sq01


def click(game: Sq01, block: int) -> object:
    x, y = game.display_point(game.puzzles[game.level_index], game.puzzles[game.level_index].blocks[block][0])
    return act(game, 6, x, y)


def test_a_right_click_marks_progress_and_greys_the_block() -> None:
    game = Sq01(seed=0)
    act(game, 0)
    puzzle = game.puzzles[0]
    first = next(i for i, (_, colour) in enumerate(puzzle.blocks) if colour == puzzle.legend[0])
    click(game, first)
    assert game.state == 1 << first
    board = game.draw(puzzle, game.state)
    (col, row), colour = puzzle.blocks[first]
    assert board[row, col] != colour
    assert board[2, 2] == WHITE  # the mark under the first swatch


def test_a_wrong_click_resets_the_sequence_visibly() -> None:
    game = Sq01(seed=0)
    act(game, 0)
    puzzle = game.puzzles[0]
    start_board = game.draw(puzzle, game.state)
    first = next(i for i, (_, colour) in enumerate(puzzle.blocks) if colour == puzzle.legend[0])
    wrong = next(i for i, (_, colour) in enumerate(puzzle.blocks) if colour != puzzle.legend[1] and i != first)
    click(game, first)
    result = click(game, wrong)
    assert game.state == 0
    assert np.array_equal(game.draw(puzzle, game.state), start_board)
    assert len(result.frame) == 2, "the lost progress flashes before the settled frame"
    assert (result.frame[0] == RED).sum() > (result.frame[-1] == RED).sum()


def test_clicks_off_the_blocks_change_nothing_but_spend_the_budget() -> None:
    game = Sq01(seed=0)
    act(game, 0)
    puzzle = game.puzzles[0]
    first = next(i for i, (_, colour) in enumerate(puzzle.blocks) if colour == puzzle.legend[0])
    click(game, first)
    budget = game.budget_left
    for cell in [(0, LEGEND_ROWS - 1), (2, 1)]:  # the separator and a legend swatch
        assert game.transition(puzzle, game.state, 6, cell) == game.state
    assert game.transition(puzzle, game.state, 6, None) == game.state
    act(game, 6, 0, 0)
    assert game.state == 1 << first and game.budget_left == budget - 1


def test_repeated_colours_accept_any_block_of_that_colour() -> None:
    game = Sq01(seed=0)
    puzzle = game.puzzles[-1]
    colour = next(c for c in puzzle.legend if puzzle.legend.count(c) > 1)
    same = [i for i, (_, c) in enumerate(puzzle.blocks) if c == colour]
    state = 0
    for wanted in puzzle.legend[: puzzle.legend.index(colour)]:
        state |= 1 << next(i for i, (_, c) in enumerate(puzzle.blocks) if c == wanted and not state >> i & 1)
    for index in same:
        assert game.transition(puzzle, state, 6, puzzle.blocks[index][0]) == state | 1 << index
