"""The guided slow system (agent.guided) with the shipped checkpoint (the navigator off, so that every
slow step is the search's), on real suite levels: it never re-sends a move the level's graph already knows from a state while an untried one is left there, its
map keys a wall bump as a self-loop once the step-budget bar is masked, and the full agent clears at
least as many validation levels with it as with the explorer it replaces on familiar levels."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import numpy as np

from agent.agents.aria_agent import AriaAgent
from agent.base import Action
from agent.guided import LevelMap
from agent.models.loading import load_models
from agent.training.evaluate import Tally, play_level
from agent.training.levels import response_of, start_level, state_of
from arc_client.games import game_class
from arc_client.games.play import act
from arc_client.types import GameAction, GameInfo, GameState

# the guided search alone: the navigator and the goal readers (matcher, legend, walker, pusher) off
SEARCH_ONLY: dict[str, Any] = {"navigate": "off", "match": False, "legend": False, "walk": False, "push": False}


def move_of(chosen: Action) -> tuple[int, int, int]:
    return int(chosen.action), chosen.x if chosen.x is not None else -1, chosen.y if chosen.y is not None else -1


def play_first_attempt(agent: AriaAgent, name: str, seed: int,
                       check: Callable[[bytes, dict[Any, Any], Action], None]) -> None:
    """The first attempt at level 1; `check(key, known, chosen)` on every step, with the map's key of the
    state and the moves it knew from there before the agent chose."""
    game, raw = start_level(game_class(name), seed, 0)
    latest = response_of(raw, game)
    agent.start(GameInfo(game.game_id), latest)
    for _ in range(game.budgets[0]):
        key = agent.guided.map.key(latest.frame)
        known = dict(agent.guided.map.edges.get(key, {}))
        chosen = agent.act(latest)
        assert chosen.decision is not None
        check(key, known, chosen)
        raw = act(game, int(chosen.action), chosen.x, chosen.y)
        latest = response_of(raw, game, int(chosen.action), chosen.x, chosen.y)
        agent.observe(chosen, latest)
        if raw.levels_completed > 0 or state_of(raw) is GameState.GAME_OVER:
            break


def test_the_guided_choice_never_repeats_a_known_move_while_an_untried_one_is_left() -> None:
    models = load_models()
    guided_steps = revisits = 0
    for name, seed in (("mz01", 3), ("kb01", 4), ("sq01", 3)):
        agent = AriaAgent(seed, models=models, threshold=1.01, **SEARCH_ONLY)  # every step the slow system's, whatever
                                                                # threshold phase 4 shipped

        def check(key: bytes, known: dict[Any, Any], chosen: Action, agent: AriaAgent = agent) -> None:
            nonlocal guided_steps, revisits
            decision = chosen.decision
            assert decision is not None
            if decision.system == "slow":
                assert decision.mode == "guided" and "guided search: " in decision.reason
                guided_steps += 1
                ranking = agent.guided.seen[key].moves(agent.guided.max_clicks)
                move = move_of(chosen)
                untried_left = [m for m, _ in ranking if m not in known]
                if move in known:  # only on a known path elsewhere, or when nothing is left to try here
                    assert "known path" in decision.reason or not untried_left, decision.reason
                if key in known.get(move, {}):  # it did nothing here before
                    assert not untried_left
                revisits += bool(known)

        play_first_attempt(agent, name, seed, check)
    assert guided_steps >= 20 and revisits >= 3  # the guided search acted, also in states seen before


def test_the_level_map_keys_a_wall_bump_as_a_self_loop_once_the_budget_bar_is_masked() -> None:
    game, raw = start_level(game_class("mz01"), 3, 0)
    level_map = LevelMap()
    bumps = 0
    for action in [1, 2, 3, 4] * 5:
        before = response_of(raw, game).frame
        raw = act(game, action, None, None)
        after = response_of(raw, game).frame
        assert not np.array_equal(before, after)  # the budget bar shrinks on every action
        level_map.record(before, (action, -1, -1), after)
        bumps += level_map.key(before) == level_map.key(after)
    assert level_map.mask.any() and level_map.mask.mean() <= 0.2  # the bar's lines, not the board
    assert bumps >= 1
    # the whole graph was re-keyed with the mask: bumps made before it was learnt are self-loops too
    selfloops = sum(out[k] for k, moves in level_map.edges.items() for out in moves.values() if k in out)
    expected = sum(level_map.key(b) == level_map.key(a) for b, _, a, _ in level_map.transitions if a is not None)
    assert selfloops == expected >= bumps


def test_a_game_over_the_step_budget_explains_blames_no_move() -> None:
    game, raw = start_level(game_class("mz01"), 3, 0)
    before = response_of(raw, game).frame
    moves = [(a, -1, -1) for a in (1, 2, 3, 4)]
    afters = []
    for move in moves:  # each move once from the start, the level reset after each (real frames)
        game, raw = start_level(game_class("mz01"), 3, 0)
        afters.append(response_of(act(game, move[0], None, None), game).frame)
    led, ended = next((m, a) for m, a in zip(moves, afters, strict=True) if not np.array_equal(a, before))
    level_map = LevelMap()
    level_map.record(before, led, ended, step=1)
    start = level_map.key(before)
    assert (level_map.key(ended), led) in level_map.successors(start)
    level_map.record(before, led, None, step=40)  # the attempt's 40th action ended the game
    assert all(m != led for _, m in level_map.successors(start))  # blamed: once killed, once led on
    level_map.budget = 40  # the explorer has since inferred a 40-action budget: that game over was it
    assert (level_map.key(ended), led) in level_map.successors(start)
    other = next(m for m in moves if m != led)
    level_map.record(before, other, None, step=40)
    assert not level_map.tried(start, other)  # its outcome is still unknown: worth a try next attempt
    level_map.budget = None
    assert level_map.tried(start, other)  # with no budget to explain it, it killed


def test_the_full_agent_clears_at_least_as_many_validation_levels_as_with_the_explorer() -> None:
    models = load_models()
    wins = {True: 0, False: 0}
    for guided in (True, False):
        for name in ("sq01", "kb01"):
            for seed in range(20_000, 20_004):  # validation seeds (10,000-19,999 are for evaluation only)
                for level in range(3):
                    agent = AriaAgent(seed, models=models, guided=guided, **SEARCH_ONLY)
                    wins[guided] += play_level(agent, game_class(name), seed, level, Tally())
    assert wins[True] >= wins[False] and wins[True] > 0, wins


def test_a_reset_is_never_the_guided_choice() -> None:
    models = load_models()
    agent = AriaAgent(7, models=models, **SEARCH_ONLY)
    game, raw = start_level(game_class("pb01"), 7, 1)
    latest = response_of(raw, game)
    agent.start(GameInfo(game.game_id), latest)
    for _ in range(game.budgets[1]):
        chosen = agent.act(latest)
        assert chosen.action is not GameAction.RESET  # a first attempt that resets has failed
        raw = act(game, int(chosen.action), chosen.x, chosen.y)
        latest = response_of(raw, game, int(chosen.action), chosen.x, chosen.y)
        agent.observe(chosen, latest)
        if raw.levels_completed > 1 or state_of(raw) is GameState.GAME_OVER:
            break


def test_the_first_attempts_game_over_one_action_early_is_the_budgets_doing() -> None:
    # The harness's RESET that starts a game is never the agent's, so a suite game's first attempt ends
    # one action before the budget the later attempts (which begin with the agent's own RESET) show.
    # Found on mz01 seed 0, level 1: the winning move, blamed for the first attempt's end, was never
    # tried again and the level was never cleared (0 of 5 levels in 5,000 actions; 3 in 1,000 now).
    game, raw = start_level(game_class("mz01"), 0, 0)
    before = response_of(raw, game).frame
    budget = game.budgets[0]
    level_map = LevelMap()
    level_map.budget = budget
    for move, step in (((1, -1, -1), budget - 1), ((2, -1, -1), budget + 1), ((3, -1, -1), budget - 2)):
        level_map.record(before, move, None, step=step)
    start = level_map.key(before)
    assert not level_map.tried(start, (1, -1, -1)) and not level_map.tried(start, (2, -1, -1))
    assert level_map.tried(start, (3, -1, -1))  # two actions early: no budget explains it, the move killed


def test_aria_clears_the_level_whose_winning_move_ended_the_first_attempt() -> None:
    agent = AriaAgent(0, models=load_models(), **SEARCH_ONLY)
    game = game_class("mz01")(seed=0)
    latest = response_of(act(game, 0), game)
    agent.start(GameInfo(game.game_id), latest)
    for _ in range(400):  # the harness's loop: the agent answers a game over with its own RESET
        chosen = agent.act(latest)
        latest = response_of(act(game, int(chosen.action), chosen.x, chosen.y), game, int(chosen.action),
                             chosen.x, chosen.y)
        agent.observe(chosen, latest)
        if latest.levels_completed:
            break
    assert latest.levels_completed == 1


def test_the_fast_policy_never_sends_a_move_the_graph_already_tried_from_that_state() -> None:
    """At a low threshold (0.1) the fast policy acts on most steps; a move the level's map already knows
    from the current state goes to the slow system instead."""
    models = load_models()
    fast_steps = handed = 0
    for name, seed in (("kd01", 20000), ("mz01", 20001)):
        def check(key: bytes, known: dict[Any, Any], chosen: Action, name: str = name) -> None:
            nonlocal fast_steps, handed
            decision = chosen.decision
            assert decision is not None
            move = move_of(chosen)
            if decision.system == "fast":
                fast_steps += 1
                assert move not in known, (name, move)
            handed += decision.reason.startswith("the fast move was tried here before")

        play_first_attempt(AriaAgent(seed, models=models, threshold=0.1, **SEARCH_ONLY), name, seed, check)
    assert fast_steps > 20 and handed > 3, (fast_steps, handed)


def test_the_loop_check_counts_visits_under_the_level_maps_keys() -> None:
    """One HUD detector for the graph and the loop check: the fast policy acts only on a state's first
    visit as the level's map keys it (counted here afresh whenever the map's mask changes), and the
    loop check names the same count."""
    models = load_models()
    fast_steps = loops = 0
    for name, seed in (("kd01", 20000), ("mz01", 20001), ("sq01", 20002), ("pb01", 20003)):
        agent = AriaAgent(seed, models=models, **SEARCH_ONLY)
        counts: Counter[bytes] = Counter()
        mask = agent.guided.map.mask.copy()

        def check(key: bytes, known: dict[Any, Any], chosen: Action, agent: AriaAgent = agent,
                  counts: Counter[bytes] = counts) -> None:
            nonlocal fast_steps, loops, mask
            if not np.array_equal(mask, agent.guided.map.mask):  # every key changed
                mask = agent.guided.map.mask.copy()
                counts.clear()
            counts[key] += 1
            decision = chosen.decision
            assert decision is not None
            if decision.system == "fast":
                fast_steps += 1
                assert counts[key] == 1, (decision.reason, counts[key])
            elif decision.reason.startswith("state visited"):
                loops += 1
                assert decision.reason.startswith(f"state visited {counts[key]} times"), decision.reason

        play_first_attempt(agent, name, seed, check)
    assert fast_steps > 20 and loops > 3, (fast_steps, loops)
