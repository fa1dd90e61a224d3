"""What a click will do, foreseen from what the same click did before in this level.

In many click puzzles a click's effect does not depend on the state: the same cells change, each
between the same colours (a lantern and its neighbours toggle, a tile flips). `ClickEffects` keeps,
per click point, the cells its first click changed outside the HUD mask, and per cell the colour
each colour turned into under any click (a dense (cells, 16) table). A click is foreseen when its
cells changed alike every time it was tried and every one of them has a known, unambiguous next
colour: the predicted frame is the current one with those cells recoloured.

Whether this holds in a game is measured, not assumed: every click taken where a prediction was
possible counts as a hit or a miss (`check`), and the predictions are `trusted` only while they are
right at least `min_rate` of the time over at least `min_hits` hits. The explorer then treats a click
foreseen to lead to a state already in the level's graph as tried (it spends no action learning
where it leads) and plans through it. The per-level tables are cleared at each level-up (layouts
change); the hit record is the game's and carries over: "clicks compose here" learned on level 1
makes level 2's search prune from its first clicks.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

UNKNOWN, AMBIGUOUS = -2, -1


@dataclass
class ClickEffects:
    min_hits: int = 4
    min_rate: float = 0.9
    cells: int = 64 * 64
    hits: int = 0
    misses: int = 0
    version: int = 0  # bumped whenever any prediction may change (per-node caches compare it)
    # per click point, bumped whenever that point's predictions alone may change (its first click, or a
    # second that changed other cells): a game of many click points learns one at a time
    points: dict[tuple[int, int], int] = field(default_factory=dict)
    # per click point (x, y): the flat indices its clicks changed (None: they changed different cells)
    targets: dict[tuple[int, int], np.ndarray | None] = field(default_factory=dict)
    next_colour: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        self.next_colour = np.full((self.cells, 16), UNKNOWN, dtype=np.int8)

    @property
    def trusted(self) -> bool:
        return self.hits >= self.min_hits and self.hits >= self.min_rate * (self.hits + self.misses)

    def new_level(self) -> None:
        self.targets.clear()
        self.next_colour.fill(UNKNOWN)
        self.version += 1

    def predict(self, frame: np.ndarray, x: int, y: int) -> np.ndarray | None:
        """The frame after clicking (x, y), or None when this click cannot be foreseen here."""
        cells = self.targets.get((x, y))
        if cells is None or frame.size != self.cells:
            return None
        if not len(cells):
            return frame
        flat = frame.ravel()
        to = self.next_colour[cells, flat[cells]]
        if (to < 0).any():
            return None
        out = flat.copy()
        out[cells] = to
        return out.reshape(frame.shape)

    def check(self, foreseen: bool) -> None:
        """A click taken where a prediction was made: `foreseen` when the state it led to was the one predicted."""
        trusted = self.trusted
        self.hits += int(foreseen)
        self.misses += int(not foreseen)
        if self.trusted != trusted:
            self.version += 1

    def observe(self, before: np.ndarray, after: np.ndarray, x: int, y: int, mask: np.ndarray | None) -> None:
        """A click's in-level transition."""
        if before.size != self.cells:
            return
        diff = before != after
        if mask is not None:
            diff &= ~mask
        cells = np.flatnonzero(diff)
        if (x, y) not in self.targets:
            self.targets[(x, y)] = cells
            self.points[(x, y)] = self.points.get((x, y), 0) + 1
        else:
            known = self.targets[(x, y)]
            if known is not None and not np.array_equal(known, cells):
                self.targets[(x, y)] = None  # its effect depends on the state
                self.points[(x, y)] += 1
        if not len(cells):
            return
        src, dst = before.ravel()[cells].astype(np.intp), after.ravel()[cells].astype(np.int8)
        table = self.next_colour[cells, src]
        fresh = table == UNKNOWN
        clash = (table >= 0) & (table != dst)
        if fresh.any() or clash.any():
            self.next_colour[cells[fresh], src[fresh]] = dst[fresh]
            self.next_colour[cells[clash], src[clash]] = AMBIGUOUS
            self.version += 1
