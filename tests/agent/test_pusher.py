"""Pushing blocks onto their targets (agent.pusher) on real block-pushing levels: with the blocks guessed
from the level's first frame (two colours with as many cells) and the mover and walls learned from the
moves, it pushes the blocks home within the budget far more often than random play; it proposes
nothing in the other mover games; the full agent clears more block-pushing levels with it than without."""

from __future__ import annotations

import random

from goal_levels import with_and_without

from agent.guided import LevelMap
from agent.navigator import Navigator
from agent.pusher import Pusher
from agent.training.evaluate import Tally, play_level
from agent.training.levels import frame_of, start_level
from arc_client.games import game_class
from arc_client.games.play import act

SEEDS = range(20000, 20005)  # validation seeds: neither training nor the reserved evaluation range


def push_level(name: str, seed: int, level: int) -> tuple[bool, Pusher]:
    """One first attempt: the pusher's move, else a random one; the navigator learns the mover, the
    floor and the walls from every move, as in the agent."""
    game, raw = start_level(game_class(name), seed, level)
    pusher, navigator, level_map = Pusher(), Navigator(), LevelMap()
    rng = random.Random(seed)
    for _ in range(game.budgets[level]):
        frame, mask = frame_of(raw), level_map.mask
        move = pusher.act(frame, (1, 2, 3, 4, 7), mask, navigator, level)
        action = move.action if move is not None else rng.choice((1, 2, 3, 4))
        raw = act(game, action)
        if raw.levels_completed > level:
            return True, pusher
        if not raw.frame:
            break
        navigator.observe(frame, action, frame_of(raw), mask, level)
        level_map.record(frame, (action, -1, -1), frame_of(raw))
        pusher.observe(frame, action, frame_of(raw), mask, navigator)
    return False, pusher


def test_the_pusher_pushes_blocks_home_within_the_budget() -> None:
    wins = random_wins = 0
    seen_pushed = False
    for seed in SEEDS:
        for level in range(3):
            won, pusher = push_level("pb01", seed, level)
            wins += won
            seen_pushed |= pusher.pushed is not None and not pusher.guessed  # a push confirmed the guess
            random_wins += play_level(None, game_class("pb01"), seed, level, Tally(), random.Random(seed))
    assert seen_pushed
    assert wins >= 9 and wins >= random_wins + 7, (wins, random_wins)  # of 15 levels


def test_no_pushing_in_games_without_blocks_and_targets() -> None:
    # mazes, gems, keys and doors, switches, tiles: no two colours with as many cells that the mover
    # does not walk onto, and nothing pushed; the pusher proposes no move there
    for name in ("mz01", "cl01", "kd01", "sw01", "tw01"):
        for seed in SEEDS:
            for level in range(3):
                game, raw = start_level(game_class(name), seed, level)
                pusher, navigator, level_map = Pusher(), Navigator(), LevelMap()
                rng = random.Random(seed)
                for _ in range(game.budgets[level]):
                    frame, mask = frame_of(raw), level_map.mask
                    assert pusher.act(frame, (1, 2, 3, 4), mask, navigator, level) is None, (name, seed, level)
                    action = rng.choice((1, 2, 3, 4))
                    raw = act(game, action)
                    if raw.levels_completed > level or not raw.frame:
                        break
                    navigator.observe(frame, action, frame_of(raw), mask, level)
                    level_map.record(frame, (action, -1, -1), frame_of(raw))
                    pusher.observe(frame, action, frame_of(raw), mask, navigator)


def test_the_full_agent_clears_more_block_pushing_levels_with_the_pusher() -> None:
    on, off = with_and_without("pb01", SEEDS, 3, push=False)
    assert on >= off + 5, (on, off)
