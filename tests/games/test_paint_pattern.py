"""Paint the Pattern (pp01): ACTION5 adds a coat under the cursor; ACTION7 undoes; overshooting is dead."""

from arc_client.games.play import act
from arc_client.games.sources.paint_pattern import Pp01


def test_painting_changes_the_canvas_and_the_frame() -> None:
    game = Pp01(seed=0)
    before = act(game, 0).frame[-1]
    after = act(game, 5).frame[-1]
    assert game.state[1][0] == 1 and game.state[1][1:] == (0,) * (len(game.state[1]) - 1)
    assert (before != after).any()


def test_coats_stop_at_the_last_colour_and_the_cursor_stays_on_the_canvas() -> None:
    game = Pp01(seed=0)
    puzzle = game.puzzles[0]
    state = game.initial_state(puzzle)
    for _ in range(len(puzzle.palette) + 2):
        state = game.transition(puzzle, state, 5, None)
    assert state[1][0] == len(puzzle.palette) - 1
    assert game.transition(puzzle, state, 1, None) == state  # up from the top row
    assert game.transition(puzzle, state, 3, None) == state  # left from the left column


def test_an_extra_coat_is_dead_until_undone() -> None:
    game = Pp01(seed=0)
    act(game, 0)
    puzzle = game.puzzles[0]
    blank = next(k for k, goal in enumerate(puzzle.target) if goal == 0)
    for _ in range(blank % puzzle.side):
        act(game, 4)
    for _ in range(blank // puzzle.side):
        act(game, 2)
    painted_over = act(game, 5)
    assert game.dead(puzzle, game.state)
    budget = game.budget_left
    undone = act(game, 7)
    assert not game.dead(puzzle, game.state) and game.state[1] == game.initial_state(puzzle)[1]
    assert game.budget_left == budget - 1, "undo counts as an action"
    assert (painted_over.frame[-1] != undone.frame[-1]).any()
