"""Pushing blocks onto their targets (agent.pusher) on real block-pushing levels: with the blocks guessed
from the level's first frame (two colours with as many cells) and the mover and walls learned from the
moves, it pushes the blocks home within the budget far more often than random play; it proposes
nothing in the other mover games; the full agent clears more block-pushing levels with it than without."""

from __future__ import annotations

import random

import numpy as np
from goal_levels import with_and_without

from agent.agents.aria_agent import AriaAgent
from agent.guided import LevelMap
from agent.models.loading import load_models
from agent.navigator import Navigator
from agent.pusher import Pusher, grid_of
from agent.rules import colour_box
from agent.training.evaluate import Tally, play_level
from agent.training.levels import frame_of, response_of, start_level
from arc_client.games import game_class
from arc_client.games.play import act
from arc_client.types import GameInfo, GameState

SEEDS = range(20000, 20005)  # validation seeds: neither training nor the reserved evaluation range


def push_level(name: str, seed: int, level: int, forced: tuple[int, ...] = (), undos: int = 8
               ) -> tuple[bool, Pusher]:
    """One first attempt: the pusher's move, else a random one (the `forced` moves first); the
    navigator learns the mover, the floor and the walls from every move, as in the agent."""
    game, raw = start_level(game_class(name), seed, level)
    pusher, navigator, level_map = Pusher(max_undos=undos), Navigator(), LevelMap()
    rng = random.Random(seed)
    for step in range(game.budgets[level]):
        frame, mask = frame_of(raw), level_map.mask
        move = pusher.act(frame, (1, 2, 3, 4, 7), mask, navigator, level)
        action = move.action if move is not None else rng.choice((1, 2, 3, 4))
        if step < len(forced):
            action = forced[step]
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


def test_a_push_no_plan_recovers_from_is_taken_back() -> None:
    """Two forced moves in one direction from the start sometimes push a block where it can never
    reach a target; the pusher then undoes (ACTION7) until a plan exists, and clears such levels
    that it loses without undoing."""
    undone = won = won_without = 0
    for seed in range(20000, 20030):
        for level in range(2):
            for action in (1, 2, 3, 4):
                win, pusher = push_level("pb01", seed, level, (action, action))
                if pusher.undos:
                    undone += 1
                    won += win
                    won_without += push_level("pb01", seed, level, (action, action), undos=0)[0]
    assert undone >= 5 and won >= won_without + 2, (undone, won, won_without)


def test_a_target_under_the_mover_at_the_start_counts() -> None:
    """Levels whose first frame shows one target fewer than blocks (the mover stands on the other):
    the cells under the mover are read once it has left them, and the blocks are pushed home."""
    levels = []
    for seed in range(20000, 20030):
        for level in range(3):
            _, raw = start_level(game_class("pb01"), seed, level)
            frame = frame_of(raw)
            box = colour_box(frame, 9, None)  # the player's colour in the suite
            assert box is not None
            colours = grid_of(frame, box, None).colours
            if int((colours == 12).sum()) == int((colours == 14).sum()) + 1:  # blocks, targets
                levels.append((seed, level))
    assert len(levels) >= 3
    wins = sum(push_level("pb01", seed, level)[0] for seed, level in levels)
    assert wins >= len(levels) - 1, (wins, levels)


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


def test_the_full_agent_pushes_through_a_whole_game_drawn_at_several_scales() -> None:
    # pb01's later levels are larger rooms drawn with smaller cells: the pusher reads each level's
    # moves from that level (the navigator's rules keep the earlier levels' displacement), and its
    # refuted plans turn it off for a level, not for the game
    game, raw = start_level(game_class("pb01"), 0, 0)  # a training seed, the whole game from level 1
    agent = AriaAgent(0, models=load_models())
    latest = response_of(raw, game)
    agent.start(GameInfo(game.game_id), latest)
    pushed_levels: set[int] = set()
    for _ in range(600):
        chosen = agent.act(latest)
        if chosen.decision is not None and chosen.decision.mode == "push":
            pushed_levels.add(latest.levels_completed)
        raw = act(game, int(chosen.action), chosen.x, chosen.y)
        latest = response_of(raw, game, int(chosen.action), chosen.x, chosen.y)
        agent.observe(chosen, latest)
        if latest.state is GameState.WIN:
            break
    assert latest.state is GameState.WIN, latest.levels_completed  # all 5 levels within 600 actions
    assert pushed_levels == {0, 1, 2, 3, 4}


def _reference_plan_length(start: tuple[tuple[int, int], frozenset[tuple[int, int]]],
                           targets: frozenset[tuple[int, int]], walls: np.ndarray,
                           steps: dict[int, tuple[int, int]]) -> int | None:
    """The fewest moves that put the blocks on the targets: a plain breadth-first search over (mover,
    blocks), everything off the grid a wall (the test's oracle; no pruning, no budget)."""
    rows, cols = walls.shape

    def wall(cell: tuple[int, int]) -> bool:
        return not (0 <= cell[0] < rows and 0 <= cell[1] < cols) or bool(walls[cell])

    seen, frontier, depth = {start}, [start], 0
    while frontier:
        depth += 1
        after = []
        for player, blocks in frontier:
            for dr, dc in steps.values():
                ahead = (player[0] + dr, player[1] + dc)
                if wall(ahead):
                    continue
                if ahead in blocks:
                    beyond = (ahead[0] + dr, ahead[1] + dc)
                    if wall(beyond) or beyond in blocks:
                        continue
                    state = (ahead, (blocks - {ahead}) | {beyond})
                else:
                    state = (ahead, blocks)
                if state[1] == targets:
                    return depth
                if state not in seen:
                    seen.add(state)
                    after.append(state)
        frontier = after
    return None


def test_the_push_search_finds_the_shortest_plan_and_prunes_dead_cells() -> None:
    """On random rooms (two or three blocks, the mover sometimes just outside the grid) the search's plan
    is as short as a plain breadth-first search's, each (action, state) of it follows from the one
    before, and it ends with the blocks on the targets; where the plain search finds none, neither
    does it. Pushes onto cells from which no target can be reached are not searched, so a budget too
    small for the plain search is enough."""
    steps = {1: (-1, 0), 2: (1, 0), 3: (0, -1), 4: (0, 1)}
    rng = np.random.default_rng(7)
    solved = unsolvable = 0
    for trial in range(120):
        rows, cols = int(rng.integers(6, 9)), int(rng.integers(6, 9))
        walls = rng.random((rows, cols)) < 0.08
        walls[[0, -1], :] = True
        walls[:, [0, -1]] = True
        free = [tuple(int(v) for v in c) for c in np.argwhere(~walls)]
        inner = [c for c in free if 2 <= c[0] < rows - 2 and 2 <= c[1] < cols - 2]
        k = 2 + trial % 2
        if len(inner) < k or len(free) < 2 * k + 1:
            continue
        blocks = frozenset(inner[i] for i in rng.choice(len(inner), k, replace=False))
        rest = [c for c in free if c not in blocks]
        picks = rng.choice(len(rest), k + 1, replace=False)
        player = rest[picks[0]]
        targets = frozenset(rest[i] for i in picks[1:])
        if trial % 10 == 0:  # the mover stands outside the grid, next to an open cell of its edge
            walls[0, 1:-1] = False
            player = (-1, int(rng.integers(1, cols - 1)))
        pusher = Pusher(max_nodes=200_000, guess_nodes=200_000)
        plan = pusher._search((player, blocks), targets, walls, steps)
        best = _reference_plan_length((player, blocks), targets, walls, steps)
        if best is None:
            assert plan == []
            unsolvable += 1
            continue
        solved += 1
        assert len(plan) == best
        at = player
        now = blocks
        for action, (mover, after) in plan:
            dr, dc = steps[action]
            assert mover == (at[0] + dr, at[1] + dc)
            if mover in now:
                assert after == (now - {mover}) | {(mover[0] + dr, mover[1] + dc)}
            else:
                assert after == now
            at, now = mover, after
        assert now == targets
    assert solved >= 30 and unsolvable >= 5

    # an open room, two blocks for the bottom-left: 16 moves; without leaving out the pushes into the
    # room's dead cells (against a wall no target lies along), 10,000 states are not enough
    walls = np.ones((7, 10), dtype=bool)
    walls[1:6, 1:9] = False
    start = ((3, 6), frozenset({(3, 4), (2, 5)}))
    targets = frozenset({(4, 2), (5, 3)})
    assert len(Pusher(max_nodes=10_000, guess_nodes=10_000)._search(start, targets, walls, steps)) == 16
