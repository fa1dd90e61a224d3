"""Following a legend (agent.legend) on real click-in-order levels: it reads the row of swatches, clicks
objects in their order and clears the levels within their budgets far more often than random clicks;
an order the game rejects (the board restored) twice turns it off; the full agent clears more of
those levels with it than without."""

from __future__ import annotations

import random

from goal_levels import with_and_without

from agent.legend import Legend, LegendFollower, find_legend
from agent.training.evaluate import Tally, play_level
from agent.training.levels import frame_of, start_level
from arc_client.games import game_class
from arc_client.games.play import act

SEEDS = range(20000, 20004)  # validation seeds: neither training nor the reserved evaluation range


def follow_level(seed: int, level: int, follower: LegendFollower) -> bool:
    game, raw = start_level(game_class("sq01"), seed, level)
    for _ in range(game.budgets[level]):
        frame = frame_of(raw)
        move = follower.act(frame, (6,), None, level)
        if move is None:
            return False
        raw = act(game, 6, move.x, move.y)
        if raw.levels_completed > level:
            return True
        if not raw.frame:
            return False
        follower.observe(frame, 6, frame_of(raw), level)
    return False


def test_the_follower_clicks_in_the_legends_order_within_the_budget() -> None:
    wins = random_wins = 0
    for seed in SEEDS:
        for level in range(3):
            wins += follow_level(seed, level, LegendFollower())
            random_wins += play_level(None, game_class("sq01"), seed, level, Tally(), random.Random(seed))
    assert wins >= 10 and wins >= random_wins + 8, (wins, random_wins)  # of 12 levels


def test_an_order_the_game_rejects_twice_turns_it_off() -> None:
    game, raw = start_level(game_class("sq01"), 20000, 1)
    legend = find_legend(frame_of(raw))
    assert legend is not None and len(set(legend.colours)) == len(legend.colours)
    follower = LegendFollower()
    follower.act(frame_of(raw), (6,), None, 1)  # reads the level
    follower.legend = Legend(tuple(reversed(legend.swatches)))  # the wrong order: the last colour first
    clicks = 0
    while (move := follower.act(frame_of(raw), (6,), None, 1)) is not None:
        before = frame_of(raw)
        raw = act(game, 6, move.x, move.y)
        follower.observe(before, 6, frame_of(raw), 1)
        clicks += 1
    assert follower.off and follower.failures == 2 and clicks == 2 and raw.levels_completed == 1


def test_the_full_agent_clears_more_click_in_order_levels_with_the_follower() -> None:
    on, off = with_and_without("sq01", SEEDS, 3, legend=False)
    assert on >= off + 4, (on, off)
