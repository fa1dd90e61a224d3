"""The goal readers on levels novel to the arbiter (the held-out games, and the suite's later levels
built from validation seeds): they lead where their pattern is in the frame, and hand over to the
online systems when their moves go back to states already seen or end the game; the reader that won a
level reads the next at once, and a legend is read past a bar a HUD detector drew through the board."""

from __future__ import annotations

from collections import Counter

import pytest
from agent_testkit import PlayResult, actions_per_level, play_game, play_suite_game

from agent.agents.aria_agent import AriaAgent
from arc_client.games.heldout import heldout_dir

READERS = ("match", "legend", "walk", "push", "seek")


def reader_moves(result: PlayResult) -> Counter[int]:
    """Moves the goal readers chose, per level."""
    return Counter(before.levels_completed for before, action, _ in result.steps
                   if action.decision is not None and action.decision.mode in READERS)


async def test_on_a_novel_game_the_readers_lead_and_save_actions() -> None:
    # Legend Run: walk onto the pad whose colour the legend shows. The seeker walks to the colour level 1
    # was completed on, shown in the legend's place since; the online systems alone must find out which
    # pad counts.
    with_readers = await play_game(heldout_dir(), "hk01", AriaAgent(seed=0), 5000)
    without = await play_game(heldout_dir(), "hk01", AriaAgent(seed=0, novel_readers=()), 5000)
    assert with_readers.won and without.won, (with_readers.levels, without.levels)
    led = reader_moves(with_readers)
    assert sum(led.values()) >= 20 and led[5] >= 1 and not reader_moves(without), led
    # the last two levels, the readers leading: measured 20 + 22 actions with them, 66 + 38 without
    ours, theirs = actions_per_level(with_readers.steps), actions_per_level(without.steps)
    assert sum(ours[4:]) * 1.5 <= sum(theirs[4:]), (ours, theirs)


async def test_a_reader_going_in_circles_on_a_novel_level_hands_over() -> None:
    # Shifting Rules: the walker takes the legend for a picture and walks the room in circles (ungated,
    # it chose 1,416 moves in a row without a level); three returns to states already seen turn the
    # readers off for the level, and the online systems clear it.
    result = await play_game(heldout_dir(), "he01", AriaAgent(seed=0), 300)
    led = reader_moves(result)
    assert led[0] >= 1, led
    assert led[0] <= 30 and result.levels >= 2, (led, result.levels)


async def test_the_reader_that_won_the_last_level_reads_a_novel_level_from_its_first_step() -> None:
    # Tile Walk built from validation seed 20,001: levels 1-5 are familiar and the walker clears them;
    # level 6 is novel to the arbiter. The walker used to wait there for the level's own HUD look while
    # the seeker walked the mover onto a tile of last level's goal colour, which turned the patch, and
    # the level took 910 actions (the online systems, the 1,000-action budget running out). Having won
    # level 5, the walker now reads level 6 from its first step (and reads it again once the level's own
    # mask is known if that first reading finds no walk).
    row, steps, _ = await play_suite_game("tw01", 20_001, 300, AriaAgent)
    assert row.levels_completed == 6, (row.levels_completed, row.actions)
    level_six = [mode for at, mode in steps if at == 5]
    assert len(level_six) <= 40 and level_six.count("walk") >= len(level_six) - 2, level_six


async def test_the_reader_that_won_the_last_level_searches_a_novel_level_with_its_whole_budget() -> None:
    # Tile Walk built from validation seed 20,007: level 6 is novel, its patch six tiles. With a tenth of
    # its search budget (a novel level's), the walker found no walk, the seeker walked the mover onto
    # tiles and the level ran the 1,000-action budget out (936 actions). Having won level 5, the walker
    # keeps its whole budget there.
    row, steps, _ = await play_suite_game("tw01", 20_007, 200, AriaAgent)
    assert row.levels_completed == 6, (row.levels_completed, row.actions)
    level_six = [mode for at, mode in steps if at == 5]
    assert len(level_six) <= 40 and set(level_six) == {"walk"}, level_six


async def test_the_walker_finds_an_exit_in_a_wall_the_detector_took_for_a_bar() -> None:
    # Tile Walk built from validation seed 20,011: on level 6 (novel) the explorer's HUD detector masked
    # the wall across the room whose gap holds the exit, and the walker, finding no exit outside the
    # mask, proposed nothing (936 actions, the level lost). It now keeps out of the mask's lines along
    # the frame's edges only when it searches its walk.
    row, steps, _ = await play_suite_game("tw01", 20_011, 200, AriaAgent)
    assert row.levels_completed == 6, (row.levels_completed, row.actions)
    level_six = [mode for at, mode in steps if at == 5]
    # (the seeker leads the steps before the level's own HUD look, and the last ones onto the exit)
    assert len(level_six) <= 40 and level_six.count("walk") >= 5, level_six


async def test_the_navigator_does_not_route_through_edge_lines_where_a_reader_reads_the_level() -> None:
    # Tile Walk built from validation seed 20,000: on level 6 (novel, before its own HUD look) the walker
    # made four moves and proposed nothing on the fifth. With no route through the mask of level 5, the
    # navigator then routed through that mask's edge lines (a fallback for a level no reader reads, Fuel's
    # level 5) and trod a tile, and the level ran the budget out (939 actions). That step is left to the
    # online systems again, and the walker finishes its walk.
    row, steps, _ = await play_suite_game("tw01", 20_000, 200, AriaAgent)
    assert row.levels_completed == 6, (row.levels_completed, row.actions)
    level_six = [mode for at, mode in steps if at == 5]
    assert len(level_six) <= 30 and "navigate" not in level_six and level_six.count("walk") >= 12, level_six


@pytest.mark.parametrize("seed", [20_002, 20_003])
async def test_a_legend_is_read_past_a_bar_the_detector_drew_through_the_board(seed: int) -> None:
    # Click in Order built from validation seeds. On 20,002 level 6 (a legend of 8 swatches, colours
    # repeated) is novel to the arbiter, and the explorer's HUD detector took the line under the legend
    # for a bar: read through that mask the legend was not found (583 actions by the online systems).
    # On 20,003 the level map's detector took a column of blocks clicked grey for a bar on level 4, and
    # the follower found no block of the next colour outside it (596 actions for the game). The legend
    # follower now reads through the mask's edge lines only: every level is the follower's.
    row, steps, _ = await play_suite_game("sq01", seed, 300, AriaAgent)
    assert row.levels_completed == 6 and row.actions <= 40, (row.levels_completed, row.actions)
    assert {mode for _, mode in steps} == {"legend"}, steps
