"""Pushing blocks onto their targets: a block-pushing puzzle solved in the model learned while playing.

The blocks are the colour the mover pushed (the colour it entered moved on by the move's displacement).
The frame is read as a grid of the mover's size aligned with it: the blocks (the pushed colour), the
targets (the one other small colour with as many cells as there are blocks, or as many as the blocks
and the cells of a third colour, read as blocks already home), the floor (the colour the mover
entered most, the navigator's), the walls (anything else, and the HUD). A breadth-first search over
(mover cell, block cells) finds the fewest moves after which every target holds a block; the plan is
followed while the game goes where it says, and searched again when it does not.

Before a push is seen, the blocks are guessed: of two colours with as many cells (a few each) as the
level began, the one the mover never entered; a guess the mover walks onto is dropped. Nothing is proposed without blocks, without such targets, when the moves are not one cell
each, or when no plan is found within the search's budget; three plans the game did not follow turn
it off for the game.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

import numpy as np

from agent.matcher import Move
from agent.navigator import CONVENTION, Navigator

Cell = tuple[int, int]
State = tuple[Cell, frozenset[Cell]]


@dataclass
class Grid:
    top: int
    left: int
    unit: tuple[int, int]
    colours: np.ndarray  # (rows, cols): each cell's colour at its top-left pixel
    hidden: np.ndarray  # (rows, cols): cells in the HUD mask


def grid_of(frame: np.ndarray, box: tuple[int, int, int, int], mask: np.ndarray | None) -> Grid:
    uh, uw = box[2] - box[0], box[3] - box[1]
    top, left = box[0] % uh, box[1] % uw
    rows, cols = (frame.shape[0] - top) // uh, (frame.shape[1] - left) // uw
    ys, xs = top + uh * np.arange(rows), left + uw * np.arange(cols)
    colours = frame[np.ix_(ys, xs)]
    hidden = mask[np.ix_(ys, xs)] if mask is not None else np.zeros_like(colours, dtype=bool)
    return Grid(top, left, (uh, uw), colours, hidden)


@dataclass
class Pusher:
    max_nodes: int = 60_000
    pushed: int | None = None  # the colour seen pushed (or guessed)
    guessed: bool = False
    first: np.ndarray | None = None  # the level's first frame: a guess is made from it
    refuted: set[int] = field(default_factory=set)  # guesses the mover walked onto
    level: int = -1
    plan: deque[tuple[int, State]] = field(default_factory=deque)
    deviations: int = 0
    off: bool = False
    targets: frozenset[Cell] = frozenset()  # this level's target cells
    target_colour: int = -1

    # -- learning ---------------------------------------------------------------------------------
    def observe(self, before: np.ndarray, action: int, after: np.ndarray, mask: np.ndarray | None,
                navigator: Navigator) -> None:
        """Learn the pushed colour from any system's move: the colour the mover entered, found one
        displacement further on where it was not."""
        if (self.pushed is not None and not self.guessed) or self.off:
            return
        rules = navigator.rules
        move = rules.displacement(action) if action in (1, 2, 3, 4) else None
        b0, b1 = rules.mover_box(before, mask), rules.mover_box(after, mask)
        if move is None or b0 is None or b1 is None or (b1[0] - b0[0], b1[1] - b0[1]) != (move[1], move[0]):
            return
        h, w = before.shape
        r, c = b1[0], b1[1]  # the mover's new top-left: what stood there before
        r2, c2 = r + move[1], c + move[0]
        if not (0 <= r2 < h and 0 <= c2 < w):
            return
        colour = int(before[r, c])
        if colour not in (rules.mover, navigator.floor) and int(after[r2, c2]) != int(before[r2, c2]) \
                and int(before[r2, c2]) != colour:
            if self.pushed != colour:
                self.plan.clear()
                self.targets = frozenset()
            self.pushed, self.guessed = colour, False

    # -- acting -----------------------------------------------------------------------------------
    def _guess(self, frame: np.ndarray, box: tuple[int, int, int, int], mask: np.ndarray | None,
               navigator: Navigator) -> int | None:
        """Before any push: of two colours with as many cells each (a few) as the level began, the one
        the mover never entered (the other may be the targets it walks on); the first such pair in
        colour order."""
        grid = grid_of(frame, box, mask)
        colours, counts = np.unique(grid.colours[~grid.hidden], return_counts=True)
        small = {int(c): int(n) for c, n in zip(colours, counts, strict=True)
                 if int(c) not in (navigator.rules.mover, navigator.floor) and n <= 8}
        for a, n in sorted(small.items()):
            for b, m in sorted(small.items()):
                if a < b and n == m:
                    choices = [c for c in (a, b) if not navigator.entered[c]]
                    if len(choices) == 1 or (len(choices) == 2 and a not in self.refuted):
                        return choices[0]
        return None

    def act(self, frame: np.ndarray, available: tuple[int, ...], mask: np.ndarray | None, navigator: Navigator,
            level: int) -> Move | None:
        if self.off:
            return None
        if level != self.level:
            self.level = level
            self.first = frame
            self.plan.clear()
            self.targets = frozenset()
            if self.guessed:
                self.pushed = None  # a guess is made again on each level
        if self.pushed is None:
            box = navigator.rules.mover_box(frame, mask)
            if box is None or navigator.floor is None or self.first is None:
                return None
            self.pushed = self._guess(self.first, box, mask, navigator)
            self.guessed = self.pushed is not None
            if self.pushed is None:
                return None
        if self.guessed and navigator.entered[self.pushed]:  # the mover walked onto the guessed blocks
            self.refuted.add(self.pushed)
            self.pushed, self.guessed = None, False
            self.plan.clear()
            self.targets = frozenset()
            return None
        rules = navigator.rules
        box = rules.mover_box(frame, mask)
        floor = navigator.floor
        if box is None or floor is None:
            return None
        uh, uw = box[2] - box[0], box[3] - box[1]
        steps: dict[int, tuple[int, int]] = {}
        for action in (1, 2, 3, 4):
            d = rules.displacement(action)
            if action not in available:
                continue
            if d is None:  # not seen yet: ARC's convention (up, down, left, right), one cell
                d = (CONVENTION[action][0] * uw, CONVENTION[action][1] * uh)
            if (abs(d[0]), abs(d[1])) not in ((uw, 0), (0, uh)):
                return None  # moves that are not one cell each: not a grid of the mover's size
            steps[action] = (d[1] // uh, d[0] // uw)
        if len(steps) < 4 or not any(rules.displacement(a) for a in steps):
            return None
        grid = grid_of(frame, box, mask)
        read = self._read(grid, box, floor, rules.mover)
        if read is None:
            return None
        state, targets, walls = read
        if self.plan and self._expected == state:
            action, after = self.plan.popleft()
            self._expected = after
            return Move(action, f"pusher: {len(self.plan) + 1} moves push the blocks onto the targets")
        if self.plan:
            self.deviations += 1
            self.plan.clear()
            if self.deviations >= 3:
                self.off = True
                return None
        path = self._search(state, targets, walls, steps)
        if not path:
            return None
        self.plan = deque(path)
        action, after = self.plan.popleft()
        self._expected = after
        return Move(action, f"pusher: {len(self.plan) + 1} moves push the blocks onto the targets")

    _expected: State | None = None

    def _read(self, grid: Grid, box: tuple[int, int, int, int], floor: int, mover: int | None
              ) -> tuple[State, frozenset[Cell], np.ndarray] | None:
        colours = grid.colours
        pushed = self.pushed
        player = ((box[0] - grid.top) // grid.unit[0], (box[1] - grid.left) // grid.unit[1])
        if not self.targets:  # once per level: the targets, the one other colour with as many cells as blocks
            counts = {int(c): int(n) for c, n in zip(*np.unique(colours[~grid.hidden], return_counts=True), strict=True)}
            blocks_n = counts.get(pushed if pushed is not None else -1, 0)
            candidates = [c for c, n in sorted(counts.items()) if c not in (pushed, floor, mover) and n == blocks_n]
            if blocks_n == 0 or len(candidates) != 1:
                return None
            self.target_colour = candidates[0]
            self.targets = frozenset((int(r), int(c)) for r, c in zip(*np.nonzero(colours == candidates[0]), strict=True))
        # a block on its target shows in a colour of its own: a target cell in neither the target's
        # colour, the floor's nor the mover's holds a block
        blocks = {(int(r), int(c)) for r, c in zip(*np.nonzero(colours == pushed), strict=True)}
        blocks |= {t for t in self.targets if int(colours[t]) not in (self.target_colour, floor, mover)}
        if len(blocks) != len(self.targets):
            return None
        free = np.isin(colours, [floor, self.target_colour, -1 if pushed is None else pushed, -1 if mover is None else mover]) & ~grid.hidden
        for t in self.targets:
            free[t] = True
        walls = ~free
        targets = self.targets
        return (player, frozenset(blocks)), frozenset(targets), walls

    def _search(self, start: State, targets: frozenset[Cell], walls: np.ndarray,
                steps: dict[int, Cell]) -> list[tuple[int, State]]:
        rows, cols = walls.shape

        def wall(cell: Cell) -> bool:
            return not (0 <= cell[0] < rows and 0 <= cell[1] < cols) or bool(walls[cell])

        parent: dict[State, tuple[State, int] | None] = {start: None}
        queue = deque([start])
        while queue and len(parent) < self.max_nodes:
            state = queue.popleft()
            player, blocks = state
            for action, (dr, dc) in steps.items():
                ahead = (player[0] + dr, player[1] + dc)
                if wall(ahead):
                    continue
                if ahead in blocks:
                    beyond = (ahead[0] + dr, ahead[1] + dc)
                    if wall(beyond) or beyond in blocks:
                        continue
                    nxt: State = (ahead, (blocks - {ahead}) | {beyond})
                else:
                    nxt = (ahead, blocks)
                if nxt in parent:
                    continue
                parent[nxt] = (state, action)
                if nxt[1] == targets:
                    path = []
                    at: State = nxt
                    while parent[at] is not None:
                        prev, act = parent[at]  # type: ignore[misc]
                        path.append((act, at))
                        at = prev
                    return path[::-1]
                queue.append(nxt)
        return []
