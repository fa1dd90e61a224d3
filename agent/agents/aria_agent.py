"""ARIA as it exists today: an arbiter over a fast policy (not built yet) and the slow graph explorer.

The fast policy, world model and a calibrated arbiter come in later steps. Until a fast policy exists
the slot is None and every decision is the slow system's, so `fast_share` is honestly 0.0.
"""

from __future__ import annotations

from typing import Any, Protocol

from agent.base import Action, Agent
from agent.decision import Decision, Proposal
from agent.explorer import GraphExplorer
from arc_client.types import FrameResponse, GameInfo


class FastPolicy(Protocol):
    """What the arbiter needs from a fast policy: a proposal and how sure it is of it (0..1)."""

    def propose(self, latest: FrameResponse) -> tuple[Action, float]: ...


class AriaAgent(Agent):
    name = "aria"

    def __init__(self, seed: int = 0, fast_policy: FastPolicy | None = None,
                 confidence_threshold: float = 0.7, **options: Any) -> None:
        super().__init__(seed, **options)
        self.slow = GraphExplorer(seed=seed)
        self.fast = fast_policy
        self.confidence_threshold = confidence_threshold

    def start(self, game: GameInfo, first: FrameResponse) -> None:
        self.slow = GraphExplorer(seed=self.seed)

    def arbitrate(self, latest: FrameResponse) -> Action:
        """Fast only when a fast policy exists and is confident; the slow explorer otherwise."""
        if self.fast is not None:
            proposal, confidence = self.fast.propose(latest)
            if confidence >= self.confidence_threshold:
                decision = Decision("fast", "policy", confidence=confidence, threshold=self.confidence_threshold,
                                    fast=Proposal(proposal.action.name, proposal.x, proposal.y, confidence))
                return Action(proposal.action, proposal.x, proposal.y, proposal.reasoning, decision)
        return self.slow.choose(latest)

    def act(self, latest: FrameResponse) -> Action:
        return self.arbitrate(latest)

    def observe(self, action: Action, result: FrameResponse) -> None:
        # the slow system learns from every transition, whichever system chose the action
        self.slow.record(action, result)

    def stats(self) -> dict[str, Any]:
        return self.slow.stats()
