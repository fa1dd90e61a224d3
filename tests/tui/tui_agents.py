"""Tiny agents for the app's tests: one that makes fast decisions with every field the arbiter
panel shows (confidence, threshold, top actions, a click heatmap), and one that thinks slowly.

Loaded by import path (`tui_agents:FastTestAgent`), as any third-party agent would be.
"""

from __future__ import annotations

import threading

import numpy as np

from agent.base import Action, Agent
from agent.decision import Decision, Proposal
from arc_client import FrameResponse, GameAction


class FastTestAgent(Agent):
    """Cycles through the available actions; every decision is the fast system's, with a heatmap
    peaked at (x, y) = (step, 2·step) so tests can tell which decision is on screen."""

    name = "fast-test"

    def __init__(self, seed: int = 0, **options: object) -> None:
        super().__init__(seed)
        self.steps = 0
        self.observed: list[tuple[GameAction, str | None]] = []

    def act(self, latest: FrameResponse) -> Action:
        available = [a for a in latest.available_actions if a != 6] or [6]
        action = GameAction(available[self.steps % len(available)])
        x = y = None
        if action is GameAction.ACTION6:
            x, y = (self.steps * 5) % 64, (self.steps * 9) % 64
        heat = np.zeros((64, 64), dtype=np.float32)
        heat[(2 * self.steps) % 64, self.steps % 64] = 1.0
        confidence = 0.9 - 0.05 * (self.steps % 4)
        decision = Decision(
            "fast", "policy", confidence=np.float32(confidence), threshold=0.7, uncertainty=0.125, novelty=0.25,
            fast=Proposal(action.name, x, y, confidence),
            top_actions=((action.name, confidence), ("ACTION5", 0.06), ("RESET", 0.01)),
            click_heatmap=heat, think_ms=1.5, plan_left=3, reason=f"test step {self.steps}",
        )
        self.steps += 1
        return Action(action, x, y, decision=decision)

    def observe(self, action: Action, result: FrameResponse) -> None:
        self.observed.append((action.action, action.decision.system if action.decision else None))


class SlowThinkingAgent(FastTestAgent):
    """Each `act` thinks until the test lets it go (`GATE`, at most 10 s); `THINKING` is set while it
    thinks. The app must keep taking keys meanwhile."""

    name = "slow-test"
    GATE = threading.Event()
    THINKING = threading.Event()

    def act(self, latest: FrameResponse) -> Action:
        self.THINKING.set()
        try:
            self.GATE.wait(timeout=10)
            return super().act(latest)
        finally:
            self.THINKING.clear()


class CrashingAgent(Agent):
    name = "crashing-test"

    def act(self, latest: FrameResponse) -> Action:
        raise RuntimeError("the test agent's act failed on purpose")


class CheckpointAgent(FastTestAgent):
    """Loads a 'checkpoint': a text file that must start with 'weights'."""

    name = "checkpoint-test"
    loads_checkpoints = True

    def __init__(self, seed: int = 0, checkpoint: str | None = None, **options: object) -> None:
        super().__init__(seed)
        from pathlib import Path

        from agent.errors import CheckpointError

        if checkpoint is None or not Path(checkpoint).read_text(errors="replace").startswith("weights"):
            raise CheckpointError(f"{checkpoint} is not a checkpoint of this agent: train one or pick another")
