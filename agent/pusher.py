"""Pushing blocks onto their targets: a block-pushing puzzle solved in the model learned while playing.

The frame is read as a grid of the mover's size aligned with it. A hypothesis names three colours,
read in the level's first frame (the cells under the mover filled in once it has left them): the
blocks and the targets (small colours with as many cells each), and perhaps a colour of blocks
already home (sitting on targets), only ever a colour seen pushed (the colour the mover entered,
found one displacement further on where it was not). Blocks are never a colour the mover walked onto
without pushing it. The floor is the colour the mover entered most (the navigator's; if that covers a
few cells only, a target stepped on first, the commonest other colour it entered), and any other
colour of many cells it entered (a textured floor); walls are anything else, and the HUD as the level
began. Blocks and targets are read in the mover's room only (the cells it connects to past walls: a
counter's icon in the HUD, drawn as a block, is none). A breadth-first search over (mover cell, block cells)
finds the fewest moves after which every target holds a block; the plan is followed while the game
goes where it says. Blocks that go elsewhere than planned refute the hypothesis for the level (the
next one is tried); a move by another system only drops the plan. When no plan exists and the blocks
are not where the level began, ACTION7 (undo) is pressed, if available, up to 8 times a level: a push
no plan recovers from is taken back.

Nothing is proposed without a hypothesis, when the moves are not one cell each, or when no plan is
found within the search's budget; three plans the game did not follow turn it off for the level.
"""

from __future__ import annotations

from collections import Counter, deque
from dataclasses import dataclass, field

import numpy as np

from agent.frames import clear_of, flood
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


def room_of(grid: Grid, player: Cell, entered: Counter[int]) -> np.ndarray:
    """The grid cells the mover's cell connects to (4-neighbours), walls apart: a wall is a colour of
    many cells (over 8) the mover never entered; hidden (HUD) cells are walls too. What lies outside
    the mover's room (a counter's icon in the HUD, in the blocks' colour) is no block or target."""
    colours = grid.colours
    seen, counts = np.unique(colours, return_counts=True)
    walls = np.isin(colours, [int(c) for c, n in zip(seen, counts, strict=True) if n > 8 and not entered[int(c)]])
    walls |= grid.hidden
    rows, cols = colours.shape
    if not (0 <= player[0] < rows and 0 <= player[1] < cols):
        return ~walls
    return flood(~walls, [player])


def visible_counts(grid: Grid) -> dict[int, int]:
    """Cells per colour on the grid, the hidden (HUD) ones apart."""
    colours, counts = np.unique(grid.colours[~grid.hidden], return_counts=True)
    return dict(zip(colours.tolist(), counts.tolist(), strict=True))


def _held(frame: np.ndarray, grid: Grid, room: np.ndarray, colour: int, share: float = 0.8) -> bool:
    """Whether the colour's pixels in the room lie (mostly) in the cells read as that colour: a block's
    or target's do; a textured floor's speckle, read in a few cells by chance, lies all over the room."""
    rows, cols = grid.colours.shape
    uh, uw = grid.unit
    region = frame[grid.top:grid.top + rows * uh, grid.left:grid.left + cols * uw]
    per_cell = (region == colour).reshape(rows, uh, cols, uw).sum(axis=(1, 3))
    total = int(per_cell[room].sum())
    return total == 0 or int(per_cell[room & (grid.colours == colour)].sum()) >= share * total


def _cells(where: np.ndarray) -> frozenset[Cell]:
    return frozenset((int(r), int(c)) for r, c in zip(*np.nonzero(where), strict=True))


Hypothesis = tuple[int, int, int | None]  # (block colour, target colour, colour of a block at home)


@dataclass
class Pusher:
    max_nodes: int = 60_000
    guess_nodes: int = 60_000  # the search's budget while the blocks were not seen pushed (a guess)
    pushed: set[int] = field(default_factory=set)  # colours seen pushed in this game
    first: np.ndarray | None = None  # the level's first frame: the hypotheses are read in it
    level: int = -1
    hypothesis: Hypothesis | None = None
    rejected: set[Hypothesis] = field(default_factory=set)  # this level's hypotheses the game refuted
    plan: deque[tuple[int, State]] = field(default_factory=deque)
    moves: dict[int, tuple[int, int]] = field(default_factory=dict)  # action -> (rows, cols) seen this level
    deviations: int = 0  # plans the game did not follow in this level (three: off for the level)
    off: bool = False
    targets: frozenset[Cell] = frozenset()  # this level's target cells (under the hypothesis)
    start_blocks: frozenset[Cell] = frozenset()  # the blocks as the level began (under the hypothesis)
    undos: int = 0  # ACTION7s spent in this level taking back pushes no plan recovers from
    max_undos: int = 8
    # the HUD mask as the level began, kept for the level: pushes animate over several frames, which a
    # status-bar detector may later take for a bar over the whole room
    mask: np.ndarray | None = None
    uncovered: bool = False  # the first frame's cells under the mover filled in (it moved off them)
    _proposed: int | None = None  # the action last proposed (another taken: the plan is dropped)
    _none_for: tuple[object, ...] | None = None  # what no hypothesis was found from, last

    @property
    def guessed(self) -> bool:
        """The hypothesis' blocks were not seen pushed yet."""
        return self.hypothesis is not None and self.hypothesis[0] not in self.pushed

    # -- learning ---------------------------------------------------------------------------------
    def observe(self, before: np.ndarray, action: int, after: np.ndarray, mask: np.ndarray | None,
                navigator: Navigator) -> None:
        """Learn the pushed colours from any system's move: the colour the mover entered, found one
        displacement further on where it was not."""
        if self.off:
            return
        if action != self._proposed:  # another system moved: the plan is not the game's to refute
            self.plan.clear()
        self._proposed = None
        mask = self.mask if self.level >= 0 else mask
        rules = navigator.rules
        if action not in (1, 2, 3, 4):
            return
        b0, b1 = rules.mover_box(before, mask), rules.mover_box(after, mask)
        if b0 is None or b1 is None:
            return
        dy, dx = b1[0] - b0[0], b1[1] - b0[1]
        if (dy == 0) == (dx == 0):  # not moved, or not along one axis
            return
        self.moves[action] = (dy, dx)  # this level's moves (a level may be drawn at another scale)
        move = (dx, dy)
        h, w = before.shape
        r, c = b1[0], b1[1]  # the mover's new top-left: what stood there before
        r2, c2 = r + move[1], c + move[0]
        if not (0 <= r2 < h and 0 <= c2 < w):
            return
        colour = int(before[r, c])
        if colour not in (rules.mover, navigator.floor) and int(after[r2, c2]) != int(before[r2, c2]) \
                and int(before[r2, c2]) != colour and colour not in self.pushed:
            self.pushed.add(colour)
            if self.hypothesis is not None and colour not in self.hypothesis[::2]:
                block, target, home = self.hypothesis
                cell = (b1[0] // (b1[2] - b1[0]), b1[1] // (b1[3] - b1[1]))  # the mover's cell: the block's before
                if home is None and block in self.pushed and colour != target and cell in self.targets:
                    # a block seen pushed before, pushed off a target: a block at home has a colour of its own
                    self.hypothesis = (block, target, colour)
                else:
                    self._drop()  # a colour pushed that the hypothesis holds for no block

    def _drop(self) -> None:
        if self.hypothesis is not None:
            self.rejected.add(self.hypothesis)
        self.hypothesis, self.targets = None, frozenset()
        self.plan.clear()

    # -- acting -----------------------------------------------------------------------------------
    def _choose(self, frame: np.ndarray, box: tuple[int, int, int, int], mask: np.ndarray | None,
                navigator: Navigator) -> Hypothesis | None:
        """Of the colours with a few cells (8 at most) as the level began: blocks and targets of as
        many cells, and perhaps a third colour seen pushed for blocks already home (on targets).
        Blocks are never a colour the mover entered; a colour seen pushed is a block's. The
        hypothesis whose blocks were seen pushed, then that accounts for the most colours seen pushed,
        then for the most small colours, then the first in colour order; one the game refuted in this
        level is not made again."""
        grid = grid_of(frame, box, mask)
        room = room_of(grid, ((box[0] - grid.top) // grid.unit[0], (box[1] - grid.left) // grid.unit[1]),
                       navigator.entered)
        colours, counts = np.unique(grid.colours[room & ~grid.hidden], return_counts=True)
        # (a "floor" of a few cells is no floor: the mover's first step was onto a target)
        small = {int(c): int(n) for c, n in zip(colours, counts, strict=True)
                 if int(c) != navigator.rules.mover and n <= 8}
        small = {c: n for c, n in small.items() if _held(frame, grid, room, c)}
        best: tuple[tuple[bool, int, int], Hypothesis] | None = None
        for b, n in sorted(small.items()):
            for t, m in sorted(small.items()):
                if t == b or m != n or (navigator.entered[b] and b not in self.pushed):
                    continue
                for home in [None, *sorted(self.pushed & set(small))]:
                    if home in (b, t):
                        continue
                    hyp = (b, t, home)
                    if hyp in self.rejected or self.pushed & set(small) - {b, home}:
                        continue
                    score = (b in self.pushed, len(self.pushed & {b, home}), 2 + (home is not None))
                    if best is None or score > best[0]:
                        best = (score, hyp)
        return None if best is None else best[1]

    def act(self, frame: np.ndarray, available: tuple[int, ...], mask: np.ndarray | None, navigator: Navigator,
            level: int, start: np.ndarray | None = None) -> Move | None:
        """The plan's next move, an undo or a restart; `start` is the level's first frame (where RESET
        leads) when the pusher is first asked after other systems moved."""
        self._proposed = None
        if level != self.level:
            first = frame if start is None else start
            self.level, self.first, self.hypothesis, self.mask = level, first, None, mask
            self.start_box = navigator.rules.mover_box(first, None)
            self.resets, self.start_solvable = 0, {}
            self.stuck = set()
            self.uncovered, self.off, self.deviations = False, False, 0
            self.moves = {}
            self.rejected.clear()
            self.plan.clear()
            self.targets = frozenset()
            self.undos = 0
        if self.off:
            return None
        if mask is not None and self.mask is not None and not np.array_equal(mask, self.mask):
            # the detector dropping lines it took for HUD on the level's first moves is believed (a line
            # through the room hides blocks and targets); lines it adds later are not (a push animates
            # over several frames, which a status-bar detector may take for a bar over the whole room)
            self.mask = self.mask & mask
        self.mask = clear_of(self.mask, [navigator.rules.mover_box(frame, None)])
        mask = self.mask
        rules = navigator.rules
        box = rules.mover_box(frame, mask)
        if box is None or navigator.floor is None or self.first is None:
            return None
        if not self.uncovered:  # what the mover stood on as the level began, once it has left it
            was = rules.mover_box(self.first, mask)
            if was is not None and (box[2] <= was[0] or was[2] <= box[0] or box[3] <= was[1] or was[3] <= box[1]):
                self.first = self.first.copy()
                self.first[was[0]:was[2], was[1]:was[3]] = frame[was[0]:was[2], was[1]:was[3]]
                self.uncovered = True
                if self.hypothesis is not None and self.plan == deque():
                    self.hypothesis, self.targets = None, frozenset()
        if self.hypothesis is not None and any(navigator.entered[c] and c not in self.pushed
                                               for c in self.hypothesis[::2] if c is not None):
            self._drop()  # the mover walked onto what the hypothesis holds for blocks (never pushed)
        if self.hypothesis is None:
            # what a hypothesis is chosen from; unchanged since the last search found none: none again
            key = (level, self.uncovered, frozenset(self.pushed), frozenset(self.rejected), frozenset(+navigator.entered),
                   navigator.floor, rules.mover, box[0] % (box[2] - box[0]), box[1] % (box[3] - box[1]),
                   box[2] - box[0], box[3] - box[1], None if mask is None else mask.tobytes())
            if key == self._none_for:
                return None
            self.hypothesis = self._choose(self.first, box, mask, navigator)
            if self.hypothesis is None:
                self._none_for = key
                return None
        grid = grid_of(frame, box, mask)
        count = visible_counts(grid)
        floor = self._floor(count, navigator)
        if floor is None:
            return None
        uh, uw = box[2] - box[0], box[3] - box[1]
        steps: dict[int, tuple[int, int]] = {}
        for action in (1, 2, 3, 4):
            if action not in available:
                continue
            seen = self.moves.get(action)
            # not seen in this level yet: ARC's convention (up, down, left, right), one cell
            d = (seen[1], seen[0]) if seen is not None else (CONVENTION[action][0] * uw, CONVENTION[action][1] * uh)
            if (abs(d[0]), abs(d[1])) not in ((uw, 0), (0, uh)):
                return None  # moves that are not one cell each: not a grid of the mover's size
            steps[action] = (d[1] // uh, d[0] // uw)
        if len(steps) < 4 or not self.moves:
            return None
        read = self._read(grid, box, floor, rules.mover, navigator.entered, count)
        if read is None:
            return None
        state, targets, walls = read
        if self.plan and self._expected == state:
            action, after = self.plan.popleft()
            self._expected, self._proposed = after, action
            return Move(action, f"pusher: {len(self.plan) + 1} moves push the blocks onto the targets")
        if self.plan:
            self.deviations += 1
            self.plan.clear()
            if self.deviations >= 3:
                self.off = True
                return None
            if self._expected is not None and state[1] != self._expected[1]:
                self._drop()  # the blocks went elsewhere: another hypothesis, from the frame as it is
                return None
        # block layouts no search reached the targets from (from where the mover stood then; it cannot
        # pass the blocks without moving them, so from anywhere it stands now): not searched again
        layout = (targets, state[1], self.guessed)
        path = [] if layout in self.stuck else self._search(state, targets, walls, steps)
        if not path:
            self.stuck.add(layout)
            if state[1] != self.start_blocks and 7 in available and self.undos < self.max_undos:
                # a push left the blocks where no plan reaches the targets from: take moves back
                self.undos += 1
                self._proposed = 7
                return Move(7, "pusher: the last push left no way to the targets: undo it")
            if state[1] != self.start_blocks and self.resets < self.max_resets \
                    and self._solvable_from_start(grid, targets, walls, steps):
                # no undo (or none left): the level's start, from where a plan exists, is one RESET away
                self.resets += 1
                self._proposed = 0
                return Move(0, "pusher: no way to the targets from here, one from the level's start: restart")
            return None
        self.plan = deque(path)
        action, after = self.plan.popleft()
        self._expected, self._proposed = after, action
        return Move(action, f"pusher: {len(self.plan) + 1} moves push the blocks onto the targets")

    _expected: State | None = None
    start_box: tuple[int, int, int, int] | None = None  # the mover's box in the level's first frame
    resets: int = 0  # RESETs spent in this level returning to its start
    max_resets: int = 2
    # whether a plan exists from the level's start, per (targets, guessed): searched once a level
    start_solvable: dict[tuple[frozenset[Cell], bool], bool] = field(default_factory=dict)
    # this level's (targets, blocks, guessed) layouts with no plan
    stuck: set[tuple[frozenset[Cell], frozenset[Cell], bool]] = field(default_factory=set)

    def _solvable_from_start(self, grid: Grid, targets: frozenset[Cell], walls: np.ndarray,
                             steps: dict[int, tuple[int, int]]) -> bool:
        """Whether a plan pushes the blocks onto the targets from the level's first frame (searched
        once a level)."""
        known = self.start_solvable.get((targets, self.guessed))
        if known is not None:
            return known
        box, found = self.start_box, False
        if box is not None and (box[2] - box[0], box[3] - box[1]) == grid.unit:
            player = ((box[0] - grid.top) // grid.unit[0], (box[1] - grid.left) // grid.unit[1])
            inside = 0 <= player[0] < walls.shape[0] and 0 <= player[1] < walls.shape[1]
            found = inside and player not in self.start_blocks \
                and bool(self._search((player, self.start_blocks), targets, walls, steps))
        self.start_solvable[targets, self.guessed] = found
        return found

    @staticmethod
    def _floor(count: dict[int, int], navigator: Navigator) -> int | None:
        """The navigator's floor (the colour the mover entered most), unless it covers a few cells
        only (a target the mover stepped onto first): then the commonest colour it entered otherwise."""
        floor = navigator.floor
        if floor is not None and count.get(floor, 0) > 8:
            return floor
        entered = [c for c in count if navigator.entered[c] and c not in (navigator.floor, navigator.rules.mover)]
        best = max(entered, key=count.__getitem__, default=None)
        return best if best is not None and count[best] > 8 else None

    def _read(self, grid: Grid, box: tuple[int, int, int, int], floor: int, mover: int | None,
              entered: Counter[int], count: dict[int, int]) -> tuple[State, frozenset[Cell], np.ndarray] | None:
        assert self.hypothesis is not None and self.first is not None
        block, target, home = self.hypothesis
        colours = grid.colours
        player = ((box[0] - grid.top) // grid.unit[0], (box[1] - grid.left) // grid.unit[1])
        room = room_of(grid, player, entered)
        if not self.targets:  # once per hypothesis: the target cells (and blocks home) of the first frame
            first = grid_of(self.first, box, None).colours
            self.targets = _cells(np.isin(first, [c for c in (target, home) if c is not None]) & room)
            self.start_blocks = _cells(np.isin(first, [c for c in (block, home) if c is not None]) & room)
        # a block on its target shows in a colour of its own: a target cell in neither the target's
        # colour, the floor's nor the mover's holds a block
        blocks = {(int(r), int(c)) for r, c in zip(*np.nonzero((colours == block) & room), strict=True)}
        blocks |= {t for t in self.targets if int(colours[t]) not in (target, floor, mover)}
        if len(blocks) != len(self.targets):
            return None
        # a textured floor: every colour the mover entered that covers many cells (other than the
        # hypothesis's) is floor too
        floors = [floor, *(c for c, n in count.items() if n > 8 and entered[c]
                           and c not in (floor, mover, block, target, home))]
        free = np.isin(colours, [*floors, target, block, -1 if mover is None else mover]) & ~grid.hidden
        for t in self.targets:
            free[t] = True
        return (player, frozenset(blocks)), self.targets, ~free

    def _search(self, start: State, targets: frozenset[Cell], walls: np.ndarray,
                steps: dict[int, Cell]) -> list[tuple[int, State]]:
        """Breadth-first over (mover, blocks) states, actions tried in `steps`' order: the shortest plan
        that puts the blocks on exactly the targets, as (action, state after it) pairs ([] when none
        within the node budget). A cell is a number, the blocks a bit mask, a state one integer; a
        mover outside the grid stands in a margin of walls around it."""
        rows, cols = walls.shape
        (r0, c0), blocks = start
        top, left = max(0, -r0), max(0, -c0)
        height, width = top + max(rows, r0 + 1), left + max(cols, c0 + 1)
        enterable = np.zeros((height, width), dtype=bool)
        enterable[top:top + rows, left:left + cols] = ~np.asarray(walls, dtype=bool)
        flat = enterable.ravel().tolist()
        n = height * width
        # each action's next cell from every cell, and the cell before it, -1 where that is a wall or off
        # the grid
        table: list[tuple[int, list[int]]] = []
        behind: list[list[int]] = []
        for action, (dr, dc) in steps.items():
            ahead, back = [-1] * n, [-1] * n
            for i in range(n):
                r, c = divmod(i, width)
                if 0 <= r + dr < height and 0 <= c + dc < width and flat[i + dr * width + dc]:
                    ahead[i] = i + dr * width + dc
                if 0 <= r - dr < height and 0 <= c - dc < width and flat[i - dr * width - dc]:
                    back[i] = i - dr * width - dc
            table.append((action, ahead))
            behind.append(back)

        def number(cell: Cell) -> int:
            return (cell[0] + top) * width + cell[1] + left

        # the cells a block can still be pushed onto a target from, walls alone in the way: a push onto
        # any other cell leaves no plan from it or from any state after it, so it is not queued (the
        # plan found is the same; the node budget reaches further)
        live = [False] * n
        reach = deque(number(t) for t in targets)
        for i in reach:
            live[i] = True
        while reach:
            cell = reach.popleft()
            for back in behind:
                block = back[cell]
                if block >= 0 and not live[block] and back[block] >= 0:
                    live[block] = True
                    reach.append(block)

        def cell_of(i: int) -> Cell:
            r, c = divmod(i, width)
            return r - top, c - left

        shift = n.bit_length()
        movers = (1 << shift) - 1
        goal = sum(1 << number(t) for t in targets)
        first = (sum(1 << number(b) for b in blocks) << shift) | number(start[0])
        parent: dict[int, tuple[int, int] | None] = {first: None}
        queue = deque([first])
        budget = self.guess_nodes if self.guessed else self.max_nodes
        while queue and len(parent) < budget:
            state = queue.popleft()
            player, mask = state & movers, state >> shift
            for action, ahead_of in table:
                ahead = ahead_of[player]
                if ahead < 0:
                    continue
                if mask >> ahead & 1:
                    beyond = ahead_of[ahead]
                    if beyond < 0 or mask >> beyond & 1 or not live[beyond]:
                        continue
                    moved = mask ^ (1 << ahead) | (1 << beyond)
                else:
                    moved = mask
                nxt = (moved << shift) | ahead
                if nxt in parent:
                    continue
                parent[nxt] = (state, action)
                if moved == goal:
                    path = []
                    at = nxt
                    while (link := parent[at]) is not None:
                        bits = at >> shift
                        cells = frozenset(cell_of(i) for i in range(n) if bits >> i & 1)
                        path.append((link[1], (cell_of(at & movers), cells)))
                        at = link[0]
                    return path[::-1]
                queue.append(nxt)
        return []
