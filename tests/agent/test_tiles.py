"""The tiles reader (agent.tiles): a board of like tiles with one empty place, read from the frame with the
legend of its arrangement, solved under the sliding rule the clicks showed; on Slide (`ht01`) and on the
other held-out games, where it must read nothing."""

from __future__ import annotations

import random

import numpy as np
import pytest
from agent_testkit import actions_per_level, play_game

from agent.agents.aria_agent import AriaAgent
from agent.tiles import EMPTY, Tiles, slide, slides, solve
from agent.training.levels import frame_of
from arc_client.games.heldout import HELDOUT, heldout_dir
from arc_client.games.heldout.slide import LEVELS, Ht01
from arc_client.games.play import act, play_plan

OTHER_GAMES = [cls for cls in HELDOUT if cls.NAME != "ht01"]


def test_a_slide_is_undone_and_the_solution_is_the_fewest_clicks() -> None:
    goal = (1, 2, 3, 4, 5, 6, 7, 8, EMPTY)
    rng = random.Random(0)
    for _ in range(20):
        state, scrambled = goal, 0
        for _ in range(rng.randrange(4, 14)):
            place, state = rng.choice(list(slides(state, 3, 3, "one")))
            scrambled += 1
        one, run = solve(state, goal, 3, 3, "one"), solve(state, goal, 3, 3, "run")
        assert one is not None and run is not None and len(run) <= len(one) <= scrambled
        for plan, rule in ((one, "one"), (run, "run")):
            at = state
            for place in plan:
                assert place in dict(slides(at, 3, 3, rule))
                at = slide(at, 3, place)
            assert at == goal
    # the fewest: a plain breadth-first count agrees
    start = (4, 1, 3, 7, 2, 6, EMPTY, 5, 8)
    depth, layer, seen = 0, {start}, {start}
    while goal not in layer:
        layer = {nxt for s in layer for _, nxt in slides(s, 3, 3, "one")} - seen
        seen |= layer
        depth += 1
    assert len(solve(start, goal, 3, 3, "one") or []) == depth
    # a run moves every tile between the click and the empty place
    assert slide((1, 2, 3, EMPTY), 4, 0) == (EMPTY, 1, 2, 3)
    assert solve((1, 2, 3, EMPTY), (EMPTY, 1, 2, 3), 1, 4, "run") == [0]
    assert solve((1, 2, 3, EMPTY), (1, 2, 4, EMPTY), 1, 4, "one") is None  # not the same tiles


@pytest.mark.parametrize("seed", [0, 1])
def test_the_board_and_legend_read_from_slide_are_solved_in_the_game(seed: int) -> None:
    """Every level of Slide read from its first frame and won by clicking the plan's places in the real game,
    in as few clicks as the game's own solver needs (the level's rule: one tile, or a run from level 5)."""
    game = Ht01(seed=seed)
    result = act(game, 0)
    for level, (_, _, run, *_) in enumerate(LEVELS):
        reader = Tiles()
        frame = frame_of(result)
        assert reader._find(frame), level
        assert reader.board is not None and reader.goal is not None
        state = reader._arrangement(frame)
        assert state is not None
        plan = solve(state, reader.goal, reader.board.rows, reader.board.cols, "run" if run else "one")
        assert plan is not None and len(plan) == len(game.solutions[level]), (level, plan)
        for place in plan:
            result = act(game, 6, *reader.board.centre(place))
        assert result.levels_completed == level + 1, level


def test_other_held_out_games_show_no_board_of_tiles() -> None:
    """The first frame of every level of the other held-out games: no lattice of tiles with a legend."""
    for cls in OTHER_GAMES:
        game = cls(seed=0)
        result = act(game, 0)
        for level, plan in enumerate(game.solutions):
            assert not Tiles()._find(frame_of(result)), (cls.NAME, level)
            result = play_plan(game, plan)


def test_a_click_that_slides_a_run_confirms_the_run_rule_and_a_dead_click_refutes_it() -> None:
    game = Ht01(seed=0)
    result = act(game, 0)
    for plan in game.solutions[:4]:
        result = play_plan(game, plan)
    reader = Tiles()
    frame = frame_of(result)
    assert reader._find(frame)
    reader.level = 4
    state = reader._arrangement(frame)
    assert state is not None and reader.board is not None
    cols, rows = reader.board.cols, reader.board.rows
    gap = state.index(EMPTY)
    far = next(p for p, _ in slides(state, rows, cols, "run") if p not in dict(slides(state, rows, cols, "one")))
    after = act(game, 6, *reader.board.centre(far))
    reader.observe(frame, 6, *reader.board.centre(far), frame_of(after), 4)
    assert reader.confirmed == "run" and reader._arrangement(frame_of(after)) == slide(state, cols, far)
    assert reader._arrangement(frame_of(after)).index(EMPTY) == far and gap != far
    # before level 5 a click on a tile in line with the empty place but not beside it (the 3x2 level 2)
    game = Ht01(seed=1)
    act(game, 0)
    result = play_plan(game, game.solutions[0])
    reader = Tiles()
    frame = frame_of(result)
    assert reader._find(frame)
    reader.level = 1
    state = reader._arrangement(frame)
    assert state is not None and reader.board is not None
    far = [p for p, _ in slides(state, 2, 3, "run") if p not in dict(slides(state, 2, 3, "one"))]
    assert far
    after = act(game, 6, *reader.board.centre(far[0]))
    assert np.array_equal(frame_of(after)[:60], frame[:60])  # nothing slid (but the bar)
    reader.observe(frame, 6, *reader.board.centre(far[0]), frame_of(after), 1)
    assert "run" in reader.refuted and reader.confirmed is None and not reader.off


async def test_aria_slides_the_tiles_of_slide_to_their_legend() -> None:
    # measured on agent seed 0: 6 levels in 54 actions (3, 7, 9, 14, 11, 10: each level's fewest but level
    # 4's, where a probe of the run rule cost one; baselines 5, 11, 14, 20, 17, 15), 100%; before the reader
    # 3 levels in 5,000 actions (0.13%), as aria-slow
    agent = AriaAgent(seed=0)
    run = await play_game(heldout_dir(), "ht01", agent, 200)
    per_level = actions_per_level(run.steps)
    assert run.levels == 6, (run.levels, per_level)
    assert all(n <= base for n, base in zip(per_level, Ht01.baselines(0), strict=True)), per_level
    assert sum(d.mode == "tiles" for _, a, _ in run.steps if (d := a.decision) is not None) >= 40
    # the matcher reads levels 3-4's tiles and legend as a board too (each cell one of the legend's colours),
    # and its recolouring clicks cost level 3 six actions: the tiles reader is asked before it
    assert not any(d.mode == "match" for _, a, _ in run.steps if (d := a.decision) is not None)
    without = await play_game(heldout_dir(), "ht01", AriaAgent(seed=0, novel_readers=(
        "match", "legend", "walk", "push", "turn", "key", "twin", "shunt", "count", "slide", "seek",
        "navigate")), 200)
    assert without.levels <= 3, without.levels
