"""Following a legend: click the objects in the order a row of swatches shows their colours.

A goal shown only as a small legend is common in click puzzles: a row of small same-shape swatches,
and larger objects in those colours elsewhere. The hypothesis is that the legend gives an order: the
next click goes to an object (the first in reading order) whose colour is the next swatch's. Found or
learned while playing:
- the legend: the longest row (same top row) of at least two same-shape objects of 64 cells or less,
  every colour of which some larger object has, apart from the swatches;
- progress: a click that changed the frame advances to the next swatch; a click after which every
  object the legend points at is as the level began restarts the order and counts as a failure.
Two failures in the game, a click that changed nothing, or a legend followed to its end without the
level ending turn it off for the game.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from agent.matcher import Box, Move, objects


@dataclass(frozen=True)
class Legend:
    swatches: tuple[tuple[Box, int], ...]  # (box, colour) in reading order

    @property
    def colours(self) -> tuple[int, ...]:
        return tuple(c for _, c in self.swatches)


def find_legend(frame: np.ndarray, mask: np.ndarray | None = None, largest_swatch: int = 64) -> Legend | None:
    found = objects(frame, mask)
    rows: dict[tuple[int, int, int, int], list[tuple[Box, int]]] = {}
    for box, colour, area in found:
        if area <= largest_swatch:
            rows.setdefault((box[0], box[2] - box[0], box[3] - box[1], area), []).append((box, colour))
    best: Legend | None = None
    for (_, _, _, area), swatches in rows.items():
        if len(swatches) < 2 or (best is not None and len(swatches) <= len(best.swatches)):
            continue
        larger = {colour for box, colour, size in found if size > area}
        if all(colour in larger for _, colour in swatches):
            best = Legend(tuple(sorted(swatches, key=lambda s: s[0][1])))
    return best


@dataclass
class LegendFollower:
    legend: Legend | None = None
    level: int = -1
    progress: int = 0
    blocks: tuple[tuple[Box, int], ...] = ()  # the level's larger objects in legend colours, as it began
    failures: int = 0
    off: bool = False
    pending: bool = False

    def _restored(self, frame: np.ndarray) -> bool:
        """Every object the legend points at is as the level began (none clicked, or all restored)."""
        return all(int(frame[box[0], box[1]]) == colour for box, colour in self.blocks)

    def observe(self, before: np.ndarray, action: int, after: np.ndarray, level: int) -> None:
        """Learn from a transition in this level: a click the follower chose advances or restarts it."""
        pending, self.pending = self.pending, False
        if self.off or level != self.level or self.legend is None:
            return
        restored = self._restored(after)
        if action == 6 and pending:
            if restored:
                self.progress = 0
                self.failures += 1
                self.off = self.failures >= 2
            elif np.array_equal(before, after):
                self.off = True
            else:
                self.progress += 1
        elif restored:
            self.progress = 0  # another system's click restarted the order
        elif action == 6 and not np.array_equal(before, after):
            self.off = True  # another system's click did something the hypothesis does not follow

    def _swatch_area(self) -> int:
        assert self.legend is not None
        box = self.legend.swatches[0][0]
        return (box[2] - box[0]) * (box[3] - box[1])

    def act(self, frame: np.ndarray, available: tuple[int, ...], mask: np.ndarray | None, level: int) -> Move | None:
        self.pending = False
        if self.off or 6 not in available:
            return None
        if level != self.level:
            self.level, self.progress = level, 0
            self.legend = find_legend(frame, mask)
            if self.legend is not None:
                self.blocks = tuple((box, c) for box, c, size in objects(frame, mask)
                                    if c in self.legend.colours and size > self._swatch_area())
        if self.legend is None:
            return None
        if self.progress >= len(self.legend.swatches):
            self.off = True
            return None
        colour = self.legend.colours[self.progress]
        targets = sorted(box for box, c, size in objects(frame, mask) if c == colour and size > self._swatch_area())
        if not targets:
            self.off = True
            return None
        box = targets[0]
        self.pending = True
        return Move(6, f"legend: swatch {self.progress + 1} of {len(self.legend.swatches)} is colour {colour}; "
                       f"clicking an object of that colour", (box[1] + box[3] - 1) // 2, (box[0] + box[2] - 1) // 2)
