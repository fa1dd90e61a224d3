"""Navigation by objects: walk the mover to the nearest object it has not reached yet, by the shortest
path through places believed free.

Everything is learned while playing the game:
- which colour moves with the key actions and by how much (`agent.rules.GameRules`); a direction not
  seen moving the mover yet is guessed by ARC's convention (ACTION1-4: up, down, left, right) at the
  known moves' step, and the first try checks the guess;
- per colour, whether the mover entered it and whether it stopped it: a colour that stopped it and
  never let it in is blocking; a colour never met is assumed free, so a wall costs one bump;
- the moves that stopped the mover in this level, from where (not planned again);
- which objects it reached in this level (its box overlapped them, or a route to them ended).
  Reaching an object of colour c forgets that c blocks (a key may open the doors of its colour).

Objects are small single-colour components outside the HUD mask (at most `max_object` cells and four
times the mover's area), neither the mover, the frame's background, a blocking colour nor the specks of
a speckled floor (`specks`: many tiny components of one colour); the
mover's own pixels are painted in the floor's colour first, so that it does not cut the floor into
small pieces. A breadth-first search over the mover's positions (its bounding box shifted by the
displacements; boxes tested against integral images of the blocked and object cells, so a position
costs O(1)) finds the nearest position whose box touches an object not reached yet, and the path
is followed while the mover is where the path expects it (replanned otherwise). With no route, a
direction not learned yet is tried (four times at most in the game, never where it bumped).

The step after an object is reached is left to the other systems (to use it: ACTION5 on a switch).
With `reset_touched` (the agent sets it on novel levels), an object reached stays reached only until
reaching another, or pressing ACTION5 on one, changes the frame away from the mover (a parcel picked up
shows in a HUD box; a door opens): then the objects reached before are destinations again, since what
they do may have changed. `route(prefer=...)` goes to the objects holding a preferred cell first (the
goal colour carried from earlier levels) while any is left; `route(toward=..., within=...)` to the object,
of those nearest whose walk is shorter than `within`, with the shortest walk there and on to `toward`.
The navigator's model is that objects are there to be reached (an exit, keys, gems). When a second
reached object moves or changes instead of staying or vanishing (a block pushed, a switch or tile
flipped), or three reached objects stay as they were and none vanished, the model is wrong for this
level and the navigator proposes nothing more in it (it begins again on the next level). An object
pushed on (whoever moved the mover) is still the one object, followed to where it went, and no
destination any more in the level (Key Behind a Block's block, pushed along a row by the other systems,
had counted as four objects). Nothing is proposed either before a mover and one displacement are known.
"""

from __future__ import annotations

from collections import Counter, deque
from dataclasses import dataclass, field

import numpy as np

from agent.frames import colour_in, label_components
from agent.perception import TEXTURE_AREA, TEXTURE_COUNT
from agent.rules import Box, GameRules

CONVENTION = {1: (0, -1), 2: (0, 1), 3: (-1, 0), 4: (1, 0)}  # (dx, dy) per key action


@dataclass(frozen=True)
class Route:
    action: int
    length: int  # moves to the object
    colour: int  # the object's colour
    target: tuple[int, int]  # (row, col) of the object's top-left cell
    wait: bool = False  # a move that keeps clear of sprites that move on their own, the way being through them

    @property
    def why(self) -> str:
        if self.wait:
            return (f"navigator: keeping clear of what moves on its own, on the way to the colour-{self.colour} "
                    f"object at {self.target} ({self.length} moves)")
        if self.length == 0:
            return f"navigator: trying ACTION{self.action}, whose effect on the mover is not known yet"
        return f"navigator: to the colour-{self.colour} object at {self.target}, {self.length} moves away"


def with_convention(known: dict[int, tuple[int, int]]) -> dict[int, tuple[int, int]]:
    """`known` (action -> (dx, dy)) for ACTION1-4, each missing one guessed by ARC's convention (up,
    down, left, right) at the known moves' step; {} when none is known."""
    if not known:
        return {}
    size = max(max(abs(dx), abs(dy)) for dx, dy in known.values())
    return {a: known.get(a, (ux * size, uy * size)) for a, (ux, uy) in CONVENTION.items()}


def without_mover(frame: np.ndarray, box: Box, mover: int, floor: int | None = None) -> np.ndarray:
    """The frame with the mover's pixels painted in the floor's colour (the colour it entered most; else
    the commonest of the ring around its box), so that the mover does not cut the floor it stands on
    into pieces that look like small objects."""
    if floor is None:
        h, w = frame.shape
        ring = frame[max(box[0] - 1, 0):min(box[2] + 1, h), max(box[1] - 1, 0):min(box[3] + 1, w)]
        colours = ring[ring != mover]
        if not colours.size:
            return frame
        floor = int(np.bincount(colours, minlength=16).argmax())
    out = frame.copy()
    area = out[box[0]:box[2], box[1]:box[3]]
    area[area == mover] = floor
    return out


Position = tuple[int, int]  # the mover box's (top, left)


def shortest_walk(blocked: np.ndarray, goal: np.ndarray, box: Box, moves: list[tuple[int, tuple[int, int]]],
                  bumps: set[tuple[int, int, int]], max_nodes: int,
                  bump_into_goal: bool = False) -> tuple[list[tuple[Position, int]], Position] | None:
    """Breadth-first over the mover's positions (its box shifted by the moves, inside the frame, over no
    `blocked` cell) to the nearest one whose box overlaps `goal`: the walk as (position, action) steps
    and the position it ends at, or None within `max_nodes` positions. A move that bumped from a place
    (`bumps`: top, left, action) is not planned from there again, unless `bump_into_goal` and it leads
    into the goal (a lock tried again with another key)."""
    free, aim = _integral(blocked), _integral(goal)
    h, w = blocked.shape
    bh, bw = box[2] - box[0], box[3] - box[1]
    start = (box[0], box[1])
    parent: dict[Position, tuple[Position, int] | None] = {start: None}
    queue: deque[Position] = deque([start])
    while queue and len(parent) < max_nodes:
        top, left = queue.popleft()
        for action, (dx, dy) in moves:
            nxt = (top + dy, left + dx)
            if nxt in parent or nxt[0] < 0 or nxt[1] < 0 or nxt[0] + bh > h or nxt[1] + bw > w:
                continue
            into = _any(aim, nxt[0], nxt[1], nxt[0] + bh, nxt[1] + bw)
            if (top, left, action) in bumps and not (bump_into_goal and into):
                continue
            if _any(free, nxt[0], nxt[1], nxt[0] + bh, nxt[1] + bw):
                continue
            parent[nxt] = ((top, left), action)
            if into:
                path: list[tuple[Position, int]] = []
                at = nxt
                while (step := parent[at]) is not None:
                    path.append(step)
                    at = step[0]
                return path[::-1], nxt
            queue.append(nxt)
    return None


def shortest_moves(blocked: np.ndarray, goal: np.ndarray, box: Box,
                   moves: list[tuple[int, tuple[int, int]]]) -> set[int]:
    """The moves that begin a shortest walk from `box` to a position whose box overlaps `goal` (the walks of
    `shortest_walk`, without its bumps): a breadth-first search back from the goal over every position at
    once, as boolean planes. Empty when no walk is there."""
    h, w = blocked.shape
    bh, bw = box[2] - box[0], box[3] - box[1]
    rows, cols = h - bh + 1, w - bw + 1  # the positions (top, left) whose box is inside the frame

    def boxes(cells: np.ndarray) -> np.ndarray:  # per position: whether its box holds one of `cells`
        table = np.zeros((h + 1, w + 1), dtype=np.int32)
        table[1:, 1:] = cells.astype(np.int32).cumsum(0).cumsum(1)
        return (table[bh:bh + rows, bw:bw + cols] - table[:rows, bw:bw + cols]
                - table[bh:bh + rows, :cols] + table[:rows, :cols]) > 0

    free = ~boxes(blocked)
    reached = free & boxes(goal)
    frontier = reached.copy()
    distance = np.full((rows, cols), -1, dtype=np.int32)
    distance[reached] = 0
    step = 0
    while frontier.any():
        step += 1
        ahead = np.zeros_like(frontier)
        for _, (dx, dy) in moves:  # a position one move (dx, dy) before the frontier
            src = frontier[max(dy, 0):rows + min(dy, 0), max(dx, 0):cols + min(dx, 0)]
            ahead[max(-dy, 0):rows + min(-dy, 0), max(-dx, 0):cols + min(-dx, 0)] |= src
        frontier = ahead & free & ~reached
        reached |= frontier
        distance[frontier] = step
    best: dict[int, int] = {}
    for action, (dx, dy) in moves:
        top, left = box[0] + dy, box[1] + dx
        if 0 <= top < rows and 0 <= left < cols and distance[top, left] >= 0:
            best[action] = int(distance[top, left])
    least = min(best.values(), default=None)
    return {a for a, d in best.items() if d == least}


def here_box(shape: tuple[int, ...], box: Box) -> np.ndarray:
    """The cells of `box` in a frame of `shape`."""
    out = np.zeros(shape, dtype=bool)
    out[box[0]:box[2], box[1]:box[3]] = True
    return out


def _around(cells: np.ndarray, reach: int) -> np.ndarray:
    """The cells and those up to `reach` away from them along a row or a column."""
    out = cells.copy()
    for d in range(1, reach + 1):
        out[d:, :] |= cells[:-d, :]
        out[:-d, :] |= cells[d:, :]
        out[:, d:] |= cells[:, :-d]
        out[:, :-d] |= cells[:, d:]
    return out


def specks(labels: np.ndarray, frame: np.ndarray) -> np.ndarray:
    """The cells of a speckled floor: every component of at most `TEXTURE_AREA` cells in a colour that has
    at least `TEXTURE_COUNT` of them (noise specks, alone or in clumps, are no destinations)."""
    flat = labels.ravel()
    size = np.bincount(flat)
    first = np.zeros(len(size), dtype=np.int64)
    first[flat[::-1]] = np.arange(len(flat))[::-1]  # a cell of each component
    colour = frame.ravel()[first]
    small = size <= TEXTURE_AREA
    many = np.bincount(colour[small], minlength=16) >= TEXTURE_COUNT
    return (small & many[colour])[labels]


Integral = list[list[int]]  # a summed-area table: entry [r][c] counts the cells above row r and left of column c


def _integral(cells: np.ndarray) -> Integral:
    """The summed-area table of `cells`, as lists: a search reads it thousands of times, four entries a box,
    and Python ints come out of lists several times quicker than numpy scalars out of an array."""
    out = np.zeros((cells.shape[0] + 1, cells.shape[1] + 1), dtype=np.int32)
    out[1:, 1:] = cells.astype(np.int32).cumsum(0).cumsum(1)
    return out.tolist()


def _count(integral: Integral, top: int, left: int, bottom: int, right: int) -> int:
    """The cells counted in the box (inside the table's frame)."""
    return integral[bottom][right] - integral[top][right] - integral[bottom][left] + integral[top][left]


def _any(integral: Integral, top: int, left: int, bottom: int, right: int) -> bool:
    """Whether the box (inside the table's frame) holds a counted cell."""
    return bool(integral[bottom][right] - integral[top][right] - integral[bottom][left] + integral[top][left])


@dataclass
class Navigator:
    max_object: int = 64
    max_nodes: int = 4096
    rules: GameRules = field(default_factory=lambda: GameRules(compact=True))
    entered: Counter[int] = field(default_factory=Counter)
    stopped: Counter[int] = field(default_factory=Counter)
    level: int = -1
    blocked: set[tuple[int, int, int]] = field(default_factory=set)  # (top, left, action) of the mover's box
    probes: Counter[int] = field(default_factory=Counter)  # tries of each direction before it was known
    max_probes: int = 4
    # objects disturbed (pushed, flipped) in a level before the navigator stops for the level: one is
    # allowed (a block pushed aside to reach a key behind it); a second says walking into objects is not
    # this level's goal. Counted per level, not per game: Key Behind a Block pushes its block aside in
    # every level, and counted per game the navigator was off from level 3 on (whole games at 1,000
    # actions, validation game seeds 20,000-20,007: 438 -> 439 levels, a mean score 76.32 -> 77.46%)
    max_disturbed: int = 2
    paused: bool = False  # an object was just reached: the next step is the other systems'
    # and reaching it changed nothing away from the mover (no door opened, nothing pushed or flipped):
    # an item used up by stepping on it (a fuel can), not a switch whose effect another system may use
    quiet: bool = False
    plan: deque[tuple[tuple[int, int], int]] = field(default_factory=deque)  # (position, action) still to go
    last: Route | None = None  # the route being followed
    end: tuple[int, int] | None = None  # and the position it ends at
    disturbed: int = 0  # objects that, touched, moved or changed in this level (twice: not for reaching)
    moved: set[tuple[int, int]] = field(default_factory=set)  # (top, left) where each disturbed object is now
    touched: set[tuple[int, int]] = field(default_factory=set)  # (top, left) of the objects reached
    refused: set[tuple[int, int]] = field(default_factory=set)  # (top, left) of small objects that stopped it
    walkable: np.ndarray | None = None  # the blocked cells of the last search (`_search`)
    moves: list[tuple[int, tuple[int, int]]] = field(default_factory=list)  # and the moves it searched with
    reset_touched: bool = False  # see `observe`: reached objects are destinations again after a change elsewhere

    def begin(self, level: int) -> None:
        """`level` is under way (every observe and route says so; the agent may say it first): on a new
        level, what was learnt of the last one's layout is dropped."""
        if level != self.level:
            self.level = level
            self.rules.new_level()
            self.blocked.clear()
            self.touched.clear()
            self.refused.clear()
            self.plan.clear()
            self.last = None
            self.disturbed = 0
            self.moved.clear()

    @property
    def floor(self) -> int | None:
        return self.entered.most_common(1)[0][0] if self.entered else None

    def blocking(self, colour: int) -> bool:
        """A colour that stopped the mover and never let it in (a colour it did enter, e.g. the gaps
        a large cursor overlaps, is not blamed for a bump; the bump's edge is remembered instead)."""
        return self.stopped[colour] > 0 and not self.entered[colour]

    # -- learning ---------------------------------------------------------------------------------
    def observe(self, before: np.ndarray, action: int, after: np.ndarray, mask: np.ndarray | None,
                level: int) -> None:
        """An in-level transition (`after` of the same level) by any system."""
        self.begin(level)
        if action == 6 or action == 0:
            return
        if self.rules.displacement(action) is None:
            box = self.rules.mover_box(before, mask)
            # a probe counts once the mover is known, and not where the action already bumped
            self.probes[action] += box is not None and (box[0], box[1], action) not in self.blocked
            if box is not None and self.rules.mover_box(after, mask) == box:
                self.blocked.add((box[0], box[1], action))  # a probe into a wall: not from here again
        self.rules.observe_key(before, after, action, mask)
        move, box = self.rules.displacement(action), self.rules.mover_box(before, mask)
        if (move is None and box is not None and self.reset_touched and self.rules.mover_box(after, mask) == box
                and self._elsewhere(before, after, box, box, mask)):
            # a press used what the mover stands on and changed the world elsewhere (a parcel picked up
            # shows in the HUD): the objects reached before are destinations again, not the one under it
            self.touched = {t for t in self.touched if box[0] <= t[0] < box[2] and box[1] <= t[1] < box[3]}
        if move is None or box is None:
            return
        dest = (box[0] + move[1], box[1] + move[0], box[2] + move[1], box[3] + move[0])
        h, w = before.shape
        if dest[0] < 0 or dest[1] < 0 or dest[2] > h or dest[3] > w:
            return
        area = before[dest[0]:dest[2], dest[1]:dest[3]]
        colours = [c for c in np.unique(area).tolist() if c != self.rules.mover]
        now = self.rules.mover_box(after, mask)
        if now == dest:
            for colour in colours:
                self.entered[colour] += 1
            plain = without_mover(before, box, self.rules.mover, self.floor) if self.rules.mover is not None else before
            speckled: np.ndarray | None = None  # a speckled floor's cells, found when a small part is entered
            background = int(np.bincount(plain.ravel(), minlength=16).argmax())  # no object, as in `_search`
            reached: set[tuple[int, int]] = set()
            stirred = False  # an object reached was pushed or flipped
            # a step onto the mover's, the floor's and the background's colours only (most steps) reaches
            # nothing: the frame is labelled only where it may
            ground = [c for c in (self.rules.mover, self.floor, background) if c is not None]
            inside: list[int] = []
            if not colour_in(plain[dest[0]:dest[2], dest[1]:dest[3]], ground).all():
                labels = label_components(plain)
                inside = np.unique(labels[dest[0]:dest[2], dest[1]:dest[3]]).tolist()
            for label in inside:
                cells = labels == label
                colour = int(plain[cells][0])
                if colour in (self.rules.mover, self.floor, background) or not self._small(cells, box):
                    continue
                if speckled is None:
                    speckled = specks(labels, plain)
                if speckled[cells].any():
                    continue
                rows, cols = np.flatnonzero(cells.any(1)), np.flatnonzero(cells.any(0))
                corner = (int(rows[0]), int(cols[0]))
                self.touched.add(corner)
                reached.add(corner)
                self.paused = True
                disturbance = self._disturbance(cells, colour, before, after, dest, move)
                if disturbance is not None:
                    stirred = True
                    # the same object pushed on (or flipped again) is still the one object
                    self.disturbed += corner not in self.moved
                    self.moved.discard(corner)
                    self.moved.add((corner[0] + move[1], corner[1] + move[0]) if disturbance == "pushed" else corner)
                self.stopped[colour] = 0  # a key may open the doors of its colour
                self.blocked.clear()
                self.refused.clear()
            elsewhere = bool(reached) and self._elsewhere(before, after, box, dest, mask)
            if reached:
                self.quiet = not stirred and not elsewhere
            if elsewhere and self.reset_touched:
                # reaching it changed the world away from the mover (an item picked up shows in a HUD box, a
                # door opened): the objects reached before may do something else now, so they are
                # destinations again
                self.touched = reached
        elif now == box and colours:
            for colour in colours:
                self.stopped[colour] += 1
            self.blocked.add((box[0], box[1], action))
            labels = label_components(before)
            for label in np.unique(labels[dest[0]:dest[2], dest[1]:dest[3]]).tolist():
                cells = labels == label
                if self._small(cells, box):  # a door, not a wall: others of its colour may be keys
                    rows, cols = np.flatnonzero(cells.any(1)), np.flatnonzero(cells.any(0))
                    self.refused.add((int(rows[0]), int(cols[0])))

    @staticmethod
    def _elsewhere(before: np.ndarray, after: np.ndarray, box: Box, dest: Box, mask: np.ndarray | None) -> bool:
        """Whether the frame changed away from the mover's two places (and the HUD mask)."""
        changed = before != after
        changed[box[0]:box[2], box[1]:box[3]] = False
        changed[dest[0]:dest[2], dest[1]:dest[3]] = False
        if mask is not None:
            changed &= ~mask
        return bool(changed.any())

    def _disturbance(self, cells: np.ndarray, colour: int, before: np.ndarray, after: np.ndarray, dest: Box,
                     move: tuple[int, int]) -> str | None:
        """What the object touched did other than stay or vanish: "changed" (its cells left uncovered
        turned to a colour that is neither the floor nor the mover: a switch or a tile flipped), "pushed"
        (its colour appeared ahead of the mover where it was not), or None."""
        out = cells.copy()
        out[dest[0]:dest[2], dest[1]:dest[3]] = False
        plain = {self.floor, self.rules.mover, colour}
        if out.any() and not set(np.unique(after[out]).tolist()) <= plain:
            return "changed"
        h, w = before.shape
        top, left, bottom, right = dest[0] + move[1], dest[1] + move[0], dest[2] + move[1], dest[3] + move[0]
        top, left, bottom, right = max(top, 0), max(left, 0), min(bottom, h), min(right, w)
        if top >= bottom or left >= right:
            return None
        ahead_before, ahead_after = before[top:bottom, left:right], after[top:bottom, left:right]
        return "pushed" if ((ahead_after == colour) & (ahead_before != colour)).any() else None

    def _small(self, cells: np.ndarray, mover: Box) -> bool:
        size = int(cells.sum())
        return size <= min(self.max_object, 4 * (mover[2] - mover[0]) * (mover[3] - mover[1]))

    # -- proposing --------------------------------------------------------------------------------
    def route(self, frame: np.ndarray, available: tuple[int, ...], mask: np.ndarray | None,
              level: int, prefer: np.ndarray | None = None, toward: np.ndarray | None = None,
              within: float | None = None) -> Route | None:
        """The first move toward the nearest untouched object (of those with a cell in `prefer`, a goal's
        colour, while there are any); else a direction not learned yet (tried four times at most in the
        game, never where it bumped); None when neither."""
        self.begin(level)
        if self.disturbed >= self.max_disturbed:
            return None
        if self.paused:  # the step after reaching an object is the other systems' (to use it)
            self.paused = False
            return None
        box = self.rules.mover_box(frame, mask)
        if box is None:
            return None
        if self.last is not None and not self.plan and self.end == (box[0], box[1]):
            self.touched.add(self.last.target)  # the route's end: its object is reached, whatever it looks like
            self.last = None
        hazards = self.rules.hazards(frame)
        if hazards is not None:
            self.plan.clear()  # sprites that move on their own: the way is searched again at every step
        if self.plan and self.plan[0][0] == (box[0], box[1]):  # on the planned path: keep to it
            _, action = self.plan.popleft()
            last = self.last
            assert last is not None
            return Route(action, len(self.plan) + 1, last.colour, last.target)
        self.plan.clear()
        moves: list[tuple[int, tuple[int, int]]] = []
        for a in available:
            move = self.rules.displacement(a) if a not in (0, 6, 7) else None
            if move is not None:
                moves.append((a, move))
        # a direction not seen moving the mover yet: ARC's convention (ACTION1-4 up, down, left, right)
        # at the known moves' step, a guess the first try checks (a bump there blocks it from there)
        step = max((max(abs(dx), abs(dy)) for _, (dx, dy) in moves), default=0)
        for a, (ux, uy) in CONVENTION.items():
            if step and a in available and self.rules.displacement(a) is None and self.probes[a] < self.max_probes:
                moves.append((a, (ux * step, uy * step)))
        found = self._search(frame, mask, box, moves, prefer, toward, within, hazards) if moves else None
        if found is not None:
            return found
        if hazards is not None and moves:
            waited = self._keep_clear(frame, mask, box, moves, prefer, hazards)
            if waited is not None:
                return waited
        for action in (1, 2, 3, 4):
            if (action in available and self.rules.displacement(action) is None
                    and self.probes[action] < self.max_probes and (box[0], box[1], action) not in self.blocked):
                return Route(action, 0, -1, (box[0], box[1]))
        return None

    def _keep_clear(self, frame: np.ndarray, mask: np.ndarray | None, box: Box,
                    moves: list[tuple[int, tuple[int, int]]], prefer: np.ndarray | None,
                    hazards: np.ndarray) -> Route | None:
        """No way keeps a step from the sprites that move on their own, but one past them does: its first
        move if that lands clear of them; else a move that stays clear (one that leaves the mover where it is,
        into a wall or the frame's edge, first: the guard walks on), for them to pass; None if none does."""
        free = self._search(frame, mask, box, moves, prefer, ignored=hazards)
        if free is None:
            return None
        self.plan.clear()
        h, w = frame.shape
        reach = max(box[2] - box[0], box[3] - box[1])
        danger = _around(hazards & ~here_box(frame.shape, box), reach)
        walls = colour_in(frame, [c for c in range(16) if self.blocking(c)])

        def dest(move: tuple[int, int]) -> Box:
            return box[0] + move[1], box[1] + move[0], box[2] + move[1], box[3] + move[0]

        def inside(b: Box) -> bool:
            return b[0] >= 0 and b[1] >= 0 and b[2] <= h and b[3] <= w

        def clear(b: Box) -> bool:
            return not danger[b[0]:b[2], b[1]:b[3]].any()

        step = dict(moves)
        if free.action in step and inside(dest(step[free.action])) and clear(dest(step[free.action])):
            return free
        stays = [a for a, m in moves if not inside(dest(m)) or walls[dest(m)[0]:dest(m)[2], dest(m)[1]:dest(m)[3]].any()
                 or (box[0], box[1], a) in self.blocked]
        if clear(box) and stays:
            action = stays[0]
        else:
            away = [a for a, m in moves if a not in stays and inside(dest(m)) and clear(dest(m))]
            if not away:
                return None
            action = away[0]
        return Route(action, free.length, free.colour, free.target, wait=True)

    def _search(self, frame: np.ndarray, mask: np.ndarray | None, box: Box,
                moves: list[tuple[int, tuple[int, int]]], prefer: np.ndarray | None = None,
                toward: np.ndarray | None = None, within: float | None = None,
                hazards: np.ndarray | None = None, ignored: np.ndarray | None = None) -> Route | None:
        """The first move of the shortest walk to the nearest untouched object (`Navigator.route`); `hazards`
        are kept a step clear of, `ignored` cells are no destinations but may be walked over."""
        counts = np.bincount(frame.ravel(), minlength=16)
        background = int(counts.argmax())
        assert self.rules.mover is not None
        frame = without_mover(frame, box, self.rules.mover, self.floor)
        labels = label_components(frame)
        size = np.bincount(labels.ravel())[labels]  # each cell's component size (labels are small ints)
        limit = min(self.max_object, 4 * (box[2] - box[0]) * (box[3] - box[1]))
        # blocked: the blocking colours; one whose components are all small (doors, not walls) only
        # where one stopped the mover: its other components may be the keys that open them
        blocking = [c for c in range(16) if self.blocking(c)]
        large = np.bincount(frame[size > limit], minlength=16) > 0
        blocked = colour_in(frame, [c for c in blocking if large[c]])
        for top, left in self.refused:
            if self.blocking(int(frame[top, left])) and not large[frame[top, left]]:
                blocked |= labels == labels[top, left]
        if mask is not None:
            blocked |= mask
        here = here_box(frame.shape, box)
        if hazards is not None:
            # a sprite that moves on its own (a guard on its beat) is no destination, and the mover keeps a
            # step away from it: a step toward it, its own toward the mover, would meet or cross it
            blocked |= _around(hazards & ~here, max(box[2] - box[0], box[3] - box[1]))
        # objects: small components, not the mover, the background, a texture's specks, blocked or touched
        texture = specks(labels, frame)
        objects = (size <= limit) & (frame != self.rules.mover) & (frame != background) & ~blocked & ~texture
        if ignored is not None:
            objects &= ~ignored
        if self.floor is not None:
            # the floor's own colour is no object: on a checkered floor the tiles of the colour painted under
            # the mover join that patch into a blob that would read as an object wherever the mover goes
            objects &= frame != self.floor
        stayed = gone = 0
        for top, left in self.touched:
            if objects[top, left]:
                objects[labels == labels[top, left]] = False
                stayed += not here[top, left]
            else:
                gone += not here[top, left]
        for top, left in self.moved:  # an object pushed (or flipped) in this level is no destination now
            if objects[top, left]:
                objects[labels == labels[top, left]] = False
        if stayed >= 3 and not gone:  # objects that stay as they were when reached: not the goal
            self.disturbed += 1
            return None
        if objects[here].any():  # an object under the mover is reached: no destination from now on
            for label in np.unique(labels[here & objects]).tolist():
                cells = labels == label
                rows, cols = np.flatnonzero(cells.any(1)), np.flatnonzero(cells.any(0))
                self.touched.add((int(rows[0]), int(cols[0])))
                objects[cells] = False
        if not objects.any():
            return None
        if prefer is not None:
            first = np.isin(labels, np.unique(labels[prefer & objects]))
            if (first & objects).any():
                objects &= first
        passable = blocked & ~here
        self.walkable, self.moves = passable, moves  # the map and moves of the route searched last
        walk = shortest_walk(passable, objects, box, moves, self.blocked, self.max_nodes)
        if walk is not None and toward is not None and within is not None:
            walk = self._on_the_way(walk, passable, objects, labels, toward, box, moves, within)
        if walk is None:
            return None
        path, end = walk
        hit = np.argwhere(objects[end[0]:end[0] + box[2] - box[0], end[1]:end[1] + box[3] - box[1]])[0]
        row, col = int(hit[0]) + end[0], int(hit[1]) + end[1]
        self.plan = deque(path[1:])  # followed while the mover is where the plan expects it
        self.last, self.end = Route(path[0][1], len(path), int(frame[row, col]), (row, col)), end
        return self.last

    def _on_the_way(self, walk: tuple[list[tuple[Position, int]], Position], blocked: np.ndarray,
                    objects: np.ndarray, labels: np.ndarray, toward: np.ndarray, box: Box,
                    moves: list[tuple[int, tuple[int, int]]], within: float,
                    most: int = 6) -> tuple[list[tuple[Position, int]], Position]:
        """Of the objects nearest the mover (`most`, the nearest first) whose walk is shorter than `within`
        (the actions a HUD bar has left), the one with the shortest walk there and on to `toward` (the
        goal): a refill taken on the way, not the nearest one away from the goal. `walk` (the nearest
        object's) where none is shorter."""
        bh, bw = box[2] - box[0], box[3] - box[1]
        best: tuple[int, tuple[list[tuple[Position, int]], Position]] | None = None
        left = objects.copy()
        current: tuple[list[tuple[Position, int]], Position] | None = walk
        for _ in range(most):
            if current is None or len(current[0]) >= within:
                break
            path, end = current
            onward = shortest_walk(blocked, toward, (end[0], end[1], end[0] + bh, end[1] + bw), moves,
                                   self.blocked, self.max_nodes)
            total = len(path) + (len(onward[0]) if onward is not None else 10 ** 6)
            if best is None or total < best[0]:
                best = (total, current)
            hit = np.argwhere(left[end[0]:end[0] + bh, end[1]:end[1] + bw])
            if not len(hit):
                break
            left &= labels != labels[int(hit[0][0]) + end[0], int(hit[0][1]) + end[1]]
            if not left.any():
                break
            current = shortest_walk(blocked, left, box, moves, self.blocked, self.max_nodes)
        return walk if best is None else best[1]
