"""Gauge (held-out `hn01`, a second number game after Counter `hc01`): a click on a button applies its pictogram's
effect (an up-arrow with n dots adds n, a down-arrow with n dots takes n away, one square becoming two doubles) to
the value, held within 0..99 and drawn in Gauge's own 4x6 font, right-aligned with no leading zero; the legend shows
the target the same way at scale 1; from level 5 on every click applies its button's effect twice; clicks off the
buttons change nothing; the level ends when the value is the target."""

from __future__ import annotations

import numpy as np
from arcengine import GameState

from arc_client.games.heldout.gauge import (
    BUTTON_H,
    BUTTON_W,
    DIGIT_H,
    DIGIT_W,
    DIGITS,
    DISPLAY_AT,
    LEGEND_AT,
    LEVELS,
    SCALE,
    TOP_VALUE,
    GaugePuzzle,
    Hn01,
    apply,
    click_counts,
)
from arc_client.games.heldout.stage import GREEN, LIGHT_MAGENTA, WHITE, YELLOW
from arc_client.games.play import act, play_plan

SEEDS = range(4)


def _frame(result) -> np.ndarray:  # noqa: ANN001
    return np.asarray(result.frame[-1], dtype=np.uint8)


def _read(frame: np.ndarray, at: tuple[int, int], scale: int, colour: int) -> str:
    """The two slots of a number drawn at `at`: each a digit of the 4x6 font, or ' ' for a slot with no ink."""
    text = ""
    for slot in range(2):
        x = at[0] + slot * (DIGIT_W + 1) * scale
        ink = frame[at[1] : at[1] + DIGIT_H * scale, x : x + DIGIT_W * scale] == colour
        small = ink[::scale, ::scale]
        assert (np.repeat(np.repeat(small, scale, axis=0), scale, axis=1) == ink).all()
        if not small.any():
            text += " "
            continue
        (char,) = [c for c, rows in DIGITS.items() if (np.array([[p == "#" for p in r] for r in rows]) == small).all()]
        text += char
    return text


def _centre(game: Hn01, index: int) -> tuple[int, int]:
    x, y = game._button(game.puzzles[game.level_index], index)
    return x + BUTTON_W // 2, y + BUTTON_H // 2


def _on_level(seed: int, level: int) -> Hn01:
    game = Hn01(seed=seed)
    act(game, 0)
    for plan in game.solutions[:level]:
        play_plan(game, plan)
    assert game.level_index == level
    return game


def test_the_levels_buttons_font_and_colours_are_as_designed() -> None:
    ops = [buttons for buttons, *_ in LEVELS]
    assert ops[0] == (("+", 1), ("-", 1)) and LEVELS[0][1] == 0
    assert ("+", 3) in ops[1] and not any(op == "x" for op, _ in ops[0] + ops[1])
    assert ("x", 2) in ops[2]
    assert 4 <= len(ops[3]) <= 5 and any(op == "-" and n > 1 for op, n in ops[3])
    assert len(LEVELS) >= 6
    shapes = {rows for rows in DIGITS.values()}
    assert len(shapes) == 10 and all(len(rows) == DIGIT_H and {len(r) for r in rows} == {DIGIT_W} for rows in shapes)
    assert not {GREEN, LIGHT_MAGENTA} & {WHITE, YELLOW}
    assert Hn01.AVAILABLE == [6] and Hn01.BAR == "left" and Hn01.TAGS == ["heldout", "click"]


def test_buttons_apply_their_effect_and_the_display_follows() -> None:
    checked = 0
    for seed in SEEDS:
        for level in range(4):
            game = _on_level(seed, level)
            puzzle = game.puzzles[level]
            for index, (op, amount) in enumerate(puzzle.buttons):
                before = game.state
                result = act(game, 6, *_centre(game, index))
                if game.level_index != level:
                    break
                assert game.state == apply(op, amount, before), (seed, level, op, amount)
                assert _read(_frame(result), DISPLAY_AT, SCALE, GREEN) == str(game.state).rjust(2)
                checked += 1
    assert checked >= 40


def test_the_value_is_held_within_0_and_99() -> None:
    game = _on_level(0, 0)
    assert game.state == 0
    result = act(game, 6, *_centre(game, 1))  # -1 at 0
    assert game.state == 0 and _read(_frame(result), DISPLAY_AT, SCALE, GREEN) == " 0"
    puzzle = Hn01(seed=0).puzzles[3]
    double = [op for op, _ in puzzle.buttons].index("x")
    assert Hn01(seed=0).transition(puzzle, 60, 6, _centre_of(puzzle, double)) == TOP_VALUE
    for op, amount in (("+", 1), ("-", 3), ("x", 2)):
        for start in range(TOP_VALUE + 1):
            assert 0 <= apply(op, amount, start) <= TOP_VALUE
    assert apply("+", 5, 97) == 99 and apply("-", 5, 3) == 0 and apply("x", 2, 50) == 99


def _centre_of(puzzle: GaugePuzzle, index: int) -> tuple[int, int]:
    x, y = Hn01(seed=0)._button(puzzle, index)
    return x + BUTTON_W // 2, y + BUTTON_H // 2


def test_the_display_shows_no_leading_zero_and_the_legend_shows_the_target() -> None:
    for seed in SEEDS:
        game = Hn01(seed=seed)
        frame = _frame(act(game, 0))
        for level, plan in enumerate(game.solutions):
            puzzle = game.puzzles[level]
            assert _read(frame, DISPLAY_AT, SCALE, GREEN) == str(puzzle.start).rjust(2)
            assert _read(frame, LEGEND_AT, 1, LIGHT_MAGENTA) == str(puzzle.target).rjust(2)
            assert (frame[:, :2] == Hn01.BAR_COLOUR).any()
            if level + 1 < len(game.solutions):
                frame = _frame(play_plan(game, plan))
    # a one-digit value leaves the left slot blank (the panel's black), a two-digit one fills both
    game = _on_level(0, 1)
    frame = _frame(act(game, 6, 0, 63))
    assert _read(frame, DISPLAY_AT, SCALE, GREEN)[0] == " "
    left = frame[DISPLAY_AT[1] : DISPLAY_AT[1] + DIGIT_H * SCALE, DISPLAY_AT[0] : DISPLAY_AT[0] + DIGIT_W * SCALE]
    assert (left == 5).all()
    plus3 = game.puzzles[1].buttons.index(("+", 3))
    while game.state < 10 and game.level_index == 1 and game.state + 3 != game.puzzles[1].target:
        frame = _frame(act(game, 6, *_centre(game, plus3)))
    assert game.state >= 10 and _read(frame, DISPLAY_AT, SCALE, GREEN) == str(game.state)


def test_from_level_5_every_click_applies_its_effect_twice() -> None:
    assert [repeat for *_, repeat in LEVELS] == [1] * 4 + [2] * 2
    game = _on_level(0, 4)
    puzzle = game.puzzles[4]
    for index, (op, amount) in enumerate(puzzle.buttons):
        before = game.state
        result = act(game, 6, *_centre(game, index))
        if game.level_index != 4:
            break
        assert game.state == apply(op, amount, apply(op, amount, before)) != apply(op, amount, before)
        assert _read(_frame(result), DISPLAY_AT, SCALE, GREEN) == str(game.state).rjust(2)
    for level in (4, 5):
        puzzle = Hn01(seed=0).puzzles[level]
        double = [op for op, _ in puzzle.buttons].index("x")
        assert Hn01(seed=0).transition(puzzle, 3, 6, _centre_of(puzzle, double)) == 12


def test_every_level_is_solved_by_its_stage_plan_within_its_span() -> None:
    for seed in SEEDS:
        game = Hn01(seed=seed)
        act(game, 0)
        for level, (puzzle, plan) in enumerate(zip(game.puzzles, game.solutions, strict=True)):
            buttons, start, (low, high), repeat = LEVELS[level]
            assert (puzzle.buttons, puzzle.start, puzzle.repeat) == (buttons, start, repeat)
            assert click_counts(buttons, repeat, start)[puzzle.target] == len(plan)
            assert low <= len(plan) <= high and len(plan) < game.budgets[level]
            result = play_plan(game, plan)
            assert game.level_index == level + 1 or result.state is GameState.WIN, (seed, level)
    assert Hn01.baselines(0) == [-(-3 * len(plan) // 2) for plan in Hn01(seed=0).solutions]


def test_clicks_off_the_buttons_change_nothing() -> None:
    game = Hn01(seed=0)
    for level, puzzle in enumerate(game.puzzles):
        spots = [game._button(puzzle, i) for i in range(len(puzzle.buttons))]
        for x in range(64):
            for y in range(64):
                on = any(bx <= x < bx + BUTTON_W and by <= y < by + BUTTON_H for bx, by in spots)
                after = game.transition(puzzle, puzzle.start, 6, (x, y))
                assert (after != puzzle.start) == on or (on and after == puzzle.start == 0), (level, x, y)
    game = _on_level(0, 2)
    before = game.state
    for x, y in ((0, 63), (40, 20), (42, 50), (12, 2), (12, 62), (30, 60)):
        result = act(game, 6, x, y)
        assert game.state == before and game.level_index == 2 and result.state is GameState.NOT_FINISHED
