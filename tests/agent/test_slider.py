"""A mover that slides until something stops it (agent.slider) on the held-out Ice Floe, and nowhere else:
its search stops the mover on the goal over known colours only; the full agent clears Ice Floe's later
levels with it, each in a few dozen moves, where without it they take hundreds; no other held-out
keyboard game is taken for a sliding one."""

from __future__ import annotations

import asyncio

import numpy as np
from agent_testkit import actions_per_level, play_game

from agent.agents.aria_agent import AriaAgent
from agent.navigator import _integral
from agent.slider import Slider
from arc_client.games.heldout import heldout_dir

ALL_BUT_SLIDE = ("match", "legend", "walk", "push", "turn", "key")


def _room() -> np.ndarray:
    """16x16 pixels of ice (10) in a rim (4), rocks (3) at rows 4-5, cols 8-9 and rows 1-2, col 14, a
    crack (9) at rows 10-11, cols 2-3, the exit (14) at rows 13-14, cols 12-13; the mover is 2x2 pixels."""
    frame = np.full((16, 16), 10, dtype=np.int64)
    frame[[0, 15], :] = 4
    frame[:, [0, 15]] = 4
    frame[4:6, 8:10] = 3
    frame[1:3, 14] = 3
    frame[10:12, 2:4] = 9
    frame[13:15, 12:14] = 14
    return frame


def test_the_search_stops_the_mover_on_the_target_over_known_colours_only() -> None:
    slider = Slider(free={10, 14}, stoppers={3, 4})
    frame = _room()
    down, right, up = (1, 0), (0, 1), (-1, 0)
    # from the top-left corner: right slides to the rock by the rim; down from there onto the exit
    assert slider._slide(frame, (1, 1, 3, 3), 1, right, {10, 14}) == (1, 12, 3, 14)
    assert slider._slide(frame, (1, 12, 3, 14), 1, down, {10, 14}) == (13, 12, 15, 14)
    # the rock stops a slide just before it
    assert slider._slide(frame, (1, 8, 3, 10), 1, down, {10, 14}) == (2, 8, 4, 10)
    # the crack is of no known colour: a slide over it is not planned
    assert slider._slide(frame, (1, 2, 3, 4), 1, down, {10, 14}) is None
    target = frame == 14
    path = slider._search(frame, None, (1, 1, 3, 3), 1, [(2, down), (4, right), (1, up)], target)
    assert [action for action, _ in path] == [4, 2], path  # right, then down onto the exit
    assert Slider._arrived(_integral(target), path[-1][1])
    # every stop on the way is where a slide ends, and none crosses the crack
    at = (1, 1, 3, 3)
    moves = {2: down, 4: right, 1: up}
    for action, stop in path:
        assert slider._slide(frame, at, 1, moves[action], {10, 14}) == stop
        at = stop
    # the cells slid over in this level are free, whatever their colour: a crack crossed safely is open
    slider.passed = np.zeros(frame.shape, dtype=bool)
    slider.passed[10:12, 2:4] = True
    assert slider._slide(frame, (1, 2, 3, 4), 1, down, {10, 14}) == (13, 2, 15, 4)


def test_the_agent_slides_through_ice_floes_later_levels() -> None:
    """Levels 2-6 (the goal's colour carried from level 1's exit; a shut exit sends the mover to the
    switch first, then back) are led by the slider, each within 40 moves."""
    with_slider = asyncio.run(play_game(heldout_dir(), "hi01", AriaAgent(seed=0), 5000))
    assert with_slider.levels == 6, with_slider.levels
    per_level = actions_per_level(with_slider.steps)
    assert all(n <= 40 for n in per_level[1:]), per_level  # 8, 16, 25, 29, 16 when written
    later = [a.decision.mode for before, a, _ in with_slider.steps if before.levels_completed >= 1 and a.decision]
    assert later.count("slide") >= 0.7 * len(later), later.count("slide") / len(later)
    without = asyncio.run(play_game(heldout_dir(), "hi01", AriaAgent(seed=0, novel_readers=ALL_BUT_SLIDE), 5000))
    assert without.levels < 6 or sum(actions_per_level(without.steps)[1:]) > 3 * sum(per_level[1:]), \
        (without.levels, actions_per_level(without.steps))


def test_no_other_held_out_keyboard_game_is_taken_for_a_sliding_one() -> None:
    """Crates (a mover half behind a block: boxes of another size), Shifting Rules (two cells a move
    from level 5 on, one against a wall), Legend Run and Lock and Key, played far enough to reach
    those levels: the slider never finds that the mover slides."""
    for game, seed, moves in (("hs01", 2, 400), ("he01", 1, 1800), ("hk01", 2, 1200), ("hd01", 0, 200)):
        agent = AriaAgent(seed=seed)
        asyncio.run(play_game(heldout_dir(), game, agent, moves))
        assert not agent.slider.slides, (game, agent.slider.distances)


def test_a_colour_that_opened_a_shut_exit_is_stood_on_first_on_later_levels() -> None:
    # Ice Floe's exit is shut from level 3 on until the mover has stopped on the yellow switch. Level 3
    # showed it: the exit found shut, yellow stood on, then the exit. On levels 4-6 the slider slid to
    # the exit first, found it shut, then to yellow and back (17, 29 and 16 actions; baselines 14, 24
    # and 18); yellow is now a switch, stood on first (9, 16 and 12)
    result = asyncio.run(play_game(heldout_dir(), "hi01", AriaAgent(seed=0), 400))
    assert result.levels == 6, result.levels
    per_level = actions_per_level(result.steps)
    assert per_level[3] <= 14 and per_level[4] <= 24 and per_level[5] <= 18, per_level
    firsts = [a.decision.reason for i, (before, a, _) in enumerate(result.steps)
              if a.decision is not None and before.levels_completed >= 3
              and (i == 0 or result.steps[i - 1][0].levels_completed < before.levels_completed)]
    assert len(firsts) == 3 and all("a switch's colour" in r for r in firsts), firsts
