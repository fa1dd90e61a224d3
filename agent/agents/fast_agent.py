"""aria-fast: the fast policy alone, one forward pass per step.

It plays its argmax; in a state it has already been in during this level it samples from its own
probabilities instead, since deterministic argmax play loops forever once it loops once.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from agent.base import Action, Agent
from agent.decision import Decision, Proposal, action_label
from agent.models.loading import load_models
from agent.models.policy_runtime import FastProposal, propose
from agent.visits import VisitCounter
from arc_client.types import FrameResponse, GameAction, GameInfo, GameState

WAITING = (GameState.GAME_OVER, GameState.NOT_PLAYED, GameState.NOT_STARTED, GameState.WIN)
_LABELS = tuple(action_label(GameAction(i)) for i in range(1, 8))  # ACTION1..ACTION7, by index


def top_actions(fast: FastProposal, k: int = 3) -> tuple[tuple[str, float], ...]:
    probs = fast.probs.tolist()
    order = np.argsort(-fast.probs)[:k].tolist()
    return tuple((_LABELS[i], probs[i]) for i in order if probs[i] > 0)


class AriaFastAgent(Agent):
    name = "aria-fast"
    loads_checkpoints = True

    def __init__(self, seed: int = 0, checkpoint: str | None = None, models: dict[str, Any] | None = None,
                 **options: Any) -> None:
        super().__init__(seed, **options)
        import torch

        torch.set_num_threads(1)
        self.models = models if models is not None else load_models(checkpoint)
        self.policy = self.models["fast_policy"]
        self.rng = np.random.default_rng(seed)
        self.visits = VisitCounter()

    def start(self, game: GameInfo, first: FrameResponse) -> None:
        self.visits = VisitCounter()

    def act(self, latest: FrameResponse) -> Action:
        if latest.state in WAITING:
            return Action(GameAction.RESET, decision=Decision("fast", "reset", reason=f"state {latest.state.value}"))
        started = time.perf_counter()
        repeat = self.visits.visit(latest) > 1
        fast = propose(self.policy, latest.frame, latest.available_actions, self.rng if repeat else None)
        think = (time.perf_counter() - started) * 1000
        decision = Decision(
            "fast", "sample" if repeat else "policy", confidence=fast.confidence,
            fast=Proposal(GameAction(fast.action).name, fast.x, fast.y, fast.confidence),
            top_actions=top_actions(fast), click_heatmap=fast.heatmap, think_ms=think,
            reason="state seen before: sampled from the policy" if repeat else "the fast policy's most likely action",
        )
        return Action(GameAction(fast.action), fast.x, fast.y, decision=decision)

    def observe(self, action: Action, result: FrameResponse) -> None:
        self.visits.observe(int(action.action), result)
