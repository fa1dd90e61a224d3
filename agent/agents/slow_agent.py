"""aria-slow: the slow system's exploration alone, the training-free graph explorer (no checkpoint)."""

from __future__ import annotations

from typing import Any

from agent.base import Action, Agent
from agent.explorer import GraphExplorer
from arc_client.types import FrameResponse, GameInfo


class AriaSlowAgent(Agent):
    name = "aria-slow"

    def __init__(self, seed: int = 0, **options: Any) -> None:
        super().__init__(seed, **options)
        self.explorer = GraphExplorer(seed=seed)

    def start(self, game: GameInfo, first: FrameResponse) -> None:
        self.explorer = GraphExplorer(seed=self.seed)

    def act(self, latest: FrameResponse) -> Action:
        return self.explorer.choose(latest)

    def observe(self, action: Action, result: FrameResponse) -> None:
        self.explorer.record(action, result)

    def stats(self) -> dict[str, Any]:
        return self.explorer.stats()
