"""ARIA today: the arbiter has only the slow system, so every decision is slow and fast_share is 0."""

from __future__ import annotations

import numpy as np
from agent_testkit import FIXTURE_GAMES, frame_response, play_game

from agent.agents.aria_agent import AriaAgent
from agent.base import Action
from agent.decision import DecisionTally
from arc_client import FrameResponse, GameAction


async def test_every_decision_is_slow_without_a_fast_policy() -> None:
    agent = AriaAgent(seed=0)
    assert agent.fast is None
    result = await play_game(FIXTURE_GAMES, "fxck", agent, 40)
    assert result.won  # the explorer clicks the red cells first: 5 clicks win both levels
    tally = DecisionTally()
    tally.extend(action.decision for _, action, _ in result.steps)
    assert tally.counts.get("slow") == len(result.steps) and tally.fast_share == 0.0
    assert agent.stats()["states_seen"] >= 3


class FixedProposal:
    """A stand-in fast policy with a set confidence, to test the arbiter's rule (not a real policy)."""

    def __init__(self, confidence: float) -> None:
        self.confidence = confidence

    def propose(self, latest: FrameResponse) -> tuple[Action, float]:
        return Action(GameAction.ACTION2), self.confidence


def test_arbiter_takes_the_fast_policy_only_when_it_is_confident() -> None:
    frame = frame_response(np.zeros((64, 64), dtype=np.uint8), available=(1, 2))
    unsure = AriaAgent(seed=0, fast_policy=FixedProposal(0.4))
    assert unsure.act(frame).decision.system == "slow"
    sure = AriaAgent(seed=0, fast_policy=FixedProposal(0.9))
    action = sure.act(frame)
    assert action.action is GameAction.ACTION2 and action.decision.system == "fast"
    assert action.decision.confidence == 0.9 and action.decision.threshold == 0.7
