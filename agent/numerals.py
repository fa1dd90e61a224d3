"""A number drawn in glyphs, a target number drawn elsewhere, buttons that change it: a reader learnt from clicks.

The display (`_find_display`): a click that changed something outside the HUD's edge lines changed
pixels of two colours or more (looked at whole, then band by band of rows: a bar the mask does not hold
yet changes too); the colour whose component round the change encloses it with a margin is the
display's paper, the commonest other its ink. The display's band is the rows of the ink components the
change touched; its slots are the runs of columns with ink in that band (in the frames seen so far in
the level), chained from the changed ones across gaps narrower than a slot. A slot shows a glyph: its ink
cropped and taken down to one pixel a stroke (`pattern`: the greatest common divisor of its runs), so
the same numeral drawn at another size reads the same. What the change shows must be numerals in shape
(`numeral_like`: taller than wide, three strokes tall or more; a square recoloured is none). A new level
tries the last level's display first, where the frame shows numerals known there.

The numerals are learnt from what the buttons did (`_learn_values`); the game's font is never assumed.
A display wider than its number shows zeros in front: the leftmost slot's glyph, while it never changed,
is 0. A button believed to add one makes the glyph in the leftmost slot that changed the successor of
the glyph before it, and the slots right of it nines turned zeros (a carry); a button believed to take
one away says the same read backwards. Of these beliefs (two for each button clicked twice or more), the
one that adds the most values and contradicts nothing (every glyph one value, no value two glyphs,
successors one apart, a carry from nines only, every button clicked twice still one map below) is taken,
counting along successors from the zero, and again while one adds values. A button's map learnt from two
outcomes read whole names the glyphs of its other outcomes (`_name_by_maps`), as a click of the reader's
own names those of the number it predicted; the one numeral left is named by elimination in the target.

The buttons are learnt per level as arithmetic on the number (`fit`): v -> m v + c held within the
display's range, m = 1 unless two outcomes say otherwise (+k, -k, x k, and a drift every click adds are
all of that form); a button seen once whose increase is about the number itself may be a product, and is
clicked again to learn which. The target is a row of glyphs of the display's font as many as its slots,
drawn elsewhere (a legend), with no glyph beside it that is no numeral (a button's "+1"). While a numeral
in it is not known, the reader counts up by the smallest step known (the numerals seen on the way are
named by its predictions). With the number and the target read, a breadth-first search over numbers with
the buttons known gives the fewest clicks, or RESET and the fewest from the level's first number where
that is shorter; while the plan is longer than `SHORT` clicks or there is none, a candidate not clicked
yet in this level of a kind clicked where the number changed (a button not known yet: the kind is its
sprite's largest part's colour and size, which like buttons share) is tried
first, `MAX_TRIES` a level. The reader is off for the level where no display is found in its first
`UNREAD` clicks that changed something away from the frame's edges (where bars run), for the game after
`DRY` such levels (its looks cost about a millisecond a click on the click games without numbers), and
for the level after `MISSES` clicks of its own that left the number as it was (or ended the game).

Limits: one ink colour; base ten; the slots grow only from the columns the first change touched (a
number of several parts, a sign, a fraction, is not read); a counter changed by keys is not read.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

import numpy as np

from agent.frames import join, label_boxes, label_components
from agent.matcher import Move

Glyph = tuple[int, int, bytes]  # a glyph at one pixel a stroke: rows, columns, its pixels packed
Reading = tuple[Glyph | None, ...]  # a display's slots, left to right (None: a blank slot)
Point = tuple[int, int]  # a click's (x, y)
Kind = tuple[int, int, int]  # a click candidate's kind: its sprite's largest part's colour, height, width
MISSES = 2  # clicks of the reader's own in a level that left the number as it was: off for the level
EDGE = 4  # pixels along the frame's edges where a change may be a bar's
DRY = 1  # levels with no display found in their first `UNREAD` clicks that changed something: off for the game
UNREAD = 4  # clicks of a level that changed something with no display found in them: off for the level
MAX_TRIES = 8  # clicks a level spends on objects not clicked yet while the plan is long or missing
SHORT = 2  # a plan this short is followed at once
NEAR = 6  # pixels from a click that changed the number within which larger parts are taken for its button's
MAX_GLYPH = 24  # the largest glyph's side, in pixels, looked for in a legend


def _runs(cells: np.ndarray) -> np.ndarray:
    """The lengths of the runs of equal cells along every row of a 2-D array (row by row, in order)."""
    h, w = cells.shape
    starts = np.ones((h, w), dtype=bool)
    starts[:, 1:] = cells[:, 1:] != cells[:, :-1]
    return np.diff(np.append(np.flatnonzero(starts), h * w))


def pattern(ink: np.ndarray) -> Glyph | None:
    """The glyph the True cells draw: cropped, then one cell per stroke width (None: no ink)."""
    rows, cols = np.flatnonzero(ink.any(1)), np.flatnonzero(ink.any(0))
    if not len(rows):
        return None
    crop = ink[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]
    step = int(np.gcd.reduce(np.concatenate((_runs(crop), _runs(crop.T)))))
    down = crop[::step, ::step]
    return down.shape[0], down.shape[1], np.packbits(down).tobytes()


def numeral_like(glyph: Glyph | None) -> bool:
    """Taller than wide, three strokes tall or more: the shape of a numeral in any pixel font (a square or a
    bar across is none)."""
    return glyph is not None and glyph[0] >= 3 and glyph[0] > glyph[1]


def fit(pairs: list[tuple[int, int]], top: int) -> tuple[int, int] | None:
    """(m, c) with min(max(m v + c, 0), top) = w for every (v, w) seen; m = 1 unless that fails; None when
    no outcome inside the range says what c is, or no such map explains them all."""
    inside = [(v, w) for v, w in pairs if 0 < w < top]
    if not inside:
        return None
    v0, w0 = inside[0]
    options = [(1, w0 - v0)]
    for v1, w1 in inside[1:]:
        if v1 != v0 and (w1 - w0) % (v1 - v0) == 0 and (w1 - w0) // (v1 - v0) > 1:
            m = (w1 - w0) // (v1 - v0)
            options.append((m, w0 - m * v0))
    for m, c in options:
        if all(min(max(m * v + c, 0), top) == w for v, w in pairs):
            return m, c
    return None


def plan(start: int, target: int, maps: dict[Point, tuple[int, int]], top: int,
         known: dict[tuple[int, int, tuple[tuple[int, int], ...]], list[tuple[Point, int]] | None] | None = None,
         ) -> list[tuple[Point, int]] | None:
    """The fewest clicks (point, value after it) from `start` to `target`, breadth-first over numbers.
    `known` keeps answers for the same maps: each path found, and every rest of it from its values on."""
    kinds: dict[tuple[int, int], Point] = {}
    for point, mc in maps.items():
        kinds.setdefault(mc, point)
    key = tuple(sorted(kinds))
    if known is not None and (start, target, key) in known:
        return known[(start, target, key)]
    parent: dict[int, tuple[int, Point] | None] = {start: None}
    queue = deque([start])
    path: list[tuple[Point, int]] | None = None
    while queue:
        value = queue.popleft()
        if value == target:
            path = []
            while (link := parent[value]) is not None:
                path.append((link[1], value))
                value = link[0]
            path.reverse()
            break
        for (m, c), point in kinds.items():
            nxt = min(max(m * value + c, 0), top)
            if nxt not in parent:
                parent[nxt] = (value, point)
                queue.append(nxt)
    if known is not None:
        known[(start, target, key)] = path
        for i, (_, value) in enumerate(path or ()):
            known[(value, target, key)] = path[i + 1:] if path is not None else None
    return path


@dataclass
class Display:
    top: int  # the band of rows the numerals take
    bottom: int
    left: int  # the paper's columns: the slots lie within them
    right: int
    ink: int
    reach: tuple[int, int]  # the columns the first change took: the slots are chained from there
    columns: np.ndarray = field(repr=False)  # the columns of the paper with ink in the band, in any frame seen
    slots: list[tuple[int, int]] = field(default_factory=list)  # column ranges, left to right
    seen: dict[tuple[int, bytes], Glyph | None] = field(default_factory=dict, repr=False)  # a slot's pixels -> glyph

    def see(self, frame: np.ndarray) -> bool:
        """Take in a frame's ink (a slot blank so far, a wider numeral); whether the slots changed."""
        ink = (frame[self.top:self.bottom, self.left:self.right] == self.ink).any(0)
        if not (ink & ~self.columns[self.left:self.right]).any() and self.slots:
            return False
        self.columns[self.left:self.right] |= ink
        edges = np.flatnonzero(np.diff(np.concatenate(([0], self.columns.astype(np.int8), [0]))))
        runs = list(zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True))
        hit = [i for i, (a, b) in enumerate(runs) if a < self.reach[1] and b > self.reach[0]]
        if not hit:
            return False
        first, last = hit[0], hit[-1]
        widest = max(b - a for a, b in runs[first:last + 1])
        while first > 0 and runs[first][0] - runs[first - 1][1] <= widest:
            first -= 1
        while last + 1 < len(runs) and runs[last + 1][0] - runs[last][1] <= widest:
            last += 1
        slots, self.slots = self.slots, runs[first:last + 1]
        return slots != self.slots

    def read(self, frame: np.ndarray) -> Reading:
        band = frame[self.top:self.bottom] == self.ink
        out = []
        for left, right in self.slots:
            ink = band[:, left:right]
            key = (right - left, ink.tobytes())
            if key not in self.seen:
                self.seen[key] = pattern(ink)
            out.append(self.seen[key])
        return tuple(out)


def label_glyphs(frame: np.ndarray) -> np.ndarray:
    """Single-colour components joined at corners too (8-connected): a numeral whose strokes meet only
    diagonally (a pixel font's "3" or "7" drawn at its own size) is one mark."""
    labels = label_components(frame)
    pairs = []
    for a, b, fa, fb in ((labels[:-1, :-1], labels[1:, 1:], frame[:-1, :-1], frame[1:, 1:]),
                         (labels[:-1, 1:], labels[1:, :-1], frame[:-1, 1:], frame[1:, :-1])):
        touching = (fa == fb) & (a != b)
        pairs.append(np.stack((a[touching], b[touching])))
    upper, lower = np.concatenate(pairs, axis=1)
    return join(int(labels.max()) + 1, upper, lower)[labels]


def _bands(changed: np.ndarray) -> list[np.ndarray]:
    """The changed cells whole, then in bands of rows apart from each other by two unchanged rows or more."""
    rows = np.flatnonzero(changed.any(1))
    cuts = np.flatnonzero(np.diff(rows) > 2) + 1
    groups = np.split(rows, cuts)
    out = [changed]
    if len(groups) > 1:
        for group in groups:
            part = np.zeros_like(changed)
            part[group[0]:group[-1] + 1] = changed[group[0]:group[-1] + 1]
            out.append(part)
    return out


class _Labelled:
    """Frames' components (`label_components`) or glyphs (`label_glyphs`) and their boxes, each found once
    for the last few frames looked at (the bands of one change look at the same two frames, and a click's
    `before` is the last click's `after`). Each frame is held with its labels, so that its id stays its own
    (frames are never changed in place)."""

    def __init__(self, most: int = 8) -> None:
        self.most = most
        self.found: dict[tuple[bool, int], tuple[np.ndarray, np.ndarray]] = {}
        self.boxes: dict[tuple[bool, int], np.ndarray] = {}

    def labels(self, frame: np.ndarray, glyphs: bool) -> np.ndarray:
        key = (glyphs, id(frame))
        if key not in self.found:
            if len(self.found) >= self.most:
                self.found, self.boxes = {}, {}
            self.found[key] = (frame, label_glyphs(frame) if glyphs else label_components(frame))
        return self.found[key][1]

    def label_boxes(self, frame: np.ndarray, glyphs: bool) -> np.ndarray:
        labels = self.labels(frame, glyphs)
        key = (glyphs, id(frame))
        if key not in self.boxes:
            self.boxes[key] = label_boxes(labels)
        return self.boxes[key]


def _find_display(before: np.ndarray, after: np.ndarray, changed: np.ndarray, frames: list[np.ndarray],
                  labelled: _Labelled | None = None) -> Display | None:
    """The display a click's change shows, read as described above; None when the change is no glyph's.
    `labelled`: the frames' labels found so far (for the other bands of the change)."""
    labelled = _Labelled() if labelled is None else labelled
    ys, xs = np.nonzero(changed)
    top, left, bottom, right = int(ys.min()), int(xs.min()), int(ys.max()) + 1, int(xs.max()) + 1
    if bottom - top > MAX_GLYPH:
        return None  # (taller than a numeral: no number's change)
    colours = np.concatenate((before[changed], after[changed]))
    paper, sheet = None, (0, 0)
    for frame in (after, before):
        labels = labelled.labels(frame, glyphs=False)
        boxes = labelled.label_boxes(frame, glyphs=False)
        for colour in np.unique(colours):
            ids = np.unique(labels[changed & (frame == colour)])
            if not len(ids):
                continue
            t, le, b, r = boxes[ids, 0].min(), boxes[ids, 1].min(), boxes[ids, 2].max(), boxes[ids, 3].max()
            if t < top and le < left and b > bottom and r > right:
                paper, sheet = int(colour), (int(le), int(r))
        if paper is not None:
            break
    others = colours[colours != paper]
    if paper is None or not len(others):
        return None
    ink = int(np.bincount(others).argmax())
    band_top, band_bottom = top, bottom
    for frame in (before, after):
        labels = labelled.labels(frame, glyphs=True)
        ids = np.unique(labels[changed & (frame == ink)])
        if len(ids):
            boxes = labelled.label_boxes(frame, glyphs=True)[ids]
            band_top, band_bottom = min(band_top, int(boxes[:, 0].min())), max(band_bottom, int(boxes[:, 2].max()))
    if not 3 <= band_bottom - band_top <= MAX_GLYPH:
        return None
    display = Display(band_top, band_bottom, *sheet, ink, (left, right), np.zeros(before.shape[1], dtype=bool))
    for frame in frames:
        display.see(frame)
    shown = [g for frame in (before, after) for g in display.read(frame) if g is not None]
    return display if display.slots and shown and all(map(numeral_like, shown)) else None


@dataclass
class Numerals:
    values: dict[Glyph, int] = field(default_factory=dict)  # the game's numerals learnt so far
    glyphs: set[Glyph] = field(default_factory=set)  # every glyph a display showed in this game
    # every level's clicks (level, point) and the distinct readings before and after them
    history: dict[tuple[int, Point], set[tuple[Reading, Reading]]] = field(default_factory=dict)
    level: int = -1
    display: Display | None = None
    before: Display | None = None  # the last level's display, tried on a new level's frames first
    # this level's clicks that changed something before the display was found: (point, before, after, what
    # changed outside the HUD's edge lines)
    pending: list[tuple[Point, np.ndarray, np.ndarray, np.ndarray]] = field(default_factory=list)
    clicked: set[Point] = field(default_factory=set)  # this level's
    kinds: dict[Point, Kind] = field(default_factory=dict)  # the kinds of the candidates offered, by point
    keys: set[Kind] = field(default_factory=set)  # the kinds clicked on where a click changed the number
    tries: int = 0
    target: int | None = None
    expected: tuple[Point, int] | None = None  # the reader's last click and the value it predicted
    off: bool = False
    misses: int = 0
    dry: int = 0  # levels of this game where no display was found in the first `UNREAD` clicks that changed something
    dirty: bool = False  # readings came in since the values were last learnt
    # the plans found in this level (`plan`'s `known`)
    plans: dict[tuple[int, int, tuple[tuple[int, int], ...]], list[tuple[Point, int]] | None] = field(default_factory=dict)
    # `maps`'s answer and what it was made of
    _maps: tuple[tuple[int, int], tuple[dict[Point, tuple[int, int]], list[Point]]] | None = None
    _labelled: _Labelled = field(default_factory=_Labelled)  # the frames `_find_display` looked at last

    def _level(self, level: int) -> None:
        if level != self.level and self.dry >= DRY:
            self.level, self.off, self.display, self.pending = level, True, None, []  # (no number display here)
        elif level != self.level:
            if self.display is not None:
                self.before = self.display
            self.level, self.display, self.pending, self.clicked, self.tries = level, None, [], set(), 0
            self.target, self.expected, self.off, self.misses, self._maps = None, None, False, 0, None
            self.plans = {}

    def observe(self, before: np.ndarray, action: int, x: int | None, y: int | None, after: np.ndarray,
                mask: np.ndarray | None, level: int, lost: bool = False) -> None:
        """A transition within a level (`lost`: it ended the game). Until the display is found, each click
        that changed something is looked at for it (with the clicks before it in the level); once found,
        every click is read. A click of the reader's own that left the number as it was (or unreadable, or
        ended the game) is a miss; at `MISSES` the reader is off for the level."""
        self._level(level)
        expected, self.expected = self.expected, None
        if self.off or action != 6 or x is None or y is None:
            return
        if lost:
            self._miss(expected is not None)
            return
        point = (x, y)
        self.clicked.add(point)
        if self.display is None:
            changed = before != after
            if mask is not None:
                changed &= ~mask
            # (a click that changed nothing, or only along the frame's edges where bars run, says nothing of
            # the display's place)
            if changed[EDGE:-EDGE, EDGE:-EDGE].any():
                self.pending.append((point, before, after, changed))
            if self.pending:
                self._look_for_display()
            return
        shown, now = self._remember(point, before, after)
        if shown != now:
            self._key(point)
        if expected is not None and expected[0] == point and not self._name_by_prediction(now, expected[1]):
            # (a number other than predicted corrects the button's map; none, or the same, is a miss)
            self._miss(self.number(now) in (None, self.number(shown)))

    def _key(self, point: Point) -> None:
        """A click here changed the number: its kind is a button's, and so are the kinds of the larger parts
        offered close by (a button drawn as a rim, a face and a pictogram offers each as a candidate)."""
        x, y = point
        self.keys.update(kind for (u, v), kind in self.kinds.items()
                         if (u, v) == point or abs(u - x) <= NEAR and abs(v - y) <= NEAR and kind[1] * kind[2] >= 9)

    def _miss(self, missed: bool) -> None:
        if missed:
            self.misses += 1
            self.off = self.misses >= MISSES

    def _remember(self, point: Point, before: np.ndarray, after: np.ndarray) -> tuple[Reading, Reading]:
        assert self.display is not None
        if self.display.see(before) | self.display.see(after):  # (both: a slot may show on either side)
            self._maps, self.plans = None, {}
        pair = (self.display.read(before), self.display.read(after))
        pairs = self.history.setdefault((self.level, point), set())
        if pair not in pairs:
            pairs.add(pair)
            self.glyphs.update(g for g in pair[0] + pair[1] if g is not None)
            self.dirty = True
        return pair

    def _look_for_display(self) -> None:
        frames = [f for _, before, after, _ in self.pending for f in (before, after)]
        _, before, after, changed = self.pending[-1]  # (the clicks before it were looked at as they came)
        for part in _bands(changed):  # (a bar the HUD mask does not hold changes with every click)
            self.display = _find_display(before, after, part, frames, self._labelled)
            if self.display is not None:
                break
        if self.display is None:
            self.off = len(self.pending) >= UNREAD
            self.dry += self.off
            return
        for (x, y), before, after, _ in self.pending:
            shown, now = self._remember((x, y), before, after)
            if shown != now:
                self._key((x, y))
        self.pending = []

    # -- numerals --------------------------------------------------------------------------------
    def number(self, reading: Reading) -> int | None:
        """The value a reading shows (blank slots in front of it only), None while a glyph in it has no value."""
        digits = list(reading)
        while digits and digits[0] is None:
            digits.pop(0)
        values = [self.values.get(g) for g in digits if g is not None]
        if not digits or len(values) != len(digits) or None in values:
            return None
        return int("".join(map(str, values)))

    def _zero(self) -> Glyph | None:
        """The leftmost slot's glyph, if every reading of a display of two slots or more shows it there."""
        firsts = {r[0] for pairs in self.history.values() for pair in pairs for r in pair if len(r) >= 2}
        return next(iter(firsts)) if len(firsts) == 1 and None not in firsts else None

    def _implied(self, pairs: set[tuple[Reading, Reading]], step: int, known: dict[Glyph, int]) -> dict[Glyph, int] | None:
        """The values `known` extended by believing these clicks added `step` (1 to 3 up or down); None where
        that contradicts something. Read upwards (low -> high, k = |step|): only the last slots change; the
        last slot's numeral goes k on (mod 10), carrying one exactly where it passes 9; a carry turns the
        nines between into zeros and puts the first slot that changed one on (a blank: a 1)."""
        k = abs(step)
        edges: set[tuple[Glyph, Glyph, int]] = set()  # (a, b, d): b is d on from a, mod 10
        fixed: dict[Glyph, int] = dict(known)
        wraps: list[tuple[Glyph, int, bool]] = []  # a slot's numeral before, what it had added, whether that carried
        for shown, now in pairs:
            low, high = (shown, now) if step > 0 else (now, shown)
            if low == high:
                # held at the end of the range: a button taking away leaves zeros as they are, one adding nines
                for glyph in (g for g in low if g is not None):
                    if fixed.setdefault(glyph, 0 if step < 0 else 9) != (0 if step < 0 else 9):
                        return None
                continue
            if len(low) != len(high):
                continue
            diff = [i for i in range(len(low)) if low[i] != high[i]]
            first, last = diff[0], len(low) - 1
            old, new = low[last], high[last]
            if diff != list(range(first, len(low))) or old is None or new is None:
                return None  # more than the last slots changed, or the last one blank: no such step
            edges.add((old, new, k))
            wraps.append((old, k, first < last))
            for i in range(first + 1, last):  # a carry through nines
                for carried, value in ((low[i], 9), (high[i], 0)):
                    if carried is None or fixed.setdefault(carried, value) != value:
                        return None
            if first < last:
                old, new = low[first], high[first]
                if new is None:
                    return None
                if old is None:
                    if fixed.setdefault(new, 1) != 1:
                        return None
                else:
                    edges.add((old, new, 1))
                    wraps.append((old, 1, False))
        if not edges:
            return None
        zero = self._zero()
        if zero is not None and fixed.setdefault(zero, 0) != 0:
            return None
        changed = True
        while changed:
            changed = False
            for a, b, d in edges:
                if a in fixed and b not in fixed:
                    fixed[b], changed = (fixed[a] + d) % 10, True
                elif b in fixed and a not in fixed:
                    fixed[a], changed = (fixed[b] - d) % 10, True
                elif a in fixed and (fixed[a] + d) % 10 != fixed[b]:
                    return None
        if len(set(fixed.values())) != len(fixed):
            return None
        if any(glyph in fixed and (fixed[glyph] + add >= 10) != carried for glyph, add, carried in wraps):
            return None
        return fixed

    def _learn_values(self) -> None:
        learning = True
        while learning and len(self.values) < 10 and self.glyphs - self.values.keys():
            best: dict[Glyph, int] | None = None
            for pairs in self.history.values():
                if len(pairs) < 2:  # one click's outcome is as much a +3 as a +1
                    continue
                # (of beliefs adding as many values: the smaller step first, and a floor at zero before a ceiling)
                for step in (-1, 1, -2, 2, -3, 3):
                    implied = self._implied(pairs, step, self.values)
                    if (implied is not None and len(implied) > len(self.values)
                            and (best is None or len(implied) > len(best)) and self._explains(implied)):
                        best = implied
            if best is not None:
                self.values = best
            learning = self._name_by_maps() or best is not None

    def _name_by_maps(self) -> bool:
        """Glyphs named by what a point's map, learnt from two or more outcomes read whole, says the value
        before or after another of its clicks was; whether any was."""
        named = False
        for pairs in self.history.values():
            read = [(self.number(a), self.number(b), a, b) for a, b in pairs]
            top = 10 ** max(len(a) for a, _ in pairs) - 1
            known = [(v, w) for v, w, _, _ in read if v is not None and w is not None]
            mc = fit(known, top) if len(known) >= 2 else None
            if mc is None:
                continue
            m, c = mc
            for v, w, _, after in read:
                if v is not None and w is None:
                    named = self._name_by_prediction(after, min(max(m * v + c, 0), top)) or named
        return named

    def _explains(self, values: dict[Glyph, int]) -> bool:
        """Whether every point clicked twice or more reads, with these values, as one arithmetic map."""
        saved, self.values = self.values, values
        try:
            for pairs in self.history.values():
                read = [(self.number(a), self.number(b)) for a, b in pairs]
                known = [(v, w) for v, w in read if v is not None and w is not None]
                top = 10 ** max(len(a) for a, _ in pairs) - 1
                if len(known) >= 2 and fit(known, top) is None:
                    return False
            return True
        finally:
            self.values = saved

    def _name_by_prediction(self, now: Reading, predicted: int) -> bool:
        """Glyphs not read yet take the digits `predicted` has in their slots, where the others agree; whether
        any did."""
        digits = str(predicted).rjust(len(now), "0")
        if len(digits) != len(now):
            return False
        new: dict[Glyph, int] = {}
        for glyph, digit in zip(now, digits, strict=True):
            if glyph is None:
                continue
            value = self.values.get(glyph, new.get(glyph))
            if value is None:
                new[glyph] = int(digit)
            elif value != int(digit):
                return False
        if not new or len(set(new.values())) != len(new) or set(self.values.values()) & set(new.values()):
            return False
        self.values.update(new)
        return True

    # -- the target and the plan ---------------------------------------------------------------------
    def _read_target(self, frame: np.ndarray) -> int | None:
        """The number in a row of the display's glyphs drawn elsewhere, as many as its slots, else fewer (one
        number only: a legend may leave out a blank in front). A row is the marks of one colour side by side
        (rows overlapping, gaps narrower than a mark); a mark that is no numeral in it (a "+", a "-") spoils
        it."""
        assert self.display is not None
        labels = label_glyphs(frame)
        boxes = label_boxes(labels)
        heights, widths = boxes[:, 2] - boxes[:, 0], boxes[:, 3] - boxes[:, 1]
        small = np.flatnonzero((heights >= 1) & (heights <= MAX_GLYPH) & (widths <= MAX_GLYPH)
                               & ((boxes[:, 2] <= self.display.top) | (boxes[:, 0] >= self.display.bottom)))
        firsts = np.full(len(boxes), -1)
        ids, where = np.unique(labels.ravel(), return_index=True)
        firsts[ids] = where
        colours = frame.ravel()[firsts[small]]
        missing = set(range(10)) - set(self.values.values())
        # with one numeral left to learn, a glyph of the numerals' size not seen yet may be it
        sizes = {g[:2] for g in self.values} if len(missing) == 1 else set()
        marks: dict[int, list[tuple[int, int, int, int, Glyph | None]]] = {}
        for i, colour in zip(small.tolist(), np.asarray(colours).tolist(), strict=True):
            t, le, b, r = boxes[i].tolist()
            glyph = pattern(labels[t:b, le:r] == i) if b - t >= 3 else None
            known = glyph in self.glyphs or glyph is not None and glyph[:2] in sizes and numeral_like(glyph)
            marks.setdefault(colour, []).append((le, r, t, b, glyph if known else None))
        marks = {c: row for c, row in marks.items() if any(m[4] is not None for m in row)}
        n = len(self.display.slots)
        found: list[int] = []
        short: list[int] = []  # rows of fewer numerals (a blank in front: a display without leading zeros)
        for row in marks.values():
            row.sort()
            runs: list[list[tuple[int, int, int, int, Glyph | None]]] = []
            for mark in row:
                run = next((run for run in runs if run[-1][2] < mark[3] and mark[2] < run[-1][3]
                            and 0 <= mark[0] - run[-1][1] <= run[-1][1] - run[-1][0]), None)
                if run is None:
                    runs.append([mark])
                else:
                    run.append(mark)
            for run in runs:
                glyphs = [mark[4] for mark in run if mark[4] is not None]
                if len(run) <= n and len(glyphs) == len(run):
                    unknown = {glyph for glyph in glyphs if glyph not in self.values}
                    if len(unknown) == 1 and len(missing) == 1:  # the one numeral left: by elimination
                        self.values[unknown.pop()] = missing.pop()
                    value = self.number(tuple(glyphs))
                    if value is not None:
                        (found if len(run) == n else short).append(value)
        found = found or short
        return found[0] if len(set(found)) == 1 else None

    def _try(self, candidates: list[tuple[int, int, Kind]], value: int, aim: str,
             unsure: list[Point] | None = None) -> Move | None:
        """A candidate not clicked yet in this level of a kind clicked where the number changed before (a
        button not known yet), else a button seen once that may add or multiply; `MAX_TRIES` a level."""
        d = self.display
        assert d is not None
        fresh = [(x, y) for x, y, kind in candidates if (x, y) not in self.clicked and kind in self.keys
                 and not (d.top <= y < d.bottom and d.left <= x < d.right)]  # (the display's own numerals)
        if self.tries >= MAX_TRIES or not (fresh or unsure):
            return None
        self.tries += 1
        if fresh:
            x, y = fresh[0]
            return Move(6, f"counter {value}, {aim}: an object not clicked yet may be a button", x, y)
        assert unsure
        x, y = unsure[0]
        return Move(6, f"counter {value}, {aim}: a button seen once, that may add or multiply", x, y)

    def maps(self) -> tuple[dict[Point, tuple[int, int]], list[Point]]:
        """What each point clicked in this level does to the number, where its outcomes say; and the points
        whose map rests on one outcome that a product would explain too (w - v about v or more: x 2 or + v)."""
        assert self.display is not None
        mine = {point: pairs for (level, point), pairs in self.history.items() if level == self.level}
        stamp = (sum(map(len, mine.values())), len(self.values))
        if self._maps is not None and self._maps[0] == stamp:
            return self._maps[1]
        top = 10 ** len(self.display.slots) - 1
        out: dict[Point, tuple[int, int]] = {}
        unsure: list[Point] = []
        for point, pairs in mine.items():
            values = [(self.number(a), self.number(b)) for a, b in pairs]
            known = [(v, w) for v, w in values if v is not None and w is not None]
            mc = fit(known, top)
            if mc is None:
                continue
            out[point] = mc
            inside = {(v, w) for v, w in known if 0 < w < top}
            if len({v for v, _ in inside}) == 1 and mc[0] == 1 and mc[1] > 0:
                ((v, w),) = inside
                if v > 1 and w - v >= v - 2:  # an increase about as large as the number: maybe a product
                    unsure.append(point)
        self._maps = (stamp, (out, unsure))
        return out, unsure

    def act(self, frame: np.ndarray, available: tuple[int, ...], level: int, candidates: list[tuple[int, int, Kind]],
            start: np.ndarray | None = None, can_restart: bool = False) -> Move | None:
        """The next click toward the target, or a candidate (x, y, kind) not clicked yet in this level, of a
        kind whose clicks changed the number before (a button not known yet), while the plan is long or
        missing; or a
        button seen once whose outcome a product explains too (to learn which it is); RESET where the
        plan from the level's first frame (`start`) is shorter by more than that action (`can_restart`: not
        right after a start, when the toolkit would reset the whole game)."""
        self._level(level)
        self.kinds.update({(x, y): kind for x, y, kind in candidates})
        if self.display is None and self.before is not None and not self.off:
            # the display where the last level had it, if the frame shows numerals of the game's there
            shown = [g for g in self.before.read(frame) if g is not None]
            if shown and all(g in self.values for g in shown):
                self.display = self.before
        if self.off or self.display is None or 6 not in available:
            return None
        if self.display.see(frame):
            self._maps, self.plans = None, {}
        if self.dirty:
            self.dirty = False
            self._learn_values()
        value = self.number(self.display.read(frame))
        if value is None:
            return None
        if self.target is None:
            self.target = self._read_target(frame)
        top = 10 ** len(self.display.slots) - 1
        maps, unsure = self.maps()
        if self.target is None:
            # the target not read yet: a numeral in it not seen yet, most likely above those seen; count up
            # by the smallest step known (the glyphs it shows are named by the predictions)
            steps = sorted((c, point) for point, (m, c) in maps.items() if m == 1 and c > 0)
            if value >= top or len(self.values) >= 10:
                return None
            if not steps:
                return self._try(candidates, value, "target not read yet")
            (c, (x, y)) = steps[0]
            self.expected = ((x, y), min(value + c, top))
            return Move(6, f"counter {value}, target not read yet: up by {c} to see more numerals", x, y)
        if value == self.target:
            return None
        if value <= 1:  # (a button seen once that may be a product says nothing sure of 0 or 1: not planned with)
            maps = {p: mc for p, mc in maps.items() if p not in unsure}
        path = plan(value, self.target, maps, top, self.plans)
        home = self.number(self.display.read(start)) if start is not None and can_restart else None
        again = (plan(home, self.target, maps, top, self.plans)
                 if home is not None and home != value and (path is None or len(path) > 2) else None)
        restart = again is not None and (path is None or 1 + len(again) < len(path))
        length = 1 + len(again) if restart and again is not None else None if path is None else len(path)
        if length is None or length > SHORT:
            tried = self._try(candidates, value, f"target {self.target}", unsure)
            if tried is not None:
                return tried
        if restart:
            return Move(0, f"counter {value}, target {self.target}: {length} actions from the level's start ({home}), "
                           f"{'none' if path is None else len(path)} from here: restart")
        if path is None:
            return None
        (x, y), after = path[0]
        self.expected = None if (x, y) in unsure else ((x, y), after)  # (that click is for learning too)
        return Move(6, f"counter {value}, target {self.target}: {len(path)} clicks, this one to {after}", x, y)
