"""A tilting tray: every key slides all the loose blocks one way until something stops them; each block of a
colour that has a ring of its size somewhere comes to rest on it.

Learned while playing (keys only), from every key move whichever system chose it:
- the blocks: small sprites that moved on a key, each kept as its picture (found again in any frame by an
  exact match of its pixels; like blocks, a crate and its twin, are one kind at several places); each key's
  direction (the sign of what it did, else ARC's convention) and the slide's unit (the greatest common
  divisor of the distances moved);
- per colour: free for a kind of block (one slid over it: a crate may roll over a marble's pit), a
  stopper (what touched a block where it stopped, on the side it was going), deadly (on the way of a move that ended the game, neither free nor a
  stopper); a colour known as none of these is taken as free (the plan's first move tests it);
- a block that stayed put with free room ahead of it is heavy: a wall from then on in the level.
The goal: every block whose main colour shows elsewhere as a ring or patch with the block's box size (not
under a block) rests on one of them; blocks with none (crates) may end anywhere. The plan: breadth-first over
the blocks' places, each key simulated front block first (so blocks stack), moves that would send a block
onto a deadly colour not taken; followed while the blocks are where it expected, made again otherwise.
A level's searches stop after `MOST_FRUITLESS` found no plan with nothing learnt between them. Nothing is proposed before a key moved blocks by two different distances (they slide), in a game where
`MOST_STILL` key moves with blocks known showed none sliding (nothing more is read there), without a block
with a goal, or in a level after `MISSES` moves that ended otherwise
than planned with nothing learnt from them.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from math import gcd

import numpy as np

from agent.frames import label_components, picture_places
from agent.matcher import Move
from agent.navigator import CONVENTION
from agent.perception import segment

Place = tuple[int, int]  # a block's top-left pixel
State = tuple[tuple[Place, ...], ...]  # per kind, its places sorted
MISSES = 3
MOST_AREA = 64  # a block is a sprite of at most this many pixels
MOST_STATES = 20_000  # a tray's places searched (Tilt's levels have at most 897 of the game's own)
MOST_FRUITLESS = 3  # searches of a level that found no plan: no more in the level
MOST_LOOKS = 12  # key moves of a level looked at for new blocks
MOST_BLOCKS = 12  # blocks in a tray at most (more places of the kinds: a texture, not blocks)
MOST_GAME_LOOKS = 24  # ... of a game, while none was found
MOST_STILL = 40  # key moves of a game with blocks known and none seen sliding: no tilting tray, not followed more


@dataclass
class Kind:
    picture: np.ndarray  # its pixels, -1 where transparent

    def __post_init__(self) -> None:
        rows, cols = np.nonzero(self.picture >= 0)
        self.rows, self.cols, self.values = rows, cols, self.picture[rows, cols]
        colours, counts = np.unique(self.values, return_counts=True)
        self.main = int(colours[np.argmax(counts)])
        self.size = (int(self.picture.shape[0]), int(self.picture.shape[1]))

    def find(self, frame: np.ndarray) -> list[Place]:
        """Every place its picture shows exactly in `frame`, in reading order."""
        return sorted(picture_places(self.picture, frame))


@dataclass
class Tilter:
    kinds: list[Kind] = field(default_factory=list)
    directions: dict[int, tuple[int, int]] = field(default_factory=dict)  # action -> (drow, dcol) signs
    unit: int = 0
    free: dict[int, set[int]] = field(default_factory=dict)  # per kind (a crate rolls over a marble's pit)
    stoppers: set[int] = field(default_factory=set)
    deadly: dict[int, set[int]] = field(default_factory=dict)  # per kind
    level: int = -1
    heavy: set[Place] = field(default_factory=set)  # this level's blocks that do not move
    plan: deque[tuple[int, State]] = field(default_factory=deque)
    expect: State | None = None
    misses: int = 0
    off: bool = False
    distances: dict[int, set[int]] = field(default_factory=dict)  # per key, the distances blocks moved
    looks: int = 0  # moves of this level looked at for new blocks (`MOST_LOOKS`)
    game_looks: int = 0  # and in the game while none was found (`MOST_GAME_LOOKS`)
    still: int = 0  # key moves with blocks known and none seen sliding (`MOST_STILL`)
    unread: int = 0  # key moves in a row with blocks known and none of them read in the frame after (`MOST_STILL`)
    fruitless: int = 0  # this level's searches that found no plan
    long: bool = False  # a block moved two of its lengths or more on one key
    extent: int = 0  # the length along its move of the last block seen moving
    # the last frames' places (by the frame's bytes and the kinds known): a move's `after` is the next's `before`
    _found: dict[tuple[bytes, int], tuple[tuple[Place, ...], ...]] = field(default_factory=dict, repr=False)

    @property
    def slides(self) -> bool:
        """A key moved blocks by two different distances, or a block two of its own lengths or more: they
        slide until stopped."""
        return self.long or any(len(seen) >= 2 for seen in self.distances.values())

    def _step(self) -> int:
        """The slide's unit: the greatest common divisor of the distances moved; while one distance alone is
        known, of it and the block's length along the move (a tray's cells are the blocks' size)."""
        seen = set().union(*self.distances.values()) if self.distances else set()
        return self.unit if len(seen) >= 2 else gcd(self.unit, self.extent)

    def _begin(self, level: int) -> None:
        if level != self.level:
            self.level, self.heavy, self.misses, self.off, self.expect = level, set(), 0, False, None
            self.looks, self.fruitless = 0, 0
            self.plan.clear()

    def places(self, frame: np.ndarray) -> State | None:
        """Each kind's places in `frame` (None: no block, or more than `MOST_BLOCKS`: a texture's specks)."""
        key = (frame.tobytes(), len(self.kinds))
        found = self._found.get(key)
        if found is None:
            found = self._found[key] = tuple(tuple(k.find(frame)) for k in self.kinds)
            if len(self._found) > 4:
                del self._found[next(iter(self._found))]
        count = sum(len(f) for f in found)
        return found if self.kinds and 0 < count <= MOST_BLOCKS else None

    def _direction(self, action: int) -> tuple[int, int]:
        if action in self.directions:
            return self.directions[action]
        dx, dy = CONVENTION[action]
        return dy, dx

    # -- learning ---------------------------------------------------------------------------------
    def observe(self, before: np.ndarray, action: int, after: np.ndarray, mask: np.ndarray | None,
                level: int) -> None:
        """A key move's frames within one level (`mask`: the HUD, whose changes say nothing of blocks)."""
        self._begin(level)
        if action not in (1, 2, 3, 4) or self.still >= MOST_STILL or self.unread >= MOST_STILL:
            return
        if self.kinds and not self.slides:
            self.still += 1  # (a game whose movers step, or are pushed, is read no more after MOST_STILL moves)
        if self.looks < MOST_LOOKS and (self.kinds or self.game_looks < MOST_GAME_LOOKS):
            self.looks += 1
            self.game_looks += 1
            self._new_kinds(before, action, after, mask)
        was, now = self.places(before), self.places(after)
        if self.kinds:
            # the known blocks not read (none shown, or more than a tray holds: a texture's specks taken for
            # blocks); a game that shows none for `MOST_STILL` key moves in a row is read no more (fresh noise
            # every frame: 46 kinds of specks, looked for at each step, 3 ms of its 5.5)
            self.unread = self.unread + 1 if now is None else 0
        if was is None or now is None or [len(p) for p in was] != [len(p) for p in now]:
            return
        learnt = False
        static = self._static(before, was)
        for index, (kind, old, new) in enumerate(zip(self.kinds, was, now, strict=True)):
            free, deadly = self.free.setdefault(index, set()), self.deadly.setdefault(index, set())
            for a, b in self._pairs(old, new, action):
                shift = (b[0] - a[0], b[1] - a[1])
                h, w = kind.size
                if shift != (0, 0):
                    self.distances.setdefault(action, set()).add(abs(shift[0]) + abs(shift[1]))
                    sign = (int(np.sign(shift[0])), int(np.sign(shift[1])))
                    learnt |= self.directions.get(action) != sign
                    self.directions[action] = sign
                    self.unit = gcd(self.unit, abs(shift[0]) + abs(shift[1]))
                    self.extent = h if shift[0] else w
                    self.long |= abs(shift[0]) + abs(shift[1]) >= 2 * self.extent
                    top, left = min(a[0], b[0]), min(a[1], b[1])
                    swept = static[top:max(a[0], b[0]) + h, left:max(a[1], b[1]) + w]
                    colours = set(np.unique(swept[swept >= 0]).tolist())
                    learnt |= bool(colours - free)
                    free |= colours
                    self.stoppers -= colours
                    deadly -= colours
                step = self._step()
                if not step or action not in self.directions:
                    continue
                dr, dc = self.directions[action]
                t, le = b[0] + dr * step, b[1] + dc * step
                if t < 0 or le < 0 or t + h > before.shape[0] or le + w > before.shape[1]:
                    continue
                if self._occupied((t, le, t + h, le + w), now, kind):
                    continue
                ahead = static[t:t + h, le:le + w]
                # what it ran into: the line of the place ahead that touches it (a wall's face, the rim; not
                # what lies beyond the rim)
                contact = ahead[0 if dr > 0 else -1, :] if dr else ahead[:, 0 if dc > 0 else -1]
                colours = set(np.unique(contact[contact >= 0]).tolist()) - free
                if colours:
                    learnt |= bool(colours - self.stoppers)
                    self.stoppers |= colours
                elif shift == (0, 0) and b not in self.heavy:
                    self.heavy.add(b)  # free room ahead, and it stayed: it does not move
                    learnt = True
        if learnt:
            self.fruitless = 0  # what it learnt may open a way the searches did not find
        if learnt and self.expect is not None and now != self.expect:
            self.misses -= 1  # a surprise that taught something is no miss

    def game_over(self, before: np.ndarray, action: int, after: np.ndarray) -> bool:
        """The move `action` from `before` ended the game (`after`): for each kind with a block fewer in
        `after` (one fell), the first colour on that block's way neither free for it nor a stopper kills it.
        Whether that named a colour not known to kill before."""
        self.plan.clear()
        self.expect = None
        if action not in (1, 2, 3, 4):
            return False  # (a click, or anything but a tilt, ended it)
        was, now = self.places(before), tuple(tuple(k.find(after)) for k in self.kinds)
        step = self._step()
        if was is None or not step:
            return False
        static = self._static(before, was)
        dr, dc = self._direction(action)
        learnt = False
        for index, (kind, places, left) in enumerate(zip(self.kinds, was, now, strict=True)):
            if len(left) >= len(places):
                continue
            h, w = kind.size
            free = self.free.get(index, set())
            deadly = self.deadly.setdefault(index, set())
            for r, c in places:
                for k in range(1, 64 // step + 1):
                    t, le = r + dr * k * step, c + dc * k * step
                    if t < 0 or le < 0 or t + h > before.shape[0] or le + w > before.shape[1]:
                        break
                    ahead = static[t:t + h, le:le + w]
                    colours = set(np.unique(ahead[ahead >= 0]).tolist())
                    if colours & self.stoppers:
                        break
                    if colours - free:
                        learnt |= bool(colours - free - deadly)
                        deadly |= colours - free
                        break
        if learnt:
            self.fruitless = 0
        return learnt

    def _new_kinds(self, before: np.ndarray, action: int, after: np.ndarray, mask: np.ndarray | None) -> None:
        """Small sprites the move changed that show whole elsewhere afterwards: blocks."""
        changed = before != after
        if mask is not None:
            changed &= ~mask
        covered = np.zeros(before.shape, dtype=bool)
        for frame in (before, after):  # where known blocks were and went
            for kind, places in zip(self.kinds, self.places(frame) or (), strict=False):
                h, w = kind.size
                for r, c in places:
                    covered[r:r + h, c:c + w] = True
        if not (changed & ~covered).any():
            return
        seen = segment(before)
        for sprite in seen.sprites:
            top, left, bottom, right = sprite.box
            if sprite.area > MOST_AREA or not changed[top:bottom, left:right].any() or covered[top:bottom, left:right].any():
                continue
            picture = np.full((bottom - top, right - left), -1, dtype=np.int16)
            labels = seen.labels[top:bottom, left:right]
            for part in sprite.parts:
                picture[labels == part.index] = part.colour
            kind = Kind(picture)
            if kind.find(before) != [(top, left)] or len(kind.find(after)) != 1 or kind.find(after) == [(top, left)]:
                continue
            if any(k.size == kind.size and np.array_equal(k.picture, picture) for k in self.kinds):
                continue
            self.kinds.append(kind)
            self.plan.clear()
            self.expect = None

    def _pairs(self, old: tuple[Place, ...], new: tuple[Place, ...], action: int) -> list[tuple[Place, Place]]:
        """Each block's place before and after: along the move's line (a block keeps its row on a move left
        or right), in order."""
        dr, dc = self._direction(action)
        line = 1 if dr else 0  # the coordinate a move keeps
        pairs: list[tuple[Place, Place]] = []
        for key in sorted({p[line] for p in old}):
            a = sorted(p for p in old if p[line] == key)
            b = sorted(p for p in new if p[line] == key)
            if len(a) != len(b):
                return []
            pairs.extend(zip(a, b, strict=True))
        return pairs

    def _static(self, frame: np.ndarray, places: State) -> np.ndarray:
        """The frame with the blocks' pixels left out (-1)."""
        out = frame.astype(np.int16)
        for kind, at in zip(self.kinds, places, strict=True):
            for r, c in at:
                view = out[r:r + kind.size[0], c:c + kind.size[1]]
                view[kind.picture >= 0] = -1
        return out

    def _occupied(self, box: tuple[int, int, int, int], state: State, skip: Kind | None = None) -> bool:
        for kind, at in zip(self.kinds, state, strict=True):
            h, w = kind.size
            for r, c in at:
                if (r, c) == (box[0], box[1]) and kind is skip:
                    continue
                if r < box[2] and box[0] < r + h and c < box[3] and box[1] < c + w:
                    return True
        return False

    # -- acting -----------------------------------------------------------------------------------
    def act(self, frame: np.ndarray, available: tuple[int, ...], level: int) -> Move | None:
        self._begin(level)
        if self.off or not self.unit or not self.slides or self.still >= MOST_STILL or self.unread >= MOST_STILL:
            return None
        here = self.places(frame)
        if here is None:
            return None
        if self.expect is not None and here != self.expect:
            self.misses += 1
            if self.misses >= MISSES:
                self.off = True
                return None
            self.plan.clear()
        if not self.plan:
            if self.fruitless >= MOST_FRUITLESS:
                return None
            static = self._static(frame, here)
            goals = self._goals(static)
            if not any(goals):
                return None
            self.plan = self._search(static, here, goals, [a for a in (1, 2, 3, 4) if a in available])
            if not self.plan:
                self.fruitless += 1
                self.expect = None
                return None
        action, self.expect = self.plan.popleft()
        return Move(action, f"tilter: {len(self.plan) + 1} tilts to rest the blocks on their rings")

    def _goals(self, static: np.ndarray) -> list[set[Place]]:
        """Per kind, the places whose box is a ring or patch of its main colour's exact size (none: any)."""
        out = []
        labels = label_components(np.where(static < 0, 255, static).astype(np.uint8))
        for kind in self.kinds:
            h, w = kind.size
            places = set()
            cells = static == kind.main
            for label in np.unique(labels[cells]).tolist():
                rows, cols = np.nonzero(labels == label)
                if rows.max() - rows.min() + 1 == h and cols.max() - cols.min() + 1 == w:
                    places.add((int(rows.min()), int(cols.min())))
            out.append(places)
        return out

    def _search(self, static: np.ndarray, start: State, goals: list[set[Place]],
                actions: list[int]) -> deque[tuple[int, State]]:
        height, width = static.shape
        seen = static >= 0
        plain = np.where(seen, static, 0).astype(np.int64)

        def table(colours: set[int]) -> list[list[int]]:
            marks = np.zeros(256, dtype=bool)
            marks[list(colours)] = True
            out = np.zeros((height + 1, width + 1), dtype=np.int32)
            out[1:, 1:] = (marks[plain] & seen).cumsum(0).cumsum(1)
            return out.tolist()

        stop_l = table(self.stoppers)
        # what killed one kind kills another that never crossed it (both marbles fall into a pit; a crate
        # that rolled over it does not)
        killing = set().union(*self.deadly.values()) if self.deadly else set()
        kills = [table((self.deadly.get(i, set()) | (killing - self.free.get(i, set()))) - self.stoppers)
                 for i in range(len(self.kinds))]
        sizes = [k.size for k in self.kinds]
        unit = self._step()

        heavy = self.heavy

        def tilt(state: State, action: int) -> State | None:
            dr, dc = self._direction(action)
            down, across = dr * unit, dc * unit
            blocks = [(i, p) for i, at in enumerate(state) for p in at]
            # the front block first: it stops before the ones behind it do
            blocks.sort(key=lambda b: -(b[1][0] * dr + b[1][1] * dc))
            placed: list[tuple[int, int, int, int]] = []
            out: list[list[Place]] = [[] for _ in state]
            for i, (r, c) in blocks:
                h, w = sizes[i]
                if (r, c) not in heavy:
                    kill = kills[i]
                    while True:  # one unit further while nothing stops it (`count` written out: the inner loop)
                        t, le = r + down, c + across
                        b, ri = t + h, le + w
                        if (t < 0 or le < 0 or b > height or ri > width
                                or stop_l[b][ri] - stop_l[t][ri] - stop_l[b][le] + stop_l[t][le]):
                            break
                        blocked = False
                        for b0, b1, b2, b3 in placed:
                            if t < b2 and b0 < b and le < b3 and b1 < ri:
                                blocked = True
                                break
                        if blocked or (blocks_heavy and any(
                                t < q[0] + sizes[j][0] and q[0] < b and le < q[1] + sizes[j][1] and q[1] < ri
                                for j, q in blocks_heavy)):
                            break
                        if kill[b][ri] - kill[t][ri] - kill[b][le] + kill[t][le]:
                            return None
                        r, c = t, le
                placed.append((r, c, r + h, c + w))
                out[i].append((r, c))
            return tuple(tuple(sorted(p)) for p in out)

        blocks_heavy = [(i, p) for i, at in enumerate(start) for p in at if p in self.heavy]

        def solved(state: State) -> bool:
            return all(not goal or set(at) <= goal for at, goal in zip(state, goals, strict=True))

        parents: dict[State, tuple[State, int] | None] = {start: None}
        queue = deque([start])
        while queue and len(parents) < MOST_STATES:
            state = queue.popleft()
            if solved(state) and state != start:
                path: deque[tuple[int, State]] = deque()
                while (link := parents[state]) is not None:
                    path.appendleft((link[1], state))
                    state = link[0]
                return path
            for action in actions:
                nxt = tilt(state, action)
                if nxt is None or nxt in parents:
                    continue
                parents[nxt] = (state, action)
                queue.append(nxt)
        return deque()
