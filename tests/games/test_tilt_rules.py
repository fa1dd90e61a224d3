"""Tilt (held-out `hg01`, a tilting tray): a key slides every loose block (marbles, crates) that way until a wall, the
rim or another block stops it, with up to two in-between frames; a marble counts only where it comes to rest, and the
level ends when every marble rests on the ring of its colour; from level 4 a marble rolling over or onto a pit is
GAME_OVER (crates roll over pits); from level 5 the crates do not move; a spent budget is GAME_OVER. The checks read
the frames, not only the game's state."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
from arcengine import GameState

from arc_client.games.heldout.stage import BLACK, GREEN, MOVES, YELLOW, solve
from arc_client.games.heldout.tilt import (
    CELL,
    LEVELS,
    Hg01,
    TiltPuzzle,
    Tray,
    crate_pixels,
    hole_pixels,
    marble_pixels,
    pit_pixels,
    slides,
    tilted,
    wall_pixels,
)
from arc_client.games.play import act, play_plan

SEEDS = range(4)
BAR_COLUMNS = slice(62, 64)  # the timer bar down the right side
Cell = tuple[int, int]


def _frame(result, index: int = -1) -> np.ndarray:  # noqa: ANN001
    return np.asarray(result.frame[index], dtype=np.int16)


def _on_level(seed: int, level: int, steps: int = 0) -> Hg01:
    """A game on `level`, `steps` actions into its shortest plan."""
    game = Hg01(seed=seed)
    act(game, 0)
    for plan in game.solutions[:level]:
        play_plan(game, plan)
    for step in game.solutions[level][:steps]:
        act(game, *step)
    assert game.level_index == level
    return game


def _cells(puzzle: TiltPuzzle) -> list[Cell]:
    return [(c, r) for r in range(puzzle.rows) for c in range(puzzle.cols)]


def _shows(frame: np.ndarray, game: Hg01, puzzle: TiltPuzzle, cell: Cell, pixels: np.ndarray) -> bool:
    """The sprite's opaque pixels are drawn on the cell."""
    x, y = game.corner(puzzle, cell)
    mask = pixels >= 0
    return bool((frame[y : y + CELL, x : x + CELL][mask] == pixels[mask]).all())


def _read(frame: np.ndarray, game: Hg01, puzzle: TiltPuzzle) -> tuple[tuple[Cell | None, ...], tuple[Cell, ...]]:
    """The loose blocks as drawn: each marble's cell (None where it is nowhere: fallen) and the crates' cells."""
    marbles = []
    for index in range(len(puzzle.marbles)):
        found = [cell for cell in _cells(puzzle) if _shows(frame, game, puzzle, cell, marble_pixels(index))]
        assert len(found) <= 1
        marbles.append(found[0] if found else None)
    crates = [cell for cell in _cells(puzzle) if _shows(frame, game, puzzle, cell, crate_pixels())]
    return tuple(marbles), tuple(sorted(crates))


def _expected(puzzle: TiltPuzzle, tray: Tray) -> tuple[tuple[Cell | None, ...], tuple[Cell, ...]]:
    """What a frame should show of `tray`: a marble in a pit is gone."""
    return tuple(None if m in puzzle.pits else m for m in tray.marbles), tuple(sorted(tray.crates))


def _blocked(puzzle: TiltPuzzle, tray: Tray, cell: Cell, move: tuple[int, int]) -> bool:
    """The next cell along `move` is off the tray, a wall, or holds a block (a fallen marble holds nothing)."""
    nxt = (cell[0] + move[0], cell[1] + move[1])
    standing = {m for m in tray.marbles if m not in puzzle.pits} | set(tray.crates)
    return not (0 <= nxt[0] < puzzle.cols and 0 <= nxt[1] < puzzle.rows) or nxt in puzzle.walls or nxt in standing


def _trays(game: Hg01, level: int) -> list[Tray]:
    """The trays along the level's shortest plan, its start included, the solved one left out."""
    puzzle, out = game.puzzles[level], [game.initial_state(game.puzzles[level])]
    for action, _, _ in game.solutions[level][:-1]:
        out.append(tilted(puzzle, out[-1], action))
    return out


def _run(start: Cell, end: Cell) -> int:
    return abs(end[0] - start[0]) + abs(end[1] - start[1])


def test_the_levels_trays_blocks_and_rules_are_as_designed() -> None:
    assert [(c, r) for c, r, *_ in LEVELS] == [(6, 5), (7, 5), (7, 6), (8, 6), (8, 7), (9, 7)]
    # marbles, crates, pits, heavy crates
    assert [spec[5:9] for spec in LEVELS] == [(1, 0, 0, False), (1, 1, 0, False), (2, 1, 0, False), (2, 2, 3, False),
                                              (2, 3, 3, True), (2, 3, 4, True)]
    assert [spec[9] for spec in LEVELS] == [(2, 3), (3, 5), (4, 6), (5, 7), (5, 8), (6, 9)]
    assert len({spec[2] for spec in LEVELS}) == 6  # every tray stands somewhere else
    assert Hg01.AVAILABLE == [1, 2, 3, 4] and Hg01.BAR == "right" and Hg01.TAGS == ["heldout", "keyboard"]
    for index in range(2):  # marbles: round (transparent corners), three colours each, told apart
        pixels = marble_pixels(index)
        assert len(np.unique(pixels[pixels >= 0])) == 3 and (pixels[[0, 0, -1, -1], [0, -1, 0, -1]] < 0).all()
    assert not (marble_pixels(0) == marble_pixels(1)).all()
    for seed in SEEDS:
        game = Hg01(seed=seed)
        frame = _frame(act(game, 0))
        assert len({p.walls for p in game.puzzles}) == 6
        for level, puzzle in enumerate(game.puzzles):
            cols, rows, origin, _, _, marbles, crates, pits, heavy, _ = LEVELS[level]
            assert (puzzle.cols, puzzle.rows, puzzle.origin, puzzle.heavy) == (cols, rows, origin, heavy)
            assert (len(puzzle.marbles), len(puzzle.holes), len(puzzle.crates), len(puzzle.pits)) == (
                marbles, marbles, crates, pits)
            x, y = origin
            assert x >= 2 and y >= 2 and x + cols * CELL + 2 <= 62 and y + rows * CELL + 2 <= 64  # clear of the bar
            starts = [*puzzle.marbles, *puzzle.crates]
            things = [*starts, *puzzle.holes, *puzzle.pits, *puzzle.walls]
            assert len(set(things)) == len(things) and len(puzzle.walls) >= 3
            floor = game.background(puzzle)
            assert all(_shows(floor, game, puzzle, cell, wall_pixels()) for cell in puzzle.walls)
            assert all(_shows(floor, game, puzzle, cell, pit_pixels()) for cell in puzzle.pits)
            assert all(_shows(floor, game, puzzle, cell, hole_pixels(i)) for i, cell in enumerate(puzzle.holes))
            for cell in _cells(puzzle):  # the felt is textured: green with yellow specks
                if cell not in puzzle.walls | puzzle.pits | set(puzzle.holes):
                    cx, cy = game.corner(puzzle, cell)
                    assert set(np.unique(floor[cy : cy + CELL, cx : cx + CELL])) <= {GREEN, YELLOW}
            felt = floor[y : y + rows * CELL, x : x + cols * CELL]
            assert 0.03 < np.count_nonzero(felt == YELLOW) / np.count_nonzero((felt == YELLOW) | (felt == GREEN)) < 0.3
        assert _read(frame, game, game.puzzles[0]) == _expected(game.puzzles[0], game.initial_state(game.puzzles[0]))


def test_a_tilt_slides_every_loose_block_until_something_stops_it() -> None:
    moved = 0
    for seed in SEEDS:
        for level in range(6):
            trays = _trays(Hg01(seed=seed), level)
            for steps, before in enumerate(trays[:3]):
                for action, move in MOVES.items():
                    game = _on_level(seed, level, steps)
                    puzzle = game.puzzles[level]
                    assert game.state == before
                    result = act(game, action)
                    after = tilted(puzzle, before, action)
                    solved = game.level_index != level  # then the next level's first frame comes last
                    assert solved == (after.marbles == puzzle.holes)
                    assert _read(_frame(result, -1 - solved), game, puzzle) == _expected(puzzle, after)
                    count = len(before.marbles)
                    for index, (start, end) in enumerate(slides(puzzle, before, action)):
                        distance = (end[0] - start[0]) * move[0] + (end[1] - start[1]) * move[1]
                        assert distance >= 0 and end == (start[0] + move[0] * distance, start[1] + move[1] * distance)
                        passed = [(start[0] + move[0] * k, start[1] + move[1] * k) for k in range(1, distance + 1)]
                        assert not set(passed) & puzzle.walls
                        if index < count and end in puzzle.pits:  # fell in the first pit on its way
                            assert [c for c in passed if c in puzzle.pits] == [end]
                            continue
                        if index < count:
                            assert not set(passed) & puzzle.pits
                        if index >= count and puzzle.heavy:
                            assert distance == 0
                            continue
                        assert _blocked(puzzle, after, end, move), (seed, level, action, start, end)
                        moved += distance > 0
    assert moved >= 250


def test_blocks_stack_against_each_other() -> None:
    # a marble and two crates in a row, tilted right then left: they pile up against the rim, in order
    puzzle = TiltPuzzle(6, 3, (10, 10), frozenset({(0, 0)}), frozenset(), False, ((3, 2),), ((0, 1),),
                        ((2, 1), (4, 1)))
    assert tilted(puzzle, Tray(((0, 1),), ((2, 1), (4, 1))), 4) == Tray(((3, 1),), ((4, 1), (5, 1)))
    assert tilted(puzzle, Tray(((5, 1),), ((2, 1), (4, 1))), 3) == Tray(((2, 1),), ((0, 1), (1, 1)))
    assert tilted(puzzle, Tray(((1, 2),), ((1, 1),)), 1) == Tray(((1, 1),), ((1, 0),))  # under the rim, up
    assert tilted(puzzle, Tray(((0, 2),), ((3, 2),)), 1) == Tray(((0, 1),), ((3, 0),))  # under a wall
    # heavy crates stop a marble as a wall does
    heavy = replace(puzzle, heavy=True)
    assert tilted(heavy, Tray(((0, 1),), ((2, 1), (4, 1))), 4) == Tray(((1, 1),), ((2, 1), (4, 1)))
    # through the game: a block comes to rest against another one that moved in the same tilt
    stacked = 0
    for seed in SEEDS:
        game = Hg01(seed=seed)
        act(game, 0)
        for level, plan in enumerate(game.solutions):
            puzzle = game.puzzles[level]
            for action, _, _ in plan[:-1]:
                before = game.state
                result = act(game, action)
                pairs = slides(puzzle, before, action)
                starts = {end: start for start, end in pairs}
                move = MOVES[action]
                for start, end in pairs:
                    front = (end[0] + move[0], end[1] + move[1])
                    if end != start and front in starts and starts[front] != front and front not in puzzle.pits:
                        drawn = _read(_frame(result), game, puzzle)
                        assert drawn == _expected(puzzle, game.state)
                        assert end in {*drawn[0], *drawn[1]} and front in {*drawn[0], *drawn[1]}
                        stacked += 1
            play_plan(game, plan[-1:])
    assert stacked >= 12


def test_the_tilt_is_shown_with_up_to_two_in_between_frames() -> None:
    seen = 0
    for seed in SEEDS:
        game = Hg01(seed=seed)
        act(game, 0)
        for level, plan in enumerate(game.solutions):
            puzzle = game.puzzles[level]
            for number, (action, _, _) in enumerate(plan):
                before, move = game.state, MOVES[action]
                pairs = slides(puzzle, before, action)
                longest = max(_run(s, e) for s, e in pairs)
                result = act(game, action)
                tweens = min(2, longest - 1)
                # the last tilt of a level (not the game's) also answers with the next level's first frame
                last = number == len(plan) - 1 and level < 5
                assert len(result.frame) == tweens + 1 + last
                for index in range(tweens):  # each block part way along (a short slide may have ended)
                    step = math.ceil(longest * (index + 1) / 3)
                    want = [(s[0] + move[0] * min(step, _run(s, e)), s[1] + move[1] * min(step, _run(s, e)))
                            for s, e in pairs]
                    count = len(before.marbles)
                    drawn = _read(_frame(result, index), game, puzzle)
                    assert drawn == _expected(puzzle, Tray(tuple(want[:count]), tuple(want[count:])))
                    assert drawn != _expected(puzzle, before)
                    seen += 1
                final = _read(_frame(result, tweens), game, puzzle)
                assert final == _expected(puzzle, tilted(puzzle, before, action))
    assert seen >= 100


def test_a_marble_counts_only_where_it_comes_to_rest() -> None:
    rolled_over = 0
    for seed in range(8):
        for level in range(6):
            base = Hg01(seed=seed)
            puzzle = base.puzzles[level]
            for steps, tray in enumerate(_trays(base, level)):
                for action, move in MOVES.items():
                    if base.is_lost(puzzle, tilted(puzzle, tray, action)):
                        continue
                    marbles = slides(puzzle, tray, action)[: len(tray.marbles)]
                    for index, (start, end) in enumerate(marbles):
                        hole = puzzle.holes[index]
                        if hole not in [(start[0] + move[0] * k, start[1] + move[1] * k) for k in range(1, _run(start, end))]:
                            continue
                        game = _on_level(seed, level, steps)
                        result = act(game, action)
                        assert game.level_index == level and result.state is GameState.NOT_FINISHED
                        assert _read(_frame(result), game, puzzle)[0][index] == end != hole
                        rolled_over += 1
    assert rolled_over >= 6


def test_every_level_is_won_by_its_stage_plan_within_its_span() -> None:
    for seed in SEEDS:
        game = Hg01(seed=seed)
        act(game, 0)
        for level, (puzzle, plan) in enumerate(zip(game.puzzles, game.solutions, strict=True)):
            low, high = LEVELS[level][-1]
            assert low <= len(plan) <= high and len(plan) < game.budgets[level], (seed, level)
            assert all(action in MOVES and x is None and y is None for action, x, y in plan)
            if len(plan) > 1:
                assert _read(_frame(play_plan(game, plan[:-1])), game, puzzle)[0] != puzzle.holes
            before = game.state
            result = act(game, *plan[-1])
            tweens = min(2, max(_run(s, e) for s, e in slides(puzzle, before, plan[-1][0])) - 1)
            # the solved tray: every marble drawn on its ring, then the next level
            assert _read(_frame(result, tweens), game, puzzle)[0] == puzzle.holes
            assert game.level_index == level + 1 or result.state is GameState.WIN, (seed, level)
        assert result.state is GameState.WIN
        assert Hg01.baselines(seed) == [math.ceil(1.5 * len(plan)) for plan in game.solutions]
        assert all(budget == max(3 * len(plan), len(plan) + 12)
                   for budget, plan in zip(game.budgets, game.solutions, strict=True))


def test_from_level_4_a_marble_rolling_into_a_pit_is_game_over() -> None:
    for seed in SEEDS:
        game = Hg01(seed=seed)
        assert all(not p.pits for p in game.puzzles[:3]) and all(p.pits for p in game.puzzles[3:])
    falls = 0
    for seed in SEEDS:
        for level in (3, 4, 5):
            base = Hg01(seed=seed)
            puzzle = base.puzzles[level]
            for steps, tray in enumerate(_trays(base, level)):
                for action in MOVES:
                    after = tilted(puzzle, tray, action)
                    fallen = [i for i, m in enumerate(after.marbles) if m in puzzle.pits]
                    if not fallen:
                        continue
                    game = _on_level(seed, level, steps)
                    result = act(game, action)
                    assert result.state is GameState.GAME_OVER and game.level_index == level
                    drawn = _read(_frame(result), game, puzzle)
                    assert [i for i, m in enumerate(drawn[0]) if m is None] == fallen
                    assert act(game, action).state is GameState.GAME_OVER  # nothing moves until RESET
                    result = act(game, 0)
                    assert result.state is GameState.NOT_FINISHED and game.level_index == level
                    assert game.state == game.initial_state(puzzle)
                    falls += 1
    assert falls >= 20
    # a marble rolling over a pit falls in; a crate rolls over it
    row = TiltPuzzle(6, 1, (10, 10), frozenset(), frozenset({(2, 0)}), False, ((5, 0),), ((0, 0),), ((1, 0),))
    assert tilted(row, Tray(((3, 0),), ((1, 0),)), 3) == Tray(((2, 0),), ((0, 0),))
    assert tilted(row, Tray(((0, 0),), ((1, 0),)), 4) == Tray(((2, 0),), ((5, 0),))
    assert tilted(row, Tray(((4, 0),), ((0, 0),)), 4) == Tray(((5, 0),), ((4, 0),))


def test_from_level_5_crates_no_longer_move() -> None:
    heavy_checked = 0
    for seed in SEEDS:
        game = Hg01(seed=seed)
        act(game, 0)
        for level, plan in enumerate(game.solutions):
            puzzle = game.puzzles[level]
            trays = [*_trays(game, level), tilted(puzzle, _trays(game, level)[-1], plan[-1][0])]
            drawn = [_read(_frame(act(game, action)), game, puzzle)[1] for action, _, _ in plan[:-1]]
            assert drawn == [tuple(sorted(t.crates)) for t in trays[1:-1]]
            play_plan(game, plan[-1:])
            if level in (1, 2, 3):  # crates slide, and do on the shortest plan
                assert len({t.crates for t in trays}) > 1, (seed, level)
            if level in (4, 5):  # heavy: every crate where it started, whatever the tilt
                assert {t.crates for t in trays} == {puzzle.crates}
                for tray in trays[:-1]:
                    assert all(tilted(puzzle, tray, action).crates == tray.crates for action in MOVES)
                # the shortest plan that assumes sliding crates does not win under the new rule
                sliding = solve(game, replace(puzzle, heavy=False))
                if sliding is not None:
                    trial = _on_level(seed, level)
                    for step in sliding:
                        result = act(trial, *step)
                        if result.state is not GameState.NOT_FINISHED:
                            break
                    assert trial.level_index == level and result.state is not GameState.WIN
                heavy_checked += 1
    assert heavy_checked == 8


def test_a_spent_budget_is_game_over_and_the_bar_runs_down() -> None:
    for seed, level in ((0, 3), (1, 4), (2, 5)):
        game = _on_level(seed, level)
        puzzle = game.puzzles[level]
        # a tilt that drops no marble; repeated, it moves nothing more
        idle = next(a for a in MOVES if not game.is_lost(puzzle, tilted(puzzle, game.state, a)))
        states, bars = [], []
        for _ in range(game.budgets[level]):
            result = act(game, idle)
            states.append(result.state)
            bar = _frame(result)[:, BAR_COLUMNS]
            assert set(np.unique(bar)) <= {YELLOW, BLACK}
            bars.append(np.count_nonzero(bar == YELLOW))
        assert states[-1] is GameState.GAME_OVER and GameState.GAME_OVER not in states[:-1]
        assert bars == sorted(bars, reverse=True) and bars[-1] == 0 < bars[0] and len(set(bars)) == len(bars)
        result = act(game, 0)
        assert result.state is GameState.NOT_FINISHED and game.level_index == level
        assert game.state == game.initial_state(puzzle)
        assert play_plan(game, game.solutions[level]).levels_completed == level + 1
