"""Sliding tiles: a board of like tiles with one empty place, clicked into the order a small legend shows.

Read from the frame, every level afresh, and learnt from what clicks did:
- the board (`find_boards`): sprites or parts of one size (at least 3x3) on a regular lattice of at least 2 x 2
  places, every place filled but one (the empty place); a place reads as the colour most of its box is
  (a tile's face, whatever its rim and marks);
- the legend (`find_legend`): a grid of as many rows and columns of uniform square blocks, smaller than
  a tile, anywhere off the board, whose colours are the tiles' faces and one colour more (the empty
  place's): the arrangement to reach, block (i, j) for place (i, j);
- what a click does, of two rules: a click on a tile beside the empty place slides it there ("one"), or
  a click on any tile in the empty place's row or column slides the run of tiles between them one place
  toward it ("run"; the two agree beside the empty place). Every click on the board, whichever system
  made it, confirms or refutes them for the level; a level starts from the rule the last level
  confirmed ("one" at first). Where a plan under "run" is shorter by `PROBE_GAIN` clicks or more and the
  level has not refuted it, it is played (its first click afar is the test).

The plan: the fewest clicks from the board read to the legend's arrangement under the rule believed
(breadth-first from both ends over arrangements, `solve`), one click a step, searched again whenever
the board is not as the last click should have left it. Nothing is proposed without ACTION6, without a
board and its legend, or in a level after `MISSES` clicks did what neither rule says; a level whose first
`LOOKS` frames show no board and legend is not looked at again (the reader costs nothing in other games).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

from agent.matcher import Move
from agent.perception import segment

EMPTY = -1  # the empty place in an arrangement
PROBE_GAIN = 2  # clicks a plan under "run" must save to be tried where "one" is believed
MISSES = 2  # clicks in a level that did what neither rule says: the reader is off for the level
MOST_STATES = 200_000  # arrangements searched from both ends together
MOST_BLOCK = 4  # the largest legend block side looked for
LOOKS = 2  # frames of a level looked at for a board and its legend (its first ones): none, no more looks
Arrangement = tuple[int, ...]


@dataclass(frozen=True)
class Board:
    top: int  # the first place's top-left pixel
    left: int
    rows: int
    cols: int
    pitch_r: int  # pixels from a place to the next one down
    pitch_c: int  # ... to the right
    h: int  # a tile's box
    w: int

    def box(self, i: int) -> tuple[int, int, int, int]:
        r, c = divmod(i, self.cols)
        t, le = self.top + r * self.pitch_r, self.left + c * self.pitch_c
        return t, le, t + self.h, le + self.w

    def centre(self, i: int) -> tuple[int, int]:
        """(x, y) of the place's middle pixel."""
        t, le, b, r = self.box(i)
        return (le + r - 1) // 2, (t + b - 1) // 2

    def place_at(self, x: int, y: int) -> int | None:
        for i in range(self.rows * self.cols):
            t, le, b, r = self.box(i)
            if t <= y < b and le <= x < r:
                return i
        return None

    def hull(self) -> tuple[int, int, int, int]:
        return self.box(0)[:2] + self.box(self.rows * self.cols - 1)[2:]


def find_boards(frame: np.ndarray) -> list[tuple[Board, int]]:
    """Lattices of like-sized sprites (or single-colour parts: a tile's face, its rim, where a tile and the
    tray's floor around it read as one sprite) with exactly one place empty: (board, the empty place), the
    most places first, then the largest tiles."""
    seg = segment(frame)
    places: dict[tuple[int, int], set[tuple[int, int]]] = {}
    boxes = [sprite.box for sprite in seg.sprites] + [(p.top, p.left, p.bottom, p.right) for p in seg.parts.values()]
    for t, le, b, r in boxes:
        if min(b - t, r - le) >= 3:
            places.setdefault((b - t, r - le), set()).add((t, le))
    found = []
    for (h, w), corners in places.items():
        if len(corners) < 3:
            continue
        tops, lefts = sorted({t for t, _ in corners}), sorted({le for _, le in corners})
        pitch_r, pitch_c = _pitch(tops, h), _pitch(lefts, w)
        if pitch_r is None or pitch_c is None or len(tops) * len(lefts) != len(corners) + 1:
            continue
        board = Board(tops[0], lefts[0], len(tops), len(lefts), pitch_r, pitch_c, h, w)
        empty = [i for i in range(board.rows * board.cols) if board.box(i)[:2] not in corners]
        found.append((board, empty[0]))
    return sorted(found, key=lambda f: (-f[0].rows * f[0].cols, -f[0].h * f[0].w))


def _pitch(starts: list[int], side: int) -> int | None:
    """The one spacing of evenly spaced starts, at least `side` (None: fewer than two, or uneven)."""
    if len(starts) < 2:
        return None
    steps = {b - a for a, b in zip(starts, starts[1:], strict=False)}
    if len(steps) != 1:
        return None
    (step,) = steps
    return step if step >= side else None


def read(frame: np.ndarray, board: Board, empty: int) -> Arrangement:
    """Each place's colour (the colour most of its box is), EMPTY at the empty place."""
    out = []
    for i in range(board.rows * board.cols):
        if i == empty:
            out.append(EMPTY)
            continue
        t, le, b, r = board.box(i)
        out.append(int(np.bincount(frame[t:b, le:r].ravel(), minlength=16).argmax()))
    return tuple(out)


def find_legend(frame: np.ndarray, board: Board, faces: list[int]) -> Arrangement | None:
    """The arrangement a legend shows: board.rows x board.cols uniform square blocks smaller than a tile,
    off the board, whose colours are `faces` and one colour more (not a face: the empty place's). None
    where no such grid or grids that disagree are found."""
    rows, cols = board.rows, board.cols
    size = frame.shape[0]
    need = np.bincount(faces, minlength=16)
    hull = board.hull()
    found: set[Arrangement] = set()
    for s in range(1, min(board.h, board.w, MOST_BLOCK + 1)):
        span_h, span_w = size - rows * s + 1, size - cols * s + 1
        if span_h <= 0 or span_w <= 0:
            continue
        edge = size - s + 1
        uniform = np.ones((edge, edge), dtype=bool)
        for dy in range(s):
            for dx in range(s):
                if dy or dx:
                    uniform &= frame[dy:dy + edge, dx:dx + edge] == frame[:edge, :edge]
        ok = np.ones((span_h, span_w), dtype=bool)
        counts = np.zeros((span_h, span_w, 16), dtype=np.int16)
        ones = np.eye(16, dtype=np.int16)
        for i in range(rows):
            for j in range(cols):
                ok &= uniform[i * s:i * s + span_h, j * s:j * s + span_w]
                counts += ones[frame[i * s:i * s + span_h, j * s:j * s + span_w]]
        extra = counts - need
        ok &= (extra >= 0).all(axis=2) & (extra.sum(axis=2) == 1)
        for y, x in np.argwhere(ok).tolist():
            if y < hull[2] and y + rows * s > hull[0] and x < hull[3] and x + cols * s > hull[1]:
                continue  # on the board
            colours = [int(frame[y + i * s, x + j * s]) for i in range(rows) for j in range(cols)]
            blank = int(np.flatnonzero(extra[y, x])[0])
            if need[blank]:
                continue  # the empty place's colour is also a face's: which block is it?
            found.add(tuple(EMPTY if c == blank else c for c in colours))
    return found.pop() if len(found) == 1 else None


def slides(state: Arrangement, rows: int, cols: int, rule: str) -> Iterator[tuple[int, Arrangement]]:
    """(place clicked, arrangement after) for every click that moves something under `rule`."""
    gap = state.index(EMPTY)
    gr, gc = divmod(gap, cols)
    if rule == "one":
        lines = [(gr + dr, gc + dc) for dr, dc in ((-1, 0), (1, 0), (0, -1), (0, 1))]
        clicks = [r * cols + c for r, c in lines if 0 <= r < rows and 0 <= c < cols]
    else:
        clicks = [gr * cols + c for c in range(cols) if c != gc] + [r * cols + gc for r in range(rows) if r != gr]
    for place in clicks:
        yield place, slide(state, cols, place)


def slide(state: Arrangement, cols: int, place: int) -> Arrangement:
    """The run of tiles from `place` to the empty place (in its row or column) moved one place toward it."""
    gap = state.index(EMPTY)
    step = (1 if place > gap else -1) * (1 if place // cols == gap // cols else cols)
    out = list(state)
    at = gap
    while at != place:
        out[at] = state[at + step]
        at += step
    out[place] = EMPTY
    return tuple(out)


def solve(start: Arrangement, goal: Arrangement, rows: int, cols: int, rule: str,
          most: int = MOST_STATES) -> list[int] | None:
    """The fewest places to click from `start` to `goal` under `rule` (None: not found within `most`
    arrangements). Breadth-first from both ends: a slide is undone by a click where the empty place was."""
    if start == goal:
        return []
    if sorted(start) != sorted(goal):
        return None
    ahead: dict[Arrangement, tuple[Arrangement, int] | None] = {start: None}
    back: dict[Arrangement, tuple[Arrangement, int] | None] = {goal: None}
    front, rear = [start], [goal]
    while front and rear and len(ahead) + len(back) < most:
        forward = len(front) <= len(rear)
        seen, other = (ahead, back) if forward else (back, ahead)
        layer = []
        for state in front if forward else rear:
            gap = state.index(EMPTY)
            for place, nxt in slides(state, rows, cols, rule):
                if nxt in seen:
                    continue
                # forward: state --click place--> nxt; backward: nxt --click gap--> state
                seen[nxt] = (state, place if forward else gap)
                if nxt in other:
                    return _path(ahead, back, nxt)
                layer.append(nxt)
        if forward:
            front = layer
        else:
            rear = layer
    return None


def _path(ahead: dict[Arrangement, tuple[Arrangement, int] | None],
          back: dict[Arrangement, tuple[Arrangement, int] | None], meet: Arrangement) -> list[int]:
    first: list[int] = []
    node = meet
    while (link := ahead[node]) is not None:
        first.append(link[1])
        node = link[0]
    first.reverse()
    node = meet
    while (link := back[node]) is not None:
        first.append(link[1])
        node = link[0]
    return first


@dataclass
class Tiles:
    level: int = -1
    board: Board | None = None
    empty: int = -1  # the empty place when the board was found
    goal: Arrangement | None = None
    looked: bytes = b""  # the last frame no board and legend were found in
    looks: int = 0  # frames of this level looked at before a board was found
    believed: str = "one"  # the rule the last level that confirmed one confirmed
    confirmed: str | None = None  # this level's
    refuted: set[str] = field(default_factory=set)  # this level's
    plan: list[int] = field(default_factory=list)  # places still to click
    rule: str = "one"  # the plan's
    expected: Arrangement | None = None  # what the last click proposed should leave
    misses: int = 0
    off: bool = False

    def _new_level(self, level: int) -> None:
        if self.confirmed is not None:
            self.believed = self.confirmed
        self.level, self.board, self.goal, self.looked, self.confirmed, self.looks = level, None, None, b"", None, 0
        self.refuted, self.plan, self.expected, self.misses, self.off = set(), [], None, 0, False

    def _arrangement(self, frame: np.ndarray) -> Arrangement | None:
        """The board read in this frame: the tiles where they were, moved about (one place empty)."""
        board = self.board
        if board is None:
            return None
        colours = read(frame, board, -1)
        empty = [i for i, c in enumerate(colours) if c not in self.goal_colours]
        if len(empty) != 1:
            return None
        state = tuple(EMPTY if i == empty[0] else c for i, c in enumerate(colours))
        return state if self.goal is not None and sorted(state) == sorted(self.goal) else None

    @property
    def goal_colours(self) -> set[int]:
        return set(self.goal or ()) - {EMPTY}

    # -- learning ---------------------------------------------------------------------------------
    def observe(self, before: np.ndarray, action: int, x: int | None, y: int | None, after: np.ndarray,
                level: int) -> None:
        """Any click on the board: which rule it agrees with."""
        if level != self.level:
            self._new_level(level)
        if self.off or self.board is None or action != 6 or x is None or y is None:
            return
        place = self.board.place_at(x, y)
        old, new = self._arrangement(before), self._arrangement(after)
        if place is None or old is None:
            return
        one = slide(old, self.board.cols, place) if place in dict(slides(old, self.board.rows, self.board.cols, "one")) else old
        run = slide(old, self.board.cols, place) if place in dict(slides(old, self.board.rows, self.board.cols, "run")) else old
        if new == one == run:
            return
        if new == run:
            self.confirmed, self.rule = "run", "run"
            self.refuted.add("one")
        elif new == one:
            self.refuted.add("run")
        else:  # what neither rule says (or the board no longer read)
            self.misses += 1
            self.plan = []
            if self.misses >= MISSES:
                self.off = True

    # -- acting -----------------------------------------------------------------------------------
    def act(self, frame: np.ndarray, available: tuple[int, ...], level: int) -> Move | None:
        if level != self.level:
            self._new_level(level)
        if self.off or 6 not in available:
            return None
        state = self._arrangement(frame)
        if state is None:
            if self.board is None and self.looks >= LOOKS:
                return None  # a board shows from a level's start: none in its first frames, none at all
            self.looks += 1
            key = frame.tobytes()
            if key == self.looked or not self._find(frame):
                self.looked = key
                return None
            state = self._arrangement(frame)
            if state is None:
                return None
        assert self.board is not None and self.goal is not None
        if state == self.goal:
            return None
        if not self.plan or state != self.expected:
            self._plan(state)
            if not self.plan:
                return None
        place = self.plan.pop(0)
        self.expected = slide(state, self.board.cols, place)
        x, y = self.board.centre(place)
        return Move(6, f"tiles: {len(self.plan) + 1} clicks to the legend's arrangement (rule {self.rule})", x, y)

    def _find(self, frame: np.ndarray) -> bool:
        for board, empty in find_boards(frame):
            faces = [c for i, c in enumerate(read(frame, board, empty)) if i != empty]
            goal = find_legend(frame, board, faces)
            if goal is not None:
                self.board, self.empty, self.goal, self.plan, self.expected = board, empty, goal, [], None
                return True
        return False

    def _plan(self, state: Arrangement) -> None:
        assert self.board is not None and self.goal is not None
        rows, cols = self.board.rows, self.board.cols
        if self.confirmed == "run" or "one" in self.refuted:
            rules = ["run"]
        elif "run" in self.refuted:
            rules = ["one"]
        else:
            rules = [self.believed, "run" if self.believed == "one" else "one"]
        plans = {rule: solve(state, self.goal, rows, cols, rule) for rule in rules}
        rule = rules[0]
        if rule == "one" and len(rules) > 1:
            one, run = plans["one"], plans["run"]
            if run is not None and (one is None or len(run) + PROBE_GAIN <= len(one)):
                rule = "run"
        plan = plans[rule]
        self.rule, self.plan = rule, list(plan or [])
