"""A key for a lock: carry the key whose shape the lock shows, turned as the lock shows it, into the lock.

A lock drawn as a picture is a common goal of mover games: a door shows a small shape, keys of that
shape (and others) lie about, the key in hand is shown in a box of the HUD, and ACTION5 may turn it.
Found or learned while playing:
- shapes: small single-colour shapes of three cells or more, not solid blocks
  (`agent.legend.shapes`), compared up to a quarter turn; the lock is the one shape of its colour whose class (its turns) shapes of one other
  colour have, drawn inside a small object of a third colour (the door) while those lie loose (keys on
  the floor); the keys are the shapes of that other colour;
- the key in hand: the box where a key's shape appeared, away from the mover, when the mover stepped
  on a key (its display); the key held is the key-coloured shape in that box;
- the moves: the mover and its displacements (`agent.navigator`'s rules), its body (the window of one
  step around its colour holding the most of its sprite: a body of several colours), walls as the
  navigator learned them (colours that stopped it, its bumps); only the HUD lines along the frame's
  edges are masked (a detector may take the mover's lane for a bar).
With the lock's class in hand and the very picture, the mover walks into the lock; with its class in
another turn, ACTION5; else it walks onto a key of the lock's class, around the other keys (stepping
on one would swap it in). A breadth-first search over the mover's positions finds each walk. When the
lock it walked into is gone (open), the mover goes on through it the same way, two moves at most (to
what lay behind it).

Nothing is proposed before the mover and a move are known, without a lock (looked for on every 8th
ask of a level where none was read), or after ACTION5 left the key in hand as it was (then for the
game).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from agent.frames import colour_in, edge_lines
from agent.legend import shapes
from agent.matcher import Box, Move, _contains
from agent.navigator import CONVENTION, Navigator, shortest_walk, without_mover
from agent.perception import segment

Shape = tuple[Box, int, np.ndarray, bytes]  # (box, colour, pattern, its class: `turn_class`)


def turn_class(pattern: np.ndarray) -> bytes:
    """A key equal for a pattern and its quarter turns (the least of their shapes and cells)."""
    return min(bytes(t.shape) + np.ascontiguousarray(t).tobytes() for t in (np.rot90(pattern, k) for k in range(4)))


#: `turn_class` by a pattern's (height, width, cells): the same patterns show in every frame of a game
_CLASSES: dict[tuple[int, int, bytes], bytes] = {}


def same_class(a: np.ndarray, b: np.ndarray) -> bool:
    """`b` is `a` turned by a quarter turns or none."""
    return turn_class(a) == turn_class(b)


def _mover_cell(frame: np.ndarray, mask: np.ndarray | None, box: Box, step: int) -> Box:
    """The mover's whole body: the `step` x `step` window around its colour's box holding the most of
    the sprite (touching parts of several colours) that colour belongs to (a body of several colours,
    a key beside it left out)."""
    if box[2] - box[0] > step or box[3] - box[1] > step:
        return box
    seg = segment(frame, mask)
    inside = int(seg.labels[box[0], box[1]])
    sprite = next((sp for sp in seg.sprites if any(p.index == inside for p in sp.parts)), None)
    if sprite is None:
        return box
    cells = np.isin(seg.labels, [p.index for p in sprite.parts])
    h, w = frame.shape
    best, most = box, -1
    for top in range(max(box[2] - step, 0), min(box[0], h - step) + 1):
        for left in range(max(box[3] - step, 0), min(box[1], w - step) + 1):
            count = int(cells[top:top + step, left:left + step].sum())
            if count > most:
                best, most = (top, left, top + step, left + step), count
    return best


@dataclass
class KeyLock:
    max_nodes: int = 4000
    level: int = -1
    off: bool = False
    display: Box | None = None  # where the key in hand is shown (kept across levels)
    turning: np.ndarray | None = None  # the key in hand before the ACTION5 this reader chose
    key_colour: int | None = None
    through: tuple[int, int] | None = None  # (direction, moves left) through a lock just walked into
    door: Box | None = None  # the lock's object, as last read
    body: tuple[int, int, int, int] | None = None  # the mover's body around its colour's box (offsets)
    # the last frame read, the mover's body then, the mask and its shapes (`_cached_shapes`)
    cache: tuple[np.ndarray, Box, np.ndarray | None, tuple[list[Shape], list[Box]]] | None = None
    asks: int = 0  # asks in this level since a lock was last read (none read: looked for every 8th)
    # the last few frames read whole (with their masks) and their shapes: a move's `after` is the next
    # ask's frame, and its `before` the last ask's
    recent: dict[bytes, tuple[list[Shape], list[Box]]] = field(default_factory=dict)

    def _shapes(self, frame: np.ndarray, mask: np.ndarray | None) -> tuple[list[Shape], list[Box]]:
        """Shapes of three cells or more and five a side at most (keys, locks), and the boxes of every
        shape eight a side at most but the floor's (what a lock may be drawn in)."""
        key = frame.tobytes() + (b"" if mask is None else np.packbits(mask).tobytes())
        read = self.recent.get(key)
        if read is None:
            read = self.recent[key] = self._read_shapes(frame, mask)
            if len(self.recent) > 4:
                del self.recent[next(iter(self.recent))]
        return read

    def _read_shapes(self, frame: np.ndarray, mask: np.ndarray | None) -> tuple[list[Shape], list[Box]]:
        out, boxes = [], []
        classes = _CLASSES  # each pattern's class, once (textures repeat, and so do frames)
        if len(classes) > 4096:
            classes.clear()
        floor = int(np.bincount(frame.ravel(), minlength=16).argmax())
        for box, colour, raw in shapes(frame, mask, side=8):
            if colour != floor:  # a piece of floor cut off by a texture's specks holds no lock
                boxes.append(box)
            if box[2] - box[0] > 5 or box[3] - box[1] > 5:
                continue
            # three cells or more (the pattern's bytes are 0 or 1); a solid block shows no shape
            if 3 <= raw.count(1) < len(raw):
                pattern = np.frombuffer(raw, dtype=bool).reshape(box[2] - box[0], box[3] - box[1])
                seen = (*pattern.shape, raw)
                kind = classes.get(seen)  # (read once: another game's thread may clear the table meanwhile)
                if kind is None:
                    kind = classes[seen] = turn_class(pattern)
                out.append((box, colour, pattern, kind))
        return out, boxes

    def _cached_shapes(self, frame: np.ndarray, mask: np.ndarray | None,
                       box: Box) -> tuple[list[Shape], list[Box]]:
        """`_shapes`, read again only when the frame changed beyond the mover's body (where it was and
        where it is) and the mask: a walk changes nothing else, a pickup, a turn or a lock opening does."""
        body = None if self.body is None else (box[0] + self.body[0], box[1] + self.body[1],
                                                box[2] + self.body[2], box[3] + self.body[3])
        if body is not None and self.cache is not None:
            before, was, seen, read = self.cache
            same_mask = (seen is None and mask is None) or (
                seen is not None and mask is not None and np.array_equal(seen, mask))
            if before.shape == frame.shape and same_mask:
                a, b = frame.copy(), before.copy()
                for r0, c0, r1, c1 in (was, body):
                    a[r0:r1, c0:c1] = b[r0:r1, c0:c1] = 0
                if mask is not None:  # a timer bar ticks every step
                    a[mask] = b[mask] = 0
                if np.array_equal(a, b):
                    self.cache = (frame, body, mask, read)
                    return read
        read = self._shapes(frame, mask)
        self.cache = None if body is None else (frame, body, mask, read)
        return read

    def _lock(self, found: list[Shape], containers: list[Box]) -> tuple[Shape, int, Box] | None:
        """The lock, the keys' colour and the lock's object: the one shape of its colour, drawn inside a
        small object (a door), whose class loose shapes of exactly one other colour have (keys lie on
        the floor); the display's shape is no lock. (Which shape lies inside which object is found for
        every pair at once: a textured floor makes hundreds of both.)"""
        if not found or not containers:
            return None
        inner = np.array([s[0] for s in found], dtype=np.int64)
        outer = np.array(containers, dtype=np.int64)
        within = ((outer[None, :, 0] <= inner[:, None, 0]) & (outer[None, :, 1] <= inner[:, None, 1])
                  & (inner[:, None, 2] <= outer[None, :, 2]) & (inner[:, None, 3] <= outer[None, :, 3])
                  & (outer[None, :, :] != inner[:, None, :]).any(-1))  # (shape, object): drawn inside it
        drawn = within.any(1).tolist()  # each shape lies inside some object
        display = self.display
        shown = [display is not None and _contains(display, s[0]) for s in found]
        by_colour = Counter(s[1] for s in found)
        by_class: dict[bytes, list[int]] = {}
        for i, s in enumerate(found):
            by_class.setdefault(s[3], []).append(i)
        best = None
        for i, lock in enumerate(found):
            if shown[i] or not drawn[i]:
                continue
            alike = [j for j in by_class[lock[3]] if found[j][1] != lock[1]]
            if any(drawn[j] and not shown[j] for j in alike):
                continue  # keys lie loose (drawn inside objects, they are pictures like the lock)
            if not alike or by_colour[lock[1]] != 1:
                continue
            colours = {found[j][1] for j in alike}
            if len(colours) != 1:
                continue
            if best is not None:
                return None  # two readings: no lock
            holder = [containers[j] for j in np.flatnonzero(within[i]).tolist()]
            door = min(holder, key=lambda c: (c[2] - c[0]) * (c[3] - c[1]))
            best = (lock, colours.pop(), door)
        return best

    def held(self, frame: np.ndarray, colour: int) -> np.ndarray | None:
        if self.display is None:
            return None
        area = frame[self.display[0]:self.display[2], self.display[1]:self.display[3]] == colour
        if not area.any():
            return None
        rows, cols = np.flatnonzero(area.any(1)), np.flatnonzero(area.any(0))
        return area[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]

    def observe(self, before: np.ndarray, action: int, after: np.ndarray, mask: np.ndarray | None,
                navigator: Navigator) -> None:
        """An in-level transition by any system: the display found at a pickup; a turn checked."""
        mask = edge_lines(mask)
        turning, self.turning = self.turning, None
        if self.off or self.key_colour is None:
            return
        if turning is not None and action == 5:
            now = self.held(after, self.key_colour)
            if now is None or (now.shape == turning.shape and bool((now == turning).all())):
                self.off = True  # ACTION5 does not turn the key in hand
            return
        if self.display is not None or action not in (1, 2, 3, 4):
            return
        box = navigator.rules.mover_box(after, mask)
        if box is None:
            return
        # read as the asks read (again only where the frame changed beyond the mover's body): the shapes
        # near the mover are not looked at
        was = navigator.rules.mover_box(before, mask)
        read = self._shapes(before, mask) if was is None else self._cached_shapes(before, mask, was)
        old = {s[0] for s in read[0] if s[1] == self.key_colour}
        for shape_box, colour, _, _ in self._cached_shapes(after, mask, box)[0]:
            far = (shape_box[0] >= box[2] + 4 or shape_box[2] <= box[0] - 4
                   or shape_box[1] >= box[3] + 4 or shape_box[3] <= box[1] - 4)
            if colour == self.key_colour and shape_box not in old and far:
                side = max(shape_box[2] - shape_box[0], shape_box[3] - shape_box[1])
                self.display = (shape_box[0], shape_box[1], shape_box[0] + side, shape_box[1] + side)

    def act(self, frame: np.ndarray, available: tuple[int, ...], mask: np.ndarray | None,
            navigator: Navigator, level: int) -> Move | None:
        self.turning = None
        mask = edge_lines(mask)  # a detector may take the mover's lane for a bar: the edges' lines only
        if level != self.level:
            self.level, self.key_colour, self.through, self.asks = level, None, None, 0
        if self.off or 5 not in available:
            return None
        box = navigator.rules.mover_box(frame, mask)
        moves: list[tuple[int, tuple[int, int]]] = [
            (a, d) for a in (1, 2, 3, 4) if a in available and (d := navigator.rules.displacement(a)) is not None]
        if box is None or not moves:
            return None
        self.asks += 1
        if self.asks > 1 and self.asks % 8 != 1 and self.through is None:
            return None  # no lock in this level's frames so far: its shapes are looked at every 8th ask
        step = max(max(abs(dx), abs(dy)) for _, (dx, dy) in moves)
        known = {a for a, _ in moves}
        moves += [(a, (ux * step, uy * step)) for a, (ux, uy) in CONVENTION.items() if a in available and a not in known]
        found, containers = self._cached_shapes(frame, mask, box)
        read = self._lock(found, containers)
        if read is None:
            if self.through is None or not self.through[1]:
                return None
            # the lock walked into is gone: open; on through it, the way it was entered (to the exit behind)
            direction, left = self.through
            self.through = (direction, left - 1)
            return Move(direction, "key: the lock opened: on through it")
        self.through, self.asks = None, 0
        if self.body is None:  # where the mover's body lies around its colour's box: found once
            cell = _mover_cell(frame, mask, box, step)
            self.body = (cell[0] - box[0], cell[1] - box[1], cell[2] - box[2], cell[3] - box[3])
        box = (box[0] + self.body[0], box[1] + self.body[1], box[2] + self.body[2], box[3] + self.body[3])
        lock, self.key_colour, door = read
        self.door = door
        held = self.held(frame, self.key_colour)
        if held is not None and same_class(held, lock[2]):
            if held.shape == lock[2].shape and bool((held == lock[2]).all()):
                return self._walk(frame, mask, navigator, box, moves, door, found, "into the lock: the key in "
                                  "hand is its picture")
            self.turning = held
            return Move(5, "key: the key in hand is the lock's shape in another turn: turning it")
        keys = [s for s in found if s[1] == self.key_colour and s[3] == lock[3]
                and (self.display is None or not _contains(self.display, s[0]))]
        if not keys:
            return None
        return self._walk(frame, mask, navigator, box, moves, keys[0][0], found, "onto a key of the lock's shape")

    def _walk(self, frame: np.ndarray, mask: np.ndarray | None, navigator: Navigator, box: Box,
              moves: list[tuple[int, tuple[int, int]]], target: Box, found: list[Shape], why: str) -> Move | None:
        """The first move of the shortest walk after which the mover's box overlaps `target`, around walls
        and the other keys."""
        assert navigator.rules.mover is not None
        plain = without_mover(frame, box, navigator.rules.mover, navigator.floor)
        blocked = colour_in(plain, [c for c in range(16) if navigator.blocking(c)])
        if mask is not None:
            blocked |= mask
        for shape_box, colour, _, _ in found:  # other keys: stepping on one swaps it in
            if colour == self.key_colour and shape_box != target:
                blocked[shape_box[0]:shape_box[2], shape_box[1]:shape_box[3]] = True
        if self.display is not None:
            blocked[self.display[0]:self.display[2], self.display[1]:self.display[3]] = True
        goal = np.zeros_like(blocked)
        goal[target[0]:target[2], target[1]:target[3]] = True
        blocked[goal] = False  # the lock may block: walking into it is the point
        blocked[box[0]:box[2], box[1]:box[3]] = False
        walk = shortest_walk(blocked, goal, box, moves, navigator.blocked, self.max_nodes, bump_into_goal=True)
        if walk is None:
            return None
        path, _ = walk
        if len(path) == 1 and target == self.door:
            self.through = (path[0][1], 2)  # this move enters the lock
        return Move(path[0][1], f"key: {len(path)} moves {why}")

