"""Pushing blocks onto their targets (agent.pusher) on real block-pushing levels: with the blocks guessed
from the level's first frame (two colours with as many cells) and the mover and walls learned from the
moves, it pushes the blocks home within the budget far more often than random play; it proposes
nothing in the other mover games; the full agent clears more block-pushing levels with it than without."""

from __future__ import annotations

import random

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
