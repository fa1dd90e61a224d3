"""Mirror (sealed `xd01`): a click changes the cell and its mirror image across the line (two cells), from level 6 on
its images across both lines (four cells); cells toggle grey/paint on levels 1-2 and cycle grey -> A -> B -> grey
from level 3 on; the line runs down the middle before level 5, across it on level 5, and both ways from level 6; the
level is won exactly when the canvas equals the legend, which shows the target; every level of seeds 0-5 is won by
its plan through the engine within its budget; a spent budget is GAME_OVER and RESET restores the level."""

import math
import random

import numpy as np
from arcengine import GameState
from stage_testkit import frame_of, on_level

from arc_client.games.heldout.stage import BLACK, GRAY, WHITE, YELLOW, solve
from arc_client.games.play import act, play_plan
from arc_client.games.sealed import SEALED
from arc_client.games.sealed.mirror import (
    LEGEND_CELL,
    LEGEND_X,
    LEGEND_Y,
    LEVELS,
    MirrorPuzzle,
    Xd01,
    shortest,
)

SEEDS = range(6)


def _images(puzzle: MirrorPuzzle, index: int, level: int) -> set[int]:
    """The cells a click on `index` must change, worked out from the level number alone."""
    n = puzzle.side
    col, row = index % n, index // n
    if level < 4:  # levels 1-4: the line runs down the middle
        return {row * n + col, row * n + n - 1 - col}
    if level == 4:  # level 5: the line runs across
        return {row * n + col, (n - 1 - row) * n + col}
    return {r * n + c for r in (row, n - 1 - row) for c in (col, n - 1 - col)}


def _colour(puzzle: MirrorPuzzle, value: int) -> int:
    return GRAY if value == 0 else puzzle.paints[value - 1]


def _shown(game: Xd01, frame: np.ndarray) -> list[int]:
    """Each canvas cell's colour as drawn (its top-left pixel)."""
    puzzle = game.puzzles[game.level_index]
    return [int(frame[y, x]) for x, y in (game.cell_corner(puzzle, i) for i in range(puzzle.side**2))]


def _legend(puzzle: MirrorPuzzle, frame: np.ndarray) -> list[int]:
    """Each cell's colour in the legend panel, read from the frame."""
    n, half, out = puzzle.side, puzzle.side // 2, []
    for index in range(n * n):
        col, row = index % n, index // n
        x = LEGEND_X + 1 + col * LEGEND_CELL + (puzzle.vertical and col >= half)
        y = LEGEND_Y + 1 + row * LEGEND_CELL + (puzzle.horizontal and row >= half)
        patch = frame[y : y + LEGEND_CELL, x : x + LEGEND_CELL]
        assert (patch == patch[0, 0]).all()
        out.append(int(patch[0, 0]))
    return out


def _symmetric(puzzle: MirrorPuzzle, canvas: tuple[int, ...], level: int) -> bool:
    return all(canvas[j] == canvas[i] for i in range(puzzle.side**2) for j in _images(puzzle, i, level))


def test_the_levels_are_as_designed() -> None:
    assert Xd01 in SEALED and Xd01.NAME == "xd01" and Xd01.AVAILABLE == [6] and Xd01.TAGS == ["sealed", "click"]
    for seed in SEEDS:
        game = Xd01(seed=seed)
        assert len(game.puzzles) == len(LEVELS) >= 6
        assert [p.side for p in game.puzzles] == [6, 6, 6, 8, 8, 8, 8]
        assert [len(p.paints) for p in game.puzzles] == [1, 1] + [2] * (len(LEVELS) - 2)
        assert [(p.vertical, p.horizontal) for p in game.puzzles] == [(True, False)] * 4 + [(False, True)] + [
            (True, True)] * (len(LEVELS) - 5)
        assert not any(game.puzzles[0].start) and not any(game.puzzles[2].start) and any(game.puzzles[1].start)
        for level, puzzle in enumerate(game.puzzles):
            assert puzzle.start != puzzle.target and any(puzzle.target)
            assert _symmetric(puzzle, puzzle.start, level) and _symmetric(puzzle, puzzle.target, level)
            assert len(set(puzzle.paints)) == len(puzzle.paints)
            assert not {GRAY, YELLOW, WHITE, BLACK} & set(puzzle.paints)
    assert Xd01(seed=1).puzzles != Xd01(seed=0).puzzles  # seeded


def test_a_click_changes_the_cell_and_its_mirror_images() -> None:
    counts = {2: 0, 4: 0}
    for seed in SEEDS:
        game = Xd01(seed=seed)
        for level, puzzle in enumerate(game.puzzles):
            state = game.initial_state(puzzle)
            for index in range(puzzle.side**2):
                after = game.transition(puzzle, state, 6, game.cell_centre(puzzle, index))
                changed = {i for i in range(puzzle.side**2) if after[i] != state[i]}
                assert changed == _images(puzzle, index, level), (seed, level, index)
                assert len(changed) == (2 if level < 5 else 4)
                counts[len(changed)] += 1
    assert counts[2] and counts[4]
    # through the engine: the drawn canvas changes in exactly those cells
    for seed in SEEDS:
        for level in (0, 3, 4, 5, 6):
            game = on_level(Xd01, seed, level)[0]
            puzzle = game.puzzles[level]
            rng = random.Random(seed * 10 + level)
            first = _shown(game, frame_of(act(game, 6, 0, 63)))  # a click off the canvas: only the timer moves
            for index in rng.sample(range(puzzle.side**2), 6):
                before = game.state
                result = act(game, 6, *game.cell_centre(puzzle, index))
                if game.level_index != level:
                    break
                shown = _shown(game, frame_of(result))
                changed = {i for i in range(puzzle.side**2) if shown[i] != first[i]}
                assert changed == _images(puzzle, index, level) and shown == [_colour(puzzle, v) for v in game.state]
                assert before != game.state
                first = shown


def test_cells_toggle_on_levels_1_2_and_cycle_through_two_colours_from_level_3() -> None:
    for seed in SEEDS:
        for level in range(len(LEVELS)):
            game = on_level(Xd01, seed, level)[0]
            puzzle = game.puzzles[level]
            cycle = 2 if level < 2 else 3
            index = next(i for i in range(puzzle.side**2) if game.state[i] == 0)
            point = game.cell_centre(puzzle, index)
            seen = []
            for _ in range(cycle):
                result = act(game, 6, *point)
                if game.level_index != level:
                    break
                seen.append(_shown(game, frame_of(result))[index])
            else:
                assert seen == [*puzzle.paints, GRAY], (seed, level)
                assert game.state[index] == 0
            # the pure rule, from every colour
            state = game.initial_state(puzzle)
            for value in range(cycle):
                cell = next((i for i in range(puzzle.side**2) if state[i] == value), None)
                if cell is not None:
                    after = game.transition(puzzle, state, 6, game.cell_centre(puzzle, cell))
                    assert after[cell] == (value + 1) % cycle


def test_the_mirror_line_runs_down_then_across_then_both_ways() -> None:
    for seed in (0, 3):
        game = Xd01(seed=seed)
        frame = frame_of(act(game, 0))
        for level, plan in enumerate(game.solutions):
            puzzle = game.puzzles[level]
            ox, oy = puzzle.origin
            width, height = puzzle.span
            box = frame[oy - 2 : oy + height + 2, ox - 2 : ox + width + 2]
            ys, xs = np.nonzero(box == YELLOW)
            columns = {int(x) for x, y in zip(xs, ys, strict=True) if (box[:, x] == YELLOW).all()}
            rows = {int(y) for x, y in zip(xs, ys, strict=True) if (box[y, :] == YELLOW).all()}
            down, across = level != 4, level >= 4
            assert (len(columns), len(rows)) == (int(down), int(across)), (seed, level)
            assert set(zip(xs.tolist(), ys.tolist(), strict=True)) == {
                (x, y) for y in range(box.shape[0]) for x in range(box.shape[1]) if x in columns or y in rows}
            half = puzzle.side // 2
            if down:  # the line lies between the two middle columns of cells
                x = ox - 2 + columns.pop()
                assert game.cell_corner(puzzle, half - 1)[0] + puzzle.cell < x < game.cell_corner(puzzle, half)[0]
            if across:
                y = oy - 2 + rows.pop()
                top, bottom = game.cell_corner(puzzle, (half - 1) * puzzle.side), game.cell_corner(puzzle, half * puzzle.side)
                assert top[1] + puzzle.cell < y < bottom[1]
            # the legend draws the same lines
            legend = frame[LEGEND_Y : LEGEND_Y + 2 * puzzle.side + 3, LEGEND_X : LEGEND_X + 2 * puzzle.side + 3]
            assert (legend[1 : 1 + 2 * puzzle.side + across, 1 + 2 * half] == YELLOW).all() == down
            assert (legend[1 + 2 * half, 1 : 1 + 2 * puzzle.side + down] == YELLOW).all() == across
            if level + 1 < len(game.solutions):
                frame = frame_of(play_plan(game, plan))


def test_the_level_is_won_exactly_when_the_canvas_equals_the_legend() -> None:
    for seed in SEEDS:
        game = Xd01(seed=seed)
        frame = frame_of(act(game, 0))
        for level, plan in enumerate(game.solutions):
            puzzle = game.puzzles[level]
            assert _legend(puzzle, frame) == [_colour(puzzle, v) for v in puzzle.target]
            # played backwards (clicks commute), every step but the last leaves the level on
            for step, (action, x, y) in enumerate(plan[::-1]):
                result = act(game, action, x, y)
                if step < len(plan) - 1:
                    assert game.level_index == level and game.state != puzzle.target
                    assert _legend(puzzle, frame_of(result)) != _shown(game, frame_of(result))
            assert result.levels_completed == level + 1
            frame = frame_of(result)
            # the rule itself: solved iff the canvas is the target
            rng = random.Random(seed)
            for _ in range(50):
                state = puzzle.target
                for _ in range(rng.randint(0, 3)):
                    state = game.transition(puzzle, state, 6, game.cell_centre(puzzle, rng.randrange(puzzle.side**2)))
                assert game.is_solved(puzzle, state) == (state == puzzle.target)
        assert result.state is GameState.WIN


def test_every_level_is_won_by_its_plan_within_its_budget() -> None:
    lengths = []
    for seed in SEEDS:
        game = Xd01(seed=seed)
        act(game, 0)
        for level, (puzzle, plan) in enumerate(zip(game.puzzles, game.solutions, strict=True)):
            low, high = LEVELS[level][-1]
            assert low <= len(plan) <= high and len(plan) == shortest(puzzle) and 2 <= len(plan) <= 16
            assert len(plan) < game.budgets[level]
            if level < 2:  # small enough for the stage's BFS: the known plan is a shortest one
                searched = solve(game, puzzle)
                assert searched is not None and len(searched) == len(plan)
            # no strict prefix of the plan wins
            state = puzzle.start
            for _, x, y in plan[:-1]:
                state = game.transition(puzzle, state, 6, (x, y))
                assert not game.is_solved(puzzle, state)
            result = play_plan(game, plan)
            assert result.levels_completed == level + 1, (seed, level)
            lengths.append(len(plan))
        assert result.state is GameState.WIN
        assert Xd01.baselines(seed) == [math.ceil(1.5 * len(plan)) for plan in game.solutions]
    assert len(set(lengths)) >= 6


def test_clicks_off_the_cells_change_nothing() -> None:
    for level in (0, 4, 5):
        game = on_level(Xd01, 0, level)[0]
        puzzle = game.puzzles[level]
        before = game.state
        ox, oy = puzzle.origin
        width, height = puzzle.span
        misses = [(0, 63), (LEGEND_X + 3, LEGEND_Y + 3), (ox - 2, oy + 5), (ox + 5, oy - 1), (ox + width, oy + height)]
        misses += [(game.cell_corner(puzzle, 0)[0] + puzzle.cell, oy + 1)]  # a gap between cells
        if puzzle.vertical:
            misses.append((game.line_x(puzzle), oy + 1))
        if puzzle.horizontal:
            misses.append((ox + 1, game.line_y(puzzle)))
        for x, y in misses:
            result = act(game, 6, x, y)
            assert game.state == before and game.level_index == level and result.state is GameState.NOT_FINISHED
        for action in (1, 2, 3, 4, 5):
            assert game.transition(puzzle, before, action, None) == before


def test_a_spent_budget_is_game_over_and_reset_restores_the_level() -> None:
    game = on_level(Xd01, 0, 2)[0]
    puzzle = game.puzzles[2]
    same = next(i for i in range(puzzle.side**2) if puzzle.start[i] == puzzle.target[i])
    point = game.cell_centre(puzzle, same)  # cycling a cell the target leaves alone never wins
    results = [act(game, 6, *point) for _ in range(game.budgets[2])]
    states = [result.state for result in results]
    assert states[-1] is GameState.GAME_OVER and GameState.GAME_OVER not in states[:-1]
    bars = [np.count_nonzero(frame_of(result)[0:2] != BLACK) for result in results]
    assert bars == sorted(bars, reverse=True) and bars[0] > bars[-1] == 0
    result = act(game, 0)
    assert result.state is GameState.NOT_FINISHED and game.level_index == 2 and game.state == puzzle.start
    assert game.budget_left == game.budgets[2]
    assert play_plan(game, game.solutions[2]).levels_completed == 3
