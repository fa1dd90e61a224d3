"""A mover that steps: walked to the goal colour carried from the level before over known colours only.

Learned from every move on a novel level: per colour free (the mover entered it), a stopper (a move
into it left the mover where it was), deadly (what a move that ended the game stepped into, the
floor apart); every other colour unknown, not walked into. The goal: `GameRules.goal_cells` (the
colour stepped onto at a level-up, or shown in its legend's place). When no walk reaches it (a gate),
or the mover stood on it and the level did not end, small objects of a colour not known yet and not
stood on in this level (a switch) are walked onto first. A breadth-first search over the mover's box
shifted by the learned displacements (integral images of the cells it may not enter) finds the walk.
Asked after every other reader; nothing is proposed before a level-up showed a goal, where the mover
slides (agent.slider), or after three moves that did not end where planned.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

from agent.matcher import Box, Move
from agent.navigator import Navigator, _any, _integral, with_convention
from agent.rules import GameRules
from agent.slider import Slider, box_search, moved_boxes


@dataclass
class Seeker:
    max_nodes: int = 4000
    max_object: int = 64
    free: set[int] = field(default_factory=set)
    stoppers: set[int] = field(default_factory=set)
    deadly: set[int] = field(default_factory=set)
    visited: set[int] = field(default_factory=set)
    level: int = -1
    shut: bool = False
    arrival: Box | None = None
    expected: Box | None = None
    at: Box | None = None  # where the last move proposed puts the mover
    aim: str = ""
    misses: int = 0
    off: bool = False
    plan: deque[tuple[int, Box]] = field(default_factory=deque)  # the rest of the last walk found
    planned: tuple[int, bool, str] = (-1, False, "")  # (level, shut, aim) it was found with

    def _moves(self, navigator: Navigator, available: tuple[int, ...]) -> list[tuple[int, tuple[int, int]]]:
        """(action, (drow, dcol)) per key action: its learned displacement, else ARC's convention at the
        known moves' size."""
        rules = navigator.rules
        moves = with_convention({a: d for a in (1, 2, 3, 4) if (d := rules.displacement(a)) is not None})
        return [(a, (dy, dx)) for a, (dx, dy) in moves.items() if a in available]

    def observe(self, before: np.ndarray, action: int, after: np.ndarray, mask: np.ndarray | None,
                navigator: Navigator) -> None:
        """A move by any system: colours entered are free, a move that left the mover in place stopped."""
        rules, boxes = navigator.rules, moved_boxes(navigator, before, action, after, mask)
        if boxes is None:
            return
        b0, b1 = boxes
        if self.expected is not None:
            if b1 == b0 and self.aim == "the goal colour":
                self.shut = True  # the way to the goal is closed (a gate): an object first
            else:
                self.misses += b1 != self.expected
                self.off = self.off or self.misses >= 3
            self.expected = None
        inside = np.zeros(before.shape, dtype=bool)
        if b1 != b0:
            inside[b1[0]:b1[2], b1[1]:b1[3]] = True
            inside[b0[0]:b0[2], b0[1]:b0[3]] = False
            if mask is not None:
                inside &= ~mask
            entered = {int(c) for c in np.unique(before[inside])} - {rules.mover}
            new = entered - self.free - self.visited  # a colour not known yet stood on (a switch)
            self.free |= entered - self.stoppers - self.deadly
            if new:
                self.visited |= new
                self.shut = False  # it may have opened the way: the goal again
            return
        d = rules.displacement(action)
        if d is None:
            return
        h, w = before.shape
        top, left, bottom, right = b0[0] + d[1], b0[1] + d[0], b0[2] + d[1], b0[3] + d[0]
        inside[max(top, 0):min(bottom, h), max(left, 0):min(right, w)] = True
        inside[b0[0]:b0[2], b0[1]:b0[3]] = False
        self.stoppers |= {int(c) for c in np.unique(before[inside])} - self.free - {rules.mover}

    def game_over(self, before: np.ndarray, action: int, mask: np.ndarray | None, navigator: Navigator) -> None:
        rules = navigator.rules
        box, d = rules.mover_box(before, mask), rules.displacement(action) if action in (1, 2, 3, 4) else None
        if box is None or d is None:
            return
        h, w = before.shape
        cells = np.zeros(before.shape, dtype=bool)
        top, left, bottom, right = box[0] + d[1], box[1] + d[0], box[2] + d[1], box[3] + d[0]
        cells[max(top, 0):min(bottom, h), max(left, 0):min(right, w)] = True
        cells[box[0]:box[2], box[1]:box[3]] = False
        killers = {int(c) for c in np.unique(before[cells])} - {rules.mover, navigator.floor}
        self.deadly |= killers
        self.free -= killers

    def act(self, frame: np.ndarray, available: tuple[int, ...], mask: np.ndarray | None,
            navigator: Navigator, level: int, sliding: bool, goals: GameRules | None = None) -> Move | None:
        """`goals`: the rules whose level-ups carry the goal colour (the online learner's), else the
        navigator's."""
        if level != self.level:
            self.level, self.visited, self.shut, self.arrival, self.expected = level, set(), False, None, None
            # a level may change the rules (the mover's step): its misses are the level's, not the game's
            self.misses, self.off = 0, False
        rules, carried = navigator.rules, goals if goals is not None else navigator.rules
        if self.off or sliding or not (carried.goals or carried.legends) or rules.mover is None:
            return None
        box = rules.mover_box(frame, mask)
        if box is None:
            return None
        if self.plan and self.planned == (level, self.shut, self.aim) and box == self.at:
            # the mover is where the walk put it: its next move, without searching again
            action, stop = self.plan.popleft()
            self.expected = self.at = stop
            if not self.plan and self.aim == "the goal colour":
                self.arrival = stop
            return Move(action, f"seeker: {len(self.plan) + 1} moves to {self.aim}")
        self.plan.clear()
        moves = self._moves(navigator, available)
        if not moves or not self.free:
            return None
        plain = frame.copy()
        floor = navigator.floor
        plain[box[0]:box[2], box[1]:box[3]] = floor if floor is not None else min(self.free)
        goal = carried.goal_cells(plain, mask)
        if goal is not None and box == self.arrival:
            self.shut = True
        path, why = [], ""
        if goal is not None and not self.shut:
            cells = np.zeros(frame.shape, dtype=bool)
            cells[goal[:, 0], goal[:, 1]] = True
            path, why = self._search(plain, box, moves, cells), "the goal colour"
        if not path:
            for target in self._objects(plain, mask, navigator)[:4]:
                path, why = self._search(plain, box, moves, target), "an object of a colour not known yet"
                if path:
                    break
        if not path:
            return None
        action, stop = path[0]
        self.expected, self.at, self.aim = stop, stop, why
        self.arrival = stop if len(path) == 1 and why == "the goal colour" else None
        self.plan, self.planned = deque(path[1:]), (level, self.shut, why)
        return Move(action, f"seeker: {len(path)} moves to {why}")

    def _objects(self, frame: np.ndarray, mask: np.ndarray | None, navigator: Navigator) -> list[np.ndarray]:
        """The cells of each colour not known yet with few cells (a switch), smallest first."""
        known = self.free | self.stoppers | self.deadly | self.visited | {navigator.rules.mover}
        found = []
        for colour in sorted({int(c) for c in np.unique(frame)} - known):
            cells = frame == colour
            if mask is not None:
                cells &= ~mask
            n = int(cells.sum())
            if 0 < n <= self.max_object:
                found.append((n, colour, cells))
        return [cells for _, _, cells in sorted(found, key=lambda f: (f[0], f[1]))]

    def _search(self, frame: np.ndarray, box: Box, moves: list[tuple[int, tuple[int, int]]],
                target: np.ndarray) -> list[tuple[int, Box]]:
        allowed = self.free | {int(c) for c in np.unique(frame[target])}
        bad = _integral(~np.isin(frame, list(allowed)))
        h, w = frame.shape

        def steps(at: Box) -> Iterator[tuple[int, Box]]:
            for action, (dr, dc) in moves:
                nxt = (at[0] + dr, at[1] + dc, at[2] + dr, at[3] + dc)
                if nxt[0] >= 0 and nxt[1] >= 0 and nxt[2] <= h and nxt[3] <= w and not _any(bad, *nxt):
                    yield action, nxt

        return box_search(box, steps, lambda b: Slider._arrived(target, b), self.max_nodes)
