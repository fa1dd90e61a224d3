"""A mover that steps: walked to the goal colour carried from the level before over known colours only.

Learned from every move on a novel level: per colour free (the mover entered it), a stopper (a move
into it left the mover where it was), deadly (what a move that ended the game stepped into, the
floor apart); every other colour unknown, not walked into. The goal: `GameRules.goal_cells` (the
colour stepped onto at a level-up, or shown in its legend's place). When no walk reaches it (a gate),
or the mover stood on it and the level did not end, small objects of a colour not known yet and not
stood on in this level (a switch) are walked onto first. A breadth-first search over the mover's box
shifted by the learned displacements (integral images of the cells it may not enter) finds the walk.
Asked after every other reader; nothing is proposed before a level-up showed a goal, where the mover
slides (agent.slider), or after three moves that went another way than planned.

Where a level's step is longer than the game's shortest (a stride of two cells), a step passes through
the places between: a cell it may not enter there forbids it, and the goal there ends it (a pad stops a
stride). A move that stopped short with only floor where it would have gone next teaches an edge (a
room's bounds drawn in the floor's colours), which cuts every later step at it: the way to places off
the stride's grid. A colour whose stepping-on opened the way to the goal in a level then won is a switch:
on a later level its objects are walked onto first, before the goal (until one is stood on in the
attempt), and first again where the way is found shut; a level found shut is shut again after each game
over (Shifting Rules' level 6, all of it at once: 167 -> 9 actions on agent seed 0). With the way shut
and no object of a colour not known yet (or of a switch's) within reach, it walks to the reachable place
nearest the first of them: a step cut short there teaches an edge.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import numpy as np

from agent.frames import colour_in, label_components
from agent.matcher import Box, Move
from agent.navigator import Navigator, _any, _integral, specks, with_convention
from agent.rules import GameRules
from agent.slider import Slider, box_search, moved_boxes


def _way(a: Box, b: Box) -> tuple[int, int]:
    """The direction (sign of the row and column shifts) from box `a` to box `b`."""
    return int(np.sign(b[0] - a[0])), int(np.sign(b[1] - a[1]))


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
    # colours whose stepping-on opened the way to the goal in a level that was then won (a switch): on a
    # later level their objects are walked onto first, though their colour is known
    switches: set[int] = field(default_factory=set)
    opened_by: set[int] = field(default_factory=set)  # this level's (switches once the level is won)
    # the edges of where the mover may go, learned where a move stopped short with nothing to see in its
    # way (a room's bounds drawn in the floor's colours): per action, the last row or column it reaches
    edges: dict[int, int] = field(default_factory=dict)
    gated: bool = False  # the way to the goal was found shut in this level: so it is after each restart
    planned: tuple[int, bool, str] = (-1, False, "")  # (level, shut, aim) it was found with
    # searches that found no walk having reached every box they could, and those boxes: from any of them
    # the target is out of reach too, while the places barred, the target, the moves and the edges are the
    # same (Fuel: three such searches at every step of the navigator's walks, ~0.8 ms)
    hopeless: dict[bytes, set[Box]] = field(default_factory=dict)

    def _moves(self, navigator: Navigator, available: tuple[int, ...]) -> list[tuple[int, tuple[int, int]]]:
        """(action, (drow, dcol)) per key action: its learned displacement, else ARC's convention at the
        known moves' size."""
        rules = navigator.rules
        moves = with_convention({a: d for a in (1, 2, 3, 4) if (d := rules.displacement(a)) is not None})
        return [(a, (dy, dx)) for a, (dx, dy) in moves.items() if a in available]

    @staticmethod
    def _passes(navigator: Navigator, d: tuple[int, int]) -> list[tuple[int, int]]:
        """The offsets (drow, dcol) a move of `d` (drow, dcol) passes through before it lands: the
        multiples of the game's shortest step short of it (a stride of two cells passes one)."""
        unit, size = navigator.rules.unit(), max(abs(d[0]), abs(d[1]))
        if unit is None or unit <= 0 or size <= unit or size % unit:
            return []
        n = size // unit
        return [(d[0] * k // n, d[1] * k // n) for k in range(1, n)]

    def observe(self, before: np.ndarray, action: int, after: np.ndarray, mask: np.ndarray | None,
                navigator: Navigator) -> None:
        """A move by any system: colours entered are free, a move that left the mover in place stopped."""
        rules, boxes = navigator.rules, moved_boxes(navigator, before, action, after, mask)
        if boxes is None:
            return
        b0, b1 = boxes
        d = rules.displacement(action)
        if d is not None and b1 != (b0[0] + d[1], b0[1] + d[0], b0[2] + d[1], b0[3] + d[0]):
            self._learn_edge(before, b0, b1, action, d, navigator)
        if self.expected is not None:
            if self.aim == "the goal colour" and (b1 == b0 or (b1 != self.expected and not self.plan)):
                # the way to the goal is closed (a gate; the walk's last move stopped short of it, as a long
                # step does before a gate): an object first
                self.shut = self.gated = True
            else:
                # a move the wrong way is a miss; one the planned way that went farther or less far is not
                # (a level's new stride, learned by the rules; an edge on the way, learned here)
                self.misses += b1 != self.expected and _way(b0, b1) != _way(b0, self.expected)
                self.off = self.off or self.misses >= 3
            self.expected = None
        inside = np.zeros(before.shape, dtype=bool)
        if b1 != b0:
            inside[b1[0]:b1[2], b1[1]:b1[3]] = True
            inside[b0[0]:b0[2], b0[1]:b0[3]] = False
            if mask is not None:
                inside &= ~mask
            entered = {int(c) for c in np.unique(before[inside])} - {rules.mover}
            # a colour not known yet stood on, or a switch's colour: it may open the way
            # (of few cells, as the objects walked to are: a floor's texture colour opens nothing)
            new = {c for c in (entered - self.free - self.visited) | (entered & self.switches - self.visited)
                   if int((before == c).sum()) <= self.max_object}
            self.free |= entered - self.stoppers - self.deadly
            if new:
                self.visited |= new
                if self.shut:
                    self.opened_by |= new
                self.shut = False  # it may have opened the way: the goal again
            return
        if d is None:
            return
        h, w = before.shape
        top, left, bottom, right = b0[0] + d[1], b0[1] + d[0], b0[2] + d[1], b0[3] + d[0]
        inside[max(top, 0):min(bottom, h), max(left, 0):min(right, w)] = True
        inside[b0[0]:b0[2], b0[1]:b0[3]] = False
        self.stoppers |= {int(c) for c in np.unique(before[inside])} - self.free - {rules.mover}

    def _beyond(self, place: Box, action: int) -> bool:
        """Whether `place` lies past the edge learned for `action`."""
        edge = self.edges.get(action)
        if edge is None:
            return False
        if action == 1:
            return place[0] < edge
        if action == 2:
            return place[2] > edge
        return place[1] < edge if action == 3 else place[3] > edge

    def _learn_edge(self, before: np.ndarray, b0: Box, b1: Box, action: int, d: tuple[int, int],
                    navigator: Navigator) -> None:
        """A move that stopped short (at `b1`) of its step `d` (dx, dy) with only floor where it would have
        gone next: an edge there, for every place along it."""
        if action not in (1, 2, 3, 4) or _way(b0, b1) not in ((0, 0), (int(np.sign(d[1])), int(np.sign(d[0])))):
            return
        if (b1[2] - b1[0], b1[3] - b1[1]) != (b0[2] - b0[0], b0[3] - b0[1]):
            return  # not a translation (a sprite that grew or shrank: a parcel picked up)
        if abs(b1[0] - b0[0]) + abs(b1[1] - b0[1]) >= abs(d[0]) + abs(d[1]):
            return  # it went as far as its step or farther (a level's longer stride): no edge
        unit = navigator.rules.unit() or max(abs(d[0]), abs(d[1]))
        dr, dc = int(np.sign(d[1])) * unit, int(np.sign(d[0])) * unit
        h, w = before.shape
        top, left, bottom, right = b1[0] + dr, b1[1] + dc, b1[2] + dr, b1[3] + dc
        if top < 0 or left < 0 or bottom > h or right > w:
            return  # the frame's own edge
        area = before[top:bottom, left:right]
        plain = area == navigator.floor
        plain |= specks(label_components(before), before)[top:bottom, left:right]
        if plain.all():
            self.edges[action] = {1: b1[0], 2: b1[2], 3: b1[1], 4: b1[3]}[action]

    def restart(self) -> None:
        """The level starts again (a game over): what was stood on is undone, the way shut again if it
        was shut before anything opened it."""
        self.visited, self.shut, self.arrival, self.expected = set(), self.gated, None, None
        self.plan.clear()

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
            if level > self.level >= 0:
                self.switches |= self.opened_by  # the level was won after they opened its way
            self.opened_by, self.gated, self.edges = set(), False, {}
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
            self.shut = self.gated = True
        path, why = [], ""
        objects = self._objects(plain, mask, navigator)[:4]
        tried = 0  # of `objects`, those searched already (a switch's colour: at the head of the list)
        if self.switches and not self.shut and not self.visited & self.switches:
            # a switch's colour here, not stood on in this attempt: first, as on the level it opened the way
            for target in objects:
                if int(plain[target][0]) not in self.switches:
                    break
                tried += 1
                path, why = self._search(plain, box, moves, target, navigator), "a switch's colour first"
                if path:
                    break
        if goal is not None and not self.shut and not path:
            cells = np.zeros(frame.shape, dtype=bool)
            cells[goal[:, 0], goal[:, 1]] = True
            path, why = self._search(plain, box, moves, cells, navigator, goal=True), "the goal colour"
        for target in objects[tried:] if not path else []:
            path, why = self._search(plain, box, moves, target, navigator), "an object of a colour not known yet"
            if path:
                break
        if not path and objects and self.shut:
            # out of reach as far as it knows: toward it, to the reachable place nearest it (a step cut short
            # on the way teaches an edge, which may open a way onto it)
            path, why = self._closer(plain, box, moves, objects[0], navigator), "toward an object out of reach"
        if not path:
            return None
        action, stop = path[0]
        self.expected, self.at, self.aim = stop, stop, why
        self.arrival = stop if len(path) == 1 and why == "the goal colour" else None
        self.plan, self.planned = deque(path[1:]), (level, self.shut, why)
        return Move(action, f"seeker: {len(path)} moves to {why}")

    def _objects(self, frame: np.ndarray, mask: np.ndarray | None, navigator: Navigator) -> list[np.ndarray]:
        """The cells of each colour not known yet with few cells (a switch), smallest first, those of a
        switch's colour (one that opened a way before) before them."""
        known = (self.free - self.switches) | self.stoppers | self.deadly | self.visited | {navigator.rules.mover}
        found = []
        for colour in sorted({int(c) for c in np.unique(frame)} - known):
            cells = frame == colour
            if mask is not None:
                cells &= ~mask
            n = int(cells.sum())
            if 0 < n <= self.max_object:
                found.append((n, colour, cells))
        # a switch's colour first, then the smallest
        return [cells for _, _, cells in sorted(found, key=lambda f: (f[1] not in self.switches, f[0], f[1]))]

    def _closer(self, frame: np.ndarray, box: Box, moves: list[tuple[int, tuple[int, int]]], target: np.ndarray,
                navigator: Navigator) -> list[tuple[int, Box]]:
        """The walk to the reachable box nearest `target` (Manhattan, box centre to a target cell), when it
        is nearer than `box` is; [] otherwise."""
        cells = np.argwhere(target)
        if not len(cells):
            return []

        def distance(b: Box) -> float:
            cy, cx = (b[0] + b[2] - 1) / 2, (b[1] + b[3] - 1) / 2
            return float(np.min(np.abs(cells[:, 0] - cy) + np.abs(cells[:, 1] - cx)))

        seen: list[Box] = []
        self._search(frame, box, moves, target, navigator, reached=seen.append)
        best = min(seen, key=distance, default=None)
        if best is None or distance(best) >= distance(box):
            return []
        return self._search(frame, box, moves, target, navigator, to=best)

    def _search(self, frame: np.ndarray, box: Box, moves: list[tuple[int, tuple[int, int]]],
                target: np.ndarray, navigator: Navigator | None = None, goal: bool = False,
                reached: Callable[[Box], None] | None = None, to: Box | None = None) -> list[tuple[int, Box]]:
        """The shortest walk onto `target` (breadth-first over the mover's box); `navigator`'s rules tell
        the places a long step passes through (none without it), `goal`: the target stops a stride.
        `reached`: told every box reached, the search going on over all of them; `to`: the walk to that box."""
        # the places a long step passes through are clear too: a wall there cuts it short, and a pad
        # there stops it (one passed over is stepped onto)
        passes = {action: [] if navigator is None else self._passes(navigator, d) for action, d in moves}
        allowed = self.free | {int(c) for c in np.unique(frame[target])}
        barred = ~(colour_in(frame, allowed) if frame.dtype == np.uint8 else np.isin(frame, list(allowed)))
        key = None
        if reached is None and to is None:
            key = b"".join((barred.tobytes(), target.tobytes(), repr((moves, passes, goal, sorted(self.edges.items()),
                                                                     frame.shape)).encode()))
            if box in self.hopeless.get(key, ()):
                return []
        bad, aim = _integral(barred), _integral(target)  # (after the memo: most asks where it applies end there)
        h, w = frame.shape

        def steps(at: Box) -> Iterator[tuple[int, Box]]:
            for action, (dr, dc) in moves:
                # place by place: past an edge learned (or the frame's) it stops where it was, on a cell it
                # may not enter the move is not made, and on the goal it stops (a pad stops a stride)
                stop: Box | None = at
                for r, c in (*passes[action], (dr, dc)):
                    place = (at[0] + r, at[1] + c, at[2] + r, at[3] + c)
                    if place[0] < 0 or place[1] < 0 or place[2] > h or place[3] > w or self._beyond(place, action):
                        break
                    if _any(bad, *place):
                        stop = None
                        break
                    stop = place
                    if goal and Slider._arrived(aim, place):
                        break
                if stop is not None and stop != at:
                    yield action, stop

        def arrived(b: Box) -> bool:
            if reached is not None:
                reached(b)
                return False
            return b == to if to is not None else Slider._arrived(aim, b)

        if key is None:
            return box_search(box, steps, arrived, self.max_nodes)
        everywhere: set[Box] = set()
        path = box_search(box, steps, arrived, self.max_nodes, everywhere)
        if not path and everywhere and not arrived(box):
            if len(self.hopeless) >= 16:
                del self.hopeless[next(iter(self.hopeless))]
            self.hopeless[key] = everywhere
        return path
