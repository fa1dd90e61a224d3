"""Beam (held-out `hm01`, mirrors in a walled room): the emitter's beam runs straight from the rim, turns 90 degrees
at each mirror as its drawn diagonal says and stops at the rim, a block or the target; a click on a mirror flips it and
the beam is redrawn; a click anywhere else changes nothing but the timer bar; the level ends when the beam reaches the
target (lit in the winning click's frame) crossing every gem; from level 5 on a click on an orange mirror flips every
orange mirror; a spent budget is GAME_OVER. The beam is read off the frames by a walker of its own."""

from __future__ import annotations

import math

import numpy as np
from arcengine import GameState

from arc_client.games.heldout.beam import (
    BEAM,
    BLOCK,
    GEM,
    GEM_LIT,
    HEADINGS,
    LEVELS,
    LINKED,
    PITCH,
    PLATES,
    SIDE,
    TARGET,
    TARGET_LIT,
    BeamPuzzle,
    Hm01,
    fewest,
    first_cell,
    flipped,
    solved,
    trace,
)
from arc_client.games.heldout.stage import CLEAR, LIGHT_GRAY, WHITE
from arc_client.games.play import act, play_plan

SEEDS = range(4)
BAR_COLUMNS = slice(62, 64)  # the timer bar down the right edge
Cell = tuple[int, int]


def _frame(result, index: int = -1) -> np.ndarray:  # noqa: ANN001
    return np.asarray(result.frame[index], dtype=np.int16)


def _on_level(seed: int, level: int) -> tuple[Hm01, np.ndarray]:
    """A game on `level` and its first frame (a RESET before any click there would restart the whole game)."""
    game = Hm01(seed=seed)
    result = act(game, 0)
    for plan in game.solutions[:level]:
        result = play_plan(game, plan)
    assert game.level_index == level
    return game, _frame(result)


def _patch(frame: np.ndarray, game: Hm01, puzzle: BeamPuzzle, cell: Cell) -> np.ndarray:
    x, y = game.corner(puzzle, cell)
    return frame[y : y + SIDE, x : x + SIDE]


def _drawn_mirror(patch: np.ndarray) -> tuple[bool, int] | None:
    """("/" or not, plate colour) of a mirror as drawn: a white diagonal on a plate of one colour; None if not one."""
    for slash in (True, False):
        line = np.zeros((SIDE, SIDE), dtype=bool)
        for i in range(SIDE):
            line[SIDE - 1 - i if slash else i, i] = True
        plate = set(np.unique(patch[~line]))
        if (patch[line] == WHITE).all() and len(plate) == 1 and plate <= set(PLATES):
            return slash, int(next(iter(plate)))
    return None


def _same(patch: np.ndarray, art: np.ndarray) -> bool:
    """A patch shows a sprite: every opaque pixel of it."""
    return bool((patch[art != CLEAR] == art[art != CLEAR]).all())


def _walk(frame: np.ndarray, game: Hm01, puzzle: BeamPuzzle) -> tuple[list[Cell], str]:
    """The beam as drawn: from the emitter's nozzle, cell by cell along the yellow line, turning where a drawn mirror
    says ("/" sends east to north), until the rim, a block or the target; the cells crossed and how it ends."""
    heading = HEADINGS[puzzle.side]
    cell = first_cell(puzzle.width, puzzle.height, puzzle.side, puzzle.entry)
    x, y = game.centre(puzzle, cell)
    assert frame[y - 4 * heading[1], x - 4 * heading[0]] == BEAM  # the nozzle, on the rim
    cells: list[Cell] = []
    for _ in range(puzzle.width * puzzle.height * 4):
        x, y = game.centre(puzzle, cell)
        dx, dy = heading
        if not (0 <= cell[0] < puzzle.width and 0 <= cell[1] < puzzle.height):
            assert frame[y - 3 * dy, x - 3 * dx] == BEAM and frame[y - 2 * dy, x - 2 * dx] == LIGHT_GRAY
            return cells, "wall"
        assert frame[y - 3 * dy, x - 3 * dx] == BEAM  # the gap before the cell
        patch = _patch(frame, game, puzzle, cell)
        if (patch == BLOCK).all():
            return cells, "block"
        cells.append(cell)
        mirror = _drawn_mirror(patch)
        if _same(patch, TARGET) or _same(patch, TARGET_LIT):
            return cells, "target"
        if mirror is not None:
            heading = (-dy, -dx) if mirror[0] else (dy, dx)
        elif not (_same(patch[1:4, 1:4], GEM) or _same(patch[1:4, 1:4], GEM_LIT)):
            # an empty cell: the beam right across its middle
            assert all(frame[y + i * dy, x + i * dx] == BEAM for i in range(-2, 3)), (cell, heading)
        cell = (cell[0] + heading[0], cell[1] + heading[1])
    raise AssertionError("the beam runs on forever")


def _check_beam(frame: np.ndarray, game: Hm01, puzzle: BeamPuzzle, state: tuple[bool, ...]) -> tuple[list[Cell], str]:
    """The beam drawn in `frame` follows the drawn mirrors, is where the game's `trace` says, and nothing else in the
    room is yellow; the target is lit exactly when the beam ends in it, each gem exactly when the beam crosses it."""
    cells, end = _walk(frame, game, puzzle)
    path, traced_end = trace(puzzle, state)
    assert cells == [cell for cell, _ in path] and end == traced_end
    pixels = set(game.beam_pixels(puzzle, state))
    covered = set(puzzle.mirrors) | set(puzzle.gems) | {puzzle.target}
    for x, y in pixels:
        if game.cell_at(puzzle, (x, y)) not in covered:
            assert frame[y, x] == BEAM
    ox, oy = puzzle.origin
    ys, xs = np.nonzero(frame[oy : oy + puzzle.height * PITCH + 1, ox : ox + puzzle.width * PITCH + 1] == BEAM)
    for x, y in zip(xs + ox, ys + oy, strict=True):
        assert (int(x), int(y)) in pixels or game.cell_at(puzzle, (int(x), int(y))) == puzzle.target
    target = _patch(frame, game, puzzle, puzzle.target)
    assert _same(target, TARGET_LIT if end == "target" else TARGET)
    for gem in puzzle.gems:
        assert _same(_patch(frame, game, puzzle, gem)[1:4, 1:4], GEM_LIT if gem in cells else GEM)
    return cells, end


def _mirrors(frame: np.ndarray, game: Hm01, puzzle: BeamPuzzle) -> tuple[tuple[bool, int], ...]:
    out = []
    for cell in puzzle.mirrors:
        drawn = _drawn_mirror(_patch(frame, game, puzzle, cell))
        assert drawn is not None
        out.append(drawn)
    return tuple(out)


def test_the_levels_rooms_mirrors_and_places_are_as_designed() -> None:
    assert [(w, h) for w, h, *_ in LEVELS] == [(5, 4), (6, 5), (7, 6), (8, 7), (8, 8), (9, 8)]
    assert [spec[3] for spec in LEVELS] == [2, 4, 6, 8, 10, 12]  # mirrors: at most 2^12 states
    assert [spec[7] for spec in LEVELS] == [False] * 4 + [True] * 2
    sides = [spec[2] for spec in LEVELS]
    assert all(a != b for a, b in zip(sides, sides[1:], strict=False)) and len(set(sides)) == 4
    assert len({spec[9] for spec in LEVELS}) == 6
    assert Hm01.AVAILABLE == [6] and Hm01.BAR == "right" and Hm01.TAGS == ["heldout", "click"]
    for seed in SEEDS:
        for level, puzzle in enumerate(Hm01(seed=seed).puzzles):
            width, height, side, count, _, blocks, gems, linked, _, origin, _ = LEVELS[level]
            assert (puzzle.width, puzzle.height, puzzle.side, puzzle.linked, puzzle.origin) == (
                width, height, side, linked, origin)
            assert len(puzzle.mirrors) == count and len(puzzle.blocks) == blocks and len(puzzle.gems) == gems
            placed = [*puzzle.mirrors, *puzzle.blocks, *puzzle.gems, puzzle.target]
            assert len(set(placed)) == len(placed)
            assert all(0 <= c < width and 0 <= r < height for c, r in placed)
            assert set(puzzle.plates) == set(PLATES)  # both plate colours, on every level
            # the room and its rim stay clear of the frame's edges and of the bar
            x, y = origin
            assert x - 3 >= 0 and y - 3 >= 0 and x + width * PITCH + 3 < 62 and y + height * PITCH + 3 < 64


def test_the_beam_reflects_as_drawn_and_lights_what_it_reaches() -> None:
    walked = 0
    for seed in SEEDS:
        game = Hm01(seed=seed)
        result = act(game, 0)
        for level, plan in enumerate(game.solutions):
            puzzle = game.puzzles[level]
            for step in plan:
                frame = _frame(result)
                assert _mirrors(frame, game, puzzle) == tuple(zip(game.state, puzzle.plates, strict=True))
                cells, end = _check_beam(frame, game, puzzle, game.state)
                assert not (end == "target" and all(gem in cells for gem in puzzle.gems))
                walked += len(cells)
                state = game.transition(puzzle, game.state, *step[:1], step[1:])
                result = act(game, *step)
            # the winning click's first frame: the beam in the lit target, every gem lit; then the next level
            frame = _frame(result, 0)
            cells, end = _check_beam(frame, game, puzzle, state)
            assert end == "target" and all(gem in cells for gem in puzzle.gems)
            assert game.level_index == level + 1 or result.state is GameState.WIN
    assert walked >= 200


def test_a_click_on_a_mirror_flips_it_and_the_beam_follows() -> None:
    checked = changed = 0
    for seed in SEEDS:
        for level in range(6):
            game, first = _on_level(seed, level)
            puzzle = game.puzzles[level]
            for index, cell in enumerate(puzzle.mirrors):
                if puzzle.linked and puzzle.plates[index] == LINKED:
                    continue  # the linked rule: below
                before = game.state
                if solved(puzzle, flipped(puzzle, before, index)):
                    continue
                crossed = {c for c, _ in trace(puzzle, before)[0]}
                result = act(game, 6, *game.centre(puzzle, cell))
                last = _frame(result)
                assert len(result.frame) == 1 and game.level_index == level
                assert game.state == tuple(s != (i == index) for i, s in enumerate(before))
                drawn_before, drawn_after = _mirrors(first, game, puzzle), _mirrors(last, game, puzzle)
                assert [i for i in range(len(drawn_before)) if drawn_before[i] != drawn_after[i]] == [index]
                assert drawn_after[index] == (not drawn_before[index][0], drawn_before[index][1])
                _check_beam(last, game, puzzle, game.state)
                # the beam moves exactly when it crossed the flipped mirror
                beam_before, beam_after = first[:, :62] == BEAM, last[:, :62] == BEAM
                assert (beam_before != beam_after).any() == (cell in crossed)
                changed += cell in crossed
                # a second click flips it back
                last = _frame(act(game, 6, *game.centre(puzzle, cell)))
                assert game.state == before and (last[:, :62] == first[:, :62]).all()
                act(game, 0)  # RESET (after clicks: the level only) refills the budget
                checked += 1
    assert checked >= 100 and changed >= 16


def test_clicks_anywhere_else_change_nothing_but_the_bar() -> None:
    for seed in SEEDS:
        game = Hm01(seed=seed)
        for level, puzzle in enumerate(game.puzzles):
            for x in range(64):
                for y in range(64):
                    cell = game.cell_at(puzzle, (x, y))
                    after = game.transition(puzzle, puzzle.start, 6, (x, y))
                    assert (after != puzzle.start) == (cell in puzzle.mirrors), (seed, level, x, y)
    game, first = _on_level(0, 3)
    puzzle = game.puzzles[3]  # blocks, a gem, a target
    ox, oy = puzzle.origin
    block_cell = next(iter(puzzle.blocks))
    emitter = game.centre(puzzle, first_cell(puzzle.width, puzzle.height, puzzle.side, puzzle.entry))
    dx, dy = HEADINGS[puzzle.side]
    spots = [game.centre(puzzle, block_cell), game.centre(puzzle, puzzle.target), game.centre(puzzle, puzzle.gems[0]),
             (ox, oy), (ox + PITCH, oy + 3), (ox - 1, oy + 10), (ox - 2, oy + 10),  # gaps, the rim
             (emitter[0] - 5 * dx, emitter[1] - 5 * dy), (1, 1), (63, 30), (0, 63)]  # the emitter, outside, the bar
    spots += [game.centre(puzzle, (c, r)) for c in range(puzzle.width) for r in range(puzzle.height)
              if (c, r) not in puzzle.mirrors][:4]  # empty cells
    assert len(spots) < game.budgets[3]
    bar = np.count_nonzero(first[:, BAR_COLUMNS] != 5)
    for x, y in spots:
        result = act(game, 6, x, y)
        frame = _frame(result)
        assert game.state == puzzle.start and game.level_index == 3 and result.state is GameState.NOT_FINISHED
        assert len(result.frame) == 1 and (frame[:, :62] == first[:, :62]).all()
        assert np.count_nonzero(frame[:, BAR_COLUMNS] != 5) <= bar
        bar = np.count_nonzero(frame[:, BAR_COLUMNS] != 5)
    assert bar < np.count_nonzero(first[:, BAR_COLUMNS] != 5)


def test_from_level_5_a_click_on_an_orange_mirror_flips_every_orange_mirror() -> None:
    # level 4: an orange mirror flips alone
    for seed in SEEDS:
        game, _ = _on_level(seed, 3)
        puzzle = game.puzzles[3]
        index = next(i for i, plate in enumerate(puzzle.plates) if plate == LINKED
                     and not solved(puzzle, flipped(puzzle, puzzle.start, i)))
        act(game, 6, *game.centre(puzzle, puzzle.mirrors[index]))
        assert [i for i, (a, b) in enumerate(zip(puzzle.start, game.state, strict=True)) if a != b] == [index]
    groups = 0
    for seed in SEEDS:
        for level in (4, 5):
            game, first = _on_level(seed, level)
            puzzle = game.puzzles[level]
            orange = [i for i, plate in enumerate(puzzle.plates) if plate == LINKED]
            assert len(orange) >= 2
            for index in orange:  # a click on any of them flips them all, and the picture shows it
                if solved(puzzle, flipped(puzzle, puzzle.start, index)):
                    continue
                result = act(game, 6, *game.centre(puzzle, puzzle.mirrors[index]))
                drawn = _mirrors(_frame(result), game, puzzle)
                for i, (slash, plate) in enumerate(_mirrors(first, game, puzzle)):
                    assert drawn[i] == ((not slash) if i in orange else slash, plate)
                _check_beam(_frame(result), game, puzzle, game.state)
                act(game, 6, *game.centre(puzzle, puzzle.mirrors[index]))
                assert game.state == puzzle.start
                groups += 1
            # the shortest plan clicks an orange mirror; a fewest-click plan of the old rule fails under the new one
            plan_cells = [game.cell_at(puzzle, (x, y)) for _, x, y in game.solutions[level]]
            assert any(puzzle.mirrors.index(c) in orange for c in plan_cells if c is not None)
            alone = fewest(puzzle, False, len(puzzle.mirrors))
            assert alone is not None and alone[0] < len(puzzle.mirrors)
            for flips in alone[1]:
                state = puzzle.start
                for i in (i for i, flip in enumerate(flips) if flip):
                    state = flipped(puzzle, state, i)
                assert not solved(puzzle, state)
    assert groups >= 8


def test_every_level_is_solved_by_its_stage_plan_within_its_span() -> None:
    lengths = []
    for seed in SEEDS:
        game = Hm01(seed=seed)
        act(game, 0)
        for level, (puzzle, plan) in enumerate(zip(game.puzzles, game.solutions, strict=True)):
            low, high = LEVELS[level][8]
            assert low <= len(plan) == puzzle.shortest <= high and len(plan) < game.budgets[level]
            assert not solved(puzzle, puzzle.start)
            assert all(action == 6 and game.cell_at(puzzle, (x, y)) in puzzle.mirrors for action, x, y in plan)
            result = play_plan(game, plan)
            assert game.level_index == level + 1 or result.state is GameState.WIN, (seed, level)
            lengths.append(len(plan))
        assert result.state is GameState.WIN
        assert Hm01.baselines(seed) == [math.ceil(1.5 * len(plan)) for plan in game.solutions]
    assert len(set(lengths)) >= 5


def test_a_spent_budget_is_game_over_and_reset_restores_the_level() -> None:
    game, _ = _on_level(1, 4)
    puzzle = game.puzzles[4]
    index = next(i for i in range(len(puzzle.mirrors)) if not solved(puzzle, flipped(puzzle, puzzle.start, i)))
    act(game, 6, *game.centre(puzzle, puzzle.mirrors[index]))
    assert game.state != puzzle.start
    states = [act(game, 6, 1, 1).state for _ in range(game.budgets[4] - 1)]
    assert states[-1] is GameState.GAME_OVER and GameState.GAME_OVER not in states[:-1]
    result = act(game, 0)
    assert result.state is GameState.NOT_FINISHED and game.level_index == 4 and game.state == puzzle.start
    assert play_plan(game, game.solutions[4]).levels_completed == 5
