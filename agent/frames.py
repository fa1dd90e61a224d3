"""Frame processing for exploration: state keys, status-bar masking and connected components.

What a training-free explorer needs from a 64x64 frame besides its objects (`agent.perception`):
- a state key that ignores HUD areas (a shrinking step-budget bar would otherwise make every frame new),
- a detector that learns those HUD areas from the transitions it sees,
- single-colour connected components, the parts objects are made of.
"""

from __future__ import annotations

import hashlib
from collections import deque
from collections.abc import Iterable

import numpy as np

#: the value masked cells take before hashing; outside the 16 game colours
MASKED = 255


def state_key(frame: np.ndarray, mask: np.ndarray | None = None) -> bytes:
    """A 16-byte digest of the frame with masked cells blanked (stable across processes)."""
    if mask is not None and mask.any():
        frame = np.where(mask, np.uint8(MASKED), frame)
    return hashlib.blake2b(np.ascontiguousarray(frame, dtype=np.uint8).tobytes(), digest_size=16).digest()


def colour_in(frame: np.ndarray, colours: Iterable[int]) -> np.ndarray:
    """`np.isin(frame, colours)` for an array of colour values 0..255 (a frame, a blanked frame): one
    look-up in a 256-entry table instead of a sort, a tenth of the time on a 64x64 frame. Colours out of
    that range (e.g. -1 for "none") match nothing, as they match no cell."""
    table = np.zeros(256, dtype=bool)
    table[[c for c in colours if 0 <= c < 256]] = True
    return table[frame]


def picture_places(picture: np.ndarray, frame: np.ndarray) -> list[tuple[int, int]]:
    """Every (top, left) where `picture` (its pixels; -1 where transparent) shows exactly in `frame`, in scan
    order: the candidates are where its pixel of the colour rarest in the frame could be, all checked at once."""
    h, w = picture.shape
    rows, cols = np.nonzero(picture >= 0)
    values = picture[rows, cols]
    k = int(np.argmin(np.bincount(frame.ravel(), minlength=256)[values]))
    corners = np.argwhere(frame == values[k]) - (rows[k], cols[k])
    inside = ((corners[:, 0] >= 0) & (corners[:, 1] >= 0) & (corners[:, 0] + h <= frame.shape[0])
              & (corners[:, 1] + w <= frame.shape[1]))
    corners = corners[inside]
    if not len(corners):
        return []
    hits = corners[(frame[corners[:, :1] + rows, corners[:, 1:] + cols] == values).all(axis=1)]
    return [(int(r), int(c)) for r, c in hits]


def label_components(frame: np.ndarray) -> np.ndarray:
    """Label 4-connected single-colour components (labels are arbitrary ints, equal within a component).

    Pure numpy (no scipy): cells are first grouped into horizontal runs of one colour; runs that touch
    vertically in the same colour are then joined by hooking (`join`). Winding shapes (a snake-like
    wall) converge in two or three rounds. Contacts repeated along a row (a wide background touches
    itself in every column) are dropped by comparing each with its left neighbour.
    """
    h, w = frame.shape
    starts = np.ones((h, w), dtype=bool)
    starts[:, 1:] = frame[:, 1:] != frame[:, :-1]
    runs = np.cumsum(starts.ravel()).reshape(h, w) - 1
    count = int(runs[-1, -1]) + 1
    touching = frame[1:, :] == frame[:-1, :]
    contacts = runs[:-1, :][touching] * count + runs[1:, :][touching]
    if len(contacts):
        contacts = contacts[np.r_[True, contacts[1:] != contacts[:-1]]]
    upper, lower = np.divmod(contacts, count)
    return join(count, upper, lower)[runs]


def join(count: int, upper: np.ndarray, lower: np.ndarray) -> np.ndarray:
    """Items 0..count-1 joined where paired (`upper[k]` with `lower[k]`): each item's label is the least
    item joined to it, directly or not. Hooking (Shiloach-Vishkin): every pair between two trees hooks
    the larger root under the smaller (so a root is the least of its tree), then pointers are jumped to
    the roots, until no pair joins two trees."""
    labels = np.arange(count)
    while True:
        lu, lv = labels[upper], labels[lower]
        differ = lu != lv
        if not differ.any():
            return labels
        lu, lv = lu[differ], lv[differ]
        np.minimum.at(labels, np.maximum(lu, lv), np.minimum(lu, lv))
        while True:  # every label points at a root again
            jumped = labels[labels]
            if np.array_equal(jumped, labels):
                break
            labels = jumped


def label_boxes(labels: np.ndarray) -> np.ndarray:
    """Each label's bounding box (top, left, bottom + 1, right + 1), indexed by label, in one pass (rows of
    labels that do not occur are left at (h + w, h + w, -1, -1))."""
    h, w = labels.shape
    flat = labels.ravel()
    rows, cols = np.divmod(np.arange(flat.size), w)
    out = np.empty((int(flat.max()) + 1, 4), dtype=np.int64)
    out[:, :2] = h + w
    out[:, 2:] = -1
    np.minimum.at(out[:, 0], flat, rows)
    np.minimum.at(out[:, 1], flat, cols)
    np.maximum.at(out[:, 2], flat, rows + 1)
    np.maximum.at(out[:, 3], flat, cols + 1)
    return out

def parts_by_region(regions: np.ndarray, labels: np.ndarray, cells: np.ndarray) -> list[tuple[int, np.ndarray]]:
    """Of the `cells`, each region (a label in `regions`) with the labels (in `labels`, of the same shape)
    its cells hold, both ascending: `np.unique(labels[regions == region])` for every region of
    `np.unique(regions[cells])`, found in one sort."""
    pairs = np.unique(regions[cells].astype(np.int64) * labels.size + labels[cells])
    if not len(pairs):
        return []
    region_of, label_of = np.divmod(pairs, labels.size)
    starts = np.flatnonzero(np.r_[True, region_of[1:] != region_of[:-1]])
    return list(zip(region_of[starts].tolist(), np.split(label_of, starts[1:]), strict=True))


def corner_boxes(regions: np.ndarray, labels: np.ndarray, cells: np.ndarray, extents: np.ndarray,
                 most: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """For each region of the `cells` holding at most `most` parts (`parts_by_region`), the boxes from each
    part's top-left to each part's bottom-right (`extents`: the parts' boxes by label, `label_boxes`), region
    by region, first part by first part, then by last part: (tops, lefts, bottoms, rights, regions)."""
    pairs = [(np.repeat(parts, len(parts)), np.tile(parts, len(parts)), region)
             for region, parts in parts_by_region(regions, labels, cells) if len(parts) <= most]
    if not pairs:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty, empty, empty
    firsts = extents[np.concatenate([first for first, _, _ in pairs])]
    lasts = extents[np.concatenate([last for _, last, _ in pairs])]
    owners = np.concatenate([np.full(len(first), region) for first, _, region in pairs])
    return firsts[:, 0], firsts[:, 1], lasts[:, 2], lasts[:, 3], owners


def region_covers(cells: np.ndarray, regions: np.ndarray, tops: np.ndarray, lefts: np.ndarray, bottoms: np.ndarray,
                  rights: np.ndarray, owners: np.ndarray) -> np.ndarray:
    """Which boxes (none empty) lie wholly in their owner, a region of the `cells` (`regions`: their
    components): those all of whose cells are `cells` (counted by a summed-area table; such a rectangle is
    connected, so of one region) and whose top-left cell is the owner's."""
    counts = np.zeros((cells.shape[0] + 1, cells.shape[1] + 1), dtype=np.int64)
    counts[1:, 1:] = cells.cumsum(0).cumsum(1)
    inside = counts[bottoms, rights] - counts[tops, rights] - counts[bottoms, lefts] + counts[tops, lefts]
    return (inside == (bottoms - tops) * (rights - lefts)) & (regions[tops, lefts] == owners)


def flood(free: np.ndarray, seeds: list[tuple[int, int]]) -> np.ndarray:
    """The cells of a boolean grid connected (4-neighbours, over `free` cells) to the seeds, the seeds
    included whether free or not; seeds off the grid are ignored."""
    rows, cols = free.shape
    room = np.zeros_like(free, dtype=bool)
    queue = deque(cell for cell in seeds if 0 <= cell[0] < rows and 0 <= cell[1] < cols)
    for cell in queue:
        room[cell] = True
    while queue:
        r, c = queue.popleft()
        for nr, nc in ((r - 1, c), (r + 1, c), (r, c - 1), (r, c + 1)):
            if 0 <= nr < rows and 0 <= nc < cols and free[nr, nc] and not room[nr, nc]:
                room[nr, nc] = True
                queue.append((nr, nc))
    return room


def _edge_bands(lines: np.ndarray, most: int) -> np.ndarray:
    """Of the flagged `lines`, the unbroken runs starting at either end, each at most `most` long."""
    out = np.zeros_like(lines)
    for run in (lines, lines[::-1]):
        n = len(run) if run.all() else int(np.argmin(run))
        if 0 < n <= most:
            (out[:n] if run is lines else out[len(out) - n:])[:] = True
    return out


class StatusBarDetector:
    """Learns which rows and columns are HUD (step budget, counters) from the transitions it sees.

    A row (or column) is HUD when it changes on almost every action, whatever the action: a shrinking
    budget bar does; a player sprite does not (blocked moves leave it still, and moves along the other
    axis change other rows). A line that changes on a good share of actions, whatever the action, a few
    cells at a time, counts too: a bar that shrinks every second or third action. Whole rows/columns are
    masked, because a bar's cells change one at a time and a mask grown cell by cell would change every
    state key again. If the candidate area is implausibly large (a scrolling game changes everything,
    a puzzle's middle changes on every click) only the thin bands along the frame's edges are masked;
    with none there (or too many), the lines of one axis that change a few cells at a time (a bar
    ticking inside the frame while a mover goes back and forth), and if even those are too large, nothing.
    """

    def __init__(
        self,
        shape: tuple[int, int] = (64, 64),
        rate: float = 0.9,
        slow_rate: float = 0.4,
        bar_cells: int = 4,
        min_transitions: int = 6,
        max_masked_share: float = 0.2,
        edge_lines: int = 4,
    ) -> None:
        self.shape = shape
        self.rate = rate
        self.slow_rate = slow_rate
        self.bar_cells = bar_cells
        self.min_transitions = min_transitions
        self.max_masked_share = max_masked_share
        self.edge_lines = edge_lines
        self.transitions = 0
        # per axis: how many transitions changed each line, and how many cells of it they changed
        self.changes = [np.zeros(n, dtype=np.int64) for n in shape]
        self.cells = [np.zeros(n, dtype=np.int64) for n in shape]
        # per action: [tries, changes per row, changes per column]
        self.per_action: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}

    def observe(self, before: np.ndarray, after: np.ndarray, action: int) -> None:
        """One in-level transition (not a RESET, a level-up or a GAME_OVER)."""
        diff = before != after
        self.transitions += 1
        tries, per_row, per_col = self.per_action.setdefault(
            action, (np.zeros(1, np.int64), np.zeros(self.shape[0], np.int64), np.zeros(self.shape[1], np.int64))
        )
        tries += 1
        for axis, per_line in ((0, per_row), (1, per_col)):
            changed = diff.any(axis=1 - axis)
            self.changes[axis] += changed
            self.cells[axis] += diff.sum(axis=1 - axis)
            per_line += changed

    def _few_cells(self, axis: int) -> np.ndarray:
        """The lines (rows: axis 0) whose changes touched at most `bar_cells` cells each, on average."""
        return self.cells[axis] <= self.bar_cells * np.maximum(self.changes[axis], 1)

    def _bands(self, axis: int) -> np.ndarray:
        """Which rows (axis 0) or columns (axis 1) behave like a HUD."""
        changes = self.changes[axis]
        share = changes / max(self.transitions, 1)
        frequent = share >= self.rate
        # a bar that shrinks every few actions changes its lines less often, a few cells at a time
        slow_bar = (share >= self.slow_rate) & self._few_cells(axis)
        # "whatever the action": each action tried a few times must change the line too
        for tries, per_row, per_col in self.per_action.values():
            n = int(tries[0])
            if n >= 3:
                per_line = (per_row if axis == 0 else per_col) / n
                frequent &= per_line >= 0.75
                slow_bar &= per_line >= self.slow_rate / 2
        return frequent | slow_bar

    def mask(self) -> np.ndarray:
        """The current HUD mask (all False until enough transitions were seen)."""
        out = np.zeros(self.shape, dtype=bool)
        if self.transitions < self.min_transitions:
            return out
        rows, cols = self._bands(0), self._bands(1)
        out[rows, :] = True
        out[:, cols] = True
        if out.sum() > self.max_masked_share * out.size:
            # too much for a HUD (a puzzle whose middle changes on every click, or a scrolling game):
            # keep only the bands hugging the frame's edges, where bars and counters sit
            out[:] = False
            out[_edge_bands(rows, self.edge_lines), :] = True
            out[:, _edge_bands(cols, self.edge_lines)] = True
            if out.sum() > self.max_masked_share * out.size:
                out[:] = False
            if not out.any():
                out = self._thinnest(rows, cols)
        return out

    def _thinnest(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """With no band at the edges: the lines of one axis that change a few cells at a time, as a budget
        bar's do, of the axis whose lines change the fewest cells per change. A mover sent back and forth
        by two actions changes its lines on every action, whatever the action, and takes the area over
        the limit: with no mask, a bar ticking inside the frame made every state new, and the back and
        forth was never seen as a loop (the fast policy went left, right, left... to the end of the level's
        budget). The mover's lines along its moves change many cells at a time; across them, as many as
        it is tall, so the bar's axis wins unless the mover is as thin as the bar."""
        out = np.zeros(self.shape, dtype=bool)
        best: tuple[float, int, np.ndarray] | None = None
        for axis, lines in ((0, rows), (1, cols)):
            thin = lines & self._few_cells(axis)
            if thin.any():
                mean = float(self.cells[axis][thin].sum() / max(int(self.changes[axis][thin].sum()), 1))
                if best is None or mean < best[0]:
                    best = (mean, axis, thin)
        if best is not None:
            _, axis, thin = best
            if axis == 0:
                out[thin, :] = True
            else:
                out[:, thin] = True
            if out.sum() > self.max_masked_share * out.size:
                out[:] = False
        return out


def clear_of(mask: np.ndarray | None, boxes: list[tuple[int, int, int, int] | None]) -> np.ndarray | None:
    """A HUD mask of whole rows and columns without the lines through any of `boxes` (top, left,
    bottom, right): a HUD never covers the player or a puzzle's pieces, though a detector that saw a
    few moves along one row, or clicks that mostly turned one row of pieces, may take those lines for a
    bar. The mask itself when no line crosses a box."""
    if mask is None:
        return mask
    rows, cols = mask.all(1), mask.all(0)
    crossed = False
    for box in boxes:
        if box is None:
            continue
        crossed = crossed or bool(rows[box[0]:box[2]].any() or cols[box[1]:box[3]].any())
        rows[box[0]:box[2]], cols[box[1]:box[3]] = False, False
    if not crossed:
        return mask
    out = np.zeros_like(mask)
    out[rows, :] = True
    out[:, cols] = True
    return out


#: `edge_lines`' answers for the masks last asked about, by (id, most), each with its mask (held, so that its
#: id stays its own): a step asks about one mask several times (masks are never changed in place)
_EDGE_LINES: dict[tuple[int, int], tuple[np.ndarray, np.ndarray]] = {}


def edge_lines(mask: np.ndarray | None, most: int = 4) -> np.ndarray | None:
    """The mask's whole rows and columns in unbroken runs along the frame's edges, at most `most` deep:
    where bars and counters sit. Read-only: the answer for a mask is remembered, and shared."""
    if mask is None:
        return None
    key = (id(mask), most)
    hit = _EDGE_LINES.get(key)
    if hit is not None and hit[0] is mask:
        return hit[1]
    out = np.zeros_like(mask)
    out[_edge_bands(mask.all(1), most), :] = True
    out[:, _edge_bands(mask.all(0), most)] = True
    out.flags.writeable = False
    if len(_EDGE_LINES) >= 16:
        _EDGE_LINES.clear()  # (one step, safe from every thread: games may be played side by side)
    _EDGE_LINES[key] = (mask, out)
    return out
