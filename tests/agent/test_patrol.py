"""Sprites that move on their own (held-out `hp01`, Patrol: guards pace their beats on every action).

The mover is the colour a key action moves; a guard moves on every action too, and was voted the mover
(its maroon eyes the rarest colour changed). A colour seen moving two ways under one key action in a level
moves on its own (`GameRules.autonomous`): it leaves the vote, and the navigator keeps a step away from it,
replanning at every step, never heads for it, waits for it to pass where the only way is past it, and
sees the lines it paces although the HUD detector takes them for bars (they change on every action). A
colour drawn inside the mover's box (the walker's white eyes, the rarest once the gem levels draw the exit
shut) is the mover's part and does not take the vote from it. Before: Patrol 0.4-2.5% on agent seeds
0-3, each level 4-50x its baseline; with them 100%."""

from __future__ import annotations

import random

import numpy as np
from agent_testkit import actions_per_level, play_game

from agent.agents.aria_agent import AriaAgent
from agent.rules import GameRules
from agent.training.levels import frame_of
from arc_client.games import game_class
from arc_client.games.heldout import heldout_dir
from arc_client.games.heldout.patrol import Hp01
from arc_client.games.heldout.stage import MAROON, PURPLE, RED, WHITE
from arc_client.games.play import act


def test_the_guards_move_on_their_own_and_the_walker_is_the_mover() -> None:
    game, rng = Hp01(seed=0), random.Random(0)
    rules = GameRules(compact=True)
    frame = frame_of(act(game, 0))
    movers = []
    for _ in range(300):
        action = rng.choice((1, 2, 3, 4))
        level = game.level_index
        result = act(game, action)
        if result.state.name != "NOT_FINISHED" or game.level_index != level:
            frame = frame_of(act(game, 0))
            continue
        after = frame_of(result)
        rules.observe_key(frame, after, action, None)
        movers.append((game.level_index, rules.mover))
        frame = after
    assert {RED, MAROON} <= rules.autonomous and PURPLE not in rules.autonomous
    assert rules.mover == PURPLE and rules.displacement(1) == (0, -4)
    assert movers[-1][1] == PURPLE and movers[-50][1] == PURPLE
    hazards = rules.hazards(frame)
    assert hazards is not None and set(np.unique(frame[hazards]).tolist()) <= {RED, MAROON}


def test_a_colour_inside_the_mover_is_its_part() -> None:
    # on a gem level the exit is drawn shut, and white shows only in the walker's eyes: the rarest colour
    game = Hp01(seed=0)
    act(game, 0)
    for action, _, _ in [step for plan in game.solutions[:3] for step in plan]:
        result = act(game, action)
    assert game.level_index == 3 and game.puzzles[3].gem is not None
    frame = frame_of(result)
    assert np.count_nonzero(frame == WHITE) == 2
    rules = GameRules(compact=True, mover=PURPLE)
    rules.mover_votes[PURPLE] = 1
    for action, _, _ in game.solutions[3][:6]:
        after = frame_of(act(game, action))
        rules.observe_key(frame, after, action, None)
        frame = after
    assert rules.mover == PURPLE and rules.mover_votes[WHITE] == 0


async def test_patrol_is_cleared_past_the_guards() -> None:
    # measured: 6 levels in 118 actions (26, 12, 20, 18, 16, 26; baselines 17, 18, 17, 24, 24, 39); without
    # the hazards (the guards neither kept clear of nor seen through the mask) 4 levels in 300; without
    # waiting for a guard to pass (the online systems moved while no way kept clear), 5 levels in 300
    run = await play_game(heldout_dir(), "hp01", AriaAgent(seed=1), 300)
    per_level = actions_per_level(run.steps)
    assert run.levels == 6, (run.levels, per_level)
    assert all(n <= 2 * base for n, base in zip(per_level[1:], Hp01.baselines(0)[1:], strict=True)), per_level
    led = [a.decision.mode for _, a, _ in run.steps if a.decision is not None]
    assert led.count("navigate") >= len(led) // 2


def test_an_undo_is_no_direction() -> None:
    # Push Blocks (suite pb01) has ACTION7, an undo: it moves the mover back whichever way it came. Counted
    # as a direction, the mover moved two ways under it and was taken for a guard, its blocks for hazards
    # (validation game seed 20,010 lost two levels)
    game = game_class("pb01")(seed=20000)
    frame = frame_of(act(game, 0))
    rules = GameRules(compact=True)
    for action in (1, 7, 2, 7, 3, 7, 4, 7, 1, 2, 7, 7):
        after = frame_of(act(game, action))
        rules.observe_key(frame, after, action, None)
        frame = after
    assert rules.mover is not None and not rules.autonomous
