"""Pieces taken hold of by a click and moved by the keys onto outlines of their colour: a reader.

A frame is read for squares of one side (`squares`): a *piece* is a filled square of one colour, or a
ring of one colour round a middle of one other colour that is not around it (the piece held, marked:
a mark in its middle, or a highlight round it when only the middle's colour has an outline);
an *outline* is a ring whose middle shows only colours found around it (the floor). An outline
belongs to the piece of its colour and side; with at least one such pair, and the pieces' colours all
distinct, the frame is read as a grid of the pieces' side aligned with them: a cell whose pixels show
only the floor's colours (those in the outlines' middles) is floor, an outline's cell too, anything
else (a wall, the yard's rim, the HUD) a wall, and so is floor the pieces cannot reach (beyond a rim).

The prior, as a person reads such a scene: a click on a piece takes hold of it, the direction keys
(the navigator's convention: 1 up, 2 down, 3 left, 4 right) move the piece held one cell, stopped by
walls and the other pieces, and the level wants each outline under its piece. A breadth-first search
over (the pieces' cells, the piece held) finds the fewest clicks and moves; its first is proposed, and
the next ones while the game goes where the plan says (another system's move, a restart or a surprise
has it searched afresh; where the rule believed finds no plan, the other is tried). What the game does
corrects the prior: a move that went further than one cell makes moves slide until stopped (in this
level, and the next ones until a move says otherwise); a move that stopped short of a floor cell makes
that cell a wall for the level; a held piece shows by its mark, else it is the piece clicked last. Three
moves the game did not follow (a click that took hold of nothing, a key that moved another piece or
none) turn the reader off for the level, as do the level's first 8 frames read as no such puzzle.
"""

from __future__ import annotations

from collections import Counter, deque
from dataclasses import dataclass, field

import numpy as np

from agent.frames import flood, label_boxes, label_components
from agent.matcher import Move
from agent.navigator import CONVENTION

Cell = tuple[int, int]  # (row, col) on the grid
State = tuple[tuple[Cell, ...], int]  # the pieces' cells, the piece held (-1: none)
SIDES = range(3, 11)
MAX_PIECES = 6
MAX_STATES = 30_000
MAX_GRIDS = 4  # grids tried on a level's first reading (a cluttered scene offers many squares)
UNREAD = 8  # frames of a level read as no such puzzle, none read as one before: off for the level


@dataclass(frozen=True)
class Square:
    top: int
    left: int
    side: int
    colour: int
    held: bool = False  # a ring round a mark: the piece held
    inner: int = -1  # a held piece's middle colour (the ring may be the mark, the middle the piece)


@dataclass
class Scene:
    side: int
    origin: tuple[int, int]  # (top, left) of grid cell (0, 0)
    floor: np.ndarray  # (rows, cols) bool
    pieces: list[Square]
    cells: tuple[Cell, ...]  # each piece's grid cell
    targets: list[tuple[Cell, int]]  # (outline cell, the index of its piece)
    held: int  # the piece held by its mark, -1 when none shows one
    outlines: list[Square]
    floor_colours: set[int]


def squares(frame: np.ndarray, mask: np.ndarray | None) -> tuple[list[Square], list[Square]]:
    """The frame's pieces and outlines (see the module docstring), outside the mask, read from its
    components (a square beside another of its colour is none here: `on_grid` reads those)."""
    source = frame.astype(np.int16)
    if mask is not None:
        source = np.where(mask, -1, source)
    labels = label_components(source)
    boxes = label_boxes(labels)
    sizes = np.bincount(labels.ravel(), minlength=len(boxes))
    sides = boxes[:, 2] - boxes[:, 0]
    # components of a square's size whose box is a square of a side looked for (a ring of side 3 to a
    # filled square of side 10)
    square = ((sides == boxes[:, 3] - boxes[:, 1]) & (sides >= SIDES.start) & (sides < SIDES.stop)
              & ((sizes == sides * sides) | (sizes == 4 * sides - 4)))
    pieces: list[Square] = []
    outlines: list[Square] = []
    for label in np.flatnonzero(square).tolist():
        top, left, side = int(boxes[label, 0]), int(boxes[label, 1]), int(sides[label])
        colour = int(source[top, left])
        if labels[top, left] != label or colour < 0:
            continue  # a filled square and a ring hold their box's corner
        if sizes[label] == side * side:
            pieces.append(Square(top, left, side, colour))
            continue
        ring = _ring(frame, top, left, side, colour, None)
        if ring is not None:
            (pieces if ring.held else outlines).append(ring)
    return pieces, outlines


def _ring(frame: np.ndarray, top: int, left: int, side: int, colour: int, floor: set[int] | None) -> Square | None:
    """A ring of `colour` round a square's middle read as the piece held (a middle of one colour not the
    ground's) or an outline (a middle of the ground's colours), else None. The ground is the floor's colours
    once known (a held piece beside its outline has the middle's colour just outside it), else those round
    the square."""
    middle = frame[top + 1:top + side - 1, left + 1:left + side - 1]
    if (middle == colour).any():
        return None  # not a ring round its middle (a bent strip of that many cells)
    ground = floor if floor else _around(frame, top, left, side)
    inner = set(np.unique(middle).tolist())
    if len(inner) == 1 and not inner <= ground:
        return Square(top, left, side, colour, held=True, inner=int(middle[0, 0]))
    return Square(top, left, side, colour) if inner <= ground else None


def _around(frame: np.ndarray, top: int, left: int, side: int) -> set[int]:
    """The colours in a band two pixels wide round a square."""
    t, le = max(top - 2, 0), max(left - 2, 0)
    band = frame[t:top + side + 2, le:left + side + 2].astype(np.int16)
    band[top - t:top - t + side, left - le:left - le + side] = -1
    return set(np.unique(band[band >= 0]).tolist())


def _cells(array: np.ndarray, side: int, origin: tuple[int, int]) -> np.ndarray:
    """An array cut into the grid's cells: (rows, cols, side, side)."""
    rows, cols = (array.shape[0] - origin[0]) // side, (array.shape[1] - origin[1]) // side
    cut = array[origin[0]:origin[0] + rows * side, origin[1]:origin[1] + cols * side]
    return cut.reshape(rows, side, cols, side).transpose(0, 2, 1, 3)


def on_grid(frame: np.ndarray, mask: np.ndarray | None, side: int, origin: tuple[int, int],
            floor: set[int] | None = None) -> tuple[list[Square], list[Square]]:
    """The pieces and outlines standing on the grid of `side` at `origin`: cell by cell, so a piece beside
    an outline of its colour (one component with it) is read as two squares."""
    pieces: list[Square] = []
    outlines: list[Square] = []
    patches = _cells(frame, side, origin)
    corner = patches[:, :, :1, :1]
    # the cells whose ring is one colour (vectorised: most cells are floor and fail at once)
    uniform = ((patches[:, :, [0, -1], :] == corner).all(axis=(2, 3)) & (patches[:, :, :, [0, -1]] == corner).all(axis=(2, 3)))
    if mask is not None:
        uniform &= ~_cells(mask, side, origin).any(axis=(2, 3))
    # filled cells, vectorised too: a colour that fills more than one cell is scenery (a plain floor fills
    # every cell it covers), so only the colours filling one cell are pieces
    solid = uniform & (patches == corner).all(axis=(2, 3))
    counts = np.bincount(corner[:, :, 0, 0][solid].astype(np.int64), minlength=16)
    for row, col in zip(*np.nonzero(solid), strict=True):
        colour = int(patches[row, col, 0, 0])
        if counts[colour] == 1:
            pieces.append(Square(origin[0] + int(row) * side, origin[1] + int(col) * side, side, colour))
    for row, col in zip(*np.nonzero(uniform & ~solid), strict=True):
        top, left = origin[0] + int(row) * side, origin[1] + int(col) * side
        ring = _ring(frame, top, left, side, int(frame[top, left]), floor)
        if ring is not None:
            (pieces if ring.held else outlines).append(ring)
    # squares drawn alike more than once are scenery (wall blocks, a tiled floor): pieces and outlines are
    # one of a kind
    kinds = Counter((p.colour, int(frame[p.top + 1, p.left + 1])) for p in pieces)
    pieces = [p for p in pieces if kinds[(p.colour, int(frame[p.top + 1, p.left + 1]))] == 1]
    rings = Counter(o.colour for o in outlines)
    return sorted(pieces, key=lambda p: p.colour), [o for o in outlines if rings[o.colour] == 1]


def read_scene(frame: np.ndarray, mask: np.ndarray | None, known: list[Square] | None = None,
               grid: tuple[int, tuple[int, int]] | None = None, floor: set[int] | None = None,
               mark: int | None = None) -> Scene | None:
    """The grid, pieces and targets a frame shows, or None when it shows no such puzzle. The grid (side,
    origin) is the one given, else that of a square found alone (`squares`) on which the frame reads as
    such a puzzle: a piece with an outline of its colour and side first (the middles of wall blocks are
    squares too); the outlines `known` from earlier frames of the level count too (a piece standing on
    one hides it), as do the `floor` colours seen inside them."""
    if grid is not None:
        return _read_on(frame, mask, known, grid, floor, mark)
    found, rings = squares(frame, mask)
    paired = [p for p in found if any((o.colour, o.side) in ((p.colour, p.side), (p.inner, p.side)) for o in rings)]
    tried: set[tuple[int, tuple[int, int]]] = set()
    for p in [*paired, *found]:
        candidate = (p.side, (p.top % p.side, p.left % p.side))
        if candidate not in tried and len(tried) < MAX_GRIDS:
            tried.add(candidate)
            scene = _read_on(frame, mask, known, candidate, floor, mark)
            if scene is not None:
                return scene
    return None


def _read_on(frame: np.ndarray, mask: np.ndarray | None, known: list[Square] | None,
             grid: tuple[int, tuple[int, int]], floor: set[int] | None, mark: int | None) -> Scene | None:
    side, origin = grid
    pieces, outlines = on_grid(frame, mask, side, origin, floor)
    # the floor: what the outlines in sight of a piece's colour show inside them, and the colours in most of
    # the cells beside the pieces and those outlines (a wall or the yard's rim is in a few of them)
    owned = [o for o in outlines if any(o.colour in (p.colour, p.inner) for p in pieces)]
    floor_colours: set[int] = set()
    for o in owned:
        floor_colours |= set(np.unique(frame[o.top + 1:o.top + side - 1, o.left + 1:o.left + side - 1]).tolist())
    if owned:
        seen: Counter[int] = Counter()
        beside = 0
        for q in [*pieces, *owned]:
            for top, left in ((q.top - side, q.left), (q.top + side, q.left), (q.top, q.left - side), (q.top, q.left + side)):
                if 0 <= top <= frame.shape[0] - side and 0 <= left <= frame.shape[1] - side:
                    seen.update(np.unique(frame[top:top + side, left:left + side]).tolist())
                    beside += 1
        own = {c for p in pieces for c in (p.colour, p.inner)}
        floor_colours |= {c for c, n in seen.items() if 2 * n > beside and c not in own}
    outlines += [o for o in known or () if o not in outlines]
    if not pieces or not outlines or len(pieces) > MAX_PIECES:
        return None
    # a piece held is its ring's colour (a white mark in its middle) or its middle's (a white ring round it,
    # the highlight): not the mark's, once learnt (`Shunter.mark`), else the one of the two with an outline
    ringed = {o.colour for o in outlines}
    pieces = sorted((Square(p.top, p.left, p.side, p.inner, True, p.colour)
                     if p.held and (p.colour == mark if mark is not None else p.colour not in ringed and p.inner in ringed)
                     else p for p in pieces), key=lambda p: p.colour)
    colours = [p.colour for p in pieces]
    if len(set(colours)) != len(colours) or sum(p.held for p in pieces) > 1:
        return None
    targets: list[tuple[Cell, int]] = []
    for outline in outlines:
        if outline.colour in colours:
            targets.append((((outline.top - origin[0]) // side, (outline.left - origin[1]) // side),
                            colours.index(outline.colour)))
    if not targets:
        return None
    floor_colours |= set(floor or ())
    table = np.zeros(16, dtype=bool)
    table[sorted(floor_colours)] = True
    free = table[np.clip(_cells(frame, side, origin), 0, 15)].all(axis=(2, 3))
    if mask is not None:
        free &= ~_cells(mask, side, origin).any(axis=(2, 3))
    cells = tuple(((p.top - origin[0]) // side, (p.left - origin[1]) // side) for p in pieces)
    for cell in [*cells, *(c for c, _ in targets)]:
        free[cell] = True
    free = flood(free, [*cells, *(c for c, _ in targets)])  # the yard, not the floor's colours beyond its rim
    held = next((i for i, p in enumerate(pieces) if p.held), -1)
    return Scene(side, origin, free, pieces, cells, targets, held, outlines, floor_colours)


@dataclass
class Shunter:
    level: int = -1
    slides: bool = False  # moves slide until stopped (learnt; carried to the next level)
    off: bool = False
    misses: int = 0
    walls: set[Cell] = field(default_factory=set)  # cells a move stopped short of, in this level
    clicked: int = -1  # the piece clicked last in this level (held where no mark shows)
    outlines: list[Square] = field(default_factory=list)  # every outline seen in this level
    grid: tuple[int, tuple[int, int]] | None = None  # this level's (side, origin), once read
    floor: set[int] = field(default_factory=set)  # the colours seen inside this level's outlines
    unread: int = 0  # frames of this level that read as no such puzzle
    mark: int | None = None  # the colour that marks the piece held (learnt in the game, kept across levels)
    _held_pair: set[int] | None = None  # the two colours of the last piece seen held
    _plan: list[tuple[int, int]] = field(default_factory=list)  # the rest of the plan being followed
    _last: tuple[Scene, tuple[int, int], State] | None = None  # the scene, (action, piece), the state expected

    def _new_level(self, level: int) -> None:
        self.level, self.off, self.misses, self.walls, self.clicked, self._last = level, False, 0, set(), -1, None
        self.outlines, self.grid, self.floor, self.unread = [], None, set(), 0

    def act(self, frame: np.ndarray, available: tuple[int, ...], mask: np.ndarray | None, level: int) -> Move | None:
        if level != self.level:
            self._new_level(level)
        keys = [a for a in CONVENTION if a in available]
        if self.off or 6 not in available or not keys:
            self._last = None
            return None
        scene = read_scene(frame, mask, self.outlines, self.grid, self.floor, self.mark)
        if scene is None:
            self._last = None
            self.unread += 1
            # a level none of whose first frames reads as such a puzzle is not one (the reader's time goes
            # elsewhere: synthetic games' median step 1.07 -> 1.28 ms while it looked at every frame)
            self.off = self.off or (self.grid is None and self.unread >= UNREAD)
            return None
        self.outlines, self.grid, self.floor = scene.outlines, (scene.side, scene.origin), scene.floor_colours
        if scene.held >= 0 and self.mark is None:
            # two pieces seen held share one colour, the mark (the other is each piece's own)
            pair = {scene.pieces[scene.held].colour, scene.pieces[scene.held].inner}
            if self._held_pair is not None and len(self._held_pair & pair) == 1 and self._held_pair != pair:
                self.mark = next(iter(self._held_pair & pair))
            self._held_pair = pair
        held = scene.held if scene.held >= 0 else self.clicked
        # the game went where the plan said: its next move (searched again only where it did not)
        followed = (self._last is not None and (scene.cells, held) == self._last[2]
                    and [p.colour for p in self._last[0].pieces] == [p.colour for p in scene.pieces])
        self._learn(scene, held)
        if self.off:
            return None
        start: State = (scene.cells, held)
        plan = self._plan if followed and self._plan else self._search(scene, start, keys)
        if not plan:
            # none under the rule believed (carried from the level before): the other one, which the first
            # move then tests (Depot's last level stops sliding again)
            self.slides = not self.slides
            plan = self._search(scene, start, keys)
            if not plan:
                self.slides = not self.slides
                self._last = None
                return None
        action, piece = plan[0]
        self._plan = plan[1:]
        self._last = (scene, (action, piece), self._next(scene, start, action, piece))
        if action == 6:
            square = scene.pieces[piece]
            self.clicked = piece
            return Move(6, f"shunter: take hold of piece {piece + 1} ({len(plan)} clicks and moves park every "
                           "piece on its outline)", square.left + square.side // 2, square.top + square.side // 2)
        return Move(action, f"shunter: move the piece held ({len(plan)} clicks and moves park every piece "
                            "on its outline)")

    def _learn(self, scene: Scene, held: int) -> None:
        """What the game did with the reader's last move: slides, walls, misses."""
        last, self._last = self._last, None
        if last is None:
            return
        before, (action, piece), expected = last
        if [p.colour for p in before.pieces] != [p.colour for p in scene.pieces] or (scene.cells, held) == expected:
            return
        if action == 6:
            self.misses += held != piece  # a click that took hold of nothing
        else:
            i, was, now = expected[1], before.cells, scene.cells
            moved = [j for j in range(len(was)) if was[j] != now[j]]
            ux, uy = CONVENTION[action]
            if not moved and i >= 0:
                self.walls.add((was[i][0] + uy, was[i][1] + ux))  # stopped short: a wall ahead
            elif moved == [i] and (np.sign(now[i][0] - was[i][0]), np.sign(now[i][1] - was[i][1])) == (uy, ux):
                steps = abs(now[i][0] - was[i][0]) + abs(now[i][1] - was[i][1])
                if steps > 1 and not self.slides:
                    self.slides = True
                elif self.slides and steps < abs(expected[0][i][0] - was[i][0]) + abs(expected[0][i][1] - was[i][1]):
                    self.slides = steps > 1
                    if steps > 1:  # slid, but stopped short of where the grid said: a wall there
                        self.walls.add((now[i][0] + uy, now[i][1] + ux))
                else:
                    self.misses += 1
            else:
                self.misses += 1  # another piece moved, or this one elsewhere
        if self.misses >= 3:
            self.off = True

    def _next(self, scene: Scene, state: State, action: int, piece: int) -> State:
        cells, held = state
        if action == 6:
            return cells, piece
        if held < 0:
            return state
        ux, uy = CONVENTION[action]
        rows, cols = scene.floor.shape
        others = {c for i, c in enumerate(cells) if i != held}
        r, c = cells[held]
        while True:
            nr, nc = r + uy, c + ux
            if not (0 <= nr < rows and 0 <= nc < cols) or not scene.floor[nr, nc] or (nr, nc) in others \
                    or (nr, nc) in self.walls:
                break
            r, c = nr, nc
            if not self.slides:
                break
        out = list(cells)
        out[held] = (r, c)
        return tuple(out), held

    def _search(self, scene: Scene, start: State, keys: list[int]) -> list[tuple[int, int]] | None:
        """The fewest clicks and moves that park every piece on its outline: [(action, piece)]. Breadth-first
        over states of flat cell indices, each key's step from each cell looked up (-1: a wall or the edge)."""
        rows, cols = scene.floor.shape
        free = scene.floor.copy()
        for r, c in self.walls:
            if 0 <= r < rows and 0 <= c < cols:
                free[r, c] = False
        flat = free.ravel().tolist()
        step: dict[int, list[int]] = {}
        for a in keys:
            ux, uy = CONVENTION[a]
            step[a] = [(i + uy * cols + ux) if 0 <= i // cols + uy < rows and 0 <= i % cols + ux < cols
                       and flat[i + uy * cols + ux] else -1 for i in range(rows * cols)]
        goal = [(i, r * cols + c) for (r, c), i in scene.targets]
        count, slides = len(scene.pieces), self.slides
        first: tuple[tuple[int, ...], int] = (tuple(r * cols + c for r, c in start[0]), start[1])
        if all(first[0][i] == cell for i, cell in goal):
            return None  # parked, yet the level goes on: not this puzzle
        parent: dict[tuple[tuple[int, ...], int], tuple[tuple[tuple[int, ...], int], int, int] | None] = {first: None}
        queue = deque([first])
        while queue:
            state = queue.popleft()
            cells, held = state
            nexts: list[tuple[tuple[tuple[int, ...], int], int, int]] = [
                ((cells, i), 6, i) for i in range(count) if i != held]
            if held >= 0:
                for a in keys:
                    ahead, here = step[a], cells[held]
                    while (n := ahead[here]) >= 0 and n not in cells:
                        here = n
                        if not slides:
                            break
                    if here != cells[held]:
                        moved = list(cells)
                        moved[held] = here
                        nexts.append(((tuple(moved), held), a, -1))
            for after, action, piece in nexts:
                if after in parent:
                    continue
                parent[after] = (state, action, piece)
                if all(after[0][i] == cell for i, cell in goal):
                    plan: list[tuple[int, int]] = []
                    node = after
                    while (link := parent[node]) is not None:
                        node, a, p = link
                        plan.append((a, p))
                    return plan[::-1]
                if len(parent) > MAX_STATES:
                    return None
                queue.append(after)
        return None
