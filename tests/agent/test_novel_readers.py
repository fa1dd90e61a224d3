"""The mover's goal readers (walker, pusher, seeker) on levels novel to the arbiter (the held-out games,
played by the online systems): they lead where their pattern is in the frame, and hand over to the
online systems when their moves go back to states already seen or end the game."""

from __future__ import annotations

from collections import Counter

from agent_testkit import PlayResult, actions_per_level, play_game

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
