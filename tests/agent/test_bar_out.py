"""A game over that empties a HUD bar is the bar's doing (a step budget spent, a tank run dry), not the
move's: `bar_emptied` tells the two apart on real frames. With a tank that refills (held-out `hf01`, Fuel)
attempts run out after different numbers of steps, so no step budget is ever inferred and, before this
rule, the moves that happened to burn the last unit were taken for moves that kill; once the bar ran out
after two different numbers of actions in a level, the explorer blames no edge for it. A step budget
(the bar always runs out after the same number) is left to the budget rule, as before."""

from __future__ import annotations

from collections import deque

import numpy as np
from agent_testkit import play_game
from arcengine import GameState as EngineState

from agent.base import Agent
from agent.explorer import GraphExplorer, bar_emptied
from agent.frames import StatusBarDetector
from agent.training.levels import frame_of
from arc_client import GameState
from arc_client.games.heldout import heldout_dir
from arc_client.games.heldout.shifting_rules import MOVES, He01
from arc_client.games.play import act, play_plan


def _bar_mask(frames: list[np.ndarray], actions: list[int]) -> np.ndarray:
    detector = StatusBarDetector()
    for before, after, action in zip(frames, frames[1:], actions, strict=False):
        detector.observe(before, after, action)
    return detector.mask()


def test_an_emptied_bar_is_told_from_a_move_that_kills() -> None:
    game = He01(seed=0)
    act(game, 0)
    play_plan(game, game.solutions[0])  # level 2: green is deadly
    puzzle = game.puzzles[1]
    # a shortest walk onto the green pad, over the level's states
    start = game.initial_state(puzzle)
    parent = {start: None}
    queue = deque([start])
    end = None
    while queue and end is None:
        state = queue.popleft()
        for action in MOVES:
            nxt = game.transition(puzzle, state, action, None)
            if nxt in parent:
                continue
            parent[nxt] = (state, action)
            if game.is_lost(puzzle, nxt):
                end = nxt
                break
            queue.append(nxt)
    assert end is not None
    walk = []
    while parent[end] is not None:
        end, action = parent[end]
        walk.append(action)
    walk.reverse()
    # first the level spent by moves that change nothing but the bar (bumps, back and forth): the bar
    # runs out; the HUD detector learns the bar from these frames, as the explorer's does
    bumps = [1, 2, 3, 4] * 30
    frames, sent = [frame_of(act(game, 1))], []
    for action in bumps:
        result = act(game, action)
        sent.append(action)
        if result.state is EngineState.GAME_OVER:
            break
        frames.append(frame_of(result))
    assert result.state is EngineState.GAME_OVER and len(frames) + 1 == game.budgets[1]
    mask = _bar_mask(frames, sent)
    assert mask[:, :2].all() and mask.mean() < 0.25  # the bar runs down the left edge
    assert bar_emptied(frames[-1], frame_of(result), mask)
    # then the level again, walked onto the green pad: the pad kills, the bar is not empty
    act(game, 0)
    frames = [frame_of(act(game, a)) for a in walk[:-1]]
    death = act(game, walk[-1])
    assert death.state is EngineState.GAME_OVER and frames
    assert not bar_emptied(frames[-1], frame_of(death), mask)


class _Explorer(Agent):
    name = "explorer"

    def __init__(self, seed: int = 0, undo_moves: bool = True) -> None:
        super().__init__(seed)
        self.explorer = GraphExplorer(seed=seed, undo_moves=undo_moves)
        self.overs: list[tuple[int, bool]] = []

    def act(self, latest):  # type: ignore[no-untyped-def]
        return self.explorer.choose(latest)

    def observe(self, action, result):  # type: ignore[no-untyped-def]
        self.explorer.record(action, result)
        if result.state is GameState.GAME_OVER:
            self.overs.append((self.explorer.steps, self.explorer.spent))


async def test_a_tank_run_dry_blames_no_edge() -> None:
    # (the explorer that foresees its steps back takes no can on Fuel's level 2 within these 200 actions: every
    # attempt runs dry after 13, and a tank read as a step budget is right by what it saw; the one without
    # that foresight takes a can and runs dry after 22 once, which is what this test needs)
    agent = _Explorer(seed=0, undo_moves=False)
    await play_game(heldout_dir(), "hf01", agent, 200)
    assert len(agent.overs) >= 3 and all(spent for _, spent in agent.overs), agent.overs
    assert agent.explorer.refills  # the tank ran out after different numbers of actions in a level
    graph = agent.explorer.graph
    assert not graph.deaths
    edges = [edge for node in graph.nodes.values() for edge in node.edges.values()]
    assert not any(edge.deadly(graph.budget) for edge in edges)
    assert any(edge.spent for edge in edges)
    # an edge the bar ran out on is no frontier while no step budget is known (it was one: every attempt
    # went back to it to run out there again)
    assert all(not node.is_untried(action, agent.explorer.max_deaths, graph.budget)
               for node in graph.nodes.values() for action, edge in node.edges.items() if edge.spent)


async def test_a_step_budget_still_counts_as_deaths_the_budget_rule_explains() -> None:
    # Shifting Rules' bar is a step budget: it runs out after the level's budget of actions every time, so
    # those game overs stay deaths, explained once two agree on the step count (the explorer's budget
    # rule), and no refill is read into them
    agent = _Explorer(seed=0)
    await play_game(heldout_dir(), "he01", agent, 300)
    assert len(agent.overs) >= 2 and all(spent for _, spent in agent.overs), agent.overs
    assert not agent.explorer.refills
    graph = agent.explorer.graph
    assert graph.deaths and graph.budget is not None
