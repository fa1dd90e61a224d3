"""The explorer learns which key move undoes which kind of move (`agent.explorer.Inverses`) and does not
spend actions stepping back to where it just was: such a step is foreseen, planned through, never tried
for news. Real games: a keyboard maze, Courier's yard, Crates' pushes (a push is a kind of move of its
own: the step back leaves the crate where it went)."""

from __future__ import annotations

import random

import pytest
from agent_testkit import play_game

from agent.base import Action, Agent
from agent.explorer import GraphExplorer
from arc_client.games import suite_dir
from arc_client.games.heldout import heldout_dir
from arc_client.types import FrameResponse, GameAction, GameState


class RandomWatched(Agent):
    """Random key moves, the last one again with probability `keep` (walks in straight lines push what
    they meet), watched by an explorer that learns from them; before each move, the state the explorer
    foresees it to undo back to (if any), checked against where the move led."""

    name = "random-watched"

    def __init__(self, seed: int = 0, keep: float = 0.0) -> None:
        super().__init__(seed)
        self.explorer = GraphExplorer(seed=seed)
        self.rng = random.Random(seed)
        self.keep, self.last = keep, 1
        self.foreseen: bytes | None = None
        self.level = 0
        self.predicted = self.right = 0

    def act(self, latest: FrameResponse) -> Action:
        self.foreseen = None
        if latest.state is not GameState.NOT_FINISHED:
            return Action(GameAction.RESET)
        self.level = latest.levels_completed
        node = self.explorer.graph.nodes[self.explorer.see(latest)]
        if self.rng.random() >= self.keep:
            self.last = self.rng.choice([a for a in (1, 2, 3, 4) if a in latest.available_actions])
        move = self.last
        self.foreseen = self.explorer._undone(node, move)
        return Action(GameAction(move))

    def observe(self, action: Action, result: FrameResponse) -> None:
        self.explorer.record(action, result)
        if self.foreseen is not None and result.state is GameState.NOT_FINISHED \
                and result.levels_completed == self.level:
            self.predicted += 1
            self.right += self.explorer.current == self.foreseen


@pytest.mark.parametrize(("games_dir", "game"), [
    (suite_dir(), "mz01"),  # a maze: every step back undoes the step
    (heldout_dir(), "hv01"),  # Courier: parcels picked up (a step back leaves them in hand)
    (heldout_dir(), "hs01"),  # Crates: pushes (a step back leaves the crate where it went)
    (suite_dir(), "pb01"),  # pushing blocks onto targets
    (suite_dir(), "kb01"),  # a key behind a block
])
async def test_the_moves_foreseen_to_undo_a_move_lead_back(games_dir, game) -> None:  # type: ignore[no-untyped-def]
    # (with one kind for every move, a push's step back is foreseen to undo it: 96.96% right on pb01, 98.3% on
    # kb01, 99.0% on Crates)
    agent = RandomWatched(seed=0, keep=0.7)
    await play_game(games_dir, game, agent, 1500)
    assert agent.predicted >= 150, (game, agent.predicted)
    assert agent.right >= 0.995 * agent.predicted, (game, agent.right, agent.predicted)


class Counted(Agent):
    """The bare explorer; how many of its untried moves went straight back to the state before."""

    name = "counted-explorer"

    def __init__(self, seed: int = 0, undo_moves: bool = True) -> None:
        super().__init__(seed)
        self.explorer = GraphExplorer(seed=seed, undo_moves=undo_moves)
        self.previous: bytes | None = None
        self.before: bytes | None = None
        self.mode: str | None = None
        self.went_back = 0

    def act(self, latest: FrameResponse) -> Action:
        action = self.explorer.choose(latest)
        self.before, self.mode = self.explorer.current, action.decision.mode if action.decision else None
        return action

    def observe(self, action: Action, result: FrameResponse) -> None:
        self.explorer.record(action, result)
        if self.mode == "untried" and action.action is not GameAction.ACTION6 and self.previous is not None \
                and self.explorer.current == self.previous:
            self.went_back += 1
        self.previous = self.before if self.explorer.current != self.before else self.previous


@pytest.mark.parametrize(("games_dir", "game"), [
    (heldout_dir(), "hv01"),  # Courier: a yard of 8x8 to 13x12 cells walked to parcels and slots
    (heldout_dir(), "hd01"),  # Lock & Key
])
async def test_the_explorer_steps_back_for_news_no_more_and_sees_more_of_the_game(games_dir, game) -> None:  # type: ignore[no-untyped-def]
    plain = Counted(seed=0, undo_moves=False)
    played = await play_game(games_dir, game, plain, 2000)
    learnt = Counted(seed=0)
    learning = await play_game(games_dir, game, learnt, 2000)
    assert plain.went_back >= 150, plain.went_back
    assert learnt.went_back <= plain.went_back / 3, (learnt.went_back, plain.went_back)
    assert learnt.explorer.states_seen > 1.15 * plain.explorer.states_seen, (
        learnt.explorer.states_seen, plain.explorer.states_seen)
    assert learning.levels >= played.levels
