"""A beam and mirrors: clicks flip mirrors until the beam, traced from its emitter, touches what a level wants.

Read from each frame and learnt from clicks, whichever system made them:
- mirrors: square windows of odd side (5-9 pixels) holding one colour exactly on a diagonal and one other
  colour (a plate) everywhere else: "\\" or "/";
  a beam turns at a mirror's middle pixel (the prior of how mirrors reflect light);
- the beam's colour: what a click that flipped a mirror changed outside it (the colour most of those pixels
  took or lost);
- the emitter: an end of the drawn beam (a pixel of the beam with one beam neighbour, away from mirrors);
  of two such ends, the one from which the beam traced under the frame's mirrors is the drawn beam after a
  flip (light retraces its way, so only a flip tells them apart);
- stoppers: the colour just beyond an end of the drawn beam; every other colour lets the beam through;
- what a click does: it flips the clicked mirror, or every mirror of its plate's colour once a click was
  seen to (a rule that can change between levels);
- the goal: the colours a winning click lit (changed in the frame that showed the win, the beam's and the
  mirrors' aside: a target, gems), every object of them touched by the beam; where a plan touched them all
  and the level went on, also every object of a colour not known (a gem not seen lit yet).
The plan: breadth-first over the mirrors' orientations (clicks commute), the beam traced pixel by pixel at
each. Nothing is proposed before a level was won (the goal is not known), without ACTION6, or in a level after
`MISSES` clicks did what the model did not say.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

import numpy as np

from agent.frames import label_components
from agent.matcher import Move

MISSES = 3
MOST_BLIND = 24  # clicks of a game that hit no mirror, before any did: no mirrors to read
MOST_STATES = 5000
GAP = 9  # the widest object a beam is seen to pass under
Mirror = tuple[int, int, int, int, str]  # centre row, centre column, half side, plate colour, "\\" or "/"
Point = tuple[int, int]


def find_mirrors(frame: np.ndarray) -> list[Mirror]:
    """Square windows of odd side (5-9) holding one colour exactly on a diagonal and one other colour
    everywhere else (a plate), in reading order."""
    h, w = frame.shape
    background = int(np.bincount(frame.ravel(), minlength=16).argmax())
    out = []
    for side in (5, 7, 9):
        n, m = h - side + 1, w - side + 1
        if n <= 0 or m <= 0:
            continue
        eye = np.eye(side, dtype=bool)
        for kind, diagonal in (("\\", eye), ("/", np.fliplr(eye))):
            ys, xs = np.nonzero(diagonal)
            first = frame[ys[0]:ys[0] + n, xs[0]:xs[0] + m]
            same = np.ones((n, m), dtype=bool)
            for y, x in zip(ys[1:], xs[1:], strict=True):
                same &= frame[y:y + n, x:x + m] == first
            py, px = np.nonzero(~diagonal)
            plate = frame[py[0]:py[0] + n, px[0]:px[0] + m]
            same &= plate != first
            for i, (y, x) in enumerate(zip(py[1:], px[1:], strict=True)):
                if i % 8 == 0 and not same.any():
                    break  # (no window left: most frames have no mirror, and its 80 pixels cost as much)
                same &= frame[y:y + n, x:x + m] == plate
            for t, le in np.argwhere(same).tolist():
                colour = int(plate[t, le])
                if colour == background:
                    continue  # a plate is an object's, not the background's (a striped floor)
                ring = frame[max(t - 1, 0):t + side + 1, max(le - 1, 0):le + side + 1]
                if 2 * (int((ring == colour).sum()) - (side * side - side)) >= 4 * side:
                    continue  # the plate's colour goes on round it: a texture's stripes, not a sprite
                out.append((t + side // 2, le + side // 2, side // 2, colour, kind))
    # the largest of those sharing pixels (a 3x3 window inside a 5x5 mirror matches too)
    out.sort(key=lambda m: -m[2])
    kept: list[Mirror] = []
    for m in out:
        if all(abs(m[0] - k[0]) > m[2] + k[2] or abs(m[1] - k[1]) > m[2] + k[2] for k in kept):
            kept.append(m)
    return sorted(kept)


def turn(d: Point, kind: str) -> Point:
    """A beam going `d` (drow, dcol) after a mirror."""
    return (d[1], d[0]) if kind == "\\" else (-d[1], -d[0])


@dataclass
class Beams:
    colour: int | None = None  # the beam's
    stoppers: set[int] = field(default_factory=set)
    passes: set[int] = field(default_factory=set)  # colours of objects the drawn beam goes on beyond
    emitter: set[int] = field(default_factory=set)  # the colours round the emitter, once one was told apart
    planned_from: tuple[Point, Point] | None = None
    blind: int = 0  # clicks that hit no mirror before one did
    last: bool = False  # the last click proposed was its plan's last
    wanted: set[int] = field(default_factory=set)  # colours a win lit: every object of them is to be touched
    linked: set[int] = field(default_factory=set)  # plate colours a click flips all of
    level: int = -1
    starts: list[tuple[Point, Point]] = field(default_factory=list)  # this level's emitter candidates
    strict: bool = False  # a plan touched every wanted object and the level went on: unknown colours wanted too
    plan: deque[int] = field(default_factory=deque)  # indices of mirrors still to click
    expect: tuple[str, ...] | None = None
    misses: int = 0
    off: bool = False

    def _begin(self, level: int) -> None:
        if level != self.level:
            self.level, self.starts, self.strict, self.misses, self.off = level, [], False, 0, False
            self.last, self.planned_from = False, None
            self.plan.clear()
            self.expect = None

    # -- reading ------------------------------------------------------------------------------------
    def _ends(self, frame: np.ndarray, mirrors: list[Mirror], mask: np.ndarray | None) -> list[tuple[Point, Point]]:
        """Ends of the drawn beam away from mirrors: (pixel, direction into the beam)."""
        if self.colour is None:
            return []
        beam = frame == self.colour
        if mask is not None:
            beam &= ~mask
        out = []
        h, w = frame.shape
        for r, c in np.argwhere(beam).tolist():
            near = [(dr, dc) for dr, dc in ((-1, 0), (1, 0), (0, -1), (0, 1))
                    if 0 <= r + dr < h and 0 <= c + dc < w and beam[r + dr, c + dc]]
            if len(near) != 1:
                continue
            if any(abs(r - mr) <= k + 1 and abs(c - mc) <= k + 1 for mr, mc, k, _, _ in mirrors):
                continue
            # the beam going on a little further along its line: an object it passes under (a gem), no end
            dr, dc = near[0]
            beyond = [(r - dr * j, c - dc * j) for j in range(2, GAP + 2)]
            if any(0 <= y < h and 0 <= x < w and beam[y, x] for y, x in beyond):
                gap = [(y, x) for y, x in beyond[:next(j for j, (y, x) in enumerate(beyond)
                                                     if 0 <= y < h and 0 <= x < w and beam[y, x])]]
                self.passes |= {int(frame[y, x]) for y, x in [(r - dr, c - dc), *gap]}
                continue
            out.append(((r, c), near[0]))
        self.stoppers -= self.passes
        return out

    def trace(self, frame: np.ndarray, mirrors: list[Mirror], kinds: tuple[str, ...], start: tuple[Point, Point],
              mask: np.ndarray | None = None) -> list[Point]:
        """The pixels the beam crosses from `start` under orientations `kinds`, to where it stops."""
        (r, c), d = start
        h, w = frame.shape
        boxes = {}
        for i, (mr, mc, k, _, _) in enumerate(mirrors):
            for y in range(mr - k, mr + k + 1):
                for x in range(mc - k, mc + k + 1):
                    boxes[(y, x)] = i
        path = [(r, c)]
        at = None  # the mirror the beam turned at, until it leaves its box
        for _ in range(4 * (h + w)):
            r, c = r + d[0], c + d[1]
            if not (0 <= r < h and 0 <= c < w) or (mask is not None and mask[r, c]):
                break
            hit = boxes.get((r, c))
            if hit is not None and hit != at:
                r, c = mirrors[hit][0], mirrors[hit][1]
                d = turn(d, kinds[hit])
                path.append((r, c))
                at = hit
                continue
            if hit is not None:
                path.append((r, c))
                continue
            at = None
            path.append((r, c))
            if int(frame[r, c]) in self.stoppers:
                break
        return path

    # -- learning -------------------------------------------------------------------------------------
    def observe(self, before: np.ndarray, x: int | None, y: int | None, after: np.ndarray, lit: np.ndarray,
                mask: np.ndarray | None, level: int, won: bool) -> None:
        """A click (at x, y) and its answer: `after` the settled frame of this level (`lit`: the first frame
        of the answer, the one that shows a win)."""
        self._begin(level)
        if x is None or y is None or self.off or self.blind >= MOST_BLIND:
            return
        # a mirror under the click? (looked for round it first: a click game without mirrors costs little)
        t, le = max(y - 10, 0), max(x - 10, 0)
        if not any(abs(y - t - mr) <= k and abs(x - le - mc) <= k for mr, mc, k, _, _ in find_mirrors(before[t:y + 11, le:x + 11])):
            if self.colour is None:
                self.blind += 1  # (a game whose first MOST_BLIND clicks hit no mirror is looked at no more)
            return
        old = find_mirrors(before)
        clicked = next((i for i, (mr, mc, k, _, _) in enumerate(old) if abs(y - mr) <= k and abs(x - mc) <= k), None)
        if clicked is None:
            return
        changed = before != lit
        if mask is not None:
            changed &= ~mask
        inside = np.zeros(before.shape, dtype=bool)
        for mr, mc, k, _, _ in old:
            inside[mr - k:mr + k + 1, mc - k:mc + k + 1] = True
        if self.colour is None and (changed & ~inside).any():
            values = np.concatenate([before[changed & ~inside], lit[changed & ~inside]])
            self.colour = int(np.bincount(values, minlength=16).argmax())
        if won:
            gone = changed & ~inside & (before != self.colour) & (lit != self.colour)
            self.wanted |= set(np.unique(before[gone]).tolist())
            return
        new = find_mirrors(after)
        if [m[:4] for m in new] != [m[:4] for m in old]:
            return
        flipped = {i for i, (a, b) in enumerate(zip(old, new, strict=True)) if a[4] != b[4]}
        plate = old[clicked][3]
        same = {i for i, m in enumerate(old) if m[3] == plate}
        if flipped == same and len(same) > 1:
            self.linked.add(plate)
        elif flipped == {clicked}:
            self.linked.discard(plate)
        # the emitter: the candidates whose trace is the drawn beam after the flip
        self._learn_stoppers(after, new, mask)
        ends = self._ends(after, new, mask)
        kinds = tuple(m[4] for m in new)
        beam = self._drawn(after, mask)
        if not self.starts:
            self.starts = self._ordered(after, ends)
        if beam is not None and len(self.starts) > 1:
            keep = [s for s in self.starts if beam <= set(self.trace(after, new, kinds, s, mask))]
            if keep and keep != self.starts:
                self.starts = keep
                if self.planned_from not in keep:
                    self.plan.clear()  # planned from an end that was not the emitter
                    self.last = False
            if len(self.starts) == 1:
                (r, c), _ = self.starts[0]
                around = after[max(r - 1, 0):r + 2, max(c - 1, 0):c + 2]
                self.emitter = set(np.unique(around).tolist()) - {self.colour} - self.passes

    def _ordered(self, frame: np.ndarray, ends: list[tuple[Point, Point]]) -> list[tuple[Point, Point]]:
        """Candidate emitters, those beside the colours the emitter showed before first."""
        def beside(end: tuple[Point, Point]) -> int:
            (r, c), _ = end
            around = frame[max(r - 1, 0):r + 2, max(c - 1, 0):c + 2]
            return -len(set(np.unique(around).tolist()) & self.emitter)
        return sorted(ends, key=beside)

    def _drawn(self, frame: np.ndarray, mask: np.ndarray | None) -> set[Point] | None:
        if self.colour is None:
            return None
        beam = frame == self.colour
        if mask is not None:
            beam &= ~mask
        return {(int(r), int(c)) for r, c in np.argwhere(beam)}

    def _learn_stoppers(self, frame: np.ndarray, mirrors: list[Mirror], mask: np.ndarray | None) -> None:
        h, w = frame.shape
        for (r, c), (dr, dc) in self._ends(frame, mirrors, mask):
            # the other way from the beam's inside: what lies beyond this end
            y, x = r - dr, c - dc
            if (0 <= y < h and 0 <= x < w and (mask is None or not mask[y, x]) and int(frame[y, x]) != self.colour
                    and int(frame[y, x]) not in self.passes):
                self.stoppers.add(int(frame[y, x]))

    # -- acting -------------------------------------------------------------------------------------
    def act(self, frame: np.ndarray, available: tuple[int, ...], mask: np.ndarray | None, level: int) -> Move | None:
        self._begin(level)
        if self.off or 6 not in available or self.colour is None or not self.wanted:
            return None
        mirrors = find_mirrors(frame)
        if not mirrors:
            return None
        kinds = tuple(m[4] for m in mirrors)
        if not self.starts:
            self.starts = self._ordered(frame, self._ends(frame, mirrors, mask))
            self._learn_stoppers(frame, mirrors, mask)
        if not self.starts:
            return None
        if self.expect is not None and kinds != self.expect:
            self.misses += 1
            self.plan.clear()
            if self.misses >= MISSES:
                self.off = True
                return None
        if self.expect is not None and kinds == self.expect and self.last:
            self.strict = True  # every wanted object touched and the level goes on: more is wanted
        self.last = False
        if not self.plan:
            found = self._search(frame, mirrors, kinds, mask)
            if not found:
                self.expect = None
                return None
            self.plan = deque(found)
        i = self.plan.popleft()
        self.last = not self.plan
        self.expect = self._click(mirrors, kinds, i)
        return Move(6, f"beams: {len(self.plan) + 1} mirrors to flip for the beam to touch what is wanted",
                    mirrors[i][1], mirrors[i][0])

    def _click(self, mirrors: list[Mirror], kinds: tuple[str, ...], i: int) -> tuple[str, ...]:
        plate = mirrors[i][3]
        flip = {j for j, m in enumerate(mirrors) if m[3] == plate} if plate in self.linked else {i}
        return tuple(("/" if k == "\\" else "\\") if j in flip else k for j, k in enumerate(kinds))

    def _targets(self, frame: np.ndarray, mirrors: list[Mirror], mask: np.ndarray | None) -> list[set[Point]]:
        """The objects the beam must touch: components of the wanted colours (and, strict, of colours not
        known), off the mirrors and the HUD."""
        known = {self.colour, *self.stoppers}
        floor = int(np.bincount(frame.ravel(), minlength=16).argmax())
        cells = np.isin(frame, list(self.wanted))
        if self.strict:
            counts = np.bincount(frame.ravel(), minlength=16)
            rare = [c for c in range(16) if 0 < counts[c] <= 64 and c not in known and c != floor]
            cells |= np.isin(frame, rare)
        for mr, mc, k, _, _ in mirrors:
            cells[mr - k:mr + k + 1, mc - k:mc + k + 1] = False
        if mask is not None:
            cells &= ~mask
        # an object's pixels of those colours, touching at corners too (a ring drawn round)
        grown = cells.copy()
        grown[1:, :] |= cells[:-1, :]
        grown[:-1, :] |= cells[1:, :]
        grown[:, 1:] |= grown[:, :-1].copy()
        grown[:, :-1] |= grown[:, 1:].copy()
        labels = label_components(grown.astype(np.uint8))
        out = []
        for label in np.unique(labels[cells]).tolist():
            out.append({(int(r), int(c)) for r, c in np.argwhere((labels == label) & cells)})
        return out

    def _search(self, frame: np.ndarray, mirrors: list[Mirror], kinds: tuple[str, ...],
                mask: np.ndarray | None) -> list[int]:
        targets = self._targets(frame, mirrors, mask)
        if not targets:
            return []
        for start in self.starts:  # (the first that gives a plan: a click of it will tell the ends apart)
            found = self._search_from(frame, mirrors, kinds, mask, targets, start)
            if found:
                self.planned_from = start
                return found
        return []

    def _search_from(self, frame: np.ndarray, mirrors: list[Mirror], kinds: tuple[str, ...],
                     mask: np.ndarray | None, targets: list[set[Point]], start: tuple[Point, Point]) -> list[int]:
        def done(state: tuple[str, ...]) -> bool:
            path = set(self.trace(frame, mirrors, state, start, mask))
            return all(path & t for t in targets)

        parents: dict[tuple[str, ...], tuple[tuple[str, ...], int] | None] = {kinds: None}
        queue = deque([kinds])
        clicks = []
        seen_plates: set[int] = set()
        for i, m in enumerate(mirrors):  # one click per linked plate colour, one per other mirror
            if m[3] in self.linked:
                if m[3] in seen_plates:
                    continue
                seen_plates.add(m[3])
            clicks.append(i)
        while queue and len(parents) < MOST_STATES:
            state = queue.popleft()
            if state != kinds and done(state):
                path: list[int] = []
                while (link := parents[state]) is not None:
                    path.append(link[1])
                    state = link[0]
                return path[::-1]
            for i in clicks:
                nxt = self._click(mirrors, state, i)
                if nxt not in parents:
                    parents[nxt] = (state, i)
                    queue.append(nxt)
        return []
