"""Walking a patch into its picture (agent.walker) on real tile-walk levels: it finds the picture and the
patch, learns what stepping on a tile does, and walks the patch into the picture and onto the exit
within the budget far more often than random play; it finds no picture in the other mover games, nor in a
region of noise beside a level; the full agent clears more tile-walk levels with it than without."""

from __future__ import annotations

import random

import numpy as np
from goal_levels import with_and_without

from agent.frames import label_components
from agent.guided import LevelMap
from agent.navigator import Navigator
from agent.rules import colour_box
from agent.training.evaluate import Tally, play_level
from agent.training.levels import frame_of, start_level
from agent.walker import MAX_PARTS, Walker, _solid_rectangles, find_picture_and_patch
from arc_client.games import game_class
from arc_client.games.play import act

SEEDS = range(20000, 20004)  # validation seeds: neither training nor the reserved evaluation range


def walk_level(seed: int, level: int, first: int | None = None) -> tuple[bool, Walker]:
    """One first attempt: the walker's move, else a random one (`first`: the first move); the navigator
    learns the mover and the walls from every move, as in the agent."""
    game, raw = start_level(game_class("tw01"), seed, level)
    walker, navigator, level_map = Walker(), Navigator(), LevelMap()
    rng = random.Random(seed)
    for step in range(game.budgets[level]):
        frame, mask = frame_of(raw), level_map.mask
        move = walker.act(frame, (1, 2, 3, 4), mask, navigator, level)
        action = move.action if move is not None else rng.choice((1, 2, 3, 4))
        if step == 0 and first is not None:
            action = first
        raw = act(game, action)
        if raw.levels_completed > level:
            return True, walker
        if not raw.frame:
            break
        navigator.observe(frame, action, frame_of(raw), mask, level)
        level_map.record(frame, (action, -1, -1), frame_of(raw))
        walker.observe(frame_of(raw), mask, navigator, level)
    return False, walker


def test_the_walker_walks_tile_patches_into_their_pictures_within_the_budget() -> None:
    wins = random_wins = 0
    learnt = False
    for seed in SEEDS:
        for level in range(3):
            won, walker = walk_level(seed, level)
            wins += won
            learnt |= len(walker.swap) > 0  # what stepping on a tile does, seen when the mover left it
            random_wins += play_level(None, game_class("tw01"), seed, level, Tally(), random.Random(seed))
    assert learnt
    assert wins >= 8 and wins >= random_wins + 6, (wins, random_wins)  # of 12 levels


def onto_the_patch(seed: int, level: int) -> int | None:
    """The move that takes the mover from its start straight onto a tile of the patch, if one does."""
    _, raw = start_level(game_class("tw01"), seed, level)
    frame = frame_of(raw)
    mover = colour_box(frame, 9, None)
    found = find_picture_and_patch(frame, None, mover, floor=4)
    if mover is None or found is None:
        return None
    (r0, c0, r1, c1), size = found[1][0], mover[2] - mover[0]
    for action, (dr, dc) in ((1, (-size, 0)), (2, (size, 0)), (3, (0, -size)), (4, (0, size))):
        top, left = mover[0] + dr, mover[1] + dc
        if r0 <= top < r1 and c0 <= left < c1:
            return action
    return None


def test_a_first_step_onto_a_tile_does_not_hide_the_patch() -> None:
    """Stepping onto a tile first makes the navigator take the tiles' colour for the floor, and the
    mover hides a tile: the walker reads the patch in the level's first frame and the floor around
    the mover there, and still walks the patch into its picture."""
    starts = [(seed, level, action) for seed in range(20000, 20030) for level in range(3)
              if (action := onto_the_patch(seed, level)) is not None]
    assert len(starts) >= 5
    wins = sum(walk_level(seed, level, first)[0] for seed, level, first in starts)
    assert wins >= len(starts) - 1, (wins, len(starts))


def test_no_picture_and_patch_in_the_other_mover_games() -> None:
    for name in ("mz01", "kd01", "kb01", "cl01", "sw01", "pb01"):
        for seed in SEEDS:
            for level in range(3):
                game, raw = start_level(game_class(name), seed, level)
                frame = frame_of(raw)
                mover = colour_box(frame, 9, None)  # the player's colour in the suite
                assert find_picture_and_patch(frame, None, mover, floor=4) is None, (name, seed, level)


def test_the_full_agent_clears_more_tile_walk_levels_with_the_walker() -> None:
    on, off = with_and_without("tw01", SEEDS, 3, walk=False)
    assert on >= off + 4, (on, off)


def test_a_noisy_region_is_skipped_and_the_picture_still_found() -> None:
    """A region of specks in many colours (a texture, static) holds hundreds of components, whose pairs
    of corners the rectangle search would try one by one (seconds a look); it is skipped as no picture of
    tiles, and the level's picture and patch are read as in the clean frame."""
    rng = np.random.default_rng(3)
    for seed in SEEDS:
        _, raw = start_level(game_class("tw01"), seed, 0)
        frame = frame_of(raw)
        mover = colour_box(frame, 9, None)
        clean = find_picture_and_patch(frame, None, mover, floor=4)
        assert clean is not None
        # the background margin left of the level (above the bar), filled with specks of colours 10-15 but
        # for its last column (a region touching the level's objects would hold them too)
        background = int(np.bincount(frame.ravel()).argmax())
        width = int(np.argmin((frame[:56] == background).all(axis=0))) - 1
        assert width >= 8
        noisy = frame.copy()
        noisy[:56, :width] = rng.integers(10, 16, (56, width))
        assert len(np.unique(label_components(noisy)[:56, :width])) > MAX_PARTS  # one solid region of specks
        assert not any(b[0] < 56 and b[1] < width for b in _solid_rectangles(noisy, None, 4))
        assert find_picture_and_patch(noisy, None, mover, floor=4) == clean
