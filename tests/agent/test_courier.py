"""Exploring by objects on a novel game (held-out `hv01`, Courier): the navigator, asked last of the goal
readers on novel levels, walks to each object not reached yet, the goal colour carried from earlier levels
first; an object reached is a destination again once reaching or using another changed the world away
from the mover (a parcel picked up fills the HUD's box: the slots passed before matter now); and on
reaching an object it tries ACTION5 there once (from level 5 only ACTION5 picks a parcel up)."""

from __future__ import annotations

from agent_testkit import actions_per_level, play_game

from agent.agents.aria_agent import AriaAgent
from arc_client import GameAction
from arc_client.games.heldout import heldout_dir

READERS = ("match", "legend", "walk", "push", "turn", "key", "twin", "slide", "seek")


async def test_courier_is_cleared_by_walking_to_its_objects() -> None:
    # measured: 6 levels in 279 actions (22, 37, 41, 61, 33, 85; baselines 15, 30, 35, 53, 44, 75);
    # without the navigator, 1 level in 450
    run = await play_game(heldout_dir(), "hv01", AriaAgent(seed=0), 450)
    assert run.levels == 6, (run.levels, actions_per_level(run.steps))
    modes = [a.decision.mode for _, a, _ in run.steps if a.decision is not None]
    assert modes.count("navigate") >= len(modes) // 2
    presses = [before.levels_completed for before, a, after in run.steps
               if a.action is GameAction.ACTION5 and after.frame[5, 57] != before.frame[5, 57]]
    assert presses and min(presses) == 4  # a parcel picked up by a press on level 5 (0-based 4), as it must
    without = await play_game(heldout_dir(), "hv01", AriaAgent(seed=0, novel_readers=READERS), 450)
    assert without.levels <= 2, without.levels
