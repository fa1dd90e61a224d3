"""Frame processing for exploration: state keys, status-bar masking and click targets.

Three things a training-free explorer needs from a 64x64 frame:
- a state key that ignores HUD areas (a shrinking step-budget bar would otherwise make every frame new),
- a detector that learns those HUD areas from the transitions it sees,
- salient click targets: one pixel inside each single-colour object.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np

#: the value masked cells take before hashing; outside the 16 game colours
MASKED = 255


def state_key(frame: np.ndarray, mask: np.ndarray | None = None) -> bytes:
    """A 16-byte digest of the frame with masked cells blanked (stable across processes)."""
    if mask is not None and mask.any():
        frame = np.where(mask, np.uint8(MASKED), frame)
    return hashlib.blake2b(np.ascontiguousarray(frame, dtype=np.uint8).tobytes(), digest_size=16).digest()


def label_components(frame: np.ndarray) -> np.ndarray:
    """Label 4-connected single-colour components (labels are arbitrary ints, equal within a component).

    Pure numpy (no scipy): cells are first grouped into horizontal runs of one colour; runs that touch
    vertically in the same colour are then merged by propagating the smallest run id along those
    contacts with pointer jumping, which converges in a handful of rounds even on winding shapes.
    """
    h, w = frame.shape
    starts = np.ones((h, w), dtype=bool)
    starts[:, 1:] = frame[:, 1:] != frame[:, :-1]
    runs = np.cumsum(starts.ravel()).reshape(h, w) - 1
    touching = frame[1:, :] == frame[:-1, :]
    count = int(runs[-1, -1]) + 1
    # one contact per pair of runs (a wide background touches itself along whole rows)
    contacts = np.unique(runs[:-1, :][touching] * count + runs[1:, :][touching])
    upper, lower = np.divmod(contacts, count)
    labels = np.arange(count)
    while True:
        new = labels.copy()
        np.minimum.at(new, upper, labels[lower])
        np.minimum.at(new, lower, labels[upper])
        new = new[new]
        new = new[new]
        if np.array_equal(new, labels):
            return labels[runs]
        labels = new


@dataclass(frozen=True)
class ClickTarget:
    """One object worth clicking: a pixel inside it, its colour and its size in cells."""

    x: int
    y: int
    colour: int
    area: int


def click_targets(frame: np.ndarray, mask: np.ndarray | None = None, limit: int = 48) -> list[ClickTarget]:
    """One click per single-colour component, most salient first, at most `limit`.

    The largest component is taken to be the background and skipped, as are components lying wholly
    in masked (HUD) cells. The click point is the component's pixel nearest its centroid, so it is
    always inside the object even for rings and L-shapes. Salience: medium objects (4..400 cells)
    before single specks and large areas; within a group, smaller first (buttons before panels).
    """
    labels = label_components(frame).ravel()
    areas_all = np.bincount(labels)
    roots = np.flatnonzero(areas_all)  # the labels in use, one per component
    if len(roots) <= 1:
        return []
    areas = areas_all[roots]
    h, w = frame.shape
    ys, xs = np.divmod(np.arange(h * w), w)
    cy = np.bincount(labels, weights=ys)[labels] / areas_all[labels]
    cx = np.bincount(labels, weights=xs)[labels] / areas_all[labels]
    # the pixel nearest its component's centroid (first in scan order on ties) is the click point
    dist = (ys - cy) ** 2 + (xs - cx) ** 2
    best = np.full(len(areas_all), np.inf)
    np.minimum.at(best, labels, dist)
    on_best = np.flatnonzero(dist == best[labels])
    _, first = np.unique(labels[on_best], return_index=True)
    nearest = on_best[first]  # aligned with `roots`: both are the used labels in increasing order
    unmasked = np.ones(len(roots), dtype=bool)
    if mask is not None and mask.any():
        unmasked = np.bincount(labels, weights=~mask.ravel(), minlength=len(areas_all))[roots] > 0
    background = int(np.argmax(areas))
    candidates: list[tuple[int, int, int]] = []
    for comp in range(len(roots)):
        if comp == background or not unmasked[comp]:
            continue
        area = int(areas[comp])
        group = 0 if 4 <= area <= 400 else (1 if area < 4 else 2)
        candidates.append((group, area, comp))
    candidates.sort()
    targets = []
    for _, area, comp in candidates[:limit]:
        y, x = divmod(int(nearest[comp]), w)
        targets.append(ClickTarget(x=x, y=y, colour=int(frame[y, x]), area=area))
    return targets


class StatusBarDetector:
    """Learns which rows and columns are HUD (step budget, counters) from the transitions it sees.

    A row (or column) is HUD when it changes on almost every action, whatever the action: a shrinking
    budget bar does; a player sprite does not (blocked moves leave it still, and moves along the other
    axis change other rows). A line that changes on a good share of actions, whatever the action, a few
    cells at a time, counts too: a bar that shrinks every second or third action. Whole rows/columns are
    masked, because a bar's cells change one at a time and a mask grown cell by cell would change every
    state key again. If the candidate area is implausibly large (a scrolling game changes everything)
    nothing is masked.
    """

    def __init__(
        self,
        shape: tuple[int, int] = (64, 64),
        rate: float = 0.9,
        slow_rate: float = 0.4,
        bar_cells: int = 4,
        min_transitions: int = 6,
        max_masked_share: float = 0.2,
    ) -> None:
        self.shape = shape
        self.rate = rate
        self.slow_rate = slow_rate
        self.bar_cells = bar_cells
        self.min_transitions = min_transitions
        self.max_masked_share = max_masked_share
        self.transitions = 0
        # per axis: how many transitions changed each line, and how many cells of it they changed
        self.changes = [np.zeros(n, dtype=np.int64) for n in shape]
        self.cells = [np.zeros(n, dtype=np.int64) for n in shape]
        # per action: [tries, changes per row, changes per column]
        self.per_action: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}

    def observe(self, before: np.ndarray, after: np.ndarray, action: int) -> None:
        """One in-level transition (not a RESET, a level-up or a GAME_OVER)."""
        diff = before != after
        self.transitions += 1
        tries, per_row, per_col = self.per_action.setdefault(
            action, (np.zeros(1, np.int64), np.zeros(self.shape[0], np.int64), np.zeros(self.shape[1], np.int64))
        )
        tries += 1
        for axis, per_line in ((0, per_row), (1, per_col)):
            changed = diff.any(axis=1 - axis)
            self.changes[axis] += changed
            self.cells[axis] += diff.sum(axis=1 - axis)
            per_line += changed

    def _bands(self, axis: int) -> np.ndarray:
        """Which rows (axis 0) or columns (axis 1) behave like a HUD."""
        changes = self.changes[axis]
        share = changes / max(self.transitions, 1)
        frequent = share >= self.rate
        # a bar that shrinks every few actions changes its lines less often, a few cells at a time
        slow_bar = (share >= self.slow_rate) & (self.cells[axis] <= self.bar_cells * np.maximum(changes, 1))
        # "whatever the action": each action tried a few times must change the line too
        for tries, per_row, per_col in self.per_action.values():
            n = int(tries[0])
            if n >= 3:
                per_line = (per_row if axis == 0 else per_col) / n
                frequent &= per_line >= 0.75
                slow_bar &= per_line >= self.slow_rate / 2
        return frequent | slow_bar

    def mask(self) -> np.ndarray:
        """The current HUD mask (all False until enough transitions were seen)."""
        out = np.zeros(self.shape, dtype=bool)
        if self.transitions < self.min_transitions:
            return out
        out[self._bands(0), :] = True
        out[:, self._bands(1)] = True
        if out.sum() > self.max_masked_share * out.size:
            out[:] = False
        return out
