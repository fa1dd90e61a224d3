"""Movers that move together (held-out `hw01`, Twin Walkers): two sprites move on every key, the second
mirrored from level 4 on, lava from level 5. The reader learns both movers, their displacements and
what kills from the game's own frames, and plans their joint walk to the patches of their colours."""

from __future__ import annotations

import numpy as np
from agent_testkit import play_game

from agent.agents.aria_agent import AriaAgent
from agent.evaluation.synthetic import drift
from agent.twins import MoverModel, Twins
from arc_client.games.heldout import heldout_dir
from arc_client.games.heldout.stage import LIGHT_GRAY, MAGENTA, ORANGE, PURPLE, RED, YELLOW
from arc_client.games.heldout.twins import Hw01
from arc_client.games.play import act


def frame_of(raw) -> np.ndarray:  # type: ignore[no-untyped-def]
    return np.array(raw.frame[-1], dtype=np.uint8)


def test_both_movers_and_their_moves_are_learnt_from_the_games_frames() -> None:
    game = Hw01(seed=0)
    twins = Twins()
    before = frame_of(act(game, 0))
    for action in (1, 3, 2, 4, 1, 3):  # found on the first move both make (one is blocked on the first two)
        after = frame_of(act(game, action))
        twins.observe(before, action, after, None, 0)
        before = after
    assert len(twins.movers) == 2
    assert sorted(m.main for m in twins.movers) == sorted((ORANGE, PURPLE))
    assert all(m.size == (4, 4) for m in twins.movers)  # a 2x2-cell sprite, two display pixels a cell
    # every move seen for each mover: a cell (4 display pixels) the ARC way, neither mirrored on level 1
    for mover in twins.movers:
        assert mover.moves == {1: (-4, 0), 2: (4, 0), 3: (0, -4), 4: (0, 4)}
    places = twins.places(before)
    assert places is not None and len(set(places)) == 2


def test_a_plan_never_puts_a_mover_on_a_colour_that_killed() -> None:
    frame = np.full((64, 64), LIGHT_GRAY, dtype=np.uint8)
    orange = np.array([[ORANGE] * 4] * 3 + [[YELLOW, ORANGE, ORANGE, ORANGE]], dtype=np.int16)
    purple = np.full((4, 4), PURPLE, dtype=np.int16)
    purple[2:, 2:] = MAGENTA  # its eye: the picture is not its patch's
    frame[20:24, 8:12] = orange
    frame[40:44, 8:12] = purple
    frame[20:24, 40:44] = ORANGE  # the orange mover's patch, straight to the right
    frame[40:44, 40:44] = PURPLE  # the purple one's, as far to the right
    frame[16:28, 24:28] = RED  # lava across the orange mover's row
    twins = Twins()
    right = {1: (-4, 0), 2: (4, 0), 3: (0, -4), 4: (0, 4)}
    twins.movers = [MoverModel(orange, dict(right)), MoverModel(purple, dict(right))]
    twins.entered = {LIGHT_GRAY}
    twins.deadly = {RED}
    start = twins.places(frame)
    assert start == ((20, 8), (40, 8))
    twins._see_pads(frame, start)
    plan = twins._search(frame, (1, 2, 3, 4), None, start, [twins.pads[ORANGE], twins.pads[PURPLE]])
    assert plan and plan[-1][1] == ((20, 40), (40, 40))
    for _, places in plan:
        (r, c) = places[0]
        assert not (frame[r:r + 4, c:c + 4] == RED).any()  # round the lava, never onto it
    assert len(plan) > 8  # the straight way (8 moves right) went through it
    twins.deadly = set()  # not known to kill: the straight way
    assert len(twins._search(frame, (1, 2, 3, 4), None, start, [twins.pads[ORANGE], twins.pads[PURPLE]])) == 8


async def test_the_twins_reader_clears_the_levels_the_other_systems_do_not() -> None:
    """Measured: 6 levels in 126 actions with it (agent seed 0); without it 2 levels in 5,000 (level 2
    alone cost 844 actions)."""
    with_twins = await play_game(heldout_dir(), "hw01", AriaAgent(seed=0), 400)
    readers = tuple(r for r in AriaAgent(seed=0).novel_readers if r != "twin")
    without = await play_game(heldout_dir(), "hw01", AriaAgent(seed=0, novel_readers=readers), 400)
    assert with_twins.levels >= 5 and without.levels <= 2, (with_twins.levels, without.levels)
    twin_steps = [a for _, a, _ in with_twins.steps if a.decision is not None and a.decision.mode == "twin"]
    assert len(twin_steps) >= 40 and all(a.decision.system == "slow" for a in twin_steps)


def drifting(count: int, steps: int, seed: int = 5) -> list[np.ndarray]:
    """Frames of `count` small two-colour sprites drifting a pixel a step on their own, bouncing off the
    edges, and a 4x4 mover the keys do not reach."""
    rng = np.random.default_rng(seed)
    pairs = [(int(a), int(b)) for a in range(4, 16) for b in range(4, 16) if a != b]
    chosen = [pairs[i] for i in rng.choice(len(pairs), count, replace=False)]
    sprites = [[*map(int, rng.integers(0, 61, 2)), *map(int, rng.choice((-1, 1), 2)), *colours] for colours in chosen]
    frames = []
    for _ in range(steps):
        frame = np.ones((64, 64), dtype=np.uint8)
        drift(frame, sprites)
        frame[30:34, 30:34] = 3
        frames.append(frame)
    return frames


def test_sprites_drifting_on_their_own_in_numbers_are_no_movers() -> None:
    # an animation: every key "moves" every drifting sprite; two that turn at a wall on one move looked steered,
    # and all 24 became movers, each looked for in every frame after (3 ms a step); more than `most_movers`
    # sprites moved by one key are no twins. A few drifting sprites are still candidates (what the bound spares)
    for count, candidates in ((24, False), (3, True)):
        frames = drifting(count, 120)
        twins = Twins()
        seen = False
        for step, (before, after) in enumerate(zip(frames, frames[1:], strict=False)):
            twins.observe(before, 1 + step % 4, after, None, 0)
            seen |= bool(twins.candidates or twins.movers)
        assert seen == candidates, (count, len(twins.candidates), len(twins.movers))
        assert len(twins.movers) <= twins.most_movers
