"""The number reader (agent.numerals): a display of glyphs, a target drawn small, buttons learnt as arithmetic."""

from __future__ import annotations

import numpy as np
import pytest
from agent_testkit import actions_per_level, play_game

from agent.agents.aria_agent import AriaAgent
from agent.numerals import Numerals, fit, numeral_like, pattern, plan
from agent.training.levels import frame_of
from arc_client.games.heldout import heldout_dir
from arc_client.games.heldout.counter import Hc01
from arc_client.games.heldout.gauge import DIGITS
from arc_client.games.heldout.stage import _FONT
from arc_client.games.play import act


def _font(char: str, scale: int = 1) -> np.ndarray:
    bits = np.array([int(b) for b in _FONT[char]], dtype=bool).reshape(5, 3)
    return np.repeat(np.repeat(bits, scale, axis=0), scale, axis=1)


def test_a_glyph_reads_the_same_at_any_size() -> None:
    for char in "0123456789":
        small, big = pattern(_font(char)), pattern(_font(char, 2))
        assert small == pattern(_font(char, 3)) == big and numeral_like(small)
    assert len({pattern(_font(c)) for c in "0123456789"}) == 10
    # a filled square and a bar across are no numerals
    assert not numeral_like(pattern(np.ones((6, 6), dtype=bool)))
    assert not numeral_like(pattern(np.ones((2, 9), dtype=bool)))


def test_buttons_are_fitted_as_arithmetic_and_planned_over() -> None:
    assert fit([(3, 12)], 999) == (1, 9)  # one outcome: an addition, until another says otherwise
    assert fit([(3, 12), (4, 13)], 999) == (1, 9)
    assert fit([(3, 7), (10, 21)], 999) == (2, 1)  # x 2, then a drift of 1
    assert fit([(5, 0), (9, 4)], 999) == (1, -5)  # held at zero
    assert fit([(3, 4), (3, 9)], 999) is None  # no map does both
    assert fit([(0, 0)], 999) is None  # nothing inside the range: no c
    maps = {(1, 1): (2, 0), (2, 2): (1, 1), (3, 3): (1, -1)}
    path = plan(3, 13, maps, 999)
    assert path is not None and len(path) == 3 and path[-1][1] == 13  # 3 x2 6 x2 12 +1 13
    assert plan(3, 13, {(3, 3): (1, -1)}, 999) is None


async def test_aria_learns_the_numerals_and_clears_counter() -> None:
    # measured: 6 levels in 92 actions (14, 8, 11, 13, 38, 8; baselines 6, 6, 11, 9, 48, 9); before the
    # reader 4 levels in 5,000 (14, 8, 189, 483, then 4,306 on level 5 and none of level 6)
    agent = AriaAgent(seed=0)
    run = await play_game(heldout_dir(), "hc01", agent, 150)
    per_level = actions_per_level(run.steps)
    assert run.levels == 6, (run.levels, per_level)
    # level 1 is the explorer's (no numeral known yet); from level 2 the reader's, within 2x the baseline
    assert all(n <= 2 * base for n, base in zip(per_level[1:], Hc01.baselines(0)[1:], strict=True)), per_level
    assert any(d.mode == "count" for _, a, _ in run.steps if (d := a.decision) is not None)
    # every glyph learnt names the digit it draws (the game's font, which the reader never saw)
    truth = {pattern(_font(c)): int(c) for c in "0123456789"}
    assert agent.numerals.values == truth
    without = await play_game(heldout_dir(), "hc01", AriaAgent(seed=0, novel_readers=(
        "match", "legend", "walk", "push", "turn", "key", "twin", "shunt", "slide", "seek", "navigate")), 150)
    assert without.levels <= 2, without.levels


async def test_aria_reads_gauge_a_number_game_drawn_otherwise() -> None:
    # Gauge: its own 4x6 font at three times its size, two digits without leading zeros, pictogram buttons in a
    # column, each click applied twice from level 5. Measured: 6 levels in 61 actions (3, 8, 10, 12, 15, 13;
    # baselines 5, 6, 11, 9, 6, 8), 52.6%; as first written for Counter the reader made no move there (the
    # explorer's 6 levels in 894 actions, 19.9%, as aria-slow's)
    agent = AriaAgent(seed=0)
    run = await play_game(heldout_dir(), "hn01", agent, 400)
    per_level = actions_per_level(run.steps)
    assert run.levels == 6, (run.levels, per_level)
    assert sum(per_level) <= 120, per_level
    assert sum(d.mode == "count" for _, a, _ in run.steps if (d := a.decision) is not None) >= 20
    truth = {pattern(np.array([[c == "#" for c in row] for row in rows])): int(digit) for digit, rows in DIGITS.items()}
    assert agent.numerals.values == truth
    slow = await play_game(heldout_dir(), "hn01", AriaAgent(seed=0, novel_readers=(
        "match", "legend", "walk", "push", "turn", "key", "twin", "shunt", "slide", "seek", "navigate")), 400)
    assert slow.levels < 6 or slow.actions > 2 * run.actions, (slow.levels, slow.actions)


@pytest.mark.parametrize("game", ["hl01", "ho01", "hr01", "hb01"])
async def test_click_games_without_numbers_are_not_read_as_counters(game: str) -> None:
    agent = AriaAgent(seed=0)
    run = await play_game(heldout_dir(), game, agent, 400)
    assert run.levels >= 3
    assert not any(d.mode == "count" for _, a, _ in run.steps if (d := a.decision) is not None)
    assert agent.numerals.display is None or not agent.numerals.values


def test_a_reader_with_no_display_proposes_nothing() -> None:
    reader = Numerals()
    frame = np.zeros((64, 64), dtype=np.int8)
    assert reader.act(frame, (6,), 0, [(3, 3, (2, 3, 3))]) is None


def _counter_click(game: Hc01, result, button: int):  # noqa: ANN001, ANN202
    x, y = game.click_targets(game.puzzles[game.level_index], game.state)[button]
    return (x, y), act(game, 6, x, y)


def test_the_display_is_found_from_a_click_and_squares_are_no_display() -> None:
    game = Hc01(seed=0)
    first = act(game, 0)
    point, after = _counter_click(game, first, 0)  # +1: 000 -> 001
    reader = Numerals()
    reader.observe(frame_of(first), 6, *point, frame_of(after), None, 0)
    assert reader.display is not None and len(reader.display.slots) == 3
    glyphs = reader.display.read(frame_of(after))
    assert glyphs == (pattern(_font("0")), pattern(_font("0")), pattern(_font("1")))
    # a click that recolours a square on a floor changes pixels of two colours too: no numeral, no display
    before = np.full((64, 64), 4, dtype=np.int8)
    before[20:26, 30:36] = 3
    recoloured = before.copy()
    recoloured[20:26, 30:36] = 8
    squares = Numerals()
    for _ in range(8):
        squares.observe(before, 6, 32, 22, recoloured, None, 0)
    assert squares.display is None and squares.off
