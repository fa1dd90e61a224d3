"""Colour Cycle (cy01): a click cycles a cell (and, on later levels, its neighbours) to match the target."""

from arc_client.games.play import act, play_plan
from arc_client.games.sources.colour_cycle import PITCH, Cy01, canvas_cell


def test_a_click_cycles_one_cell_on_early_levels() -> None:
    game = Cy01(seed=0)
    puzzle = game.puzzles[0]
    assert not puzzle.cross
    colours = len(puzzle.palette)
    state = puzzle.start
    after = game.transition(puzzle, state, 6, (1 + PITCH, 1))  # cell 1 of the top row
    assert after[1] == (state[1] + 1) % colours
    assert after[:1] + after[2:] == state[:1] + state[2:]


def test_a_click_cycles_the_neighbours_on_later_levels() -> None:
    game = Cy01(seed=0)
    puzzle = next(p for p in game.puzzles if p.cross)
    state = puzzle.start
    centre = puzzle.cols + 1  # column 1, row 1: four neighbours
    after = game.transition(puzzle, state, 6, (1 + PITCH, 1 + PITCH))
    changed = {k for k, (old, new) in enumerate(zip(state, after, strict=True)) if old != new}
    assert changed == {centre, centre - 1, centre + 1, centre - puzzle.cols, centre + puzzle.cols}


def test_gaps_and_the_target_are_not_clickable() -> None:
    game = Cy01(seed=0)
    puzzle = game.puzzles[0]
    assert canvas_cell(puzzle, (0, 1)) is None  # a gap column
    assert canvas_cell(puzzle, (puzzle.width - 3, 1)) is None  # inside the target
    assert game.transition(puzzle, puzzle.start, 6, (puzzle.width - 3, 1)) == puzzle.start
    assert game.transition(puzzle, puzzle.start, 6, None) == puzzle.start


def test_clicks_through_the_engine_change_the_frame_and_animate_neighbour_levels() -> None:
    game = Cy01(seed=0)
    act(game, 0)
    first = act(game, *game.solutions[0][0])
    assert len(first.frame) == 1
    play_plan(game, game.solutions[0][1:])
    assert game.puzzles[game.level_index].cross
    before = game.state
    result = act(game, *game.solutions[1][0])
    assert game.state != before
    assert len(result.frame) == 2, "a neighbour click flashes the cells it reached"
    assert (result.frame[0] != result.frame[1]).any()
