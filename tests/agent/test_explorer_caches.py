"""The explorer's per-node caches (successors, useful frontier, foreseen clicks) answer what a fresh
computation answers, at every checked step of real games: click puzzles whose effects the explorer
learns and foresees one click point at a time, a counter with thousands of states, a keyboard game."""

from __future__ import annotations

import numpy as np
import pytest
from agent_testkit import play_game

from agent.base import Action, Agent
from agent.explorer import GraphExplorer, Node
from arc_client.games import suite_dir
from arc_client.games.heldout import heldout_dir


class CheckedExplorer(Agent):
    """The bare explorer, whose caches are compared with fresh answers every `every` steps (every step:
    a stale cache may be mended by a later change before a sparser check sees it)."""

    name = "checked-explorer"

    def __init__(self, seed: int = 0, every: int = 7, part_clicks: bool = True, progress: bool = True) -> None:
        super().__init__(seed)
        self.explorer = GraphExplorer(seed=seed, part_clicks=part_clicks, progress=progress)
        self.every, self.steps, self.checked, self.hits = every, 0, 0, 0
        self.progressed = 0  # checks of the progress cache (after a level was won)

    def act(self, latest):  # type: ignore[no-untyped-def]
        return self.explorer.choose(latest)

    def observe(self, action: Action, result) -> None:  # type: ignore[no-untyped-def]
        self.explorer.record(action, result)
        self.steps += 1
        if self.steps % self.every == 0:
            for key, node in list(self.explorer.graph.nodes.items()):
                self._check(key, node)

    def _check(self, key: bytes, node: Node) -> None:
        ex = self.explorer
        cached_successors = node.successors is not None
        assert ex._successors(key, node) == ex._edges_out(key, node), self.steps
        fresh_foreseen = {a: self._fresh_foreseen(node, a) for a in node.candidates}
        assert {a: ex._foreseen(node, a) for a in fresh_foreseen} == fresh_foreseen, self.steps
        cached_useful = node.useful is not None
        assert ex._useful_frontier(key, node) == (ex._best_untried(node, useful_only=True) is not None), self.steps
        if ex.direction is not None and node.frame is not None and ex.start_frame is not None:
            # how far the state went along the last won level's direction (`GraphExplorer._progress`)
            fresh = float(np.dot(ex._shares(node.frame) - ex._shares(ex.start_frame), ex.direction))
            assert ex._progress(node) == pytest.approx(fresh, abs=1e-12), self.steps
            self.progressed += 1
        self.checked += 1
        self.hits += cached_successors and cached_useful

    def _fresh_foreseen(self, node: Node, action: tuple[int, int, int]) -> bytes | None:
        ex = self.explorer
        if action[0] != 6:  # a key move: the one state before a move here that it is known to undo
            backs = {before for before, move, kind in node.into if (move, kind, action[0]) in ex.inverses.known}
            return backs.pop() if len(backs) == 1 else None
        if node.frame is None or not ex.foresee or not ex.effects.trusted:
            return None
        after = ex.effects.predict(node.frame, action[1], action[2])
        return None if after is None else ex._key(after)


@pytest.mark.parametrize(("games_dir", "game", "budget", "part_clicks", "progress"), [
    (heldout_dir(), "hl01", 600, True, True),  # Lantern Grid: toggles the explorer learns to foresee
    # Counter: a click game of many states; one click per sprite, whose effects it learns to foresee within
    # the budget (with its buttons' labels clicked too, 36 of 44 clicks were foreseen: not trusted). Played
    # without the won levels' direction (`progress`): the states it heads for then are those whose clicks it
    # foresaw worse (18 of 23 within 1,500 actions, not trusted; without it 70 of 73)
    (heldout_dir(), "hc01", 900, False, False),
    (heldout_dir(), "hz01", 600, True, True),  # Depot: clicks on the parts of a sprite (two blocks side by side)
    (suite_dir(), "sq01", 400, True, True),  # Click in Order
    (suite_dir(), "mz01", 400, True, True),  # a keyboard maze
])
async def test_the_explorers_caches_answer_as_fresh_computations_do(games_dir, game, budget,  # type: ignore[no-untyped-def]
                                                                     part_clicks, progress) -> None:
    agent = CheckedExplorer(seed=0, every=1, part_clicks=part_clicks, progress=progress)
    await play_game(games_dir, game, agent, budget)
    assert agent.checked > 100 and agent.hits > 50, (agent.checked, agent.hits)
    if game in ("hl01", "hz01"):  # a level won that gave a direction: the progress caches were exercised
        # (a maze's levels give none: the first and last frames hold the same colours)
        assert agent.progressed > 100, agent.progressed
    if game == "hz01":
        assert any(node.parts for node in agent.explorer.graph.nodes.values())
    if game in ("hl01", "hc01"):  # clicks foreseen: the caches of foreseen states were exercised
        assert agent.explorer.effects.trusted
    if game == "mz01":  # steps back foreseen: likewise
        assert agent.explorer.inverses.known


class CheckedRestarts(GraphExplorer):
    """Every restart weighed with the search from here that found no goal (`GraphExplorer._exhausted`) weighed
    afresh too."""

    shortcuts = 0

    def _restart_pays(self, path, goal_test):  # type: ignore[no-untyped-def]
        answer = super()._restart_pays(path, goal_test)
        remembered, self._exhausted = self._exhausted, None
        try:
            fresh = super()._restart_pays(path, goal_test)
        finally:
            self._exhausted = remembered
        assert answer == fresh
        self.shortcuts += (path is None and remembered is not None and remembered[1] is goal_test
                           and self.graph.start in remembered[2] and remembered[0] == self.current)
        return answer


# (on the maze and keys and doors, the explorer that foresees its steps back (`undo_moves`) is not stuck
# within the budget: no search from here runs dry, and none is weighed; they are played without it)
@pytest.mark.parametrize(("games_dir", "game", "undo_moves"), [
    (heldout_dir(), "hc01", True),  # Counter: a click game of many states
    (suite_dir(), "mz01", False),  # a keyboard maze
    (suite_dir(), "kd01", False),  # keys and doors: stuck for long stretches
    (heldout_dir(), "hk01", True),  # Legend Run: sentries, game overs, restarts
])
async def test_a_restart_weighed_from_the_search_that_found_nothing_is_weighed_as_afresh(games_dir, game,  # type: ignore[no-untyped-def]
                                                                                         undo_moves) -> None:
    agent = CheckedExplorer(seed=0, every=10 ** 9)
    # (on Counter, the won levels' direction (`progress`) leads it where no search runs dry within the budget)
    agent.explorer = CheckedRestarts(seed=0, undo_moves=undo_moves, progress=game != "hc01")
    await play_game(games_dir, game, agent, 1500)
    assert agent.explorer.shortcuts >= 10, (game, agent.explorer.shortcuts)


class CheckedDry(GraphExplorer):
    """Every time the last dry search is taken to answer for this state (`GraphExplorer._dry`), a fresh search for
    a useful frontier from here finds none; every restart weighed then is weighed afresh too."""

    hits = 0

    def _dry_here(self) -> bool:
        answer = super()._dry_here()
        if answer:
            self.hits += 1
            saved = self._exhausted, self._dry
            try:
                self._dry = None
                assert self._plan_to(self._useful_frontier) is None, self.steps
            finally:
                self._exhausted, self._dry = saved
        return answer

    def _restart_pays(self, path, goal_test):  # type: ignore[no-untyped-def]
        answer = super()._restart_pays(path, goal_test)
        saved = self._exhausted, self._dry
        self._exhausted, self._dry = None, None
        try:
            assert super()._restart_pays(path, goal_test) == answer, self.steps
        finally:
            self._exhausted, self._dry = saved
        return answer


# (games whose graph the explorer crosses without a useful frontier within the budget: a maze, Fuel, Keys and
# Doors, Courier, Crates, Depot... are not: their levels fall first)
@pytest.mark.parametrize(("games_dir", "game", "budget"), [
    (heldout_dir(), "hc01", 1500),  # Counter: a click game of many states
    (heldout_dir(), "hk01", 1500),  # Legend Run: sentries, game overs, restarts
    (suite_dir(), "sw01", 1500),  # switches: no level won within the budget, the graph crossed again and again
])
async def test_a_state_the_last_dry_search_reached_is_answered_as_a_fresh_search_answers(games_dir, game,  # type: ignore[no-untyped-def]
                                                                                        budget) -> None:
    agent = CheckedExplorer(seed=0, every=10 ** 9)
    agent.explorer = CheckedDry(seed=0)
    await play_game(games_dir, game, agent, budget)
    assert agent.explorer.hits >= 10, (game, agent.explorer.hits)
