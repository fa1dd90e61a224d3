"""Following a legend (agent.legend) on real click-in-order levels: it reads the row of swatches, clicks
objects in their order and clears the levels within their budgets far more often than random clicks;
an order the game rejects (the board restored) twice turns it off; the full agent clears more of
those levels with it than without. Objects drawn in several colours (a shape on a dark tile: the
held-out Colour Order) are read as sprites; a row of one colour (a texture's specks) is no legend. A
legend of shapes (Colour Order from level 4: two objects of each colour, the legend shows shapes) is
followed to the one object of each swatch's colour and shape, and is read nowhere else; on a novel
game's later levels the follower acts from the level's first step."""

from __future__ import annotations

import random

import numpy as np
from agent_testkit import actions_per_level, play_game
from goal_levels import with_and_without

from agent.agents.aria_agent import AriaAgent
from agent.legend import Legend, LegendFollower, find_legend, find_shape_legend
from agent.training.evaluate import Tally, play_level
from agent.training.levels import frame_of, start_level
from arc_client.games import game_class
from arc_client.games.heldout import heldout_dir
from arc_client.games.heldout.colour_order import Ho01
from arc_client.games.heldout.counter import Hc01
from arc_client.games.heldout.ice import Hi01
from arc_client.games.heldout.lights import Hl01
from arc_client.games.heldout.shifting_rules import He01
from arc_client.games.play import act

SEEDS = range(20000, 20004)  # validation seeds: neither training nor the reserved evaluation range


def follow_level(seed: int, level: int, follower: LegendFollower, name: str = "sq01") -> bool:
    game, raw = start_level(Ho01 if name == "ho01" else game_class(name), seed, level)
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


def test_objects_of_several_colours_are_followed_as_sprites() -> None:
    # Colour Order's objects are 4x4 shapes on 6x6 dark tiles, its swatches plain 4x4 blocks: no shape
    # alone is larger than a swatch, each tile is; levels 1-3 show colours only
    wins = 0
    for seed in range(4):
        for level in range(3):
            game, raw = start_level(Ho01, seed, level)
            legend = find_legend(frame_of(raw))
            order = [game.puzzles[level].items[i][0][0] for i in game.puzzles[level].order]
            assert legend is not None and list(legend.colours) == order, (seed, level)
            follower = LegendFollower()
            wins += follow_level(seed, level, follower, "ho01")
            assert follower.by_sprite
    assert wins == 12, wins


def test_a_row_of_one_colour_is_no_legend() -> None:
    # Counter's floor texture has rows of same-size specks of one colour; its legend is a number
    frame = frame_of(act(Hc01(seed=0), 0))
    assert find_legend(frame) is None
    frame = np.zeros((64, 64), dtype=np.uint8)
    for left in range(4, 60, 6):  # a row of ten 2x2 swatches of one colour
        frame[10:12, left:left + 2] = 3
    frame[30:40, 10:20] = 3  # and a larger object of that colour
    assert find_legend(frame) is None
    frame[10:12, 10:12] = 5  # one swatch of another colour, with its larger object: an order
    frame[30:40, 30:40] = 5
    assert find_legend(frame) is not None


async def test_the_agent_follows_colour_orders_legend_on_its_novel_levels() -> None:
    # the held-out levels are novel to the arbiter: the follower is asked there among the goal readers
    on = await play_game(heldout_dir(), "ho01", AriaAgent(seed=0), 60)
    off = await play_game(heldout_dir(), "ho01", AriaAgent(seed=0, novel_readers=("match", "walk", "push", "turn")), 60)
    assert on.levels >= 3 and on.levels > off.levels, (on.levels, off.levels)


def test_a_legend_of_shapes_points_at_the_object_of_each_swatchs_colour_and_shape() -> None:
    # Colour Order from level 4: each colour on two objects of two shapes, the legend drawn as shapes in a
    # red-framed strip (a swatch touches the frame; an X is four corners and a centre, touching at corners)
    for seed in range(4):
        for level in range(6):
            game, raw = start_level(Ho01, seed, level)
            legend = find_shape_legend(frame_of(raw))
            if level < 3:  # colours alone: the legend of colours reads it (above)
                assert legend is None, (seed, level)
                continue
            puzzle = game.puzzles[level]
            tiles = [puzzle.items[i][1] for i in puzzle.order]  # the 6x6 tiles to click, in order
            assert legend is not None and len(legend.twins) == len(tiles), (seed, level)
            for (_, x, y), (left, top) in zip(legend.twins, tiles, strict=True):
                assert left < x < left + 5 and top < y < top + 5, (seed, level, x, y, left, top)
            assert follow_level(seed, level, LegendFollower(), "ho01"), (seed, level)


def test_no_legend_of_shapes_in_grids_of_like_tiles_or_textures() -> None:
    # Lantern Grid's rows of lanterns repeat one look; Shifting Rules' and Ice Floe's floors repeat specks
    for game_class_ in (Hl01, He01, Hi01):
        for seed in range(4):
            for level in range(6):
                _, raw = start_level(game_class_, seed, level)
                assert find_shape_legend(frame_of(raw)) is None, (game_class_.NAME, seed, level)


async def test_on_a_novel_games_later_levels_the_follower_acts_at_once() -> None:
    # the HUD mask learnt on level 1 serves the readers from a later level's first step: Colour Order's
    # levels 2-6 each in fewer actions than level 1 (which waits for the HUD detector's first look)
    played = await play_game(heldout_dir(), "ho01", AriaAgent(seed=0), 60)
    assert played.levels == 6, played.levels
    per_level = actions_per_level(played.steps)
    assert all(n < per_level[0] for n in per_level[1:]), per_level
    firsts = [action.decision for before, action, _ in played.steps
              if before.levels_completed > 0 and action.decision is not None][:1]
    assert firsts and firsts[0].mode == "legend", firsts
