"""Matching by clicks (agent.matcher) on real suite levels: it finds a board and its target panel, learns
what a click does (the clicked cell only, or its neighbours too) and clears colour-cycle levels within
their budgets far more often than random clicks; with a cursor instead of clicks it paints a canvas
like its target drawn at another scale; it keeps quiet where no board has a copy, stops once
its clicks change neither panel, and makes the full agent clear more colour-cycle levels."""

from __future__ import annotations

import random

import numpy as np
import pytest
from agent_testkit import play_suite_game
from goal_levels import with_and_without

from agent.agents.aria_agent import AriaAgent
from agent.guided import LevelMap
from agent.matcher import Matcher, find_pairing
from agent.rules import GameRules
from agent.training.evaluate import Tally, play_level
from agent.training.levels import frame_of, start_level
from arc_client.games import game_class
from arc_client.games.play import act

SEEDS = range(20000, 20004)  # validation seeds: neither training nor the reserved evaluation range


def match_level(name: str, seed: int, level: int) -> tuple[bool, Matcher, int]:
    """One first attempt clicked by the matcher alone; (completed within the budget, matcher, clicks)."""
    game, raw = start_level(game_class(name), seed, level)
    matcher = Matcher()
    for clicks in range(game.budgets[level]):
        frame = frame_of(raw)
        click = matcher.act(frame, (6,), None, level)
        if click is None:
            return False, matcher, clicks
        raw = act(game, 6, click.x, click.y)
        if raw.levels_completed > level:
            return True, matcher, clicks + 1
        if not raw.frame:
            break
        matcher.observe(frame, 6, frame_of(raw), level)
    return False, matcher, game.budgets[level]


def test_the_matcher_clears_colour_cycle_levels_within_their_budgets() -> None:
    wins = random_wins = 0
    learnt_neighbours = False
    for seed in SEEDS:
        for level in range(3):  # level 2 is a lights-out board: a click cycles the four neighbours too
            won, matcher, _ = match_level("cy01", seed, level)
            wins += won
            learnt_neighbours |= len(matcher.offsets) == 5
            random_wins += play_level(None, game_class("cy01"), seed, level, Tally(), random.Random(seed))
    assert learnt_neighbours
    assert wins >= 10 and wins >= random_wins + 8, (wins, random_wins)  # of 12 levels


def test_a_lights_out_model_learned_from_a_corner_click_grows_before_the_matcher_gives_up() -> None:
    # level 2's first click at a board's corner shows two of a click's four neighbours: the search
    # with that model finds no plan, and the matcher learns from clicks with more neighbours on the
    # board (and colours not seen cycling yet) before it leaves a board to the other systems
    wins = 0
    for seed in range(20000, 20030):
        won, matcher, _ = match_level("cy01", seed, 1)
        wins += won
    assert wins >= 28, wins  # of 30 levels


def paint_level(seed: int, level: int) -> tuple[bool, Matcher]:
    """One first attempt at a paint-the-pattern level: the matcher's move, else a random key move; the
    mover is learned from the moves, as the navigator does."""
    game, raw = start_level(game_class("pp01"), seed, level)
    matcher, rules, mask = Matcher(), GameRules(), LevelMap()
    rng = random.Random(seed)
    for _ in range(game.budgets[level]):
        frame = frame_of(raw)
        move = matcher.act(frame, (1, 2, 3, 4, 5, 7), mask.mask, level, rules)
        action = move.action if move is not None else rng.choice((1, 2, 3, 4))
        raw = act(game, action)
        if raw.levels_completed > level or not raw.frame:
            break
        matcher.observe(frame, action, frame_of(raw), level)
        rules.observe_key(frame, frame_of(raw), action, mask.mask)
        mask.record(frame, (action, -1, -1), frame_of(raw))
    return raw.levels_completed > level, matcher


def test_the_matcher_paints_a_canvas_like_its_target_with_the_cursor() -> None:
    # paint the pattern: the target is drawn at another scale, the board is painted under a cursor
    # (the key actions move it, ACTION5 paints)
    wins = random_wins = 0
    for seed in SEEDS:
        for level in range(3):
            wins += paint_level(seed, level)[0]
            random_wins += play_level(None, game_class("pp01"), seed, level, Tally(), random.Random(seed))
    assert wins >= 10 and wins >= random_wins + 8, (wins, random_wins)  # of 12 levels


def test_a_canvas_of_five_by_five_is_read_whole_not_as_the_shifted_copy_some_cells_make() -> None:
    # levels 5-6: 10 of the objects also pair by a shift (the wrong reading, taken first until the
    # fuller one won: 4/6 levels in 1,000 actions on every validation seed); the lattice holds all 25
    for seed in SEEDS:
        for level in (4, 5):
            won, matcher = paint_level(seed, level)
            assert matcher.pairing is not None and len(matcher.pairing.sources) == 25, (seed, level)
            assert won, (seed, level)


def test_no_pairing_where_no_board_has_a_copy() -> None:
    # click-in-order levels: a legend of swatches and blocks of other shapes, no copy of a board
    quiet = 0
    for seed in SEEDS:
        for level in range(3):
            game, raw = start_level(game_class("sq01"), seed, level)
            quiet += find_pairing(frame_of(raw)) is None
    assert quiet == 12


def test_clicks_that_change_neither_panel_turn_it_off() -> None:
    frame = np.zeros((64, 64), np.uint8)
    for k, colour in enumerate((3, 4, 5, 6)):
        frame[10:14, 4 + 6 * k:8 + 6 * k] = colour  # the board
        frame[10:14, 40 + 6 * k:44 + 6 * k] = 3  # its copy, one colour only
    matcher = Matcher()
    clicks = []
    while (click := matcher.act(frame, (6,), None, 0)) is not None:
        clicks.append((click.x, click.y))
        matcher.observe(frame, 6, frame, 0)  # nothing changes
        assert len(clicks) <= 2
    assert matcher.off and clicks[0][0] < 32 <= clicks[1][0]  # the left panel first, then the right


def test_the_full_agent_clears_more_colour_cycle_levels_with_the_matcher() -> None:
    on, off = with_and_without("cy01", SEEDS, 3, match=False)
    assert on >= off + 4, (on, off)


@pytest.mark.parametrize(("seed", "most"), [(20_007, 40), (20_011, 37)])
async def test_a_carried_click_model_costs_nothing_where_the_rule_alternates(seed: int, most: int) -> None:
    # Colour Cycle's levels alternate: a click steps its cell (levels 1, 3, 5) or also its four neighbours
    # (2, 4, 6), on palettes of 2-4 colours. The model of the level before is carried only where this
    # level's colours are among those it stepped, and a level's first click under it is the mismatched
    # cell with the most neighbours, so a refuting click shows the whole new rule. Measured 39 and 37
    # actions (45 and 37 with the model learnt afresh on every level; 45 and 43 with the prior carried
    # whatever the palette and its first click the first mismatched cell)
    row, _, _ = await play_suite_game("cy01", seed, 200, AriaAgent)
    assert row.levels_completed == 6 and row.actions <= most, (row.levels_completed, row.actions)
