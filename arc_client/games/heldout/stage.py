"""The shared machinery of the held-out games: scenes of sprites, a timer in the HUD, budgets, a solver.

This module is SELF-CONTAINED (stdlib, numpy, arcengine only): `arc_client.games.heldout.bundle`
pastes its source at the top of every exported game file, as the suite's bundler does with kit.py.
Game modules must not use `from __future__ import annotations` (the toolkit execs the file outside
sys.modules, where dataclasses with string annotations fail to build).

Unlike the suite's kit (a logical board scaled up), a held-out game draws a scene the way the real
ARC-AGI-3 games do: a textured background sprite, then one arcengine `Sprite` per object (several
colours, several pixels wide, moved several pixels per action, rotated with `set_rotation`), a
legend and counters drawn as sprites inside the scene, and a timer bar drawn by a
`RenderableUserDisplay` on the finished frame. The camera is `GRID` x `GRID` cells (64: one pixel
per cell; 32: two pixels per cell), so clicks go through `Camera.display_to_grid`.

A game subclasses `Stage`, sets NAME (4 characters; the class is NAME capitalised), TITLE, TAGS
(with "heldout", or "sealed" for a game of `arc_client.games.sealed`), AVAILABLE, GRID, BAR (where the
timer bar runs: "top", "bottom", "left", "right") and BAR_COLOUR, and implements pure hooks (they never
touch `self` state or the engine):

    levels(rng) -> list[puzzle]              the game's levels (>= 6), immutable; rng is seeded
                                             from (NAME, seed)
    initial_state(puzzle) -> state           hashable
    transition(puzzle, state, action, cell) -> state
                                             `cell` is the grid (x, y) of an ACTION6 click (None
                                             off the camera and for other actions)
    is_solved(puzzle, state) -> bool
    scene(puzzle, state) -> list[Sprite]     every sprite above the background, legend included
    background(puzzle) -> np.ndarray         (GRID, GRID) colours: the level's floor
    is_lost(puzzle, state) -> bool           [False] GAME_OVER at once (a trap)
    click_targets(puzzle, state) -> cells    [[]] what the solver clicks
    tweens(puzzle, before, after, action) -> list[state]
                                             [[]] in-between states shown as extra frames
    known_plan(puzzle) -> Plan | None        [None] a winning plan when BFS cannot search the level
    budget(puzzle, optimal) -> int           [max(3 * optimal, optimal + 12)] actions per level
    meter(puzzle, state) -> (left, total)    [None] what the bar shows instead of the budget left
                                             (an energy gauge; the budget still ends the level)

The stage computes each level's shortest plan (BFS over `transition`, or `known_plan`), its budget,
and the first-time-human baseline: ceil(1.5 x the plan's length). RESET restarts the level (the
engine's rules); the level ends in GAME_OVER when its budget is spent or `is_lost` holds.
"""

import math
import random
import threading
from collections import deque
from typing import Any, ClassVar

import numpy as np
from arcengine import ARCBaseGame, Camera, Level, RenderableUserDisplay, Sprite

# The ARC-AGI-3 palette by name.
WHITE, OFF_WHITE, LIGHT_GRAY, GRAY, OFF_BLACK, BLACK = 0, 1, 2, 3, 4, 5
MAGENTA, LIGHT_MAGENTA, RED, BLUE, LIGHT_BLUE, YELLOW, ORANGE, MAROON, GREEN, PURPLE = range(6, 16)
CLEAR = -1  # a transparent sprite pixel

FRAME = 64
BAR_THICKNESS = 2
MAX_SEARCH_STATES = 60_000
# One plan step: (action id, x, y); x, y are display coordinates for ACTION6, else None.
Plan = list[tuple[int, Any, Any]]
MOVES = {1: (0, -1), 2: (0, 1), 3: (-1, 0), 4: (1, 0)}

# (class, seed) -> [(puzzle, plan)]: levels and their plans are built once per process.
_BUILT: dict[tuple[str, int], list[tuple[Any, Plan]]] = {}
_BUILT_LOCK = threading.Lock()

# A 3x5 pixel font for counters and legends.
_FONT = {
    "0": "111101101101111", "1": "010110010010111", "2": "111001111100111", "3": "111001111001111",
    "4": "101101111001001", "5": "111100111001111", "6": "111100111101111", "7": "111001010010010",
    "8": "111101111101111", "9": "111101111001111", "-": "000000111000000", "+": "000010111010000",
    "x": "000101010101000",
}


def glyphs(text: str, colour: int) -> np.ndarray:
    """`text` in the 3x5 font, one blank column between characters, transparent elsewhere."""
    out = np.full((5, 4 * len(text) - 1), CLEAR, dtype=np.int8)
    for i, char in enumerate(text):
        bits = np.array([int(b) for b in _FONT[char]], dtype=bool).reshape(5, 3)
        out[:, 4 * i : 4 * i + 3][bits] = colour
    return out


def block(width: int, height: int, colour: int, border: int | None = None) -> np.ndarray:
    """A filled rectangle, optionally with a one-pixel border of another colour."""
    out = np.full((height, width), colour, dtype=np.int8)
    if border is not None:
        out[[0, -1], :] = border
        out[:, [0, -1]] = border
    return out


def art(rows: list[str], colours: dict[str, int]) -> np.ndarray:
    """A sprite from rows of characters; '.' is transparent."""
    out = np.full((len(rows), len(rows[0])), CLEAR, dtype=np.int8)
    for y, row in enumerate(rows):
        for x, char in enumerate(row):
            if char != ".":
                out[y, x] = colours[char]
    return out


def texture(rng: random.Random, size: int, base: int, speck: int, kind: str) -> np.ndarray:
    """A floor: 'checker' (2x2 tiles), 'noise' (scattered specks), 'bricks' or 'stripes'."""
    out = np.full((size, size), base, dtype=np.int8)
    ys, xs = np.mgrid[0:size, 0:size]
    if kind == "checker":
        out[((ys // 2) + (xs // 2)) % 2 == 1] = speck
    elif kind == "bricks":
        out[(ys % 4 == 3) | (((xs + 4 * ((ys // 4) % 2)) % 8) == 7)] = speck
    elif kind == "stripes":
        out[(xs + ys) % 6 == 0] = speck
    else:
        for _ in range(size * size // 9):
            out[rng.randrange(size), rng.randrange(size)] = speck
    return out


def sprite(pixels: np.ndarray, x: int, y: int, layer: int = 1, name: str = "") -> Sprite:
    return Sprite(pixels, name=name or None, x=x, y=y, layer=layer, collidable=False)


Cell = tuple[int, int]  # (column, row) of a yard's cell


def inside(width: int, height: int, cell: Cell) -> bool:
    return 0 <= cell[0] < width and 0 <= cell[1] < height


def walk_from(width: int, height: int, walls: set[Cell] | frozenset[Cell], source: Cell) -> dict[Cell, tuple[int, Cell | None]]:
    """Breadth-first over a yard's free cells from `source`: each reachable cell's steps and the cell it was
    reached from."""
    seen: dict[Cell, tuple[int, Cell | None]] = {source: (0, None)}
    queue = [source]
    for here in queue:
        for dx, dy in MOVES.values():
            nxt = (here[0] + dx, here[1] + dy)
            if inside(width, height, nxt) and nxt not in walls and nxt not in seen:
                seen[nxt] = (seen[here][0] + 1, here)
                queue.append(nxt)
    return seen


def wall_segments(rng: random.Random, width: int, height: int, segments: int) -> set[Cell]:
    """Up to `segments` straight walls of 2-4 cells inside a yard, each kept only if every free cell stays
    reachable (20 tries each)."""
    walls: set[Cell] = set()
    for _ in range(segments):
        for _try in range(20):
            length = rng.randint(2, 4)
            c, r = rng.randrange(width), rng.randrange(height)
            dc, dr = rng.choice(((1, 0), (0, 1)))
            piece = {(c + dc * i, r + dr * i) for i in range(length)}
            trial = walls | piece
            free = [(x, y) for x in range(width) for y in range(height) if (x, y) not in trial]
            if all(inside(width, height, p) for p in piece) and len(walk_from(width, height, trial, free[0])) == len(free):
                walls = trial
                break
    return walls


def rooms(width: int, height: int, walls: set[Cell] | frozenset[Cell]) -> list[set[Cell]]:
    """A yard's free cells grouped by what a walk joins."""
    free = {(x, y) for x in range(width) for y in range(height) if (x, y) not in walls}
    found: list[set[Cell]] = []
    while free:
        room = set(walk_from(width, height, walls, min(free)))
        found.append(room)
        free -= room
    return found


def regions(rng: random.Random, width: int, height: int, count: int) -> dict[Cell, int]:
    """A yard's cells split into `count` connected regions grown at random from random seeds."""
    cells = [(x, y) for x in range(width) for y in range(height)]
    owner = {cell: i for i, cell in enumerate(rng.sample(cells, count))}
    edge: list[tuple[Cell, int]] = []

    def grow(cell: Cell) -> None:
        for dx, dy in MOVES.values():
            nxt = (cell[0] + dx, cell[1] + dy)
            if inside(width, height, nxt) and nxt not in owner:
                edge.append((nxt, owner[cell]))

    for cell in list(owner):
        grow(cell)
    while edge:
        i = rng.randrange(len(edge))
        edge[i], edge[-1] = edge[-1], edge[i]
        cell, region = edge.pop()
        if cell not in owner:
            owner[cell] = region
            grow(cell)
    return owner


def region_walls(rng: random.Random, width: int, height: int, parts: int, inner: int, pockets_first: bool) -> set[Cell]:
    """Walls between the `regions` of a random partition, then up to `inner` wall pieces of 1-3 cells inside
    that split no room (15 tries each); rooms of fewer than 4 cells become wall, before the pieces
    (`pockets_first`) or after them."""
    owner = regions(rng, width, height, parts)
    walls = {cell for cell, region in owner.items()
             if any(owner.get((cell[0] + dx, cell[1] + dy), region) < region for dx, dy in MOVES.values())}

    def fill_pockets() -> None:
        for room in rooms(width, height, walls):
            if len(room) < 4:
                walls.update(room)

    if pockets_first:
        fill_pockets()
    count = len(rooms(width, height, walls))
    for _ in range(inner):
        for _try in range(15):
            length = rng.randint(1, 3)
            c, r = rng.randrange(width), rng.randrange(height)
            dc, dr = rng.choice(((1, 0), (0, 1)))
            piece = {(c + dc * i, r + dr * i) for i in range(length)}
            if not all(inside(width, height, p) for p in piece) or piece <= walls:
                continue
            if len(rooms(width, height, walls | piece)) == count:
                walls |= piece
                break
    if not pockets_first:
        fill_pockets()
    return walls


def held_key_wins(start: Any, step: Any, won: Any) -> bool:
    """Whether pressing one key (ACTION1-4) over and over from `start` wins: `step(state, action)` is the
    next state, `won(state)` the goal."""
    for action in MOVES:
        state, seen = start, {start}
        while not won(state):
            state = step(state, action)
            if state in seen:
                break
            seen.add(state)
        if won(state):
            return True
    return False


def grid_index(origin: tuple[int, int], pitch: int, cell: int, side: int, point: tuple[int, int]) -> int | None:
    """The row-major index of the board cell under `point` on a `side` x `side` board of `cell`-pixel cells
    `pitch` pixels apart from `origin` (None off the board or on a gap between cells)."""
    col, dx = divmod(point[0] - origin[0], pitch)
    row, dy = divmod(point[1] - origin[1], pitch)
    if not (0 <= col < side and 0 <= row < side) or dx >= cell or dy >= cell:
        return None
    return row * side + col


def walled_yard(width: int, height: int, origin: tuple[int, int], walls: set[Cell] | frozenset[Cell], kind: str,
                cell: int = 4) -> np.ndarray:
    """A yard's background: black around, a grey rim, a textured floor (`texture` kinds), wall blocks."""
    floor = np.full((FRAME, FRAME), BLACK, dtype=np.int8)
    ox, oy = origin
    floor[oy - 1 : oy + height * cell + 1, ox - 1 : ox + width * cell + 1] = GRAY
    floor[oy : oy + height * cell, ox : ox + width * cell] = texture(
        random.Random(0), FRAME, BLACK, OFF_BLACK, kind)[: height * cell, : width * cell]
    for c, r in walls:
        x, y = ox + c * cell, oy + r * cell
        floor[y : y + cell, x : x + cell] = block(cell, cell, LIGHT_GRAY, border=GRAY)
    return floor


def parse_map(rows: list[str]) -> dict[str, list[tuple[int, int]]]:
    """Cells (col, row) of each character of a map drawn as text."""
    found: dict[str, list[tuple[int, int]]] = {}
    for row, line in enumerate(rows):
        for col, char in enumerate(line):
            found.setdefault(char, []).append((col, row))
    return found


class Stage(ARCBaseGame):
    """Base class of every held-out game; see the module docstring."""

    NAME: ClassVar[str] = ""
    TITLE: ClassVar[str] = ""
    TAGS: ClassVar[list[str]] = ["heldout", "keyboard"]
    AVAILABLE: ClassVar[list[int]] = [1, 2, 3, 4]
    GRID: ClassVar[int] = 64
    BAR: ClassVar[str] = "top"
    BAR_COLOUR: ClassVar[int] = YELLOW
    BAR_BACK: ClassVar[int] = BLACK
    FPS: ClassVar[int] = 5

    # ---- hooks -------------------------------------------------------------------------------
    def levels(self, rng: random.Random) -> list[Any]:
        raise NotImplementedError

    def initial_state(self, puzzle: Any) -> Any:
        raise NotImplementedError

    def transition(self, puzzle: Any, state: Any, action: int, cell: Any) -> Any:
        raise NotImplementedError

    def is_solved(self, puzzle: Any, state: Any) -> bool:
        raise NotImplementedError

    def scene(self, puzzle: Any, state: Any) -> list[Sprite]:
        raise NotImplementedError

    def background(self, puzzle: Any) -> np.ndarray:
        raise NotImplementedError

    def is_lost(self, puzzle: Any, state: Any) -> bool:
        return False

    def click_targets(self, puzzle: Any, state: Any) -> list[tuple[int, int]]:
        return []

    def tweens(self, puzzle: Any, before: Any, after: Any, action: int) -> list[Any]:
        return []

    def known_plan(self, puzzle: Any) -> Any:
        return None

    def budget(self, puzzle: Any, optimal: int) -> int:
        return max(3 * optimal, optimal + 12)

    def meter(self, puzzle: Any, state: Any) -> tuple[int, int] | None:
        return None

    # ---- construction --------------------------------------------------------------------------
    def __init__(self, seed: int = 0) -> None:
        key = (type(self).__qualname__, seed)
        built = _BUILT.get(key)
        if built is None:
            puzzles = self.levels(random.Random(f"{self.NAME}:{seed}"))
            built = []
            for index, puzzle in enumerate(puzzles):
                plan = self.known_plan(puzzle) or solve(self, puzzle)
                if not plan:
                    raise RuntimeError(f"{self.NAME}: level {index + 1} of seed {seed} has no solution")
                built.append((puzzle, plan))
            with _BUILT_LOCK:
                _BUILT[key] = built
        #: each level's static data, a shortest (or known) winning plan, and its action budget
        self.puzzles: list[Any] = [puzzle for puzzle, _ in built]
        self.solutions: list[Plan] = [list(plan) for _, plan in built]
        self.budgets: list[int] = [self.budget(p, len(plan)) for p, plan in built]
        self.state: Any = None
        self.budget_left = 0
        self._pending: list[Any] = []
        self._floors: dict[int, Sprite] = {}
        levels = [Level(sprites=[], grid_size=(self.GRID, self.GRID), name=f"level{i + 1}") for i in range(len(built))]
        camera = Camera(0, 0, self.GRID, self.GRID, background=BLACK, letter_box=BLACK, interfaces=[_Timer(self)])
        super().__init__(self.NAME, levels, camera, available_actions=list(self.AVAILABLE), seed=seed)

    @classmethod
    def baselines(cls, seed: int = 0) -> list[int]:
        """First-time-human estimates per level: 1.5 x the solver's plan, rounded up."""
        return [math.ceil(1.5 * len(plan)) for plan in cls(seed=seed).solutions]

    # ---- engine hooks --------------------------------------------------------------------------
    def on_set_level(self, level: Level) -> None:
        puzzle = self.puzzles[self.level_index]
        self.state = self.initial_state(puzzle)
        self.budget_left = self.budgets[self.level_index]
        self._pending = []
        self._show(self.state)

    def step(self) -> None:
        puzzle = self.puzzles[self.level_index]
        if self._pending:  # an animation is playing: its next frame
            self._show(self._pending.pop(0))
            if not self._pending:
                self._settle()
            return
        action = int(self.action.id.value)
        if action == 0:  # RESET: the engine restored the level already
            self.complete_action()
            return
        self.budget_left -= 1
        before = self.state
        if action in self.AVAILABLE:
            self.state = self.transition(puzzle, before, action, self._clicked(action))
        if self.state != before:
            frames = self.tweens(puzzle, before, self.state, action)
            if frames:
                self._pending = [*frames[1:], self.state]
                self._show(frames[0])
                return
        self._show(self.state)
        self._settle()

    def _settle(self) -> None:
        puzzle = self.puzzles[self.level_index]
        if self.is_solved(puzzle, self.state):
            self.next_level()
        elif self.is_lost(puzzle, self.state) or self.budget_left <= 0:
            self.lose()
        self.complete_action()

    def _clicked(self, action: int) -> Any:
        if action != 6:
            return None
        data = self.action.data or {}
        if "x" not in data or "y" not in data:
            return None
        return self.camera.display_to_grid(int(data["x"]), int(data["y"]))

    def _show(self, state: Any) -> None:
        level = self.current_level
        index = self.level_index
        floor = self._floors.get(index)
        if floor is None:
            floor = Sprite(self.background(self.puzzles[index]), name="floor", layer=0, collidable=False)
            self._floors[index] = floor
        level.remove_all_sprites()
        level.add_sprite(floor)
        for piece in self.scene(self.puzzles[index], state):
            level.add_sprite(piece)

    def display_point(self, cell: tuple[int, int]) -> tuple[int, int]:
        """The display pixel at the centre of grid `cell`."""
        scale = FRAME // self.GRID
        offset = (FRAME - self.GRID * scale) // 2
        return offset + cell[0] * scale + scale // 2, offset + cell[1] * scale + scale // 2


class _Timer(RenderableUserDisplay):
    """The level's budget (or the game's `meter`) as a bar along one edge of the frame, shorter by about a
    pixel per action."""

    def __init__(self, game: Stage) -> None:
        self.game = game

    def render_interface(self, frame: np.ndarray) -> np.ndarray:
        game = self.game
        total, left = game.budgets[game.level_index], max(game.budget_left, 0)
        if game.state is not None:
            gauge = game.meter(game.puzzles[game.level_index], game.state)
            if gauge is not None:
                left, total = max(gauge[0], 0), gauge[1]
        room = FRAME - 2
        filled = (room * left + total - 1) // total  # ceil: empty only when the budget is spent
        t = BAR_THICKNESS
        edge = {"top": (slice(0, t), None), "bottom": (slice(FRAME - t, FRAME), None),
                "left": (None, slice(0, t)), "right": (None, slice(FRAME - t, FRAME))}[game.BAR]
        if edge[0] is not None:
            frame[edge[0], :] = game.BAR_BACK
            frame[edge[0], 1 : 1 + filled] = game.BAR_COLOUR
        else:
            frame[:, edge[1]] = game.BAR_BACK
            frame[FRAME - 1 - filled : FRAME - 1, edge[1]] = game.BAR_COLOUR
        return frame


def solve(game: Stage, puzzle: Any, max_states: int = MAX_SEARCH_STATES) -> Plan | None:
    """A shortest winning plan by BFS over `transition` (keys, then `click_targets`); None if none
    is found within `max_states` states. Lost states are not expanded."""
    start = game.initial_state(puzzle)
    keys = [a for a in game.AVAILABLE if a != 6]
    parent: dict[Any, Any] = {start: None}
    frontier = deque([start])
    while frontier:
        state = frontier.popleft()
        moves: list[tuple[int, Any]] = [(a, None) for a in keys]
        if 6 in game.AVAILABLE:
            moves += [(6, cell) for cell in game.click_targets(puzzle, state)]
        for action, cell in moves:
            after = game.transition(puzzle, state, action, cell)
            if after in parent:
                continue
            parent[after] = (state, action, cell)
            if game.is_solved(puzzle, after):
                plan: Plan = []
                while parent[after] is not None:
                    after, action, cell = parent[after]
                    x, y = game.display_point(cell) if cell is not None else (None, None)
                    plan.append((action, x, y))
                return plan[::-1]
            if len(parent) > max_states:
                return None
            if not game.is_lost(puzzle, after):
                frontier.append(after)
    return None
