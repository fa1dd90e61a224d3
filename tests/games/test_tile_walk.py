"""Tile Walk (tw01): stepping onto a tile flips it; the exit only ends the level once the patch matches."""

from arc_client.games.kit import MOVES
from arc_client.games.play import act, play_plan
from arc_client.games.sources.tile_walk import TilePuzzle, Tw01


def test_stepping_onto_a_tile_flips_it_each_time() -> None:
    game = Tw01(seed=0)
    puzzle = game.puzzles[0]
    first, second = puzzle.tiles[0], puzzle.tiles[1]  # row-major: second is right of first
    state = game.transition(puzzle, (first, 0), 4, None)
    assert state == (second, 0b10)
    state = game.transition(puzzle, state, 3, None)
    assert state == (first, 0b11)
    assert game.transition(puzzle, state, 4, None) == (second, 0b01)


def test_the_exit_does_nothing_until_the_patch_matches() -> None:
    game = Tw01(seed=0)
    puzzle = game.puzzles[0]
    assert not game.is_solved(puzzle, (puzzle.exit, 0))
    assert game.is_solved(puzzle, (puzzle.exit, puzzle.target))
    locked = game.draw(puzzle, (puzzle.start, 0))
    opened = game.draw(puzzle, (puzzle.start, puzzle.target))
    assert locked[puzzle.exit[1], puzzle.exit[0]] != opened[puzzle.exit[1], puzzle.exit[0]]


def test_walking_to_the_exit_with_the_wrong_pattern_keeps_the_level() -> None:
    game = Tw01(seed=0)
    act(game, 0)
    puzzle = game.puzzles[0]
    result = play_plan(game, route_avoiding_tiles(puzzle))  # the patch stays dark all the way
    assert game.state == (puzzle.exit, 0)
    assert result.levels_completed == 0 and result.state.name == "NOT_FINISHED"


def route_avoiding_tiles(puzzle: TilePuzzle) -> list[tuple[int, None, None]]:
    """Moves from the start to the exit that never step on a tile (breadth-first)."""
    blocked = set(puzzle.walls) | set(puzzle.tiles)
    parent: dict[tuple[int, int], tuple[tuple[int, int], int] | None] = {puzzle.start: None}
    queue = [puzzle.start]
    for cell in queue:
        for action, (dc, dr) in MOVES.items():
            nxt = (cell[0] + dc, cell[1] + dr)
            if nxt not in blocked and nxt not in parent:
                parent[nxt] = (cell, action)
                queue.append(nxt)
    steps = []
    cell = puzzle.exit
    while (link := parent[cell]) is not None:
        cell, action = link
        steps.append((action, None, None))
    return steps[::-1]
