"""Key Behind a Block (kb01): push the block aside, take the key, pass its door, reach the exit."""

from arc_client.games.sources.key_block import Kb01, KeyBlockPuzzle


def niche() -> KeyBlockPuzzle:
    """A 9x8 box: red key (3,1) in a niche, block (3,2) under it, red door (6,3), exit (7,3)."""
    walls = {(c, r) for c in range(9) for r in range(8) if c in (0, 8) or r in (0, 7)}
    walls |= {(2, 1), (4, 1)} | {(6, r) for r in range(8) if r != 3}
    return KeyBlockPuzzle(9, 8, frozenset(walls), (3, 4), (3, 2), (7, 3), (((3, 1), 8),), (((6, 3), 8),))


def test_the_block_cannot_be_pushed_onto_the_key_only_aside() -> None:
    game, puzzle = Kb01(seed=0), niche()
    below = ((3, 3), (3, 2), 0)
    assert game.transition(puzzle, below, 1, None) == below
    assert game.transition(puzzle, ((2, 2), (3, 2), 0), 4, None) == ((3, 2), (4, 2), 0)


def test_the_key_opens_its_door_and_shows_in_the_hud() -> None:
    game, puzzle = Kb01(seed=0), niche()
    at_door = ((5, 3), (4, 2), 0)
    assert game.transition(puzzle, at_door, 4, None) == at_door
    assert game.hud(puzzle, at_door) == []
    taken = game.transition(puzzle, ((3, 2), (4, 2), 0), 1, None)
    assert taken == ((3, 1), (4, 2), 1) and game.hud(puzzle, taken) == [8]
    assert game.transition(puzzle, ((5, 3), (4, 2), 1), 4, None) == ((6, 3), (4, 2), 1)


def test_blocks_never_enter_doors() -> None:
    game, puzzle = Kb01(seed=0), niche()
    beside = ((4, 3), (5, 3), 1)
    assert game.transition(puzzle, beside, 4, None) == beside


def test_every_level_needs_the_block_moved() -> None:
    game = Kb01(seed=5)
    for puzzle, plan in zip(game.puzzles, game.solutions, strict=True):
        state = game.initial_state(puzzle)
        for action, _, _ in plan:
            state = game.transition(puzzle, state, action, None)
        assert state[1] != puzzle.block
