"""A mover that slides until something stops it (ice): moves planned over the places it can stop at.

Learned while playing the game, from the mover's moves whichever system chose them:
- sliding: one key action moved the mover by two different distances the same way within a level,
  one of them three units at least, a unit two pixels at least (a move of two cells cut to one by a
  wall, or a box a pixel off, is no slide); the unit is the greatest common divisor of the distances
  seen in the level and the levels before;
- per colour: free (the mover slid over it: what lies where it passed, once it has gone), a stopper
  (what lies just beyond the place a slide ended), each kept in the class it was first seen in (a
  rock's grey may also be a shut exit's); deadly (the colours not known on the path of a move that
  ended the game). Every other colour is unknown, and a move whose slide would cross it is not
  planned (a crack is unknown until it kills, a rock until it stops the mover). The cells slid over
  in this level are free whatever their colour.

The goal: cells of the goal colour the rules carried from the level before (`GameRules.goal_cells`:
the colour stepped onto at a level-up, or shown in its legend's place); with none in sight (a shut
exit), small objects of a colour not known yet and not stood on in this level (a switch). A
breadth-first search over the places the mover stops at (each move simulated cell band by cell band
on the frame, the mover painted over with the floor) finds the fewest moves to a place whose box is
mostly on the goal (or on the object); its first move is proposed. A stop on the goal that did not
end the level (a shut exit) turns it to the objects until one is stood on; the colour stood on then, in
a level won, is a switch: on later levels an object of its colour is stood on first, before the goal
(again after a game over, which shuts the exit again). Nothing is proposed where
the mover does not slide, before a mover is known, or after three moves that did not end where planned.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from math import gcd

import numpy as np

from agent.frames import colour_in
from agent.matcher import Box, Move
from agent.navigator import CONVENTION, Integral, Navigator, _any, _count, _integral


def _direction(moves: dict[tuple[int, int], int] | None, action: int) -> tuple[int, int]:
    """(drow, dcol) unit direction of `action`: its displacements' sign, else ARC's convention."""
    if moves:
        dx, dy = max(moves.items(), key=lambda kv: kv[1])[0]
        return (int(np.sign(dy)), int(np.sign(dx)))
    dx, dy = CONVENTION[action]
    return dy, dx


def _step(distances: dict[int, set[tuple[int, int]]]) -> int | None:
    """The greatest common divisor of the distances (None: none)."""
    step = 0
    for seen in distances.values():
        for d in seen:
            step = gcd(step, abs(d[0]) + abs(d[1]))
    return step or None


def moved_boxes(navigator: Navigator, before: np.ndarray, action: int, after: np.ndarray,
                mask: np.ndarray | None) -> tuple[Box, Box] | None:
    """The mover's box before and after a key action (None: not a key action, or no mover seen)."""
    rules = navigator.rules
    if action not in (1, 2, 3, 4) or rules.mover is None:
        return None
    b0, b1 = rules.mover_box(before, mask), rules.mover_box(after, mask)
    return None if b0 is None or b1 is None else (b0, b1)


def box_search(start: Box, successors: Callable[[Box], Iterable[tuple[int, Box]]],
               arrived: Callable[[Box], bool], max_nodes: int,
               everywhere: set[Box] | None = None) -> list[tuple[int, Box]]:
    """Breadth-first over the mover's boxes: the fewest (action, box after it) steps from `start` to a
    box `arrived` takes ([] when none within `max_nodes` boxes). `everywhere`: given every box reached
    when the search found none having reached all it could."""
    parent: dict[Box, tuple[Box, int] | None] = {start: None}
    queue = deque([start])
    while queue and len(parent) < max_nodes:
        at = queue.popleft()
        for action, nxt in successors(at):
            if nxt in parent:
                continue
            parent[nxt] = (at, action)
            if arrived(nxt):
                path = []
                node = nxt
                while (link := parent[node]) is not None:
                    path.append((link[1], node))
                    node = link[0]
                return path[::-1]
            queue.append(nxt)
    if everywhere is not None and not queue:
        everywhere.update(parent)
    return []


@dataclass
class Slider:
    max_nodes: int = 4000
    max_object: int = 64  # cells of an object (a switch) the mover is sent to stop on
    free: set[int] = field(default_factory=set)
    stoppers: set[int] = field(default_factory=set)
    deadly: set[int] = field(default_factory=set)
    visited: set[int] = field(default_factory=set)  # object colours stood on in this level
    shut: bool = False  # the mover stood on the goal in this level and it did not end (a shut exit)
    opened_by: set[int] = field(default_factory=set)  # the colours stood on last after the goal was found shut
    switches: set[int] = field(default_factory=set)  # such colours on won levels: stood on first from then on
    arrival: Box | None = None  # where the last move proposed was to stop the mover on the goal
    aim: str = ""  # what the last move proposed went to: a new aim may pass the places an old one did
    passed: np.ndarray | None = None  # the cells the mover slid over in this level: free, whatever colour
    slides: bool = False
    distances: dict[int, set[tuple[int, int]]] = field(default_factory=dict)  # this level's, per action
    distances_level: int = -1
    last_unit: int | None = None
    level: int = -1
    expected: Box | None = None  # where the proposed move should stop the mover
    misses: int = 0
    off: bool = False
    # searches that reached every box they could and found no slide onto their target, by what decided them
    # (`_search`): the boxes they reached
    hopeless: dict[bytes, set[Box]] = field(default_factory=dict)

    # -- learning ---------------------------------------------------------------------------------
    def unit(self) -> int | None:
        """The cells of one slide step, when the mover slides (else None): one key action moved it by
        two different distances the same way within one level (a game drawn at several scales moves
        it by one distance a level)."""
        if not self.slides:
            return None
        # with the unit of the levels before (a level's first slide alone is one distance)
        return gcd(_step(self.distances) or 0, self.last_unit or 0) or None

    def _record(self, action: int, b0: Box, b1: Box, level: int) -> None:
        """The mover's displacement by `action` in this level (rows, cols), for `unit`."""
        if level != self.distances_level:
            self.last_unit = self.unit()
            self.distances_level, self.distances = level, {}
        shift = (b1[0] - b0[0], b1[1] - b0[1])
        if shift == (0, 0) or (shift[0] and shift[1]) or (b1[2] - b1[0], b1[3] - b1[1]) != (b0[2] - b0[0], b0[3] - b0[1]):
            return  # a move along no one axis, or a box cut short (the mover half behind something)
        seen = self.distances.setdefault(action, set())
        seen.add(shift)
        signs = {(int(np.sign(r)), int(np.sign(c))) for r, c in seen}
        sizes = [abs(r) + abs(c) for r, c in seen]
        # two distances the same way, one at least three of their common steps of two pixels or more (a
        # move of two cells cut to one by a wall, or a box a pixel off, is no slide)
        step = _step({action: seen}) or 1
        self.slides = self.slides or (len(seen) >= 2 and len(signs) == 1 and step >= 2 and max(sizes) >= 3 * step)

    def observe(self, before: np.ndarray, action: int, after: np.ndarray, mask: np.ndarray | None,
                navigator: Navigator, level: int) -> None:
        """A move by any system: the colours slid over are free, what lies beyond its end stops."""
        rules, boxes = navigator.rules, moved_boxes(navigator, before, action, after, mask)
        if boxes is None:
            return
        b0, b1 = boxes
        self._record(action, b0, b1, level)
        step = self.unit()
        if step is None:
            return
        if self.expected is not None:
            self.misses += b1 != self.expected
            self.off = self.off or self.misses >= 3
            self.expected = None
        dr, dc = _direction(rules.moves.get(action), action)
        rows, cols = b1[0] - b0[0], b1[1] - b0[1]
        if (rows and dr == 0) or (cols and dc == 0) or rows * dr < 0 or cols * dc < 0 or (rows % step) or (cols % step):
            return
        n = max(abs(rows), abs(cols)) // step
        h, w = after.shape
        inside = np.zeros(after.shape, dtype=bool)
        inside[b1[0]:b1[2], b1[1]:b1[3]] = True
        passed = np.zeros(after.shape, dtype=bool)
        for k in range(n):
            top, left = b0[0] + k * step * dr, b0[1] + k * step * dc
            passed[max(top, 0):top + b0[2] - b0[0], max(left, 0):left + b0[3] - b0[1]] = True
        passed &= ~inside
        if mask is not None:
            passed &= ~mask
        if self.passed is None or self.passed.shape != passed.shape:
            self.passed = np.zeros(passed.shape, dtype=bool)
        self.passed |= passed
        # a colour keeps the class it was first seen in (a rock's grey may also be a shut exit's)
        self.free |= {int(c) for c in np.unique(after[passed])} - self.stoppers
        # the band just beyond where it stopped
        top, left = b1[0] + step * dr, b1[1] + step * dc
        bottom, right = b1[2] + step * dr, b1[3] + step * dc
        band = after[max(top, 0):min(bottom, h), max(left, 0):min(right, w)]
        if band.size:
            self.stoppers |= {int(c) for c in np.unique(band)} - self.free - {rules.mover}
        under = np.zeros(before.shape, dtype=bool)  # where it stopped, as the frame before showed it
        under[b1[0]:b1[2], b1[1]:b1[3]] = True
        under[b0[0]:b0[2], b0[1]:b0[3]] = False
        new = {int(c) for c in np.unique(before[under])} - self.free - self.visited - {rules.mover}
        if new:
            self.visited |= new
            if self.shut:
                self.opened_by = new
            self.shut = False  # an object stood on may have opened the exit: the goal again

    def level_up(self, before: np.ndarray, action: int, mask: np.ndarray | None, navigator: Navigator) -> None:
        """The move that completed a level: the colour it stopped the mover on is a goal for the next
        levels (`GameRules.goals`; the rules' own record needs one displacement per action). The colour
        stood on after the goal was found shut, in a level won, is a switch: stood on first on later levels."""
        self.switches |= self.opened_by
        self.opened_by = set()
        step, rules = self.unit(), navigator.rules
        box = rules.mover_box(before, mask)
        if step is None or box is None or action not in (1, 2, 3, 4):
            return
        stop = self._slide(before, box, step, _direction(rules.moves.get(action), action), None)
        if stop is None:
            return
        colours, counts = np.unique(before[stop[0]:stop[2], stop[1]:stop[3]], return_counts=True)
        order = [int(c) for c in colours[np.argsort(-counts, kind="stable")] if c != rules.mover]
        if order:
            rules.goals[order[0]] += 1

    def game_over(self, before: np.ndarray, action: int, mask: np.ndarray | None, navigator: Navigator) -> None:
        """A move that ended the game: the colours not known on its path are deadly. (The level begins
        again: its switches are to be stood on again.)"""
        self.visited -= self.switches
        step = self.unit()
        box = navigator.rules.mover_box(before, mask)
        if step is None or box is None or action not in (1, 2, 3, 4):
            return
        dr, dc = _direction(navigator.rules.moves.get(action), action)
        h, w = before.shape
        top, left, bottom, right = box
        while True:
            top, left, bottom, right = top + step * dr, left + step * dc, bottom + step * dr, right + step * dc
            if top < 0 or left < 0 or bottom > h or right > w:
                return
            colours = {int(c) for c in np.unique(before[top:bottom, left:right])}
            if colours & self.stoppers:
                return
            unknown = colours - self.free - {navigator.rules.mover}
            if unknown:
                self.deadly |= unknown
                return

    # -- acting -----------------------------------------------------------------------------------
    def act(self, frame: np.ndarray, available: tuple[int, ...], mask: np.ndarray | None,
            navigator: Navigator, level: int) -> Move | None:
        if level != self.level:
            self.level, self.visited, self.expected, self.shut, self.arrival = level, set(), None, False, None
            self.passed, self.opened_by = None, set()
        if self.off:
            return None
        step = self.unit()
        rules = navigator.rules
        box = rules.mover_box(frame, mask) if step is not None else None
        if step is None or box is None or not self.free:
            return None
        plain = frame.copy()
        floor = navigator.floor
        plain[box[0]:box[2], box[1]:box[3]] = floor if floor is not None else min(self.free)
        target, why = self._target(plain, mask, navigator, box)
        if target is None:
            return None
        moves: list[tuple[int, tuple[int, int]]] = [
            (a, _direction(rules.moves.get(a), a)) for a in (1, 2, 3, 4) if a in available]
        path = self._search(plain, mask, box, step, moves, target)
        if not path:
            return None
        action, stop = path[0]
        self.expected, self.aim = stop, why
        self.arrival = stop if len(path) == 1 and why.startswith("the goal") else None
        return Move(action, f"slider: {len(path)} slides stop the mover on {why}")

    def _target(self, frame: np.ndarray, mask: np.ndarray | None, navigator: Navigator,
                box: Box) -> tuple[np.ndarray | None, str]:
        goal = navigator.rules.goal_cells(frame, mask)
        if goal is not None and not self.switches & self.visited:
            # a switch's colour on a level before opened the exit: stood on first where one is in sight
            for colour in sorted(self.switches):
                cells = frame == colour
                if mask is not None:
                    cells &= ~mask
                if 0 < int(cells.sum()) <= self.max_object:
                    return cells, f"a switch's colour {colour} first"
        if goal is not None:
            cells = np.zeros(frame.shape, dtype=bool)
            cells[goal[:, 0], goal[:, 1]] = True
            if box == self.arrival:
                self.shut = True  # stopping on the goal did not end the level: it opens somehow
            if not self.shut:
                return cells, f"the goal colour {int(frame[goal[0, 0], goal[0, 1]])}"
        known = self.free | self.stoppers | self.deadly | self.visited | {navigator.rules.mover}
        best = None
        for colour in sorted({int(c) for c in np.unique(frame)} - known):
            cells = frame == colour
            if mask is not None:
                cells &= ~mask
            if 0 < int(cells.sum()) <= self.max_object and (best is None or cells.sum() < best[1].sum()):
                best = (colour, cells)
        if best is None:
            return None, ""
        return best[1], f"an object of colour {best[0]} not stood on yet"

    @staticmethod
    def _arrived(target: Integral, box: Box) -> bool:
        """Whether the mover's box (inside the frame) lies mostly on the cells of `target` (their `_integral`)."""
        return 2 * _count(target, *box) >= (box[2] - box[0]) * (box[3] - box[1])

    def _grids(self, frame: np.ndarray, allowed: set[int] | None) -> tuple[Integral, Integral | None]:
        """Integral images of the cells that stop a slide and of those it may not cross (None: any)."""
        stops, bad = self._cells(frame, allowed)
        return _integral(stops), None if bad is None else _integral(bad)

    def _cells(self, frame: np.ndarray, allowed: set[int] | None) -> tuple[np.ndarray, np.ndarray | None]:
        """The cells that stop a slide and those it may not cross (None: any)."""
        passed = self.passed if self.passed is not None and self.passed.shape == frame.shape else \
            np.zeros(frame.shape, dtype=bool)
        def among(colours: set[int]) -> np.ndarray:  # (`colour_in`'s table look-up for a frame's colours)
            return colour_in(frame, colours) if frame.dtype == np.uint8 else np.isin(frame, list(colours))

        stops = among(self.stoppers) & ~passed
        bad = None if allowed is None else ~among(allowed) & ~passed & ~stops
        return stops, bad

    def _slide(self, frame: np.ndarray, box: Box, step: int, d: tuple[int, int],
               allowed: set[int] | None, grids: tuple[Integral, Integral | None] | None = None) -> Box | None:
        """Where a move in direction `d` stops the mover (None: it would cross a colour not `allowed`;
        `allowed` None: any colour but a stopper is crossed). Cells slid over in this level are free."""
        stops, bad = grids if grids is not None else self._grids(frame, allowed)
        h, w = frame.shape
        top, left, bottom, right = box
        while True:
            nt, nl, nb, nr = top + step * d[0], left + step * d[1], bottom + step * d[0], right + step * d[1]
            if nt < 0 or nl < 0 or nb > h or nr > w or _any(stops, nt, nl, nb, nr):
                return (top, left, bottom, right)
            if bad is not None and _any(bad, nt, nl, nb, nr):
                return None
            top, left, bottom, right = nt, nl, nb, nr

    def _search(self, frame: np.ndarray, mask: np.ndarray | None, box: Box, step: int,
                moves: list[tuple[int, tuple[int, int]]], target: np.ndarray) -> list[tuple[int, Box]]:
        allowed = self.free | {int(c) for c in np.unique(frame[target])}
        stops, bad = self._cells(frame, allowed)
        assert bad is not None
        # a search that reached every box it could and none on the target is remembered (by what decides the
        # slides and the target): from any box it reached no search can find one either (a mover that steps
        # rather than slides, its target walled off, was searched for at every step)
        key = b"".join((stops.tobytes(), bad.tobytes(), target.tobytes(), repr((step, moves, frame.shape)).encode()))
        if box in self.hopeless.get(key, ()):
            return []
        grids = (_integral(stops), _integral(bad))

        def slides(at: Box) -> Iterator[tuple[int, Box]]:
            for action, d in moves:
                stop = self._slide(frame, at, step, d, allowed, grids)
                if stop is not None and stop != at:
                    yield action, stop

        goal = _integral(target)
        everywhere: set[Box] = set()
        path = box_search(box, slides, lambda b: self._arrived(goal, b), self.max_nodes, everywhere)
        if not path and everywhere and not self._arrived(goal, box):
            if len(self.hopeless) >= 16:
                del self.hopeless[next(iter(self.hopeless))]
            self.hopeless[key] = everywhere
        return path
