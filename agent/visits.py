"""How often each state was visited in the current level, with HUD areas masked out.

A shrinking step-budget bar makes every raw frame new, so states are keyed with the mask a
`StatusBarDetector` learns from the transitions seen; loop detection and novelty-by-count read it.
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from agent.frames import StatusBarDetector, state_key
from arc_client.types import FrameResponse, GameState


class VisitCounter:
    def __init__(self) -> None:
        self.detector = StatusBarDetector()
        self.mask = self.detector.mask()
        self.counts: Counter[bytes] = Counter()
        self.level = -1
        self.frame: np.ndarray | None = None

    def key(self, frame: np.ndarray) -> bytes:
        return state_key(frame, self.mask)

    def visit(self, latest: FrameResponse) -> int:
        """Count a visit to `latest`'s state; the number of visits so far (1 on the first)."""
        if latest.levels_completed != self.level:
            self.level = latest.levels_completed
            self.counts.clear()
            self.detector = StatusBarDetector()
        self.frame = latest.frame
        key = self.key(latest.frame)
        self.counts[key] += 1
        return self.counts[key]

    def observe(self, action: int, result: FrameResponse) -> None:
        """Learn the HUD from an in-level transition; re-key the counts when the mask changes."""
        if self.frame is None or result.levels_completed != self.level or result.state is not GameState.NOT_FINISHED:
            return
        self.detector.observe(self.frame, result.frame, action)
        mask = self.detector.mask()
        if not np.array_equal(mask, self.mask):
            self.mask = mask
            self.counts.clear()
