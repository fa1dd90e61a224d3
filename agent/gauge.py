"""The HUD bar read as a quantity: how many more actions it lasts.

Real ARC-AGI-3 games draw a bar that every action shortens: a step budget, or a tank that pickups
refill. The HUD detector (agent.perception) masks it out of the states; this reads it. Per colour
inside the mask: the most cells it lost on one step is its rate per action (a unit drawn over a
fraction of cells rounds up on some steps: the reading errs short, the safe side for a tank), and the
colour that shrank on most of the steps watched is the bar; a step it grew on (a refill, a redraw) is
no loss. The actions left: its cells now over that rate. The rate is the level's own (a level may draw
a bigger tank in the same bar); nothing is answered before the bar shrank on `min_steps` of its steps.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


def _zeros() -> np.ndarray:
    return np.zeros(16, dtype=np.int64)


@dataclass
class Gauge:
    min_steps: int = 2
    last: np.ndarray | None = None  # cells per colour inside the mask, the step before
    most: np.ndarray = field(default_factory=_zeros)  # the most cells lost on one step per colour, this level
    shrank: np.ndarray = field(default_factory=_zeros)  # steps it shrank on, this level

    def observe(self, frame: np.ndarray, mask: np.ndarray | None) -> None:
        """The frame after an in-level action (`restart` between attempts, `new_level` between levels)."""
        now = self._counts(frame, mask)
        if now is not None and self.last is not None:
            delta = self.last - now
            self.most = np.maximum(self.most, delta)
            self.shrank[delta > 0] += 1
        self.last = now

    def restart(self) -> None:
        """A new attempt: the bar is drawn full again, so no loss is counted across."""
        self.last = None

    def new_level(self) -> None:
        self.last = None
        self.most, self.shrank = _zeros(), _zeros()

    def actions_left(self, frame: np.ndarray, mask: np.ndarray | None) -> float | None:
        """How many more actions the bar lasts at the rate seen (None: no bar seen shrinking)."""
        now = self._counts(frame, mask)
        if now is None or self.shrank.max() < self.min_steps:
            return None
        colour = int(np.argmax(self.shrank))
        return float(now[colour] / self.most[colour])

    @staticmethod
    def _counts(frame: np.ndarray, mask: np.ndarray | None) -> np.ndarray | None:
        if mask is None or not mask.any() or mask.shape != frame.shape:
            return None
        return np.bincount(frame[mask].ravel(), minlength=16)[:16].astype(np.int64)
