"""Slide (held-out `ht01`, a sliding-tile puzzle): a click on a tile beside the empty slot slides it there (8 pixels,
one in-between frame at half way); a click anywhere else changes nothing but the timer bar; the legend shows the goal
as a 2x2-pixel square per slot in the tiles' face colours, the empty slot black; from level 5 on a click on any tile
in the empty slot's row or column slides the whole run between it and the slot; the level ends when the board
matches the legend, and a spent budget is GAME_OVER."""

from __future__ import annotations

import math

import numpy as np
from arcengine import GameState

from arc_client.games.heldout.slide import (
    EMPTY,
    LEGEND_CELL,
    LEVELS,
    TILE,
    Ht01,
    SlidePuzzle,
    slid,
    tile_pixels,
)
from arc_client.games.heldout.stage import BLACK, GRAY, LIGHT_GRAY, OFF_BLACK, OFF_WHITE
from arc_client.games.play import act, play_plan

SEEDS = range(4)
BAR_ROWS = slice(62, 64)  # the timer bar along the bottom
FLOOR = {BLACK, OFF_BLACK}  # the tray's checker, seen in the empty slot


def _frame(result, index: int = -1) -> np.ndarray:  # noqa: ANN001
    return np.asarray(result.frame[index], dtype=np.uint8)


def _on_level(seed: int, level: int) -> Ht01:
    game = Ht01(seed=seed)
    act(game, 0)
    for plan in game.solutions[:level]:
        play_plan(game, plan)
    assert game.level_index == level
    return game


def _centre(game: Ht01, puzzle: SlidePuzzle, slot: int) -> tuple[int, int]:
    x, y = game.corner(puzzle, slot)
    return x + TILE // 2, y + TILE // 2


def _line(puzzle: SlidePuzzle, board: tuple[int, ...]) -> list[tuple[int, int]]:
    """(slot, distance to the empty slot) of every tile in the empty slot's row or column."""
    gap = board.index(EMPTY)
    (grow, gcol), width = divmod(gap, puzzle.width), puzzle.width
    return [(s, abs(s % width - gcol) + abs(s // width - grow)) for s in range(len(board))
            if s != gap and (s % width == gcol or s // width == grow)]


def _tiles(frame: np.ndarray, game: Ht01, puzzle: SlidePuzzle) -> tuple[int, ...]:
    """The board as drawn: each slot's face colour + 1 (a tile's whole sprite checked), EMPTY where the floor shows."""
    out = []
    for slot in range(puzzle.width * puzzle.height):
        x, y = game.corner(puzzle, slot)
        patch = frame[y : y + TILE, x : x + TILE]
        if set(np.unique(patch)) <= FLOOR:
            out.append(EMPTY)
            continue
        (colour,) = [c for c in puzzle.colours if (patch == tile_pixels(c)).all()]
        out.append(colour + 1)
    return tuple(out)


def _legend(frame: np.ndarray, puzzle: SlidePuzzle) -> tuple[int, ...]:
    """The legend as drawn: each slot's 2x2 square's colour + 1, EMPTY for black, inside an off-white frame."""
    x, y = puzzle.legend_at
    w, h = puzzle.width * LEGEND_CELL, puzzle.height * LEGEND_CELL
    box = frame[y : y + h + 2, x : x + w + 2]
    assert (box[[0, -1], :] == OFF_WHITE).all() and (box[:, [0, -1]] == OFF_WHITE).all()
    out = []
    for slot in range(puzzle.width * puzzle.height):
        row, col = divmod(slot, puzzle.width)
        top, left = 1 + row * LEGEND_CELL, 1 + col * LEGEND_CELL
        square = box[top : top + LEGEND_CELL, left : left + LEGEND_CELL]
        assert len(np.unique(square)) == 1
        out.append(EMPTY if square[0, 0] == BLACK else int(square[0, 0]) + 1)
    return tuple(out)


def _drawn(puzzle: SlidePuzzle, board: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(EMPTY if tile == EMPTY else puzzle.colours[tile - 1] + 1 for tile in board)


def test_the_levels_boards_colours_and_places_are_as_designed() -> None:
    assert [(w, h) for w, h, *_ in LEVELS] == [(2, 2), (3, 2), (3, 3), (3, 3), (3, 3), (4, 3)]
    assert [run for _, _, run, *_ in LEVELS] == [False] * 4 + [True] * 2
    assert len({board_at for *_, board_at, _ in LEVELS}) == len({legend_at for *_, legend_at in LEVELS}) == 6
    assert Ht01.AVAILABLE == [6] and Ht01.BAR == "bottom" and Ht01.TAGS == ["heldout", "click"]
    for seed in SEEDS:
        for puzzle in Ht01(seed=seed).puzzles:
            assert len(set(puzzle.colours)) == len(puzzle.colours) == puzzle.width * puzzle.height - 1
            assert not set(puzzle.colours) & {BLACK, OFF_BLACK, GRAY, LIGHT_GRAY, OFF_WHITE}
            assert sorted(puzzle.goal) == sorted(puzzle.start) == list(range(puzzle.width * puzzle.height))
            for colour in puzzle.colours:  # a face, a bevel and an accent of another colour
                assert len(np.unique(tile_pixels(colour))) == 4


def test_a_click_on_a_tile_beside_the_empty_slot_slides_it_there() -> None:
    checked = 0
    for seed in SEEDS:
        for level in range(6):
            game = _on_level(seed, level)
            puzzle = game.puzzles[level]
            for slot, _ in [(s, d) for s, d in _line(puzzle, game.state) if d == 1]:
                before = game.state
                gap = before.index(EMPTY)
                result = act(game, 6, *_centre(game, puzzle, slot))
                assert game.state == slid(puzzle.width, puzzle.height, False, before, slot) != before
                assert game.state[gap] == before[slot] and game.state[slot] == EMPTY
                tile = tile_pixels(puzzle.colours[before[slot] - 1])
                (gx, gy), (sx, sy) = game.corner(puzzle, gap), game.corner(puzzle, slot)
                last = _frame(result)
                assert (last[gy : gy + TILE, gx : gx + TILE] == tile).all()
                assert set(np.unique(last[sy : sy + TILE, sx : sx + TILE])) <= FLOOR
                assert _tiles(last, game, puzzle) == _drawn(puzzle, game.state)
                # one in-between frame: the tile half way between the slots
                assert len(result.frame) == 2
                mx, my = (gx + sx) // 2, (gy + sy) // 2
                assert (_frame(result, 0)[my : my + TILE, mx : mx + TILE] == tile).all()
                # a click on it again slides it back
                act(game, 6, *_centre(game, puzzle, gap))
                assert game.state == before and game.level_index == level
                checked += 1
    assert checked >= 40


def test_clicks_anywhere_else_change_nothing_but_the_bar() -> None:
    for seed in SEEDS:
        game = Ht01(seed=seed)
        for level, puzzle in enumerate(game.puzzles):
            board = puzzle.start
            moving = {s for s, d in _line(puzzle, board) if d == 1 or puzzle.run}
            for x in range(64):
                for y in range(64):
                    slot = game.slot_at(puzzle, (x, y))
                    after = game.transition(puzzle, board, 6, (x, y))
                    assert (after != board) == (slot in moving), (seed, level, x, y)
    game = Ht01(seed=0)
    act(game, 0)
    for plan in game.solutions[:3]:
        first = _frame(play_plan(game, plan))
    puzzle = game.puzzles[3]  # 3x3, one slide a click
    assert game.state == puzzle.start
    far = [s for s, d in _line(puzzle, game.state) if d > 1]
    off = [s for s in range(9) if game.state[s] != EMPTY and s not in dict(_line(puzzle, game.state))]
    gap = game.state.index(EMPTY)
    lx, ly = puzzle.legend_at
    spots = [_centre(game, puzzle, s) for s in far + off + [gap]]
    groove = (game.corner(puzzle, 0)[0] - 1, game.corner(puzzle, 0)[1] + 3)
    spots += [groove, (2, 2), (60, 30), (lx + 1, ly + 1), (0, 63)]
    bar = np.count_nonzero(first[BAR_ROWS] == OFF_WHITE)
    for x, y in spots:
        result = act(game, 6, x, y)
        frame = _frame(result)
        assert game.state == puzzle.start and game.level_index == 3 and result.state is GameState.NOT_FINISHED
        assert len(result.frame) == 1 and (frame[:62] == first[:62]).all()
        assert np.count_nonzero(frame[BAR_ROWS] == OFF_WHITE) <= bar
        bar = np.count_nonzero(frame[BAR_ROWS] == OFF_WHITE)
    assert bar < np.count_nonzero(first[BAR_ROWS] == OFF_WHITE)


def test_the_legend_shows_the_goal_and_the_last_click_makes_the_board_match_it() -> None:
    for seed in SEEDS:
        game = Ht01(seed=seed)
        frame = _frame(act(game, 0))
        for level, plan in enumerate(game.solutions):
            puzzle = game.puzzles[level]
            assert _legend(frame, puzzle) == _drawn(puzzle, puzzle.goal)
            assert _tiles(frame, game, puzzle) == _drawn(puzzle, puzzle.start) != _legend(frame, puzzle)
            before = _frame(play_plan(game, plan[:-1])) if len(plan) > 1 else frame
            drawn = _tiles(before, game, puzzle)
            assert drawn != _legend(before, puzzle)
            slot = game.slot_at(puzzle, plan[-1][1:])
            assert slot is not None
            assert slid(puzzle.width, puzzle.height, puzzle.run, drawn, slot) == _legend(before, puzzle)
            result = act(game, *plan[-1])
            assert game.level_index == level + 1 or result.state is GameState.WIN
            frame = _frame(result)


def test_from_level_5_a_click_on_the_run_slides_every_tile_between() -> None:
    # level 4 (3x3, one slide a click): a tile two slots from the empty one does not move
    game = _on_level(0, 3)
    puzzle = game.puzzles[3]
    if not any(d == 2 for _, d in _line(puzzle, game.state)):
        act(game, 6, *_centre(game, puzzle, next(s for s, d in _line(puzzle, game.state) if d == 1)))
    before = game.state
    act(game, 6, *_centre(game, puzzle, next(s for s, d in _line(puzzle, before) if d == 2)))
    assert game.state == before
    runs = 0
    for seed in SEEDS:
        for level in (4, 5):
            game = _on_level(seed, level)
            puzzle = game.puzzles[level]
            slot, far = max(_line(puzzle, game.state), key=lambda pair: pair[1])
            if far == 1:  # the empty slot in the middle of a 3x3 board: move it to an edge first
                act(game, 6, *_centre(game, puzzle, slot))
                slot, far = max(_line(puzzle, game.state), key=lambda pair: pair[1])
            before = game.state
            gap = before.index(EMPTY)
            result = act(game, 6, *_centre(game, puzzle, slot))
            assert game.level_index == level
            step = (slot - gap) // far
            assert game.state[slot] == EMPTY
            # every tile of the run one place toward the old empty slot
            assert [game.state[gap + i * step] for i in range(far)] == [before[gap + (i + 1) * step] for i in range(far)]
            assert sum(a != b for a, b in zip(before, game.state, strict=True)) == far + 1 >= 3
            assert _tiles(_frame(result), game, puzzle) == _drawn(puzzle, game.state)
            assert len(result.frame) == 2
            runs += far
    assert runs >= 2 * 8


def test_every_level_is_solved_by_its_stage_plan_within_its_span() -> None:
    for seed in SEEDS:
        game = Ht01(seed=seed)
        act(game, 0)
        for level, (puzzle, plan) in enumerate(zip(game.puzzles, game.solutions, strict=True)):
            width, height, run, (low, high), board_at, legend_at = LEVELS[level]
            assert (puzzle.width, puzzle.height, puzzle.run, puzzle.board_at, puzzle.legend_at) == (
                width, height, run, board_at, legend_at)
            assert low <= len(plan) == puzzle.shortest <= high and len(plan) < game.budgets[level]
            assert all(action == 6 and game.slot_at(puzzle, (x, y)) is not None for action, x, y in plan)
            result = play_plan(game, plan)
            assert game.level_index == level + 1 or result.state is GameState.WIN, (seed, level)
        assert result.state is GameState.WIN
        assert Ht01.baselines(seed) == [math.ceil(1.5 * len(plan)) for plan in game.solutions]


def test_a_spent_budget_is_game_over_and_reset_restores_the_level() -> None:
    game = _on_level(1, 4)
    puzzle = game.puzzles[4]
    act(game, 6, *_centre(game, puzzle, _line(puzzle, puzzle.start)[0][0]))
    assert game.state != puzzle.start
    states = [act(game, 6, 60, 58).state for _ in range(game.budgets[4] - 1)]
    assert states[-1] is GameState.GAME_OVER and GameState.GAME_OVER not in states[:-1]
    result = act(game, 0)
    assert result.state is GameState.NOT_FINISHED and game.level_index == 4 and game.state == puzzle.start
    assert play_plan(game, game.solutions[4]).levels_completed == 5
