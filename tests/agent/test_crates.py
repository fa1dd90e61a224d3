"""The mover's readers on Crates (held-out `hs01`): a player whose white eyes share their colour with
the HUD's counter, a two-colour noise floor, and a crate icon beside the counter. The navigator's
mover is the rarest changed colour that makes one sprite-sized box; the pusher takes every colour
of many cells the mover entered for floor and reads blocks and targets in the mover's room only."""

from __future__ import annotations

import numpy as np
from agent_testkit import play_game

from agent.agents.aria_agent import AriaAgent
from agent.rules import GameRules
from arc_client.games.heldout import heldout_dir
from arc_client.games.heldout.crates import Hs01
from arc_client.games.heldout.stage import LIGHT_BLUE, WHITE
from arc_client.games.play import act


def test_the_navigators_mover_is_one_sprite_not_its_rarest_colour() -> None:
    game = Hs01(seed=0)
    before = np.array(act(game, 0).frame[-1], dtype=np.uint8)
    rarest, compact = GameRules(), GameRules(compact=True)
    for action in (3, 4, 3, 4, 1, 2):
        after = np.array(act(game, action).frame[-1], dtype=np.uint8)
        rarest.observe_key(before, after, action, None)
        compact.observe_key(before, after, action, None)
        before = after
    assert rarest.mover == WHITE and rarest.mover_box(before, None) is None  # eyes + counter: no box
    box = compact.mover_box(before, None)
    assert compact.mover == LIGHT_BLUE and box is not None and (box[2] - box[0], box[3] - box[1]) == (5, 5)


async def test_the_pusher_reads_crates_on_a_novel_level() -> None:
    with_readers = await play_game(heldout_dir(), "hs01", AriaAgent(seed=0), 120)
    without = await play_game(heldout_dir(), "hs01", AriaAgent(seed=0, novel_readers=()), 120)
    pushes = [i for i, (_, action, _) in enumerate(with_readers.steps)
              if action.decision is not None and action.decision.mode == "push"]
    assert pushes and with_readers.first_level_at is not None and without.first_level_at is not None
    # level 1 measured in 11 actions with the pusher, 82 without
    assert with_readers.first_level_at * 3 <= without.first_level_at, (with_readers.first_level_at,
                                                                         without.first_level_at)
