"""Turning pieces until each shows its picture in a legend: a click-puzzle reader learned from clicks.

A click that turns a piece shows itself: the pixels that changed fill a square whose content is the
one before turned by quarter turns (`_turned_square`). From that square's side the turner looks for
the legend, a set of small framed two-colour pictures (`legend_windows`: each picture's ring of
pixels one colour, not one of its two), and for the other pieces, squares of the same side in the
same frame (`squares`: the same ring colour round them, content of several colours). With as
many pieces as pictures, paired in reading order, a piece matches when its content, sampled at the
picture's resolution (each cell's most common colour), shows the picture: one colour of the content
for empty, one of the picture's two for filled, the same for every piece.

What a click on a piece turns is learnt from the clicks seen (a click may turn neighbours too: gears);
a piece not clicked yet is taken to turn itself as the first one clicked did, and nothing else. The
clicks are solved exactly, afresh on every frame: the fewest clicks (0-3 a piece) whose summed
quarter turns bring every piece to a turn that shows its picture, over every combination (4^n,
n <= 8); the first is clicked. A click that turned something else teaches the model; three clicks
that changed what no turn explains, or frames no combination solves, turn it off for the level.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import product

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from agent.frames import clear_of
from agent.matcher import Move

Box = tuple[int, int, int]  # (top, left, side): a square
MAX_PIECES = 8
PICTURE_SIDES = (2, 3, 4, 5)


def _bits(frame: np.ndarray) -> np.ndarray:
    return np.left_shift(np.uint16(1), np.clip(frame, 0, 15).astype(np.uint16))


def _bit_count(bits: np.ndarray) -> np.ndarray:
    count = np.zeros(bits.shape, dtype=np.int64)
    for c in range(16):
        count += (bits >> c) & 1
    return count


def _colours(bits: int) -> list[int]:
    return [c for c in range(16) if bits >> c & 1]


def _turned_square(before: np.ndarray, after: np.ndarray, where: np.ndarray) -> tuple[Box, int] | None:
    """The square, centred on the changed pixels `where`, whose content after is the content before
    turned (np.rot90 k = 1..3 quarter turns), smallest side first; None if no square does."""
    ys, xs = np.nonzero(where)
    if not len(ys):
        return None
    top, bottom, left, right = int(ys.min()), int(ys.max()) + 1, int(xs.min()), int(xs.max()) + 1
    h, w = bottom - top, right - left
    if abs(h - w) > 2:
        return None
    cy2, cx2 = top + bottom, left + right  # twice the centre
    for side in range(max(h, w), max(h, w) + 5):
        t2, l2 = cy2 - side, cx2 - side
        if t2 % 2 or l2 % 2:
            continue
        t, le = t2 // 2, l2 // 2
        if t < 0 or le < 0 or t + side > before.shape[0] or le + side > before.shape[1]:
            continue
        old, new = before[t:t + side, le:le + side], after[t:t + side, le:le + side]
        for k in (1, 2, 3):
            if np.array_equal(np.rot90(old, k), new):
                return (t, le, side), k
    return None


def _runs_from(frame: np.ndarray) -> np.ndarray:
    """For each cell, how many cells from it rightwards (itself included) have its colour without a break."""
    h, w = frame.shape
    starts = np.ones((h, w), dtype=bool)
    starts[:, 1:] = frame[:, 1:] != frame[:, :-1]
    flat = starts.ravel()
    ends = np.flatnonzero(np.append(flat[1:], True))  # each run's last cell (every row starts a run)
    return (ends[np.cumsum(flat) - 1] - np.arange(h * w) + 1).reshape(h, w)


def legend_windows(frame: np.ndarray, side: int, away: list[Box]) -> list[Box]:
    """Small pictures of `side`: windows of exactly two colours whose one-pixel ring is all one other
    colour, clear of the squares `away` and of each other, in reading order."""
    h, w = frame.shape
    if h < side + 2 or w < side + 2:
        return []
    bits = _bits(frame)
    inner = np.bitwise_or.reduce(np.bitwise_or.reduce(sliding_window_view(bits, (side, side)), -1), -1)
    outer = np.bitwise_or.reduce(np.bitwise_or.reduce(sliding_window_view(bits, (side + 2, side + 2)), -1), -1)
    inner = inner[1:-1, 1:-1]  # aligned with `outer`: the window at (y + 1, x + 1) inside outer's (y, x)
    two, ring_one = _bit_count(inner) == 2, _bit_count(outer) == 3
    found: list[Box] = []
    taken = np.zeros((h, w), dtype=bool)
    for t, le, s in away:
        taken[max(t - 1, 0):t + s + 1, max(le - 1, 0):le + s + 1] = True
    ys, xs = np.nonzero(two & ring_one)
    # the ring is all one colour where its four sides are each one run (`ring_colour`, for every window at once)
    across, down, ring_side = _runs_from(frame), _runs_from(frame.T).T, side + 2
    one = ((across[ys, xs] >= ring_side) & (across[ys + side + 1, xs] >= ring_side)
           & (down[ys, xs] >= ring_side) & (down[ys, xs + side + 1] >= ring_side))
    for y, x, ring in zip(ys[one].tolist(), xs[one].tolist(), frame[ys[one], xs[one]].tolist(), strict=True):
        top, left = y + 1, x + 1
        if ring in _colours(int(inner[y, x])):
            continue
        if taken[top:top + side, left:left + side].any():
            continue
        taken[top - 1:top + side + 1, left - 1:left + side + 1] = True
        found.append((top, left, side))
    return sorted(found, key=lambda b: (b[0] // max(side, 1), b[1]))


def squares(frame: np.ndarray, side: int, ring: int) -> list[Box]:
    """Squares of `side` with a one-pixel ring all of colour `ring` round them and content of at least
    two colours, clear of each other, in reading order (rows of squares by their tops)."""
    h, w = frame.shape
    if h < side + 2 or w < side + 2:
        return []
    view = sliding_window_view(frame == ring, (side + 2, side + 2))
    ringed = view[..., 0, :].all(-1) & view[..., -1, :].all(-1) & view[..., :, 0].all(-1) & view[..., :, -1].all(-1)
    bits = np.bitwise_or.reduce(np.bitwise_or.reduce(sliding_window_view(_bits(frame), (side, side)), -1), -1)
    several = (bits & (bits - 1)) != 0  # not a power of two: two colours or more
    found: list[Box] = []
    taken = np.zeros((h, w), dtype=bool)
    for y, x in zip(*np.nonzero(ringed & several[1:h - side, 1:w - side]), strict=True):
        top, left = int(y) + 1, int(x) + 1
        if taken[top:top + side, left:left + side].any():
            continue
        taken[top:top + side, left:left + side] = True
        found.append((top, left, side))
    return sorted(found, key=lambda b: (round(b[0] / max(side / 2, 1)), b[1]))


def ring_colour(frame: np.ndarray, box: Box) -> int | None:
    """The colour of the one-pixel ring round `box`, if it is all one colour."""
    t, le, s = box
    if t < 1 or le < 1 or t + s + 1 > frame.shape[0] or le + s + 1 > frame.shape[1]:
        return None
    ring = frame[t - 1:t + s + 1, le - 1:le + s + 1]
    edge = np.concatenate([ring[0], ring[-1], ring[1:-1, 0], ring[1:-1, -1]])
    return int(edge[0]) if len(set(edge.tolist())) == 1 else None


def sample(content: np.ndarray, cells: int) -> np.ndarray:
    """(cells, cells): each cell's most common colour (the lowest on a tie)."""
    step = content.shape[0] // cells
    blocks = content[:cells * step, :cells * step].reshape(cells, step, cells, step)
    counts = (blocks[..., None] == np.arange(16)).sum(axis=(1, 3))  # (cells, cells, 16)
    return counts.argmax(-1).astype(np.int64)


@dataclass
class Turner:
    level: int = -1
    off: bool = False
    side: int | None = None  # the pieces' square side, learnt from a turn (kept across levels)
    self_turn: int | None = None  # the quarter turns a click gives the clicked piece, as first seen
    ring: int | None = None  # the colour round the first piece turned (its socket), kept across levels
    pieces: list[Box] = field(default_factory=list)
    pictures: list[Box] = field(default_factory=list)
    effects: dict[int, dict[int, int]] = field(default_factory=dict)  # clicked piece -> piece -> turns
    misses: int = 0
    pending: bool = False  # the turner's own click awaits its answer
    reading: tuple[int, int] | None = None  # (empty colour, filled picture colour), once found
    refuted: set[bytes] = field(default_factory=set)  # this level's layouts that showed every picture

    def _new_level(self, level: int) -> None:
        self.level, self.off, self.pieces, self.pictures = level, False, [], []
        self.effects, self.misses, self.pending, self.reading, self.refuted = {}, 0, False, None, set()

    # -- learning ---------------------------------------------------------------------------------
    def observe(self, before: np.ndarray, action: int, x: int | None, y: int | None, after: np.ndarray,
                mask: np.ndarray | None, level: int) -> None:
        """Learn from any click: which squares it turned and by how much."""
        if level != self.level:
            self._new_level(level)
        pending, self.pending = self.pending, False
        if self.off or action != 6 or x is None or y is None:
            return
        diff = before != after
        mask = clear_of(mask, [(t, le, t + s, le + s) for t, le, s in self.pieces])
        if mask is not None:
            diff &= ~mask
        if not diff.any():
            if pending:
                self._miss()
            return
        turned = self._turns(before, after, diff)
        if turned is None:
            if pending:
                self._miss()  # something changed that no turn explains
            return
        clicked = next((i for i, (t, le, s) in enumerate(self.pieces) if t <= y < t + s and le <= x < le + s), None)
        if clicked is None:
            return
        self.effects[clicked] = turned
        if self.self_turn is None and clicked in turned:
            self.self_turn = turned[clicked]

    def _turns(self, before: np.ndarray, after: np.ndarray, diff: np.ndarray) -> dict[int, int] | None:
        """The pieces a transition turned, by quarter turns; new pieces found on the way."""
        if not self.pieces:
            found = _turned_square(before, after, diff)
            if found is None:
                return None
            box, _ = found
            self.side, self.ring = box[2], ring_colour(before, box)
            self.pieces = self._find_pieces(before) or [box]
            if box not in self.pieces:
                self.pieces = [box]
        turned: dict[int, int] = {}
        left = diff.copy()
        for i, (t, le, s) in enumerate(self.pieces):
            old, new = before[t:t + s, le:le + s], after[t:t + s, le:le + s]
            left[t:t + s, le:le + s] = False
            if np.array_equal(old, new):
                continue
            k = next((k for k in (1, 2, 3) if np.array_equal(np.rot90(old, k), new)), None)
            if k is None:
                return None
            turned[i] = k
        return None if left.any() else turned

    def _miss(self) -> None:
        self.misses += 1
        if self.misses >= 3:
            self.off = True

    # -- acting -----------------------------------------------------------------------------------
    def act(self, frame: np.ndarray, available: tuple[int, ...], level: int) -> Move | None:
        if level != self.level:
            self._new_level(level)
        if self.off or 6 not in available or self.side is None:
            return None
        if not self.pieces:  # a new level: the pieces are found like the last level's
            self.pieces = self._find_pieces(frame)
            if not self.pieces:
                return None
        if not self.pictures:
            self.pictures = self._find_pictures(frame)
            if len(self.pictures) != len(self.pieces):
                self.off = True
                return None
        # solved afresh on every frame (a few milliseconds): a restarted level or another system's
        # click leaves no stale plan
        plan = self._solve(frame)
        if plan == []:  # every piece shows its picture, yet the level goes on: not this layout
            self.refuted.add(_layout([frame[t:t + s, le:le + s] for t, le, s in self.pieces], [0] * len(self.pieces)))
            plan = self._solve(frame)
        if not plan:
            self._miss()
            return None
        index = plan[0]
        t, le, s = self.pieces[index]
        self.pending = True
        return Move(6, f"turner: piece {index + 1} of {len(self.pieces)} ({len(plan)} clicks turn every "
                       "piece to its picture)", le + s // 2, t + s // 2)

    def _find_pieces(self, frame: np.ndarray) -> list[Box]:
        """Squares of the known side in the known ring colour (the first piece's socket)."""
        if self.side is None or self.ring is None:
            return []
        return squares(frame, self.side, self.ring)[:MAX_PIECES]

    def _find_pictures(self, frame: np.ndarray) -> list[Box]:
        assert self.side is not None
        for cells in PICTURE_SIDES:
            if self.side % cells or self.side == cells:
                continue
            found = legend_windows(frame, cells, self.pieces)
            if len(found) == len(self.pieces):
                return found
        return []

    def _predict(self, index: int) -> dict[int, int]:
        if index in self.effects:
            return self.effects[index]
        return {index: self.self_turn or 1}

    def _solve(self, frame: np.ndarray) -> list[int] | None:
        """The fewest clicks (piece indices) that bring every piece to a turn showing its picture;
        [] when every piece shows it already; None when no reading or no combination does."""
        n = len(self.pieces)
        contents = [frame[t:t + s, le:le + s] for t, le, s in self.pieces]
        pictures = [frame[t:t + s, le:le + s] for t, le, s in self.pictures]
        cells = self.pictures[0][2]
        # a turned piece's sample is its sample turned where the cells divide its side (the pieces' side is
        # a multiple of the pictures' cells: `_find_pictures`)
        turns = [[np.rot90(sampled, k) for k in range(4)] for sampled in (sample(c, cells) for c in contents)] \
            if all(c.shape[0] == c.shape[1] and c.shape[0] % cells == 0 for c in contents) else \
            [[sample(np.rot90(c, k), cells) for k in range(4)] for c in contents]
        readings = [self.reading] if self.reading is not None else [
            (int(e), int(f)) for e in set.intersection(*(set(np.unique(t[0]).tolist()) for t in turns))
            for f in set(np.unique(pictures[0]).tolist())]
        effect = np.zeros((n, n), dtype=np.int64)
        for i in range(n):
            for j, k in self._predict(i).items():
                effect[i, j] = k
        combos = _combos(n)  # (4^n, n) clicks per piece
        totals = combos @ effect % 4  # (4^n, n): quarter turns each piece gets
        for empty, filled in readings:
            ok = np.array([[np.array_equal(turns[j][k] != empty, pictures[j] == filled) for k in range(4)]
                           for j in range(n)])  # (n, 4): piece j shows its picture after k turns
            if not ok.any(axis=1).all():
                continue
            good = np.flatnonzero(ok[np.arange(n)[None, :], totals].all(axis=1))
            # fewest clicks first; a layout that showed every picture without ending the level is passed
            # over (a picture may show two turns of a symmetric shape, of which the game wants one)
            for row in good[np.argsort(combos[good].sum(axis=1), kind="stable")]:
                if _layout(contents, totals[row]) in self.refuted:
                    continue
                self.reading = (empty, filled)
                return [i for i in range(n) for _ in range(int(combos[row, i]))]
        return None


@lru_cache(maxsize=MAX_PIECES)
def _combos(n: int) -> np.ndarray:
    """Every count of clicks (0-3) for each of n pieces: (4^n, n), read-only."""
    out = np.array(list(product(range(4), repeat=n)), dtype=np.int64).reshape(-1, n)
    out.setflags(write=False)
    return out


def _layout(contents: list[np.ndarray], turns: Sequence[int] | np.ndarray) -> bytes:
    """The pieces' pixels after the given quarter turns each: a key for a layout of the puzzle."""
    return b"".join(np.ascontiguousarray(np.rot90(c, int(k))).tobytes() for c, k in zip(contents, turns, strict=True))
