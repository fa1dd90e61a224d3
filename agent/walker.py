"""Walking a patch into its picture: tiles that change colour when the mover steps on them, and a small
picture elsewhere of how they should look.

The picture and the patch are two solid rectangles apart (not the floor the mover walks on), each cut
into as many uniform blocks of the mover's size (four at least), one in the other's colours (or each
in a single colour); the picture is the one of more colours, or the farther from the mover. The
model, learned while playing: the mover (from the navigator's rules) and its moves, the walls (the navigator's blocking colours, its bumps), and a
tile's colour change when the mover enters it (assumed: it swaps between its colour and the other
colour of the picture until seen). A breadth-first search over (mover position, tile colours) finds
the shortest walk after which the patch equals the picture and the mover stands on a small object
that is neither a tile nor the picture (the exit); the first move of it is proposed, and the search
is repeated every step (the walls it assumed free may stop the mover).

The picture and the patch are read in the level's first frame (the mover may stand on a tile by the
time it is known), with the HUD mask of that moment kept for the level (tiles that change on most
moves can make a status-bar detector take the patch for a bar later). An exit is a small object of a
colour that covers no large area (a pocket of floor the mover closes off is no exit); the one the
mover stands on is remembered.

Nothing is proposed without a picture and a patch, before the mover, a move and the floor are known, when no
walk is found within the search's budget, or after a tile changed in a way the model did not expect
three times (then for the game).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

import numpy as np

from agent.frames import colour_in, corner_boxes, edge_lines, label_boxes, label_components, region_covers
from agent.matcher import Box, Move
from agent.navigator import CONVENTION, Navigator, _any, _integral

Picture = tuple[Box, int, int]  # (rectangle, block rows, block columns)
# the most components one solid region may hold to be searched for rectangles: the held-out games' and the
# suite's largest is 67; a noisy frame's run to thousands, and the pairs of their corners took seconds
MAX_PARTS = 256


def _solid_rectangles(frame: np.ndarray, mask: np.ndarray | None, floor: int | None, largest: int = 400) -> list[Box]:
    """Rectangles fully covered by components that are neither the background, the floor (the colour
    the mover walks on) nor large (walls); none in a region of more than `MAX_PARTS` components."""
    labels = label_components(frame)
    sizes = np.bincount(labels.ravel())
    background = int(np.bincount(frame.ravel(), minlength=16).argmax())
    solid = (sizes[labels] <= largest) & (frame != background) & (frame != (-1 if floor is None else floor))
    if mask is not None:
        solid &= ~mask
    regions = label_components(solid.astype(np.uint8))
    extents = label_boxes(labels)  # every component's box at once: (top, left, bottom, right) by label
    # the box from each part's top-left to each part's bottom-right of a region, where the region covers it all
    # (more than MAX_PARTS parts: texture or noise, not a picture of tiles; the pairs grow as its square)
    tops, lefts, bottoms, rights, owners = corner_boxes(regions, labels, solid, extents, MAX_PARTS)
    real = (bottoms > tops) & (rights > lefts)
    tops, lefts, bottoms, rights, owners = tops[real], lefts[real], bottoms[real], rights[real], owners[real]
    full = region_covers(solid, regions, tops, lefts, bottoms, rights, owners)
    out = list(zip(tops[full].tolist(), lefts[full].tolist(), bottoms[full].tolist(), rights[full].tolist(),
                   strict=True))
    return sorted(set(out))


def _uniform(area: np.ndarray, sh: int, sw: int) -> bool:
    return np.array_equal(np.repeat(np.repeat(area[::sh, ::sw], sh, 0), sw, 1), area)


def _partition(area: np.ndarray, unit: tuple[int, int] | None) -> tuple[int, int] | None:
    """(rows, columns) of uniform blocks of the mover's size (four at least), or None."""
    h, w = area.shape
    if unit is not None and h % unit[0] == 0 and w % unit[1] == 0 and (h // unit[0]) * (w // unit[1]) >= 4 \
            and _uniform(area, *unit):
        return h // unit[0], w // unit[1]
    return None


def find_picture_and_patch(frame: np.ndarray, mask: np.ndarray | None, mover: Box | None = None,
                           floor: int | None = None) -> tuple[Picture, Picture] | None:
    """The picture and the patch: two solid rectangles apart, cut into as many uniform blocks (of the
    mover's size where they fit). The picture is the one of more colours; of as many, the one farther
    from the mover (the patch is where the mover walks)."""
    rects = _solid_rectangles(frame, mask, floor)
    maximal = _maximal(rects)
    unit = None if mover is None else (mover[2] - mover[0], mover[3] - mover[1])
    best = _best_pair(frame, maximal, mover, unit)
    if best is None:  # a patch may touch a small object that makes a larger rectangle with it
        best = _best_pair(frame, rects, mover, unit)
    if best is None:
        return None
    a, b = best

    def rank(p: Picture) -> tuple[int, float]:
        r = p[0]
        colours = len(np.unique(frame[r[0]:r[2], r[1]:r[3]]))
        far = 0.0 if mover is None else abs((r[0] + r[2]) - (mover[0] + mover[2])) + abs((r[1] + r[3]) - (mover[1] + mover[3]))
        return colours, far

    return (a, b) if rank(a) >= rank(b) else (b, a)


def _maximal(rects: list[Box]) -> list[Box]:
    """The rectangles no other one (of these distinct rectangles) contains."""
    if not rects:
        return []
    a = np.array(rects)
    inside = ((a[None, :, 0] <= a[:, None, 0]) & (a[None, :, 1] <= a[:, None, 1])
              & (a[:, None, 2] <= a[None, :, 2]) & (a[:, None, 3] <= a[None, :, 3]))  # [r, o]: o holds r
    np.fill_diagonal(inside, False)
    return [r for r, held in zip(rects, inside.any(1).tolist(), strict=True) if not held]


def _best_pair(frame: np.ndarray, rects: list[Box], mover: Box | None,
               unit: tuple[int, int] | None) -> tuple[Picture, Picture] | None:
    """Of the rectangles (clear of the mover) cut into the same blocks, apart, one drawn in the other's
    colours: the pair of most blocks."""
    cut = []
    for r in rects:
        if mover is not None and not (r[2] <= mover[0] or mover[2] <= r[0] or r[3] <= mover[1] or mover[3] <= r[1]):
            continue
        grid = _partition(frame[r[0]:r[2], r[1]:r[3]], unit)
        if grid is not None:
            cut.append((r, *grid))
    best = None
    for i, a in enumerate(cut):
        for b in cut[i + 1:]:
            if a[1:] != b[1:] or not _apart_boxes(a[0], b[0]):
                continue
            ca, cb = (set(np.unique(frame[r[0]:r[2], r[1]:r[3]]).tolist()) for r in (a[0], b[0]))
            if not (ca <= cb or cb <= ca or (len(ca) == 1 and len(cb) == 1)):
                continue  # one is drawn in the other's colours (or each in one colour: all to change)
            if best is None or a[1] * a[2] > best[0][1] * best[0][2]:
                best = (a, b)
    return best


def _apart_boxes(a: Box, b: Box) -> bool:
    return a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]


def blocks(picture: Picture) -> list[Box]:
    (r0, c0, r1, c1), rows, cols = picture
    sh, sw = (r1 - r0) // rows, (c1 - c0) // cols
    return [(r0 + i * sh, c0 + j * sw, r0 + (i + 1) * sh, c0 + (j + 1) * sw) for i in range(rows) for j in range(cols)]


@dataclass
class Walker:
    max_nodes: int = 30_000
    level: int = -1
    pair: tuple[Picture, Picture] | None = None
    looked: bool = False  # the level was searched for a picture and a patch
    tentative: bool = False  # the mask it is given is not this level's own yet (set by the caller)
    tiles: list[Box] = field(default_factory=list)
    goal: tuple[int, ...] = ()
    state: list[int] = field(default_factory=list)  # the tiles' colours as last seen (the mover hides one)
    swap: dict[int, int] = field(default_factory=dict)  # a tile's colour -> its colour once entered
    cover: Box | None = None  # the mover's box when last seen
    entry: dict[int, int] = field(default_factory=dict)  # a covered tile's colour before it was entered
    surprises: int = 0
    off: bool = False
    first: np.ndarray | None = None  # the level's first frame
    exits: np.ndarray | None = None  # the cells last taken for exits (the mover hides the one it is on)
    # the HUD mask when the level was looked at, kept: where tiles change on most moves, a status-bar
    # detector may later take the patch, or the whole room, for a bar
    mask: np.ndarray | None = None

    def _covers(self, cover: Box | None, k: int) -> bool:
        r0, c0, r1, c1 = self.tiles[k]
        return cover is not None and cover[0] < r1 and r0 < cover[2] and cover[1] < c1 and c0 < cover[3]

    def observe(self, frame: np.ndarray, mask: np.ndarray | None, navigator: Navigator, level: int) -> None:
        """The frame after a move (by any system): a tile just entered is believed changed by the model
        (the mover hides it); a tile just left shows what entering it did; any other tile seen otherwise
        than believed is a surprise."""
        if self.off or self.pair is None or level != self.level:
            return
        cover = navigator.rules.mover_box(frame, self.mask)
        if cover is None:  # the mover not seen (masked): nothing to go by this step
            return
        for k, tile in enumerate(self.tiles):
            now, before = self._covers(cover, k), self._covers(self.cover, k)
            if now and not before:
                self.entry[k] = self.state[k]
                self.state[k] = self._flip(self.state[k])
            elif not now:
                seen = int(frame[tile[0], tile[1]])
                if before and k in self.entry:
                    self.swap[self.entry.pop(k)] = seen
                elif seen != self.state[k]:
                    self.surprises += 1
                    self.off = self.surprises >= 3
                self.state[k] = seen
        self.cover = cover

    def act(self, frame: np.ndarray, available: tuple[int, ...], mask: np.ndarray | None, navigator: Navigator,
            level: int) -> Move | None:
        if self.off:
            return None
        rules = navigator.rules
        if level != self.level:
            self.level, self.pair, self.looked, self.first, self.exits = level, None, False, frame, None
        if self.looked:
            mask = self.mask
        box = rules.mover_box(frame, mask)
        if box is None or rules.mover is None:
            return None
        if navigator.floor is None:  # the floor (what the mover walks on) is no tile: wait to know it
            return None
        if not self.looked:  # once per level, when the mover is known (its size is the tiles' prior)
            self.looked, self.mask = True, mask
            self._look(frame, mask, box, navigator)
            # a look through a mask learnt before this level that found nothing is made again later
            self.looked = self.pair is not None or not self.tentative
        if self.pair is None:
            return None
        if self.cover is None:
            self.cover = box
        moves = [(a, rules.displacement(a)) for a in (1, 2, 3, 4) if a in available]
        step = max((max(abs(d[0]), abs(d[1])) for _, d in moves if d is not None), default=0)
        if not step:
            return None
        plan: list[tuple[int, tuple[int, int]]] = [
            (a, d if d is not None else (CONVENTION[a][0] * step, CONVENTION[a][1] * step)) for a, d in moves]
        found = self._search(frame, mask, navigator, box, plan)
        if found is None:
            self.looked = self.looked and not self.tentative  # a reading through another level's mask: again later
            return None
        action, length = found
        return Move(action, f"walker: {length} moves walk the patch into its picture and reach the exit")

    def _look(self, frame: np.ndarray, mask: np.ndarray | None, box: Box, navigator: Navigator) -> None:
        """The picture and the patch, in the level's first frame (the mover may stand on a tile by now)
        or else in this one; the floor's colour left out: the navigator's, or else the colour around the
        mover in the first frame (its first step may have been onto a tile, which the navigator then
        takes for the floor)."""
        first = self.first if self.first is not None else frame
        start = navigator.rules.mover_box(first, mask)
        floors = [navigator.floor]
        labels = label_components(first)
        sizes = np.bincount(labels.ravel())
        area = (box[2] - box[0]) * (box[3] - box[1])
        if start is not None and sizes[labels[first == navigator.floor]].max(initial=0) <= 8 * area:
            # the navigator's floor is no large area (a few tiles): the colour around the mover at the start
            ring = first[max(start[0] - 1, 0):start[2] + 1, max(start[1] - 1, 0):start[3] + 1]
            counts = np.bincount(ring.ravel(), minlength=16)
            counts[[c for c in (navigator.rules.mover, navigator.floor) if c is not None]] = 0
            floors.append(int(counts.argmax()))
        for seen, mover in ((first, start), (frame, box)):
            if mover is None:
                continue
            for floor in floors:
                self.pair = find_picture_and_patch(seen, mask, mover, floor)
                if self.pair is not None:
                    break
            if self.pair is not None:
                break
        if self.pair is None:
            return
        self.tiles = blocks(self.pair[1])
        self.goal = tuple(int(first[b[0], b[1]]) for b in blocks(self.pair[0]))
        self.entry.clear()
        self.state = []
        for k, b in enumerate(self.tiles):
            if self._covers(box, k):  # under the mover now: entered (once, as far as can be told)
                self.entry[k] = int(first[b[0], b[1]])
                self.state.append(self._flip(self.entry[k]))
            else:
                self.state.append(int(frame[b[0], b[1]]))
        self.cover = box

    def _flip(self, colour: int) -> int:
        if colour in self.swap:
            return self.swap[colour]
        others = [c for c in set(self.goal) if c != colour]
        return others[0] if len(others) == 1 else colour

    def _search(self, frame: np.ndarray, mask: np.ndarray | None, navigator: Navigator, box: Box,
                moves: list[tuple[int, tuple[int, int]]]) -> tuple[int, int] | None:
        assert self.pair is not None
        rules = navigator.rules
        h, w = frame.shape
        blocked = colour_in(frame, [c for c in range(16) if navigator.blocking(c)])
        if mask is not None:
            # the mask's lines along the frame's edges only: a detector may take a wall across the room,
            # with the exit in its gap, for a bar (Tile Walk's level 6 on game seed 20,011: no exit found)
            blocked |= edge_lines(mask)
        # the exit: small objects that are neither tiles, the picture, the mover nor blocking
        labels = label_components(frame)
        size = np.bincount(labels.ravel())[labels]
        background = int(np.bincount(frame.ravel(), minlength=16).argmax())
        exits = (size <= 64) & (frame != background) & (frame != rules.mover) & ~blocked
        # a colour that also covers a large area is a wall or the floor: its small pieces (a pocket of
        # floor the mover closes off, a wall's stub) are no exit
        exits &= ~colour_in(frame, np.unique(frame[size > 64]).tolist())
        for (r0, c0, r1, c1) in (self.pair[0][0], self.pair[1][0]):
            exits[r0:r1, c0:c1] = False
        exits[box[0]:box[2], box[1]:box[3]] = False
        if self.exits is not None and self.exits.shape == exits.shape:  # the exit the mover stands on
            exits[box[0]:box[2], box[1]:box[3]] = self.exits[box[0]:box[2], box[1]:box[3]]
        self.exits = exits
        if not exits.any():
            return None
        free, goal_cells = _integral(blocked), _integral(exits)
        bh, bw = box[2] - box[0], box[3] - box[1]
        tiles = self.tiles
        start = ((box[0], box[1]), tuple(self.state))
        first: dict[tuple[tuple[int, int], tuple[int, ...]], tuple[int, int]] = {start: (0, 0)}
        queue = deque([start])
        while queue and len(first) < self.max_nodes:
            state = queue.popleft()
            (top, left), colours = state
            first_action, depth = first[state]
            for action, (dx, dy) in moves:
                if (top, left, action) in navigator.blocked:
                    continue
                nt, nl = top + dy, left + dx
                if nt < 0 or nl < 0 or nt + bh > h or nl + bw > w or _any(free, nt, nl, nt + bh, nl + bw):
                    continue
                now = list(colours)
                for k, (r0, c0, r1, c1) in enumerate(tiles):
                    if nt < r1 and r0 < nt + bh and nl < c1 and c0 < nl + bw and not (
                            top < r1 and r0 < top + bh and left < c1 and c0 < left + bw):
                        now[k] = self._flip(now[k])
                nxt = ((nt, nl), tuple(now))
                if nxt in first:
                    continue
                first[nxt] = (first_action or action, depth + 1)
                if nxt[1] == self.goal and _any(goal_cells, nt, nl, nt + bh, nl + bw):
                    return first[nxt][0], depth + 1
                queue.append(nxt)
        return None
