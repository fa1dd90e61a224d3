"""Movers that move together: every key moves several sprites at once, each its own way; one plan over
their joint places walks each onto the patch of its own colour.

Everything is learned while playing a novel level:
- the movers: the sprites that moved on a key action when two or more moved at once
  (`agent.perception.motions`, looked for on a level's first dozen moves, where two or more separate
  patches of cells changed, and no more in a game where two dozen showed none; the same pictures again on another key that moved each another way, so a
  block pushed once or a sentry on its round is none), each kept as its picture (found again in any
  frame by exact template match); each one's displacement per action (the same key may move one left and another right: a
  mirrored twin), the last one seen winning, so a rule that changes between levels is re-learned;
- per colour: entered (a mover's box went onto it), a stopper (a mover whose displacement is known
  stayed put with that colour ahead of it, never entered), deadly (ahead of a mover on the move that
  ended the game, never entered);
- the goal, a prior: each mover onto a patch of its largest colour (a component at least as large as
  that colour in the mover, so a legend's small swatch is none, and not under a mover), patches remembered from the level's first frame on
  (a mover standing on its patch hides it).
A breadth-first search over the movers' joint places (each shifted by its displacement, ARC's convention
where none was seen yet, unless a stopper,
a HUD line along the frame's edge or the edge itself is ahead; moves that would put a mover on a deadly colour or two
movers on one place are not taken) finds the fewest moves; the plan is followed while every mover is where it
expects, made again otherwise. A plan that ended with every mover on its patch and no level-up, twice
in a level, turns the reader off there.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from agent.frames import colour_in, edge_lines, label_components, picture_places
from agent.matcher import Box, Move
from agent.navigator import _any, _integral, with_convention
from agent.perception import motions, segment

Place = tuple[int, int]  # (top, left) of a mover's box


@dataclass
class MoverModel:
    picture: np.ndarray  # its pixels, -1 where transparent
    moves: dict[int, tuple[int, int]] = field(default_factory=dict)  # action -> (drow, dcol)

    @cached_property
    def main(self) -> int:
        colours, counts = np.unique(self.picture[self.picture >= 0], return_counts=True)
        return int(colours[np.argmax(counts)])

    @cached_property
    def size(self) -> tuple[int, int]:
        return int(self.picture.shape[0]), int(self.picture.shape[1])

    def find(self, frame: np.ndarray) -> Place | None:
        """Where its picture shows exactly once in `frame` (None: nowhere, or in several places)."""
        hits = picture_places(self.picture, frame)
        return hits[0] if len(hits) == 1 else None


@dataclass
class Twins:
    max_nodes: int = 8000
    max_area: int = 64  # a mover is a sprite of at most this many cells
    # a key that moved more sprites than this at once moved an animation's, not twins (24 drifting sprites, each
    # looked for in every frame once two of them turned on one move: 3 ms a step)
    most_movers: int = 6
    movers: list[MoverModel] = field(default_factory=list)
    entered: set[int] = field(default_factory=set)
    stopped: set[int] = field(default_factory=set)  # colours ahead of a mover that stayed put
    deadly: set[int] = field(default_factory=set)
    level: int = -1
    pads: dict[int, set[Box]] = field(default_factory=dict)  # per colour, this level's patches
    plan: deque[tuple[int, tuple[Place, ...]]] = field(default_factory=deque)
    expect: tuple[Place, ...] | None = None  # where the last move proposed puts the movers
    misses: int = 0
    off: bool = False
    looks: int = 0  # moves of this level looked at for movers (the first `max_looks` of each level)
    max_looks: int = 12
    game_looks: int = 0  # and in the game: none seen moving together in `max_game_looks`, none looked for
    max_game_looks: int = 24
    pads_seen_at: tuple[Place, ...] | None = None
    candidates: list[MoverModel] = field(default_factory=list)  # seen moving together once: not yet movers
    # places searches found no plan from, by what they knew
    fruitless: dict[tuple, set[tuple[Place, ...]]] = field(default_factory=dict)

    def _begin(self, level: int) -> None:
        if level != self.level:
            self.level, self.misses, self.off, self.looks = level, 0, False, 0
            self.pads_seen_at = None
            self.pads.clear()
            self.plan.clear()
            self.expect = None

    def places(self, frame: np.ndarray) -> tuple[Place, ...] | None:
        found = tuple(m.find(frame) for m in self.movers)
        return None if any(p is None for p in found) else found  # type: ignore[return-value]

    # -- learning -------------------------------------------------------------------------------------
    def observe(self, before: np.ndarray, action: int, after: np.ndarray, mask: np.ndarray | None,
                level: int) -> None:
        """A key action's frames within one level."""
        self._begin(level)
        if action not in (1, 2, 3, 4):
            return
        was, now = (self.places(before), self.places(after)) if len(self.movers) >= 2 else (None, None)
        if was is None or now is None:
            if self.candidates and self._confirm(before, action, after):
                return
            if self.looks < self.max_looks and (self.movers or self.candidates or self.game_looks < self.max_game_looks):
                self.looks += 1
                self.game_looks += 1
                if self._apart(before, after, mask):
                    self._find_movers(before, action, after, mask)
            return
        for mover, a, b in zip(self.movers, was, now, strict=True):
            d = (b[0] - a[0], b[1] - a[1])
            h, w = mover.size
            if d != (0, 0):
                mover.moves[action] = d
                self.entered.update(self._under(before, (b[0], b[1], b[0] + h, b[1] + w), was))
                self.deadly -= self.entered
            elif action in mover.moves:
                dr, dc = mover.moves[action]
                ahead = self._under(before, (a[0] + dr, a[1] + dc, a[0] + dr + h, a[1] + dc + w), was)
                self.stopped.update(c for c in ahead if c not in self.entered)

    def game_over(self, before: np.ndarray, action: int, budget: bool) -> bool:
        """The move `action` from `before` ended the game: what lay ahead of a mover, never entered nor
        known to stop it, kills (unless the level's step budget explains it: `budget`). True when that
        named a colour not known to kill before (a death it learnt from)."""
        was = self.places(before) if len(self.movers) >= 2 else None
        self.plan.clear()
        self.expect = None
        if was is None or budget:
            return False
        known = set(self.deadly)
        for mover, a in zip(self.movers, was, strict=True):
            if action in mover.moves:
                dr, dc = mover.moves[action]
                h, w = mover.size
                ahead = self._under(before, (a[0] + dr, a[1] + dc, a[0] + dr + h, a[1] + dc + w), was)
                self.deadly.update(c for c in ahead if c not in self.entered and c not in self.stopped)
        return bool(self.deadly - known)

    def _under(self, frame: np.ndarray, box: Box, places: tuple[Place, ...]) -> set[int]:
        """The colours in `box` of `frame`, the movers' own pixels left out."""
        top, left, bottom, right = box
        if top < 0 or left < 0 or bottom > frame.shape[0] or right > frame.shape[1]:
            return set()
        cells = np.ones((bottom - top, right - left), dtype=bool)
        for mover, (r, c) in zip(self.movers, places, strict=True):
            h, w = mover.size
            rows = slice(max(r, top), min(r + h, bottom))
            cols = slice(max(c, left), min(c + w, right))
            if rows.start < rows.stop and cols.start < cols.stop:
                pic = mover.picture[rows.start - r:rows.stop - r, cols.start - c:cols.stop - c]
                cells[rows.start - top:rows.stop - top, cols.start - left:cols.stop - left] &= pic < 0
        return set(np.unique(frame[top:bottom, left:right][cells]).tolist())

    def _apart(self, before: np.ndarray, after: np.ndarray, mask: np.ndarray | None) -> bool:
        """The move changed two or more separate patches of cells (the HUD left out): worth the two
        segmentations that look for movers (one mover, or one pushing a block, changes one patch)."""
        changed = before != after
        if mask is not None:
            changed &= ~mask
        if not changed.any():
            return False
        labels = label_components(changed.astype(np.uint8))
        return len(np.unique(labels[changed])) >= 2

    def _confirm(self, before: np.ndarray, action: int, after: np.ndarray) -> bool:
        """The candidates moved together again on this move: they are the movers."""
        together = 0
        for model in self.candidates:
            was, now = model.find(before), model.find(after)
            if was is None or now is None or was == now:
                continue
            d = (now[0] - was[0], now[1] - was[1])
            # a mover the keys steer: another key, another way (a sentry goes its way whatever is pressed)
            steered = action not in model.moves and d not in model.moves.values()
            model.moves[action] = d
            together += steered
        if together < 2:
            return False
        self.movers, self.candidates = self.candidates, []
        self.plan.clear()
        self.expect = None
        return True

    def _find_movers(self, before: np.ndarray, action: int, after: np.ndarray, mask: np.ndarray | None) -> None:
        """Two or more sprites moved by this key: candidates; the same pictures moving together again:
        the movers (a new set replaces the old)."""
        seen = segment(before, mask)
        moved = [m for m in motions(seen, segment(after, mask)) if sum(p.area for p in m.parts) <= self.max_area]
        if len(moved) < 2:
            return
        models = []
        for motion in moved:
            # the whole sprite the moved parts belong to (a part that touched a patch of its own colour
            # after the move is not matched by shape), if it is small
            indices = {p.index for p in motion.parts}
            whole = next((sp for sp in seen.sprites if indices & {p.index for p in sp.parts}), None)
            parts = whole.parts if whole is not None and whole.area <= self.max_area else motion.parts
            top, left = min(p.top for p in parts), min(p.left for p in parts)
            bottom, right = max(p.bottom for p in parts), max(p.right for p in parts)
            picture = np.full((bottom - top, right - left), -1, dtype=np.int16)
            labels = seen.labels[top:bottom, left:right]
            for part in parts:
                picture[labels == part.index] = part.colour
            model = MoverModel(picture)
            if model.find(before) != (top, left) or model.find(after) != (top + motion.dy, left + motion.dx):
                continue  # not one picture that moved whole: no template to follow
            model.moves[action] = (motion.dy, motion.dx)
            old = next((m for m in self.movers if m.picture.shape == picture.shape and (m.picture == picture).all()), None)
            if old is not None:
                model.moves = {**old.moves, action: (motion.dy, motion.dx)}
            models.append(model)
        pictures = [m.picture.tobytes() + bytes(m.picture.shape) for m in models]
        models = [m for m, p in zip(models, pictures, strict=True) if pictures.count(p) == 1]  # twins alike: no template
        if 2 <= len(models) <= self.most_movers:
            self.candidates = models  # movers once seen moving together again (a pushed block moves once)

    # -- acting ---------------------------------------------------------------------------------------
    def act(self, frame: np.ndarray, available: tuple[int, ...], mask: np.ndarray | None, level: int) -> Move | None:
        self._begin(level)
        if self.off or len(self.movers) < 2:
            return None
        here = self.places(frame)
        if here is None:
            return None
        if here != self.pads_seen_at:  # (the patches are read again where the movers moved)
            self._see_pads(frame, here)
            self.pads_seen_at = here
        goals = [self.pads.get(m.main) for m in self.movers]
        if not all(goals):
            return None
        if self.expect is not None and here == self.expect and self._at_goal(here, goals):  # type: ignore[arg-type]
            # every mover on its patch and the level goes on: not the goal (twice: off in this level)
            self.misses += 1
            self.off = self.misses >= 2
            self.plan.clear()
            self.expect = None
            if self.off:
                return None
        if not (self.plan and self.expect == here):
            # a search that found nothing is not made again from that place until something is learnt, nor
            # from a fourth place (a search costs tens of milliseconds; where the goal is out of reach, it is
            # from most places)
            known = (frozenset(self.stopped), frozenset(self.deadly), tuple(frozenset(g or ()) for g in goals),
                     tuple(tuple(sorted(m.moves.items())) for m in self.movers))
            failed = self.fruitless.setdefault(known, set())
            self.plan = deque()
            if here not in failed and len(failed) < 3:
                self.plan = self._search(frame, available, mask, here, goals)  # type: ignore[arg-type]
                if not self.plan:
                    failed.add(here)
        if not self.plan:
            self.expect = None
            return None
        action, self.expect = self.plan.popleft()
        return Move(action, f"twins: {len(self.movers)} movers to the patches of their colours, "
                            f"{len(self.plan) + 1} moves")

    @staticmethod
    def _moves(mover: MoverModel) -> dict[int, tuple[int, int]]:
        """Its displacement (drow, dcol) per key action: as seen, else ARC's convention at the step of
        the moves seen, a guess the first try checks."""
        guessed = with_convention({a: (dc, dr) for a, (dr, dc) in mover.moves.items()})
        return {a: (dy, dx) for a, (dx, dy) in guessed.items()}

    def _see_pads(self, frame: np.ndarray, here: tuple[Place, ...]) -> None:
        covered = np.zeros(frame.shape, dtype=bool)
        for mover, (r, c) in zip(self.movers, here, strict=True):
            h, w = mover.size
            covered[r:r + h, c:c + w] = True
        labels = label_components(frame)
        for mover in self.movers:
            colour = mover.main
            least = int((mover.picture == colour).sum())  # room to stand on: a legend's swatch is smaller
            for label in np.unique(labels[(frame == colour) & ~covered]).tolist():
                cells = labels == label
                if (cells & covered).any() or not least <= int(cells.sum()) <= 4 * mover.picture.size:
                    continue
                rows, cols = np.flatnonzero(cells.any(1)), np.flatnonzero(cells.any(0))
                self.pads.setdefault(colour, set()).add((int(rows[0]), int(cols[0]), int(rows[-1]) + 1,
                                                         int(cols[-1]) + 1))

    def _at_goal(self, places: tuple[Place, ...], goals: list[set[Box]]) -> bool:
        return all(place in self._goal_places(i, pads) for i, (place, pads) in enumerate(zip(places, goals, strict=True)))

    def _search(self, frame: np.ndarray, available: tuple[int, ...], mask: np.ndarray | None,
                start: tuple[Place, ...], goals: list[set[Box]]) -> deque[tuple[int, tuple[Place, ...]]]:
        covered = np.zeros(frame.shape, dtype=bool)
        for mover, (r, c) in zip(self.movers, start, strict=True):
            h, w = mover.size
            covered[r:r + h, c:c + w] |= mover.picture >= 0
        blocked = colour_in(frame, self.stopped - self.deadly) & ~covered
        edges = edge_lines(mask)  # the HUD along the frame's edges (a detector may draw lines through the board)
        if edges is not None:
            blocked |= edges
        integral = _integral(blocked)
        deadly = _integral(colour_in(frame, self.deadly) & ~covered)  # entered, not stopped at: no such move
        height, width = frame.shape
        moves = [self._moves(m) for m in self.movers]
        actions = [a for a in (1, 2, 3, 4) if a in available and all(a in d for d in moves)]
        sizes = [m.size for m in self.movers]
        # each mover's next place per (place, action), and whether a place is deadly: computed once a search
        step: dict[tuple[int, Place, int], Place | None] = {}

        def next_place(i: int, place: Place, action: int) -> Place | None:
            key = (i, place, action)
            if key not in step:
                (r, c), (h, w), (dr, dc) = place, sizes[i], moves[i][action]
                t, lft = r + dr, c + dc
                if t < 0 or lft < 0 or t + h > height or lft + w > width or _any(integral, t, lft, t + h, lft + w):
                    t, lft = r, c
                step[key] = None if _any(deadly, t, lft, t + h, lft + w) else (t, lft)
            return step[key]

        targets = [self._goal_places(i, pads) for i, pads in enumerate(goals)]
        parents: dict[tuple[Place, ...], tuple[tuple[Place, ...], int] | None] = {start: None}
        queue = deque([start])
        while queue and len(parents) < self.max_nodes:
            state = queue.popleft()
            if all(place in target for place, target in zip(state, targets, strict=True)):
                path: deque[tuple[int, tuple[Place, ...]]] = deque()
                while (parent := parents[state]) is not None:
                    path.appendleft((parent[1], state))
                    state = parent[0]
                return path
            for action in actions:
                nxt = [next_place(i, place, action) for i, place in enumerate(state)]
                if None in nxt:
                    continue
                key: tuple[Place, ...] = tuple(p for p in nxt if p is not None)
                if key in parents or _overlap(key, sizes):
                    continue
                parents[key] = (state, action)
                queue.append(key)
        return deque()

    def _goal_places(self, i: int, pads: set[Box]) -> set[Place]:
        """The places of mover `i` whose box covers one of `pads` or lies inside it."""
        h, w = self.movers[i].size
        out: set[Place] = set()
        for a, b, c, d in pads:
            for rows, cols in (((c - h, a), (d - w, b)), ((a, c - h), (b, d - w))):
                out.update((r, q) for r in range(rows[0], rows[1] + 1) for q in range(cols[0], cols[1] + 1))
        return out


def _overlap(places: tuple[Place, ...], sizes: list[tuple[int, int]]) -> bool:
    boxes = [(r, c, r + h, c + w) for (r, c), (h, w) in zip(places, sizes, strict=True)]
    for i in range(len(boxes)):
        for j in range(i + 1, len(boxes)):
            a, b = boxes[i], boxes[j]
            if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]:
                return True
    return False
