"""Matching by clicks: make a panel of objects look like its copy beside it, clicking its objects.

Many click puzzles show the goal as a second copy of the board (a target beside it, a legend): the
same objects at the same places relative to each other, some in other colours. Everything is found
or learned while playing:
- the pair of panels: the shift that maps the most small objects onto objects of the same shape
  (size and box), the shifted ones (sources) and their images (destinations) disjoint and apart
  (their bounding boxes do not overlap and lie farther apart than objects within one), at least four pairs holding half the frame's small objects,
  one pair at least of the same colour;
- which panel is the board: the one whose objects changed when one of them was clicked (the
  source panel is tried first, the other if a click there changed nothing);
- what a click does: the offsets (board object to clicked object) of the objects it recoloured, and
  each colour's next colour when clicked.
With a click that recolours the clicked object only, the first mismatched object (reading order) is
clicked until it matches. With a click that recolours others too (a lights-out board), a search over
sets of clicks (they commute under the learned model: each recoloured object steps to its next
colour) finds the fewest that make the board equal the target, and they are clicked in order; where
the colours step round one cycle of prime length (lit, dark, lit), the clicks solve a linear system
mod that length, solved exactly at any board size. The first click goes to the mismatched object with
the most neighbours on the board (it shows the most of what a click does); a prediction that fails
because the click showed an offset or a colour step not seen before is learning, and only the plan
made with the smaller model is dropped.

On a level unlike training (`legend_only`) the board is read only as a lattice of objects of any look
beside a legend drawn as uniform blocks (`find_legend_lattice`): a cell reads as the one legend colour
it contains (a lit lantern of three colours holds the legend's "lit" colour), a strict reading that
names every cell or none.

When the learned model fails (a click that changed the target panel, a prediction wrong three
times, no change from either panel) the matcher proposes nothing more in the game.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from itertools import combinations_with_replacement

import numpy as np

from agent.frames import MASKED, colour_in, corner_boxes, label_boxes, label_components, region_covers
from agent.navigator import CONVENTION
from agent.rules import GameRules

Box = tuple[int, int, int, int]  # (row0, col0, row1, col1), ends exclusive


@dataclass(frozen=True)
class Pairing:
    shift: tuple[int, int] | None  # (rows, cols) from a source object to its destination; None: another scale
    sources: tuple[Box, ...]  # reading order
    destinations: tuple[Box, ...]
    # a legend's colours (`find_legend_lattice`): a cell reads as the one of them it contains; empty: a
    # cell reads as its top-left pixel
    palette: tuple[int, ...] = ()

    def read(self, frame: np.ndarray, box: Box) -> int:
        """The colour a board or target cell counts as (-1: a cell holding none or several of the palette)."""
        if not self.palette:
            return _colour(frame, box)
        present = [c for c in self.palette if (frame[box[0]:box[2], box[1]:box[3]] == c).any()]
        return present[0] if len(present) == 1 else -1

    def panel(self, board_is_source: bool) -> tuple[tuple[Box, ...], tuple[Box, ...]]:
        """(board objects, target objects) in matching order."""
        return (self.sources, self.destinations) if board_is_source else (self.destinations, self.sources)


@dataclass(frozen=True)
class Move:
    action: int  # 6: a click at (x, y); 5: the action on the cell under the cursor; 1-4: a cursor move
    why: str
    x: int | None = None
    y: int | None = None


def objects(frame: np.ndarray, mask: np.ndarray | None = None, largest: int = 256, side: int = 16) -> list[tuple[Box, int, int]]:
    """Small single-colour components: (box, colour, area), not the background and not in the mask; every
    component's box and colour found at once."""
    labels = label_components(frame)
    # `np.unique(labels, return_inverse=True, return_counts=True)` in a fifth of the time
    sizes = np.bincount(labels.ravel())
    ids = np.flatnonzero(sizes)
    inverse, counts = (np.cumsum(sizes > 0) - 1)[labels.ravel()], sizes[ids]
    n = counts.size
    top, left, bottom, right = label_boxes(labels)[ids].T
    colour = np.zeros(n, dtype=np.int64)
    colour[inverse] = frame.ravel()
    background = int(np.bincount(frame.ravel(), minlength=16).argmax())
    keep = (counts <= largest) & (colour != background) & (bottom - top <= side) & (right - left <= side)
    if mask is not None:
        keep &= np.bincount(inverse, weights=mask.ravel(), minlength=n) == 0
    return [((t, le, b, r), c, size) for t, le, b, r, c, size in zip(
        *(column[keep].tolist() for column in (top, left, bottom, right, colour, counts)), strict=True)]


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
    hull_s, hull_d = _hull(sources), _hull(destinations)
    if not _apart(hull_s, hull_d) or _gap(hull_s, hull_d) <= min(
            (_gap(a, b) for a in sources for b in sources if a != b), default=0):
        return None  # one panel's halves: the panels must lie farther apart than objects within one
    pairs.sort()
    return Pairing(shift, tuple(a for a, _ in pairs), tuple(b for _, b in pairs))


def _hull(boxes: set[Box]) -> Box:
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def _colour(frame: np.ndarray, box: Box) -> int:
    return int(frame[box[0], box[1]])


def _grid(boxes: list[Box]) -> tuple[list[int], list[int]] | None:
    """(row starts, column starts) when the boxes fill a regular lattice (evenly spaced, no hole)."""
    rows, cols = sorted({b[0] for b in boxes}), sorted({b[1] for b in boxes})
    if len(rows) * len(cols) != len(boxes) or len(rows) * len(cols) < 4:
        return None
    if len(set(np.diff(rows))) > 1 or len(set(np.diff(cols))) > 1:
        return None
    return rows, cols


def find_lattice(frame: np.ndarray, mask: np.ndarray | None = None) -> Pairing | None:
    """A lattice of same-shape objects (the board) and a copy of it at another scale: a lattice of
    objects of another shape with as many rows and columns, or a solid rectangle cut into as many
    uniform blocks (the target; the largest such). One cell at least must agree in colour."""
    found = objects(frame, mask)
    colour = {box: c for box, c, _ in found}
    shapes: dict[tuple[int, int, int], list[Box]] = {}
    for box, _, area in found:
        shapes.setdefault((box[2] - box[0], box[3] - box[1], area), []).append(box)
    grids = []
    for (h, w, _), boxes in shapes.items():
        for cluster in _clusters(boxes, min(h, w)):
            grid = _grid(cluster)
            if grid is not None and len(grid[0]) >= 2 and len(grid[1]) >= 2:
                grids.append((sorted(cluster), len(grid[0]), len(grid[1])))
    grids.sort(key=lambda g: -len(g[0]))
    for board, n_rows, n_cols in grids:
        hull = _hull(set(board))
        targets = [t for t, r, c in grids if (r, c) == (n_rows, n_cols) and t is not board
                   and _apart(hull, _hull(set(t)))]
        blocks = targets[0] if targets else _blocks(frame, mask, hull, board, n_rows, n_cols)
        if blocks is None:
            continue
        if any(colour.get(a) == _colour(frame, b) for a, b in zip(board, blocks, strict=True)):
            return Pairing(None, tuple(board), tuple(blocks))
    return None


def _fuller(shifted: Pairing | None, lattice: Pairing | None) -> Pairing | None:
    """The reading that pairs more cells: a shifted copy, else the lattice at another scale when it
    holds more (a canvas of 5 x 5 cells beside its target drawn larger, where 10 of the objects also
    pair by a shift)."""
    if shifted is None or (lattice is not None and len(lattice.sources) > len(shifted.sources)):
        return lattice
    return shifted


def _clusters(boxes: list[Box], near: int) -> list[list[Box]]:
    """Boxes grouped by proximity: closer than `near` cells (their own size) belong together."""
    parent = list(range(len(boxes)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, a in enumerate(boxes):
        for j in range(i):
            b = boxes[j]
            if max(a[0] - b[2], b[0] - a[2], a[1] - b[3], b[1] - a[3]) < near:
                parent[root(i)] = root(j)
    out: dict[int, list[Box]] = {}
    for i, box in enumerate(boxes):
        out.setdefault(root(i), []).append(box)
    return list(out.values())


def _lattices(centres: dict[tuple[int, int], list[Box]]) -> list[tuple[int, int, int, int, int, int]]:
    """Full regular lattices of object centres (doubled coordinates): (rows, cols, top, left, row pitch,
    col pitch), each maximal from its top-left point, largest first."""
    by_row: dict[int, list[int]] = {}
    by_col: dict[int, list[int]] = {}
    for r, c in sorted(centres):
        by_row.setdefault(r, []).append(c)
        by_col.setdefault(c, []).append(r)
    runs: dict[tuple[int, int, int], int] = {}

    def run(r: int, c: int, pc: int) -> int:
        """How many points in a row from (r, c) on, `pc` apart."""
        key = (r, c, pc)
        n = runs.get(key)
        if n is None:
            n = 0
            while (r, c + n * pc) in centres:
                n += 1
            runs[key] = n
        return n

    found = set()
    for r, c in centres:
        below_points = [y for y in by_col[c] if y > r][:8]
        for c2 in [x for x in by_row[r] if x > c][:8]:
            pc = c2 - c
            most_cols = run(r, c, pc)
            for r2 in below_points:
                pr = r2 - r
                # the widest lattice of each height: the rows below, as long as each is this wide
                widths, width, below_row = [], most_cols, r + pr
                while True:
                    width = min(width, run(below_row, c, pc))
                    if width < 2:
                        break
                    widths.append(width)
                    below_row += pr
                # every width of the top row (a row may run on past the board: a texture's specks), as
                # many rows as are that wide: those the row below has too (none wider than it)
                below = 0  # the rows below at least n_cols wide (the widths never grow downwards)
                for n_cols in range(widths[0] if widths else 1, 1, -1):
                    while below < len(widths) and widths[below] >= n_cols:
                        below += 1
                    found.add((below + 1, n_cols, r, c, pr, pc))
    return sorted(found, key=lambda g: (-g[0] * g[1], g[2], g[3]))


def find_legend_lattice(frame: np.ndarray, mask: np.ndarray | None = None, most: int = 2048,
                        blocks_tried: int = 12) -> Pairing | None:
    """A board of objects on a regular lattice, of any look (a cell may be several colours: a lantern
    lit or dark), and its legend: a solid rectangle cut into as many uniform blocks, one per cell.
    The legend's colours are the palette: every board cell must contain exactly one of them, the colour
    it reads as (a lit lantern holds the legend's "on" colour, a dark one its "off" colour), and no
    palette colour may lie just outside the legend (a piece of a larger picture). Objects are
    single-colour parts; a lattice point is a part's centre, the cell the largest box centred on the
    lattice's points, at least 3x3 and at least half filled (specks are a texture's). Answers the
    largest lattice with such a legend, of the `most` largest; a legend is looked for beside
    `blocks_tried` lattices at most (~15 ms each)."""
    centres: dict[tuple[int, int], list[Box]] = {}
    found = objects(frame, mask)
    for box, _, _ in found:
        centres.setdefault((box[0] + box[2], box[1] + box[3]), []).append(box)
    if len(centres) > MOST_CENTRES:
        return None  # noise: thousands of specks, no board (and its lattices would take ~0.4 s)
    # a floor's texture: parts drawn alike more than `MOST_ALIKE` times (a checker's hundreds of 2x2 squares,
    # a speckled floor's dots) are no board's cells, and their lattices (~15,000 of them, ~25 ms a level in
    # Counter and Slide) were all listed and rejected; a point with no other part is dropped
    alike = Counter((b[2] - b[0], b[3] - b[1], colour, size) for b, colour, size in found)
    kept = {(b[0] + b[2], b[1] + b[3]) for b, colour, size in found
            if alike[(b[2] - b[0], b[3] - b[1], colour, size)] <= MOST_ALIKE}
    centres = {point: boxes for point, boxes in centres.items() if point in kept}
    tried = 0
    parts = None  # the frame's `_parts`, found for the first lattice tried and kept for the others
    background = int(np.bincount(frame.ravel(), minlength=16).argmax())
    tallest = {p: max(b[2] - b[0] for b in boxes) for p, boxes in centres.items()}
    widest = {p: max(b[3] - b[1] for b in boxes) for p, boxes in centres.items()}
    for n_rows, n_cols, top, left, pr, pc in _lattices(centres)[:most]:
        points = [(top + i * pr, left + j * pc) for i in range(n_rows) for j in range(n_cols)]
        h = max(map(tallest.__getitem__, points))
        w = max(map(widest.__getitem__, points))
        if min(h, w) < 3 or 2 * h > pr or 2 * w > pc:
            continue  # specks (a texture's), or cells that would overlap
        board = [((r - h) // 2, (c - w) // 2, (r + h) // 2, (c + w) // 2) for r, c in points]
        if min(b[0] for b in board) < 0 or min(b[1] for b in board) < 0 or any(
                2 * np.count_nonzero(frame[b[0]:b[2], b[1]:b[3]] != background) < h * w for b in board):
            continue  # a cell mostly background: a lattice of specks, not of objects
        tried += 1
        if tried > blocks_tried:
            return None
        parts = _parts(frame) if parts is None else parts
        blocks = _blocks(frame, mask, _hull(set(board)), board, n_rows, n_cols,
                         accept=partial(_is_legend, frame, board), parts=parts)
        if blocks is not None:
            return _legend_pairing(frame, board, blocks)
    return None


def _is_legend(frame: np.ndarray, board: list[Box], blocks: list[Box]) -> bool:
    return _legend_pairing(frame, board, blocks) is not None


def _legend_pairing(frame: np.ndarray, board: list[Box], blocks: list[Box]) -> Pairing | None:
    """`board` read against the legend `blocks`, or None: a legend colour just outside the blocks (a
    piece of a larger picture), or a board cell holding none or several of the legend's colours."""
    palette = tuple(sorted({_colour(frame, b) for b in blocks}))
    if _runs_on(frame, _hull(set(blocks)), palette):
        return None
    pairing = Pairing(None, tuple(board), tuple(blocks), palette)
    return pairing if all(pairing.read(frame, b) != -1 for b in board) else None


def _runs_on(frame: np.ndarray, box: Box, palette: tuple[int, ...]) -> bool:
    """Whether a colour of `palette` lies on the ring of cells just outside `box`."""
    h, w = frame.shape
    r0, c0, r1, c1 = max(box[0] - 1, 0), max(box[1] - 1, 0), min(box[2] + 1, h), min(box[3] + 1, w)
    ring = frame[r0:r1, c0:c1].copy()
    ring[box[0] - r0:box[2] - r0, box[1] - c0:box[3] - c0] = MASKED
    return bool(colour_in(ring, palette).any())


def _contains(outer: Box, inner: Box) -> bool:
    return outer[0] <= inner[0] and outer[1] <= inner[1] and inner[2] <= outer[2] and inner[3] <= outer[3]


def _inside_any(box: Box, boxes: tuple[Box, ...]) -> bool:
    return any(_contains(box, b) or _contains(b, box) for b in boxes)


def _pitch(boxes: tuple[Box, ...]) -> tuple[int, int]:
    """(rows, cols) between neighbouring cells of a lattice (their size where a line has one)."""
    rows, cols = sorted({b[0] for b in boxes}), sorted({b[1] for b in boxes})
    return (rows[1] - rows[0] if len(rows) > 1 else boxes[0][2] - boxes[0][0],
            cols[1] - cols[0] if len(cols) > 1 else boxes[0][3] - boxes[0][1])


def _gap(a: Box, b: Box) -> int:
    return max(a[0] - b[2], b[0] - a[2], a[1] - b[3], b[1] - a[3])


def _apart(a: Box, b: Box) -> bool:
    return not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3])


def _cut(r0: int, c0: int, sh: int, sw: int, n_rows: int, n_cols: int) -> list[Box]:
    return [(r0 + i * sh, c0 + j * sw, r0 + (i + 1) * sh, c0 + (j + 1) * sw)
            for i in range(n_rows) for j in range(n_cols)]


#: the most colour components a region may hold for `_blocks` to look for a legend's rectangle in it: the
#: built-in and held-out games' regions hold at most 57; a textured or noisy scene's thousands would
#: cost seconds a step in its pairs of corners
MOST_PARTS = 256
#: the most object centres `find_legend_lattice` looks for lattices among: the built-in and held-out games
#: show at most ~400 (a textured floor's specks included); a noisy scene ~3,300
MOST_CENTRES = 1024
#: the most parts drawn alike (size, colour and area) that may be a board's cells in `find_legend_lattice`: a
#: legend holds a block of 2x2 pixels or more per cell, so a board of more than ~100 cells has no room for
#: one; the held-out games' boards have at most 25 cells, their floors' specks 376 and 596 alike
MOST_ALIKE = 100


def _parts(frame: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The frame's colour components (`label_components`) and their boxes (`label_boxes`), for `_blocks`."""
    labels = label_components(frame)
    return labels, label_boxes(labels)


def _blocks(frame: np.ndarray, mask: np.ndarray | None, hull: Box, board: list[Box], n_rows: int,
            n_cols: int, accept: Callable[[list[Box]], bool] | None = None,
            parts: tuple[np.ndarray, np.ndarray] | None = None) -> list[Box] | None:
    """The largest solid rectangle apart from the board made of n_rows x n_cols uniform blocks (of
    those `accept` takes, when given). `parts`: the frame's `_parts`, when already found."""
    inside = frame[hull[0]:hull[2], hull[1]:hull[3]].copy()
    for b in board:
        inside[b[0] - hull[0]:b[2] - hull[0], b[1] - hull[1]:b[3] - hull[1]] = 255
    rest = inside[inside != 255]
    floor = int(np.bincount(rest, minlength=16).argmax()) if rest.size else -1
    background = int(np.bincount(frame.ravel(), minlength=16).argmax())
    solid = (frame != floor) & (frame != background)
    if mask is not None:
        solid &= ~mask
    labels, extents = _parts(frame) if parts is None else parts
    best: tuple[int, Box] | None = None
    regions = label_components(solid.astype(np.uint8))
    # the colour components in each region: a target starts at one's top-left, ends at one's bottom-right
    # (more than MOST_PARTS of them: a texture or noise, and its pairs would take seconds)
    tops, lefts, bottoms, rights, owners = corner_boxes(regions, labels, solid, extents, MOST_PARTS)
    # those that span whole blocks of 2x2 cells or more, all of their region, apart from the board's hull
    heights, widths = bottoms - tops, rights - lefts
    keep = ((heights > 0) & (widths > 0) & (heights % n_rows == 0) & (widths % n_cols == 0)
            & (heights >= 2 * n_rows) & (widths >= 2 * n_cols))
    tops, lefts, bottoms, rights, owners = tops[keep], lefts[keep], bottoms[keep], rights[keep], owners[keep]
    keep = (region_covers(solid, regions, tops, lefts, bottoms, rights, owners)
            & ~((hull[0] < bottoms) & (tops < hull[2]) & (hull[1] < rights) & (lefts < hull[3])))
    for r0, c0, r1, c1 in zip(tops[keep].tolist(), lefts[keep].tolist(), bottoms[keep].tolist(),
                              rights[keep].tolist(), strict=True):
        h, w = r1 - r0, c1 - c0
        if best is not None and h * w <= best[0]:
            continue
        sh, sw = h // n_rows, w // n_cols
        area = frame[r0:r1, c0:c1]
        if (len(np.unique(area)) < 2
                or not np.array_equal(np.repeat(np.repeat(area[::sh, ::sw], sh, 0), sw, 1), area)
                or (accept is not None and not accept(_cut(r0, c0, sh, sw, n_rows, n_cols)))):
            continue
        best = (h * w, (r0, c0, sh, sw))
    if best is None:
        return None
    return _cut(*best[1], n_rows, n_cols)


def _interior(board: tuple[Box, ...]) -> list[int]:
    """The cells with all eight neighbours (the board's pitch apart) on the board."""
    ph, pw = _pitch(board)
    where = {(b[0], b[1]) for b in board}
    return [k for k, b in enumerate(board)
            if all((b[0] + dr * ph, b[1] + dc * pw) in where for dr in (-1, 0, 1) for dc in (-1, 0, 1))]


def _neighbours(board: tuple[Box, ...]) -> list[tuple[int, int]]:
    """The four neighbours' offsets on a board of equal cells (its pitch)."""
    ph, pw = _pitch(board)
    return [(-ph, 0), (ph, 0), (0, -pw), (0, pw)]


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
    # the model (offsets, colour cycle) with which this level's search found no set of clicks within its
    # budget; a colour the model does not know yet is learned by clicking a mismatched object first
    unsolved_with: tuple[frozenset[tuple[int, int]], tuple[tuple[int, int], ...]] | None = None
    prior_source: bool | None = None  # the board's side on earlier levels
    clicks_seen: int = 0  # clicks in this level that changed the board (what the model is learned from)
    interior_seen: bool = False  # one of them on a cell with all eight neighbours on the board
    # the model of the level before, carried as this level's prior: offsets in cells of its board (its
    # pitch apart) and the colour steps; `carried` while the model in use is that prior, unconfirmed
    prior: tuple[frozenset[tuple[int, int]], tuple[tuple[int, int], ...]] | None = None
    carried: bool = False
    probe: bool = False  # the prior was refuted by a click on the board's edge: the next click is inside it
    unconfirmed: set[int] = field(default_factory=set)  # colours whose step is the prior's, not seen in this level

    # -- learning ---------------------------------------------------------------------------------
    def observe(self, before: np.ndarray, action: int, after: np.ndarray, level: int) -> None:
        """Learn from a click the matcher chose (other systems' moves change nothing here)."""
        pending, self.pending = self.pending, None
        if self.off or self.pairing is None or level != self.level or action not in (5, 6) or pending is None:
            return
        index, predicted, side = pending
        board, target = self.pairing.panel(side)
        if any(self.pairing.read(before, t) != self.pairing.read(after, t) for t in target):
            self.off = True  # the target changed: not a board and its copy
            return
        old = [self.pairing.read(before, b) for b in board]
        new = [self.pairing.read(after, b) for b in board]
        changed = [k for k in range(len(board)) if old[k] != new[k]]
        if not changed:
            if action == 5:
                self._wrong()  # the cursor's action left its cell as it was
            elif self.board_is_source is None:
                self.sides_tried.add(side)
                if len(self.sides_tried) == 2:
                    self.off = True  # clicks on neither panel change it
            else:
                self._wrong()
            return
        self.board_is_source = self.prior_source = side
        self.clicks_seen += 1
        inside = index in _interior(board)
        self.interior_seen = self.interior_seen or inside
        at = board[index]
        if self.carried:
            self.carried = False
            shown = {(board[k][0] - at[0], board[k][1] - at[1]) for k in changed}
            steps = {old[k]: new[k] for k in changed}
            places = {(b[0], b[1]) for b in board}
            reach = {(dr, dc) for dr, dc in self.offsets if (at[0] + dr, at[1] + dc) in places}
            # the cells the prior says a click here recolours, and no others, stepped as it says (a colour
            # it does not know steps as shown: learning)
            fits = shown == reach and all(self.next_colour.get(c, n) == n for c, n in steps.items())
            if not fits:  # the rule changed with the level (toggles along the diagonals now): learnt afresh
                self.offsets, self.next_colour = shown, steps
                self.unconfirmed.clear()
                self.plan.clear()
                self.probe = not inside
                return
        # a colour step carried from the level before and seen otherwise here: learning, not a failed model
        corrected = any(old[k] in self.unconfirmed and self.next_colour.get(old[k]) != new[k] for k in changed)
        self.unconfirmed -= {old[k] for k in changed}
        if corrected:
            for k in changed:
                self.next_colour[old[k]] = new[k]
            self.plan.clear()
            return
        known = (len(self.offsets), len(self.next_colour))
        for k in changed:
            self.offsets.add((board[k][0] - at[0], board[k][1] - at[1]))
            self.next_colour[old[k]] = new[k]
        # a wrong prediction by a model this click completed (an offset or a colour step it had not seen)
        # is learning, not a failed model; a plan made with the smaller model is made again
        if known != (len(self.offsets), len(self.next_colour)):
            self.plan.clear()
        elif predicted is not None and tuple(new) != predicted:
            self._wrong()

    def _wrong(self) -> None:
        self.wrong += 1
        self.plan.clear()
        if self.wrong >= 3:
            self.off = True

    # -- acting -----------------------------------------------------------------------------------
    def act(self, frame: np.ndarray, available: tuple[int, ...], mask: np.ndarray | None, level: int,
            rules: GameRules | None = None, legend_only: bool = False) -> Move | None:
        """The next move toward the target panel, or None (no pairing, matched, or the model failed).
        Clicks where ACTION6 is available; else, with ACTION5 and a mover known (`rules`, learned by the
        navigator), the mover is taken as a cursor: it goes to a mismatched cell and ACTION5 recolours it.
        `legend_only` (a level unlike training): the board is looked for as a lattice beside its legend
        only (`find_legend_lattice`), the one reading that names its palette and every cell's colour,
        with clicks only."""
        self.pending = None
        clicks = 6 in available
        if self.off or not (clicks or (5 in available and rules is not None)):
            return None
        if level != self.level:
            if self.pairing is not None and self.clicks_seen and self.offsets and self.board_is_source is not None:
                ph, pw = _pitch(self.pairing.panel(self.board_is_source)[0])
                if all(dr % ph == 0 and dc % pw == 0 for dr, dc in self.offsets):
                    self.prior = (frozenset((dr // ph, dc // pw) for dr, dc in self.offsets),
                                  tuple(sorted(self.next_colour.items())))
            self.level = level
            # a legend is read whole: a HUD mask learnt on the previous level may cover part of it
            self.pairing = (find_legend_lattice(frame) if clicks else None) if legend_only else \
                _fuller(find_pairing(frame, mask), find_lattice(frame, mask))
            self.board_is_source = None
            self.sides_tried.clear()
            self.offsets.clear()
            self.next_colour.clear()
            self.plan.clear()
            self.unsolved_with, self.clicks_seen, self.interior_seen = None, 0, False
            self.carried = self.probe = False
            self.unconfirmed = set()
            if self.pairing is not None and self.prior is not None and self.prior_source is not None and {
                    self.pairing.read(frame, b) for b in self.pairing.sources + self.pairing.destinations
            } <= {c for step in self.prior[1] for c in step}:
                # what a click did on the level before is this level's model until a click shows otherwise,
                # where this level's colours are those it stepped (another palette: another puzzle, and a
                # prior that cannot plan would only make the first click an uninformed one)
                ph, pw = _pitch(self.pairing.panel(self.prior_source)[0])
                self.offsets = {(dr * ph, dc * pw) for dr, dc in self.prior[0]}
                self.next_colour = dict(self.prior[1])
                self.unconfirmed = set(self.next_colour)
                self.carried = True
        if self.pairing is None:
            return None
        if not clicks:
            assert rules is not None
            return self._cursor(frame, available, mask, rules)
        side = self.board_is_source
        if side is None:
            first = True if self.prior_source is None else self.prior_source
            side = first if first not in self.sides_tried else not first
        board, target = self.pairing.panel(side)
        state = tuple(self.pairing.read(frame, b) for b in board)
        goal = tuple(self.pairing.read(frame, t) for t in target)
        mismatched = [k for k in range(len(board)) if state[k] != goal[k]]
        if not mismatched:
            return None
        chosen = self._choose(board, state, goal, mismatched)
        if chosen is None:
            return None
        index, predicted, why = chosen
        self.pending = (index, predicted, side)
        box = board[index]
        return Move(6, why, (box[1] + box[3] - 1) // 2, (box[0] + box[2] - 1) // 2)

    def _cursor(self, frame: np.ndarray, available: tuple[int, ...], mask: np.ndarray | None,
                rules: GameRules) -> Move | None:
        assert self.pairing is not None
        cursor = rules.mover_box(frame, mask)
        if cursor is None:
            if rules.mover is None:  # any move shows which colour is the cursor
                for action in (4, 2, 3, 1):
                    if action in available and rules.displacement(action) is None:
                        return Move(action, "matcher: a board and its target panel; which colour is the cursor?")
            return None
        side = not _inside_any(cursor, self.pairing.destinations) if self.board_is_source is None else self.board_is_source
        board, target = self.pairing.panel(side)
        mismatched = [k for k, (b, t) in enumerate(zip(board, target, strict=True))
                      if self.pairing.read(frame, b) != self.pairing.read(frame, t)]
        if not mismatched:
            return None
        under = [k for k, b in enumerate(board) if _contains(cursor, b)]
        if under and under[0] in mismatched:
            self.pending = (under[0], None, side)
            return Move(5, f"matcher: the cell under the cursor differs from the target panel ({len(mismatched)} do)")
        cy, cx = (cursor[0] + cursor[2]) / 2, (cursor[1] + cursor[3]) / 2

        def centre(k: int) -> tuple[float, float]:
            return (board[k][0] + board[k][2]) / 2, (board[k][1] + board[k][3]) / 2

        goal = min(mismatched, key=lambda k: (abs(centre(k)[0] - cy) + abs(centre(k)[1] - cx), k))
        gy, gx = centre(goal)
        pitch = _pitch(board)
        best, gain = None, 0.5
        for action in (1, 2, 3, 4):
            if action not in available:
                continue
            step = rules.displacement(action)
            if step is None:
                step = (CONVENTION[action][0] * pitch[1], CONVENTION[action][1] * pitch[0])
            now = abs(gy - cy) + abs(gx - cx)
            after = abs(gy - cy - step[1]) + abs(gx - cx - step[0])
            if now - after > gain:
                best, gain = action, now - after
        if best is None:
            return None
        return Move(best, f"matcher: the cursor goes to a cell that differs from the target panel ({len(mismatched)} do)")

    def _choose(self, board: tuple[Box, ...], state: tuple[int, ...], goal: tuple[int, ...],
                mismatched: list[int]) -> tuple[int, tuple[int, ...] | None, str] | None:
        where = {(b[0], b[1]): k for k, b in enumerate(board)}
        model = (frozenset(self.offsets), tuple(sorted(self.next_colour.items())))
        ph, pw = _pitch(board)

        def crowd(k: int) -> int:
            return sum((board[k][0] + dr * ph, board[k][1] + dc * pw) in where for dr in (-1, 0, 1) for dc in (-1, 0, 1))

        if self.probe:
            # a click on the edge refuted the level before's rule and showed only part of this one's
            self.probe = False
            index = max(mismatched, key=crowd)
            return index, self._apply(board, where, state, index), (
                "matcher: a click here did not do what it did on the level before: one inside the board shows it")
        if self.offsets - {(0, 0)}:
            if not self.plan and self.unsolved_with != model:
                self.plan = self._search(board, where, state, goal)
                # not searched again in this level with the same model: it costs ~0.2 s
                self.unsolved_with = None if self.plan else model
                if self.carried and self.plan:
                    # the clicks commute: the first is the one with the most cells around it on the board,
                    # which shows all a click does there should the level's rule differ from the last's
                    first = max(self.plan, key=crowd)
                    self.plan.remove(first)
                    self.plan.insert(0, first)
            if self.plan:
                index = self.plan.pop(0)
                return index, self._apply(board, where, state, index), (
                    f"matcher: a plan of {len(self.plan) + 1} clicks makes the board match its target")
        index = mismatched[0]
        if self.unsolved_with == model or not self.offsets or self.carried:
            if self.offsets and set(state) | set(goal) <= set(self.next_colour) and self.clicks_seen >= 3:
                inner = _interior(board)
                if self.interior_seen or not inner:
                    return None  # a board the search could not solve with a full model: the other systems play it
                # clicks along the board's edges show no offset toward the outside (a diagonal one): a
                # click with every neighbour on the board shows them all
                index = next((k for k in inner if k in mismatched), inner[0])
                predicted = self._apply(board, where, state, index)
                return index, predicted, "matcher: no plan from the clicks seen on the board's edges: one inside it"
            # a model from a click or two may miss what a click does beyond the board's edge: learn
            # from a mismatched object with the most neighbours on the board (the first click too)
            around = _neighbours(board)
            index = max(mismatched, key=lambda k: sum((board[k][0] + dr, board[k][1] + dc) in where
                                                      for dr, dc in around))
        predicted = self._apply(board, where, state, index) if self.offsets else None
        return index, predicted, f"matcher: {len(mismatched)} objects differ from the target panel"

    def _solve_cyclic(self, board: tuple[Box, ...], where: dict[tuple[int, int], int], state: tuple[int, ...],
                      goal: tuple[int, ...]) -> list[int] | None:
        """Where every colour on the board and the target steps round one cycle of prime length p (lit,
        dark, lit: p = 2), a click adds one step to each cell it recolours, so the clicks that reach the
        goal solve a linear system mod p: solved exactly (Gaussian elimination), the fewest clicks among
        its solutions (at most 4,096 of them tried). None: not such a board (the search is left to try);
        [] no solution."""
        cycle = _cycle(self.next_colour, set(state) | set(goal))
        if cycle is None:
            return None
        p, place = len(cycle), {c: i for i, c in enumerate(cycle)}
        n = len(board)
        effect = np.zeros((n, n), dtype=np.int64)  # effect[j, i]: cell j steps when cell i is clicked
        for i, at in enumerate(board):
            for dr, dc in self.offsets:
                j = where.get((at[0] + dr, at[1] + dc))
                if j is not None:
                    effect[j, i] = 1
        need = np.array([(place[g] - place[c]) % p for c, g in zip(state, goal, strict=True)], dtype=np.int64)
        return _solve_mod(effect, need, p)

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
        solved = self._solve_cyclic(board, where, state, goal)
        if solved is not None:
            return solved
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


def _cycle(steps: dict[int, int], colours: set[int]) -> list[int] | None:
    """The colours as one cycle of `steps` of prime length (c, steps[c], ...), or None."""
    if not colours or not colours <= set(steps):
        return None
    start = min(colours)
    cycle = [start]
    while (nxt := steps[cycle[-1]]) != start:
        if nxt in cycle or nxt not in steps or len(cycle) > 16:
            return None
        cycle.append(nxt)
    p = len(cycle)
    if p < 2 or any(p % q == 0 for q in range(2, p)) or not colours <= set(cycle):
        return None
    return cycle


def _solve_mod(effect: np.ndarray, need: np.ndarray, p: int, most_tried: int = 4096) -> list[int]:
    """Clicks x (cell i clicked x[i] times, 0 <= x[i] < p) with effect @ x = need (mod p), fewest in all
    (over at most `most_tried` settings of the free cells; the others stay 0); as a list of cell indices
    in order. [] when there is no solution."""
    n_rows, n = effect.shape
    a = np.concatenate([effect % p, (need % p)[:, None]], axis=1)
    pivots: list[int] = []
    row = 0
    for col in range(n):
        found = next((r for r in range(row, n_rows) if a[r, col]), None)
        if found is None:
            continue
        a[[row, found]] = a[[found, row]]
        a[row] = (a[row] * pow(int(a[row, col]), -1, p)) % p
        for r in range(n_rows):
            if r != row and a[r, col]:
                a[r] = (a[r] - a[r, col] * a[row]) % p
        pivots.append(col)
        row += 1
        if row == n_rows:
            break
    if a[row:, n].any():
        return []  # inconsistent: no set of clicks reaches the goal
    free = [c for c in range(n) if c not in pivots]
    best: np.ndarray | None = None
    varied = 0
    while varied < len(free) and p ** (varied + 1) <= most_tried:
        varied += 1
    for values in np.ndindex(*([p] * varied)):
        x = np.zeros(n, dtype=np.int64)
        for c, v in zip(free, values, strict=False):
            x[c] = v
        for r, col in enumerate(pivots):
            x[col] = (a[r, n] - a[r, free] @ x[free]) % p if free else a[r, n]
        if best is None or x.sum() < best.sum():
            best = x
    assert best is not None
    return [i for i in range(n) for _ in range(int(best[i]))]

