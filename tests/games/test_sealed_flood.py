"""Flood (sealed `xa01`): a swatch click recolours the flood region and it absorbs the joined cells of that colour;
the region's own colour changes nothing; board clicks do nothing before level 4 and flood with the clicked cell's
colour from level 4 on; from level 5 on the flood starts at the bottom right corner; every level of seeds 0-5 is
won by its plan through the engine within its budget."""

import numpy as np
from arcengine import GameState
from stage_testkit import frame_of, on_level

from arc_client.games.heldout.stage import WHITE
from arc_client.games.play import act, play_plan
from arc_client.games.sealed import SEALED
from arc_client.games.sealed.flood import LEVELS, SWATCH, FloodPuzzle, Xa01, shortest

SEEDS = range(6)


def _grid(puzzle: FloodPuzzle, state: tuple[int, int]) -> list[int]:
    """Every cell's colour, worked out from the state without the game's helpers."""
    region, colour = state
    return [colour if region & (1 << i) else puzzle.board[i] for i in range(puzzle.side**2)]


def _component(side: int, grid: list[int], start: int) -> set[int]:
    seen, todo = {start}, [start]
    while todo:
        i = todo.pop()
        r, c = divmod(i, side)
        for rr, cc in ((r - 1, c), (r + 1, c), (r, c - 1), (r, c + 1)):
            j = rr * side + cc
            if 0 <= rr < side and 0 <= cc < side and j not in seen and grid[j] == grid[start]:
                seen.add(j)
                todo.append(j)
    return seen


def _cells(state: tuple[int, int], side: int) -> set[int]:
    return {i for i in range(side * side) if state[0] & (1 << i)}


def _swatch(game: Xa01, colour: int) -> tuple[int, int]:
    puzzle = game.puzzles[game.level_index]
    x, y = game.swatch_corner(puzzle, puzzle.palette.index(colour))
    return x + SWATCH // 2, y + SWATCH // 2


def _cell_centre(game: Xa01, index: int) -> tuple[int, int]:
    puzzle = game.puzzles[game.level_index]
    x, y = game.cell_corner(puzzle, index)
    return x + puzzle.cell // 2, y + puzzle.cell // 2


def _shown(game: Xa01, frame: np.ndarray) -> list[int]:
    """Each board cell's colour as drawn (its top-left pixel, clear of the marker)."""
    puzzle = game.puzzles[game.level_index]
    return [int(frame[y, x]) for x, y in (game.cell_corner(puzzle, i) for i in range(puzzle.side**2))]


def test_the_levels_are_as_designed() -> None:
    assert Xa01 in SEALED and Xa01.NAME == "xa01" and Xa01.AVAILABLE == [6] and Xa01.TAGS == ["sealed", "click"]
    game = Xa01(seed=0)
    assert len(game.puzzles) == len(LEVELS) >= 6
    sides = [p.side for p in game.puzzles]
    assert sides == sorted(sides) and sides[0] == 3 and sides[-1] >= 6
    assert [len(p.palette) for p in game.puzzles][0] == 3 and max(len(p.palette) for p in game.puzzles) >= 5
    assert [p.board_clicks for p in game.puzzles] == [False] * 3 + [True] * (len(LEVELS) - 3)
    assert [p.corner for p in game.puzzles] == [0] * 4 + [1] * (len(LEVELS) - 4)
    for puzzle in game.puzzles:
        assert set(puzzle.board) == set(puzzle.palette) and len(puzzle.palette) == len(set(puzzle.palette))
        assert WHITE not in puzzle.palette
    assert Xa01(seed=1).puzzles != game.puzzles  # seeded


def test_a_swatch_click_grows_the_region_by_the_joined_cells_of_that_colour() -> None:
    checked = grown = 0
    for seed in SEEDS:
        for level in range(len(LEVELS)):
            game = on_level(Xa01, seed, level)[0]
            puzzle = game.puzzles[level]
            side = puzzle.side
            for _ in range(4):
                before = game.state
                old = _cells(before, side)
                assert old == _component(side, _grid(puzzle, before), puzzle.start)
                colour = next(c for c in puzzle.palette if c != before[1])
                repainted = _grid(puzzle, before)
                for i in old:
                    repainted[i] = colour
                expected = _component(side, repainted, puzzle.start)
                result = act(game, 6, *_swatch(game, colour))
                if game.level_index != level:
                    assert expected == set(range(side * side))
                    break
                assert game.state[1] == colour and _cells(game.state, side) == expected, (seed, level)
                assert all(puzzle.board[i] == colour for i in expected - old)
                assert old <= expected
                assert _shown(game, frame_of(result)) == repainted
                grown += len(expected) > len(old)
                checked += 1
    assert checked >= 100 and grown >= 50


def test_clicking_the_regions_own_colour_changes_nothing() -> None:
    for seed in SEEDS:
        for level in (0, 3, 5):
            game = on_level(Xa01, seed, level)[0]
            before, left = game.state, game.budget_left
            frame = frame_of(act(game, 6, *_swatch(game, before[1])))
            assert game.state == before and game.level_index == level and game.budget_left == left - 1
            again = frame_of(act(game, 6, *_swatch(game, before[1])))
            assert (frame[2:] == again[2:]).all()  # only the timer bar moved
            puzzle = game.puzzles[level]
            assert game.transition(puzzle, before, 6, _swatch(game, before[1])) == before


def test_board_clicks_do_nothing_before_level_4() -> None:
    for seed in SEEDS:
        game = Xa01(seed=seed)
        for level in range(3):
            puzzle = game.puzzles[level]
            state = game.initial_state(puzzle)
            ox, oy = puzzle.origin
            span = puzzle.side * puzzle.pitch
            for x in range(ox - 3, ox + span + 3):
                for y in range(oy - 3, oy + span + 3):
                    assert game.transition(puzzle, state, 6, (x, y)) == state, (seed, level, x, y)
    game = on_level(Xa01, 0, 1)[0]
    puzzle = game.puzzles[1]
    other = next(i for i, c in enumerate(puzzle.board) if c != game.state[1])
    before = game.state
    result = act(game, 6, *_cell_centre(game, other))
    assert game.state == before and result.state is GameState.NOT_FINISHED and game.level_index == 1


def test_from_level_4_a_board_click_floods_with_that_cells_colour() -> None:
    flooded = 0
    for seed in SEEDS:
        for level in range(3, len(LEVELS)):
            game = on_level(Xa01, seed, level)[0]
            puzzle = game.puzzles[level]
            state = game.state
            grid = _grid(puzzle, state)
            for index in range(puzzle.side**2):
                by_board = game.transition(puzzle, state, 6, _cell_centre(game, index))
                by_swatch = game.transition(puzzle, state, 6, _swatch(game, grid[index]))
                assert by_board == by_swatch
                if index in _cells(state, puzzle.side):
                    assert by_board == state
                # the one-pixel gaps between cells are not cells
                x, y = game.cell_corner(puzzle, index)
                assert game.transition(puzzle, state, 6, (x + puzzle.cell, y)) == state
                assert game.transition(puzzle, state, 6, (x, y + puzzle.cell)) == state
            region = _cells(state, puzzle.side)
            index = next(i for i in range(puzzle.side**2) if i not in region and any(
                j in region for j in (i - puzzle.side, i + puzzle.side) + ((i - 1,) if i % puzzle.side else ())
                + ((i + 1,) if (i + 1) % puzzle.side else ())))
            act(game, 6, *_cell_centre(game, index))
            assert game.state[1] == grid[index] and game.state[0] != state[0]
            flooded += 1
    assert flooded == len(SEEDS) * (len(LEVELS) - 3)


def test_from_level_5_the_flood_starts_at_the_other_corner() -> None:
    for seed in SEEDS:
        game = Xa01(seed=seed)
        frame = frame_of(act(game, 0))
        for level, plan in enumerate(game.solutions):
            puzzle = game.puzzles[level]
            last = puzzle.side**2 - 1
            corner = 0 if level < 4 else last
            assert puzzle.start == corner
            region = _cells(game.state, puzzle.side)
            assert corner in region and region == _component(puzzle.side, list(puzzle.board), corner)
            # the white marker sits on the start corner cell and nowhere else on the board
            ox, oy = puzzle.origin
            span = puzzle.side * puzzle.pitch - 1
            ys, xs = np.nonzero(frame[oy : oy + span, ox : ox + span] == WHITE)
            x0, y0 = game.cell_corner(puzzle, corner)
            assert len(xs) and all(x0 <= ox + x < x0 + puzzle.cell and y0 <= oy + y < y0 + puzzle.cell
                                   for x, y in zip(xs, ys, strict=True)), (seed, level)
            if level + 1 < len(game.solutions):
                frame = frame_of(play_plan(game, plan))


def test_every_level_is_won_by_its_plan_within_its_budget() -> None:
    for seed in SEEDS:
        game = Xa01(seed=seed)
        act(game, 0)
        for level, (puzzle, plan) in enumerate(zip(game.puzzles, game.solutions, strict=True)):
            low, high = LEVELS[level][-1]
            assert low <= len(plan) <= high and len(plan) == shortest(puzzle)
            assert 3 <= len(plan) <= 14 and len(plan) < game.budgets[level]
            result = play_plan(game, plan)
            assert result.levels_completed == level + 1, (seed, level)
        assert result.state is GameState.WIN
    assert Xa01.baselines(0) == [-(-3 * len(plan) // 2) for plan in Xa01(seed=0).solutions]


def test_clicks_off_the_board_and_swatches_change_nothing() -> None:
    game = on_level(Xa01, 0, 4)[0]
    before = game.state
    for x, y in ((0, 63), (1, 10), (63, 30), (2, 50), (32, 49), (60, 55)):
        result = act(game, 6, x, y)
        assert game.state == before and game.level_index == 4 and result.state is GameState.NOT_FINISHED
    for action in (1, 2, 3, 4, 5):
        assert game.transition(game.puzzles[4], before, action, None) == before
