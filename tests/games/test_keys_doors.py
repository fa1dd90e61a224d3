"""Keys and Doors (kd01): doors open only with a held key of their colour; held keys show in the HUD."""

import dataclasses

import numpy as np

from arc_client.games.kit import _Layout, solve
from arc_client.games.play import act
from arc_client.games.sources.keys_doors import Kd01, KeysPuzzle


def corridor() -> KeysPuzzle:
    """Row 1 of a walled 8x8 box: start (1,1), red door (3,1), exit (6,1); red key (1,2), magenta (2,2)."""
    walls = {(c, r) for c in range(8) for r in range(8) if c in (0, 7) or r in (0, 7) or r >= 3}
    walls |= {(c, 2) for c in range(3, 7)}
    return KeysPuzzle(8, 8, frozenset(walls), (1, 1), (6, 1), (((1, 2), 8), ((2, 2), 6)), (((3, 1), 8),))


def hud_pixels(game: Kd01, frame: np.ndarray, colour: int) -> int:
    puzzle = game.puzzles[game.level_index]
    layout = _Layout(puzzle.width, puzzle.height)
    return int((frame[layout.hud_top :] == colour).sum())


def test_a_door_needs_a_key_of_its_colour() -> None:
    game, puzzle = Kd01(seed=0), corridor()
    at_door = ((2, 1), 0)
    assert game.transition(puzzle, at_door, 4, None) == at_door  # no key: the door is a wall
    assert game.transition(puzzle, ((2, 1), 0b10), 4, None) == ((2, 1), 0b10)  # magenta key: still shut
    assert game.transition(puzzle, ((2, 1), 0b01), 4, None) == ((3, 1), 0b01)  # red key: through


def test_walking_onto_a_key_picks_it_up() -> None:
    game, puzzle = Kd01(seed=0), corridor()
    assert game.transition(puzzle, ((1, 1), 0), 2, None) == ((1, 2), 0b01)
    assert game.hud(puzzle, ((1, 2), 0b01)) == [8]
    assert solve(game, puzzle) == [(2, None, None), (1, None, None)] + [(4, None, None)] * 5


def test_doors_on_the_exit_path_gate_every_level() -> None:
    game = Kd01(seed=3)
    for puzzle in game.puzzles:
        assert solve(game, dataclasses.replace(puzzle, keys=())) is None


def test_the_hud_shows_a_key_once_it_is_held() -> None:
    game = Kd01(seed=0)
    act(game, 0)
    puzzle = game.puzzles[0]
    (key_colour,) = {colour for _, colour in puzzle.keys}
    for action, x, y in game.solutions[0]:
        before = game.state[1]
        frame = act(game, action, x, y).frame[-1]
        if game.state[1] != before:
            break
        assert hud_pixels(game, frame, key_colour) == 0
    else:
        raise AssertionError("the oracle never picked up the key")
    assert game.hud(puzzle, game.state) == [key_colour]
    assert hud_pixels(game, frame, key_colour) > 0
