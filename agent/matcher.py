"""Matching by clicks: make a panel of objects look like its copy beside it, clicking its objects.

Many click puzzles show the goal as a second copy of the board (a target beside it, a legend): the
same objects at the same places relative to each other, some in other colours. Everything is found
or learned while playing:
- the pair of panels: the shift that maps the most small objects onto objects of the same shape
  (size and box), the shifted ones (sources) and their images (destinations) disjoint and apart
  (their bounding boxes do not overlap), at least four pairs holding half the frame's small objects,
  one pair at least of the same colour;
- which panel is the board: the one whose objects changed when one of them was clicked (the
  source panel is tried first, the other if a click there changed nothing);
- what a click does: the offsets (board object to clicked object) of the objects it recoloured, and
  each colour's next colour when clicked.
With a click that recolours the clicked object only, the first mismatched object (reading order) is
clicked until it matches. With a click that recolours others too (a lights-out board), a search over
sets of clicks (they commute under the learned model: each recoloured object steps to its next
colour) finds the fewest that make the board equal the target, and they are clicked in order.

When the learned model fails (a click that changed the target panel, a prediction wrong three
times, no change from either panel) the matcher proposes nothing more in the game.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from itertools import combinations_with_replacement

import numpy as np

from agent.frames import label_components

Box = tuple[int, int, int, int]  # (row0, col0, row1, col1), ends exclusive


@dataclass(frozen=True)
class Pairing:
    shift: tuple[int, int]  # (rows, cols) from a source object to its destination
    sources: tuple[Box, ...]  # reading order
    destinations: tuple[Box, ...]

    def panel(self, board_is_source: bool) -> tuple[tuple[Box, ...], tuple[Box, ...]]:
        """(board objects, target objects) in matching order."""
        return (self.sources, self.destinations) if board_is_source else (self.destinations, self.sources)


@dataclass(frozen=True)
class Click:
    x: int
    y: int
    why: str


def objects(frame: np.ndarray, mask: np.ndarray | None = None, largest: int = 256, side: int = 16) -> list[tuple[Box, int, int]]:
    """Small single-colour components: (box, colour, area), not the background and not in the mask."""
    labels = label_components(frame)
    flat = labels.ravel()
    _, inverse, counts = np.unique(flat, return_inverse=True, return_counts=True)
    background = int(np.bincount(frame.ravel(), minlength=16).argmax())
    rows, cols = np.indices(frame.shape)
    found: list[tuple[Box, int, int]] = []
    small = np.flatnonzero(counts <= largest)
    if not small.size:
        return found
    keep = np.isin(inverse, small)
    order = np.argsort(inverse[keep], kind="stable")
    ids = inverse[keep][order]
    r, c = rows.ravel()[keep][order], cols.ravel()[keep][order]
    bounds = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1], True])
    for a, b in zip(bounds[:-1], bounds[1:], strict=True):
        rr, cc = r[a:b], c[a:b]
        box = (int(rr.min()), int(cc.min()), int(rr.max()) + 1, int(cc.max()) + 1)
        colour = int(frame[rr[0], cc[0]])
        if colour == background or box[2] - box[0] > side or box[3] - box[1] > side:
            continue
        if mask is not None and mask[rr, cc].any():
            continue
        found.append((box, colour, b - a))
    return found


def find_pairing(frame: np.ndarray, mask: np.ndarray | None = None, least: int = 4) -> Pairing | None:
    """The shift pairing the most objects with objects of the same shape, panels apart (see above); the
    pairs must hold at least half the frame's small objects, and one pair at least agree in colour."""
    found = objects(frame, mask)
    if len(found) < 2 * least:
        return None
    shapes: dict[tuple[int, int, int], list[Box]] = {}
    for box, _, area in found:
        shapes.setdefault((box[2] - box[0], box[3] - box[1], area), []).append(box)
    shifts: Counter[tuple[int, int]] = Counter()
    for boxes in shapes.values():
        for a in boxes:
            for b in boxes:
                if (b[0], b[1]) > (a[0], a[1]):
                    shifts[(b[0] - a[0], b[1] - a[1])] += 1
    best: Pairing | None = None
    for shift, count in shifts.most_common():
        if count < least or (best is not None and count <= len(best.sources)):
            break
        pairing = _pairing(shapes, shift)
        if pairing is not None and (best is None or len(pairing.sources) > len(best.sources)):
            best = pairing
    if best is None or 4 * len(best.sources) < len(found):
        return None
    colour = {box: c for box, c, _ in found}
    if all(colour[a] != colour[b] for a, b in zip(best.sources, best.destinations, strict=True)):
        return None  # a target that agrees nowhere with its board is more likely no target at all
    return best


def _pairing(shapes: dict[tuple[int, int, int], list[Box]], shift: tuple[int, int]) -> Pairing | None:
    dr, dc = shift
    pairs = []
    for boxes in shapes.values():
        present = set(boxes)
        for a in boxes:
            b = (a[0] + dr, a[1] + dc, a[2] + dr, a[3] + dc)
            if b in present:
                pairs.append((a, b))
    sources = {a for a, _ in pairs}
    destinations = {b for _, b in pairs}
    if sources & destinations:
        return None
    hull_s = _hull(sources)
    hull_d = _hull(destinations)
    if hull_s[0] < hull_d[2] and hull_d[0] < hull_s[2] and hull_s[1] < hull_d[3] and hull_d[1] < hull_s[3]:
        return None
    pairs.sort()
    return Pairing(shift, tuple(a for a, _ in pairs), tuple(b for _, b in pairs))


def _hull(boxes: set[Box]) -> Box:
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def _colour(frame: np.ndarray, box: Box) -> int:
    return int(frame[box[0], box[1]])


@dataclass
class Matcher:
    search_limit: int = 20_000
    pairing: Pairing | None = None
    level: int = -1
    board_is_source: bool | None = None  # None: not known yet
    sides_tried: set[bool] = field(default_factory=set)
    offsets: set[tuple[int, int]] = field(default_factory=set)  # what a click recolours, relative to it
    next_colour: dict[int, int] = field(default_factory=dict)
    plan: list[int] = field(default_factory=list)  # board indices still to click
    pending: tuple[int, tuple[int, ...] | None, bool] | None = None  # (index, predicted, side) of a click
    wrong: int = 0
    off: bool = False
    prior_source: bool | None = None  # the board's side on earlier levels

    # -- learning ---------------------------------------------------------------------------------
    def observe(self, before: np.ndarray, action: int, after: np.ndarray, level: int) -> None:
        """Learn from a click the matcher chose (other systems' moves change nothing here)."""
        pending, self.pending = self.pending, None
        if self.off or self.pairing is None or level != self.level or action != 6 or pending is None:
            return
        index, predicted, side = pending
        board, target = self.pairing.panel(side)
        if any(_colour(before, t) != _colour(after, t) for t in target):
            self.off = True  # the target changed: not a board and its copy
            return
        old = [_colour(before, b) for b in board]
        new = [_colour(after, b) for b in board]
        changed = [k for k in range(len(board)) if old[k] != new[k]]
        if not changed:
            if self.board_is_source is None:
                self.sides_tried.add(side)
                if len(self.sides_tried) == 2:
                    self.off = True  # clicks on neither panel change it
            else:
                self._wrong()
            return
        self.board_is_source = self.prior_source = side
        at = board[index]
        for k in changed:
            self.offsets.add((board[k][0] - at[0], board[k][1] - at[1]))
            self.next_colour[old[k]] = new[k]
        if predicted is not None and tuple(new) != predicted:
            self._wrong()

    def _wrong(self) -> None:
        self.wrong += 1
        self.plan.clear()
        if self.wrong >= 3:
            self.off = True

    # -- acting -----------------------------------------------------------------------------------
    def click(self, frame: np.ndarray, available: tuple[int, ...], mask: np.ndarray | None, level: int) -> Click | None:
        """The next click toward the target panel, or None (no pairing, matched, or the model failed)."""
        if self.off or 6 not in available:
            return None
        if level != self.level:
            self.level = level
            self.pairing = find_pairing(frame, mask)
            self.board_is_source = None
            self.sides_tried.clear()
            self.offsets.clear()
            self.next_colour.clear()
            self.plan.clear()
        self.pending = None
        if self.pairing is None:
            return None
        side = self.board_is_source
        if side is None:
            first = True if self.prior_source is None else self.prior_source
            side = first if first not in self.sides_tried else not first
        board, target = self.pairing.panel(side)
        state = tuple(_colour(frame, b) for b in board)
        goal = tuple(_colour(frame, t) for t in target)
        mismatched = [k for k in range(len(board)) if state[k] != goal[k]]
        if not mismatched:
            return None
        index, predicted, why = self._choose(board, state, goal, mismatched)
        self.pending = (index, predicted, side)
        box = board[index]
        return Click((box[1] + box[3] - 1) // 2, (box[0] + box[2] - 1) // 2, why)

    def _choose(self, board: tuple[Box, ...], state: tuple[int, ...], goal: tuple[int, ...],
                mismatched: list[int]) -> tuple[int, tuple[int, ...] | None, str]:
        where = {(b[0], b[1]): k for k, b in enumerate(board)}
        if self.offsets - {(0, 0)}:
            if not self.plan:
                self.plan = self._search(board, where, state, goal)
            if self.plan:
                index = self.plan.pop(0)
                return index, self._apply(board, where, state, index), (
                    f"matcher: a plan of {len(self.plan) + 1} clicks makes the board match its target")
        index = mismatched[0]
        predicted = self._apply(board, where, state, index) if self.offsets else None
        return index, predicted, f"matcher: {len(mismatched)} objects differ from the target panel"

    def _apply(self, board: tuple[Box, ...], where: dict[tuple[int, int], int], state: tuple[int, ...],
               index: int) -> tuple[int, ...] | None:
        """The board's colours after clicking object `index`, by the learned model (None: unknown)."""
        out = list(state)
        at = board[index]
        for dr, dc in self.offsets:
            k = where.get((at[0] + dr, at[1] + dc))
            if k is None:
                continue
            if out[k] not in self.next_colour:
                return None
            out[k] = self.next_colour[out[k]]
        return tuple(out)

    def _search(self, board: tuple[Box, ...], where: dict[tuple[int, int], int], state: tuple[int, ...],
                goal: tuple[int, ...]) -> list[int]:
        """The fewest clicks (a multiset, in index order: they commute) that make the board the goal."""
        expanded = 0
        for depth in range(1, 9):
            for clicks in combinations_with_replacement(range(len(board)), depth):
                expanded += 1
                if expanded > self.search_limit:
                    return []
                now: tuple[int, ...] | None = state
                for index in clicks:
                    if now is None:
                        break
                    now = self._apply(board, where, now, index)
                if now == goal:
                    return list(clicks)
        return []
