"""Stamp (sealed `xj01`): a tray click selects a stamp (drawn with a white frame and pointer); a canvas click presses
the selected shape with its anchor on that cell (cells off the canvas are ignored) and does nothing with no
selection; stamps paint on levels 1-3 and XOR from level 4 on; from level 5 on each press turns the selected stamp a
quarter turn clockwise and the tray shows it; the level is won exactly when the canvas equals the legend, which shows
the target; every level of seeds 0-5 is won by its plan through the engine within its budget; a spent budget is
GAME_OVER and RESET restores the level."""

import math

import numpy as np
from arcengine import GameState
from stage_testkit import frame_of, on_level

from arc_client.games.heldout.stage import BLACK, GRAY, WHITE, solve
from arc_client.games.play import act, play_plan
from arc_client.games.sealed import SEALED
from arc_client.games.sealed.stamp import (
    FLOOR,
    LEGEND_CELL,
    LEVELS,
    SLOT,
    StampPuzzle,
    Xj01,
    shortest_paint,
)

SEEDS = range(6)


def _turn(shape: tuple[tuple[int, int], ...], turns: int) -> set[tuple[int, int]]:
    """A shape turned clockwise on screen (x right, y down), worked out without the game's helpers."""
    cells = set(shape)
    for _ in range(turns % 4):
        cells = {(-dy, dx) for dx, dy in cells}
    return cells


def _expected(puzzle: StampPuzzle, canvas: tuple[int, ...], stamp: int, turns: int, index: int) -> list[int]:
    n = puzzle.side
    out = list(canvas)
    col, row = index % n, index // n
    colour = puzzle.colours[stamp]
    for dx, dy in _turn(puzzle.shapes[stamp], turns):
        c, r = col + dx, row + dy
        if 0 <= c < n and 0 <= r < n:
            i = r * n + c
            out[i] = FLOOR if puzzle.xor and out[i] == colour else colour
    return out


def _cell(game: Xj01, index: int) -> tuple[int, int]:
    return game.cell_centre(game.puzzles[game.level_index], index)


def _slot(game: Xj01, stamp: int) -> tuple[int, int]:
    return game.slot_centre(game.puzzles[game.level_index], stamp)


def _shown(game: Xj01, frame: np.ndarray) -> list[int]:
    """Each canvas cell's colour as drawn (its top-left pixel)."""
    puzzle = game.puzzles[game.level_index]
    return [int(frame[y, x]) for x, y in (game.cell_corner(puzzle, i) for i in range(puzzle.side**2))]


def _tray_shape(game: Xj01, frame: np.ndarray, stamp: int) -> set[tuple[int, int]]:
    """The offsets drawn in a tray slot's 3x3 grid in the stamp's colour."""
    puzzle = game.puzzles[game.level_index]
    x, y = game.slot_corner(puzzle, stamp)
    drawn = set()
    for dy in (-1, 0, 1):
        for dx in (-1, 0, 1):
            px = frame[y + 1 + 3 * (dy + 1) : y + 4 + 3 * (dy + 1), x + 1 + 3 * (dx + 1) : x + 4 + 3 * (dx + 1)]
            if int(px[0, 0]) == puzzle.colours[stamp]:
                drawn.add((dx, dy))
            else:
                assert (px == BLACK).all()
    return drawn


def test_the_levels_are_as_designed() -> None:
    assert Xj01 in SEALED and Xj01.NAME == "xj01" and Xj01.AVAILABLE == [6] and Xj01.TAGS == ["sealed", "click"]
    game = Xj01(seed=0)
    assert len(game.puzzles) == len(LEVELS) >= 6
    for seed in SEEDS:
        puzzles = Xj01(seed=seed).puzzles
        assert [p.xor for p in puzzles] == [False] * 3 + [True] * (len(LEVELS) - 3)
        assert [p.turning for p in puzzles] == [False] * 4 + [True] * (len(LEVELS) - 4)
        assert all(6 <= p.side <= 9 and 3 <= p.cell <= 4 and 2 <= len(p.shapes) <= 3 for p in puzzles)
        for puzzle in puzzles:
            assert len(set(puzzle.colours)) == len(puzzle.colours) and FLOOR not in puzzle.colours
            assert puzzle.target != puzzle.blank  # never solved at the start
            for shape in puzzle.shapes:
                assert 2 <= len(shape) <= 5 and (0, 0) in shape
                assert all(max(abs(dx), abs(dy)) <= 1 for t in range(4) for dx, dy in _turn(shape, t))
    assert Xj01(seed=1).puzzles != game.puzzles  # seeded


def test_a_tray_click_selects_the_stamp_and_draws_it_selected() -> None:
    for seed in SEEDS:
        for level in (0, 3, 5):
            game = on_level(Xj01, seed, level)[0]
            puzzle = game.puzzles[level]
            assert game.state[1] == -1
            for stamp in reversed(range(len(puzzle.shapes))):
                canvas = game.state[0]
                frame = frame_of(act(game, 6, *_slot(game, stamp)))
                assert game.state[1] == stamp and game.state[0] == canvas
                for other in range(len(puzzle.shapes)):
                    x, y = game.slot_corner(puzzle, other)
                    assert int(frame[y, x]) == (WHITE if other == stamp else GRAY)
                    assert (int(frame[y + SLOT // 2, x - 4]) == WHITE) == (other == stamp)  # the pointer


def test_with_no_stamp_selected_a_canvas_click_does_nothing() -> None:
    for seed in SEEDS:
        for level in (0, 3, 6):
            game = on_level(Xj01, seed, level)[0]
            puzzle = game.puzzles[level]
            before = game.state
            for index in range(0, puzzle.side**2, 5):
                assert game.transition(puzzle, before, 6, _cell(game, index)) == before
            first = frame_of(act(game, 6, *_cell(game, 0)))
            again = frame_of(act(game, 6, *_cell(game, puzzle.side**2 - 1)))
            assert game.state == before and (first[2:] == again[2:]).all()
            assert _shown(game, again) == [FLOOR] * puzzle.side**2


def test_a_canvas_click_paints_the_selected_shape_at_that_cell() -> None:
    clipped = 0
    for seed in SEEDS:
        for level in range(3):
            game = on_level(Xj01, seed, level)[0]
            puzzle = game.puzzles[level]
            n = puzzle.side
            corners = [0, n - 1, n * n - n, n * n - 1, n + 1, n * (n // 2) + n // 2]
            for stamp in range(len(puzzle.shapes)):
                act(game, 6, *_slot(game, stamp))
                for index in corners:
                    before = game.state
                    expected = _expected(puzzle, before[0], stamp, 0, index)
                    result = act(game, 6, *_cell(game, index))
                    if game.level_index != level:
                        assert expected == list(puzzle.target)
                        break
                    assert list(game.state[0]) == expected and game.state[1:] == before[1:], (seed, level, index)
                    assert _shown(game, frame_of(result)) == expected
                    clipped += sum(1 for dx, dy in puzzle.shapes[stamp]
                                   if not (0 <= index % n + dx < n and 0 <= index // n + dy < n))
                    # painting again in the same place changes nothing on a plain level
                    assert game.transition(puzzle, game.state, 6, _cell(game, index)) == game.state
    assert clipped > 0  # shapes hanging off the canvas were stamped, their outside cells ignored


def test_from_level_4_a_stamp_xors() -> None:
    for seed in SEEDS:
        for level in range(3, len(LEVELS)):
            game = on_level(Xj01, seed, level)[0]
            puzzle = game.puzzles[level]
            act(game, 6, *_slot(game, 0))
            index = puzzle.side + 1
            blank = game.state[0]
            act(game, 6, *_cell(game, index))
            once = game.state[0]
            assert list(once) == _expected(puzzle, blank, 0, 0, index)
            cells = {i for i in range(puzzle.side**2) if once[i] != FLOOR}
            assert len(cells) == len(puzzle.shapes[0])
            # the same shape pressed in the same place again clears it back to the floor
            again = game.transition(puzzle, (once, 0, (0,) * len(puzzle.shapes)), 6, _cell(game, index))
            assert again[0] == blank
            # another stamp over it: cells of the other colour take this colour, cells of this colour clear
            state = (once, 1, (0,) * len(puzzle.shapes))
            after = game.transition(puzzle, state, 6, _cell(game, index))
            assert list(after[0]) == _expected(puzzle, once, 1, 0, index)
            assert all(after[0][i] == puzzle.colours[1] for i in cells
                       if (i % puzzle.side - 1, i // puzzle.side - 1) in _turn(puzzle.shapes[1], 0))
    for seed in SEEDS:  # levels 1-3 paint: pressing twice leaves the paint
        game = on_level(Xj01, seed, 2)[0]
        puzzle = game.puzzles[2]
        act(game, 6, *_slot(game, 0))
        act(game, 6, *_cell(game, 8))
        once = game.state
        assert game.transition(puzzle, once, 6, _cell(game, 8)) == once


def test_from_level_5_each_press_turns_the_selected_stamp_and_the_tray_shows_it() -> None:
    for seed in SEEDS:
        for level in range(len(LEVELS)):
            game = on_level(Xj01, seed, level)[0]
            puzzle = game.puzzles[level]
            count = len(puzzle.shapes)
            frame = frame_of(act(game, 6, *_slot(game, count - 1)))
            for stamp in range(count):
                assert _tray_shape(game, frame, stamp) == set(puzzle.shapes[stamp])
            turns = 0
            for press in range(5):
                index = [puzzle.side + 1, 2 * puzzle.side + 3, 3 * puzzle.side + 2][press % 3]
                before = game.state
                expected = _expected(puzzle, before[0], count - 1, turns, index)
                frame = frame_of(act(game, 6, *_cell(game, index)))
                if game.level_index != level:
                    break
                assert list(game.state[0]) == expected, (seed, level, press)
                if level >= 4:
                    turns += 1
                assert game.state[2] == (0,) * (count - 1) + (turns % 4,)
                assert _tray_shape(game, frame, count - 1) == _turn(puzzle.shapes[count - 1], turns)
                for other in range(count - 1):
                    assert _tray_shape(game, frame, other) == set(puzzle.shapes[other])
            # selecting another stamp keeps each stamp's turn
            if game.level_index == level and count > 1:
                kept = game.state[2]
                act(game, 6, *_slot(game, 0))
                assert game.state[2] == kept and game.state[1] == 0


def test_the_win_is_exactly_canvas_equals_legend_and_the_legend_shows_the_target() -> None:
    for seed in SEEDS:
        game = Xj01(seed=seed)
        frame = frame_of(act(game, 0))
        for level, plan in enumerate(game.solutions):
            puzzle = game.puzzles[level]
            lx, ly = puzzle.legend_origin
            for index, colour in enumerate(puzzle.target):
                x, y = lx + LEGEND_CELL * (index % puzzle.side), ly + LEGEND_CELL * (index // puzzle.side)
                assert (frame[y : y + LEGEND_CELL, x : x + LEGEND_CELL] == colour).all(), (seed, level)
            result = play_plan(game, plan[:-1])
            assert game.level_index == level and game.state[0] != puzzle.target
            for selected in range(-1, len(puzzle.shapes)):
                state = (puzzle.target, selected, tuple(range(len(puzzle.shapes))))
                assert game.is_solved(puzzle, state)
            near = list(puzzle.target)
            near[0] = FLOOR if near[0] != FLOOR else puzzle.colours[0]
            assert not game.is_solved(puzzle, (tuple(near), 0, (0,) * len(puzzle.shapes)))
            result = play_plan(game, plan[-1:])
            assert result.levels_completed == level + 1
            if level + 1 < len(game.solutions):
                frame = frame_of(result)


def test_every_level_is_won_by_its_plan_within_its_budget() -> None:
    for seed in SEEDS:
        game = Xj01(seed=seed)
        act(game, 0)
        for level, (puzzle, plan) in enumerate(zip(game.puzzles, game.solutions, strict=True)):
            low, high = LEVELS[level][-1]
            assert low <= len(plan) <= high and 3 <= len(plan) <= 16 and len(plan) < game.budgets[level]
            if level < 3:
                shortest = shortest_paint(puzzle)
                assert shortest is not None and len(plan) == len(shortest)
            if level == 0 or (level == 1 and seed == 0):  # the stage's own BFS agrees where it is cheap
                found = solve(game, puzzle, max_states=500_000)
                assert found is not None and len(found) == len(plan)
            result = play_plan(game, plan)
            assert result.levels_completed == level + 1, (seed, level)
        assert result.state is GameState.WIN
    assert Xj01.baselines(0) == [math.ceil(1.5 * len(plan)) for plan in Xj01(seed=0).solutions]


def test_click_targets_are_the_other_stamps_and_the_cells_a_press_changes() -> None:
    game = on_level(Xj01, 0, 1)[0]
    puzzle = game.puzzles[1]
    assert game.click_targets(puzzle, game.state) == [_slot(game, j) for j in range(len(puzzle.shapes))]
    act(game, 6, *_slot(game, 0))
    act(game, 6, *_cell(game, puzzle.side * 2 + 2))
    targets = game.click_targets(puzzle, game.state)
    cells = [i for i in range(puzzle.side**2) if _cell(game, i) in targets]
    assert cells and puzzle.side * 2 + 2 not in cells
    for i in range(puzzle.side**2):
        changes = game.transition(puzzle, game.state, 6, _cell(game, i))[0] != game.state[0]
        assert changes == (i in cells)


def test_clicks_off_the_canvas_and_tray_change_nothing() -> None:
    game = on_level(Xj01, 0, 4)[0]
    puzzle = game.puzzles[4]
    act(game, 6, *_slot(game, 0))
    before = game.state
    for x, y in ((0, 63), (1, 10), (63, 30), (2, 50), (45, 2), (60, 62)):
        result = act(game, 6, x, y)
        assert game.state == before and game.level_index == 4 and result.state is GameState.NOT_FINISHED
    for index in range(puzzle.side**2):  # the one-pixel gaps between cells are not cells
        x, y = game.cell_corner(puzzle, index)
        assert game.transition(puzzle, before, 6, (x + puzzle.cell, y)) == before
        assert game.transition(puzzle, before, 6, (x, y + puzzle.cell)) == before
    for action in (1, 2, 3, 4, 5):
        assert game.transition(puzzle, before, action, None) == before


def test_a_spent_budget_is_game_over_and_reset_restores_the_level() -> None:
    game = on_level(Xj01, 0, 2)[0]
    act(game, 6, *_slot(game, 0))
    act(game, 6, *_cell(game, 8))
    states = []
    for _ in range(game.budgets[2]):
        result = act(game, 6, 0, 63)
        states.append(result.state)
        if result.state is not GameState.NOT_FINISHED:
            break
    assert states[-1] is GameState.GAME_OVER and GameState.GAME_OVER not in states[:-1]
    assert len(states) == game.budgets[2] - 2
    result = act(game, 0)
    assert result.state is GameState.NOT_FINISHED and result.levels_completed == 2
    assert game.state == game.initial_state(game.puzzles[2]) and game.budget_left == game.budgets[2]
    assert play_plan(game, game.solutions[2]).levels_completed == 3
