"""The shared machinery of the built-in games: a game subclass writes pure logic, the kit does the rest.

This module is SELF-CONTAINED (stdlib, numpy, arcengine only): `arc_client.games.bundle` pastes its
source at the top of every exported game file, so the official toolkit loads each game as one file.

A game is a subclass of `PuzzleGame` that sets these class attributes:

    NAME       4-character id in the official style, lowercase letters+digits ("nv01"); the class
               name must be NAME capitalised ("Nv01"), as the toolkit derives it from the game_id.
    TITLE      human title; TAGS: ["keyboard"] | ["click"] | ["keyboard_click"]
    AVAILABLE  action ids the game lists in `available_actions` (subset of 1..7)
    LEVELS     number of levels (>= 5); UNDO: True when ACTION7 pops the undo stack
    FPS        default_fps written to metadata.json (default 5)
    MIN_ACTIONS  levels whose optimal solution is shorter are redrawn (default 1)

and implements these hooks (all pure: they never touch sprites, the engine or `self` state):

    generate(rng, index) -> Puzzle
        The static data of level `index` (0-based), drawn from `rng` (a seeded random.Random).
        Any object with `width` and `height` (8..32 logical cells) growing with `index`. Levels the
        oracle cannot solve (or that start solved, or whose search is too large) are redrawn.
    initial_state(puzzle) -> State
        The level's starting state; hashable (tuples, frozensets) because the oracle searches it.
    transition(puzzle, state, action, cell) -> State
        The state after `action` (1..7). `cell` is the logical (col, row) clicked for ACTION6, None
        when the click lands outside the board (and for every other action). Return `state` itself
        when nothing changes. Never called for ACTION7 when UNDO is set (the kit undoes).
    is_solved(puzzle, state) -> bool
        True when the level is complete; the kit then advances (or wins on the last level).
    draw(puzzle, state) -> np.ndarray
        (height, width) array of colours 0..15 of the logical board.

Optional hooks (defaults in brackets):

    click_targets(puzzle, state) -> list[(col, row)]   cells worth clicking, for the oracle's
                                                       search over ACTION6 [[]]
    hud(puzzle, state) -> list[int]                    colours of extra HUD swatches, e.g. held
                                                       keys [[]]
    animate(puzzle, before, after, action) -> list[np.ndarray]
                                                       intermediate boards shown as extra frames
                                                       before the settled one [[]]
    budget(optimal) -> int                             the level's step budget given the oracle's
                                                       optimal action count [2 * optimal + 8]
    dead(puzzle, state) -> bool                        True for states that provably cannot be
                                                       solved (e.g. a block stuck in a corner); the
                                                       oracle does not expand them [False]

Game modules must not use `from __future__ import annotations`: the toolkit execs the bundled file
outside sys.modules, where dataclasses with string annotations fail to build.
Puzzles must be immutable (tuples, frozensets): generated levels are cached per (NAME, seed) and
shared between game instances, because the server constructs a game for every new instance.

What the kit does: seeded generation of all LEVELS levels in `__init__(seed)` with a BFS check
(`self.puzzles[i]`, `self.solutions[i]`, `self.budgets[i]`); GAME_OVER when the budget is spent;
RESET as the engine does it (level reset restores the level's initial state and budget); next
level when solved; undo; multi-frame animation. `solve(game, puzzle)` is the oracle: BFS over
`transition` returning actions as (action id, x, y) with x, y in display coordinates for ACTION6.

Rendering is the engine's: each level holds one sprite with the LOGICAL board (one pixel per cell,
width x height) and its `grid_size` is the board plus a HUD strip of whole cells below it (one row,
two or three when the scale is small). The arcengine `Camera`, resized to that grid on every level,
scales it up by whole pixels and letterboxes it into the 64x64 frame. The HUD itself is a
`RenderableUserDisplay` the camera draws on the finished 64x64 frame, at display resolution inside
the strip's rows: a step-budget bar across the frame's width, ceil(room * left / total) pixels long
(one pixel shorter per action while the budget fits the room, empty exactly when it is spent), and
the `hud` swatches at its right. ACTION6 maps display (x, y) to a cell with `Camera.display_to_grid`;
clicks on the HUD strip or the letterbox reach `transition` as cell None. `display_point` (used by
the oracle) is the display pixel at a cell's centre under the same arithmetic.
"""

import random
import threading
from collections import deque
from collections.abc import Hashable
from typing import Any, ClassVar

import numpy as np
from arcengine import ARCBaseGame, Camera, Level, RenderableUserDisplay, Sprite

__all__ = [
    "BLACK", "BLUE", "BUDGET", "FLOOR", "GOAL", "GRAY", "GREEN", "HUD_BACK", "LIGHT_BLUE", "LIGHT_GRAY",
    "LIGHT_MAGENTA", "MAGENTA", "MAROON", "OFF_BLACK", "OFF_WHITE", "ORANGE", "PLAYER", "PURPLE", "RED",
    "WALL", "WHITE", "YELLOW", "MOVES", "Plan", "PuzzleGame", "carve_maze", "display_point", "room", "solve",
]

# The ARC-AGI-3 palette (arc_agi.rendering.COLOR_MAP), by name.
WHITE, OFF_WHITE, LIGHT_GRAY, GRAY, OFF_BLACK, BLACK = 0, 1, 2, 3, 4, 5
MAGENTA, LIGHT_MAGENTA, RED, BLUE, LIGHT_BLUE, YELLOW, ORANGE, MAROON, GREEN, PURPLE = range(6, 16)

# Roles shared by every game so the suite looks consistent. BUDGET is reserved for the HUD bar.
FLOOR = OFF_BLACK
WALL = LIGHT_GRAY
PLAYER = BLUE
GOAL = GREEN
BUDGET = YELLOW
HUD_BACK = BLACK

HUD_PIXELS = 3  # display rows the HUD strip wants: a gap row, then the bar
HUD_BAR = 3  # the tallest the bar and the swatches get, in display pixels
FRAME = 64
MAX_REDRAWS = 60
MAX_SEARCH_STATES = 40_000
CACHE_SIZE = 512

# ACTION1..4 as (dcol, drow): up, down, left, right, as in the official keyboard games.
MOVES: dict[int, tuple[int, int]] = {1: (0, -1), 2: (0, 1), 3: (-1, 0), 4: (1, 0)}

# One oracle step: (action id, x, y); x and y are display coordinates for ACTION6, else None.
Plan = list[tuple[int, int | None, int | None]]


# (class, NAME, seed) -> [(puzzle, plan)] per level: generation is deterministic, so build it once.
_GENERATED: dict[tuple[str, str, int], list[tuple[Any, Plan]]] = {}
_GENERATED_LOCK = threading.Lock()  # the toolkit's server builds games from several threads


class PuzzleGame(ARCBaseGame):
    """Base class of every built-in game; see the module docstring for the hooks."""

    NAME: ClassVar[str] = ""
    TITLE: ClassVar[str] = ""
    TAGS: ClassVar[list[str]] = ["keyboard"]
    AVAILABLE: ClassVar[list[int]] = [1, 2, 3, 4]
    LEVELS: ClassVar[int] = 5
    UNDO: ClassVar[bool] = False
    FPS: ClassVar[int] = 5
    MIN_ACTIONS: ClassVar[int] = 1

    # ---- hooks -------------------------------------------------------------------------------
    def generate(self, rng: random.Random, index: int) -> Any:
        raise NotImplementedError

    def initial_state(self, puzzle: Any) -> Hashable:
        raise NotImplementedError

    def transition(self, puzzle: Any, state: Any, action: int, cell: tuple[int, int] | None) -> Hashable:
        raise NotImplementedError

    def is_solved(self, puzzle: Any, state: Any) -> bool:
        raise NotImplementedError

    def draw(self, puzzle: Any, state: Any) -> np.ndarray:
        raise NotImplementedError

    def click_targets(self, puzzle: Any, state: Any) -> list[tuple[int, int]]:
        return []

    def hud(self, puzzle: Any, state: Any) -> list[int]:
        return []

    def animate(self, puzzle: Any, before: Any, after: Any, action: int) -> list[np.ndarray]:
        return []

    def budget(self, optimal: int) -> int:
        return 2 * optimal + 8

    def dead(self, puzzle: Any, state: Any) -> bool:
        return False

    # ---- construction --------------------------------------------------------------------------
    def __init__(self, seed: int = 0) -> None:
        key = (type(self).__qualname__, self.NAME, seed)
        generated = _GENERATED.get(key)
        if generated is None:
            rng = random.Random(f"{self.NAME}:{seed}")
            generated = [self._draw_solvable(rng, index) for index in range(self.LEVELS)]
            with _GENERATED_LOCK:
                while len(_GENERATED) >= CACHE_SIZE:
                    _GENERATED.pop(next(iter(_GENERATED)))
                _GENERATED[key] = generated
        #: level i's static data, the oracle's plan for it and its step budget
        self.puzzles: list[Any] = [puzzle for puzzle, _ in generated]
        self.solutions: list[Plan] = [list(plan) for _, plan in generated]
        self.budgets: list[int] = [self.budget(len(plan)) for plan in self.solutions]
        self._layouts: list[_Layout] = []
        levels = []
        for index, puzzle in enumerate(self.puzzles):
            layout = _Layout(puzzle.width, puzzle.height)
            self._layouts.append(layout)
            # One pixel per cell: the camera (sized in cells, board plus HUD strip) scales it up.
            sprite = Sprite(np.zeros((layout.height, layout.width), dtype=np.int8), name="board")
            levels.append(Level(sprites=[sprite], grid_size=(layout.grid_w, layout.grid_h), name=f"level{index + 1}"))
        # Play state of the current level; on_set_level (called by the engine) fills it in.
        self.state: Any = None
        self.budget_left = 0
        self._undo: list[Any] = []
        self._pending: list[np.ndarray] = []
        self._board: Sprite | None = None
        first = self._layouts[0]
        camera = Camera(
            0, 0, first.grid_w, first.grid_h, background=HUD_BACK, letter_box=HUD_BACK, interfaces=[_Hud(self)]
        )
        super().__init__(self.NAME, levels, camera, available_actions=list(self.AVAILABLE), seed=seed)

    def _draw_solvable(self, rng: random.Random, index: int) -> tuple[Any, Plan]:
        for _ in range(MAX_REDRAWS):
            puzzle = self.generate(rng, index)
            plan = solve(self, puzzle)
            if plan is not None and len(plan) >= max(1, self.MIN_ACTIONS):  # None: unsolvable or too large
                return puzzle, plan
        raise RuntimeError(f"{self.NAME}: no solvable level {index + 1} in {MAX_REDRAWS} draws; fix generate()")

    # ---- engine hooks --------------------------------------------------------------------------
    def on_set_level(self, level: Level) -> None:
        index = self.level_index
        puzzle = self.puzzles[index]
        self.state = self.initial_state(puzzle)
        self.budget_left = self.budgets[index]
        self._undo = []
        self._pending = []
        self._board = level.get_sprites()[0]
        self._show(self.draw(puzzle, self.state))

    def step(self) -> None:
        if self._pending:  # an animation is playing: show its next frame
            self._show(self._pending.pop(0))
            if not self._pending:
                self._settle()
            return
        action = int(self.action.id.value)
        if action == 0:  # RESET: the engine already restored the level
            self.complete_action()
            return
        puzzle = self.puzzles[self.level_index]
        before = self.state
        self.budget_left -= 1
        if action == 7 and self.UNDO:
            if self._undo:
                self.state = self._undo.pop()
        elif action in self.AVAILABLE and action != 7:
            after = self.transition(puzzle, before, action, self._clicked_cell(action))
            if after != before:
                if self.UNDO:
                    self._undo.append(before)
                self.state = after
        if self.state != before:
            frames = self.animate(puzzle, before, self.state, action)
            if frames:
                self._pending = [*frames[1:], self.draw(puzzle, self.state)]
                self._show(frames[0])
                return
        self._show(self.draw(puzzle, self.state))
        self._settle()

    def _settle(self) -> None:
        """End the action on its settled frame: next level, GAME_OVER, or keep playing."""
        if self.is_solved(self.puzzles[self.level_index], self.state):
            self.next_level()
        elif self.budget_left <= 0:
            self.lose()
        self.complete_action()

    def _clicked_cell(self, action: int) -> tuple[int, int] | None:
        if action != 6:
            return None
        data = self.action.data or {}
        if "x" not in data or "y" not in data:
            return None
        grid = self.camera.display_to_grid(int(data["x"]), int(data["y"]))
        if grid is None or grid[1] >= self.puzzles[self.level_index].height:  # letterbox or HUD strip
            return None
        return grid

    def _show(self, board: np.ndarray) -> None:
        """Put a logical board on the board sprite; the HUD interface draws the strip at render time."""
        assert self._board is not None
        self._board.pixels = board.astype(np.int8)

    # ---- oracle helpers ------------------------------------------------------------------------
    def display_point(self, puzzle: Any, cell: tuple[int, int]) -> tuple[int, int]:
        """Display (x, y) in 0..63 at the centre of a logical cell of `puzzle`."""
        return _Layout(puzzle.width, puzzle.height).display_point(cell)


class _Layout:
    """Geometry of one level as the engine's camera sees it.

    The camera is `width` x (`height` + `hud_rows`) cells: the logical board with a HUD strip of whole
    cells below it. The camera scales it by `scale` display pixels per cell and letterboxes it into
    64x64 at (`offset_x`, `offset_y`), the same arithmetic as `Camera._calculate_scale_and_offset`.
    """

    def __init__(self, width: int, height: int) -> None:
        self.width, self.height = width, height
        self.hud_rows = 1
        self.scale = max(1, min(FRAME // width, FRAME // (height + 1)))
        # More HUD rows while the scale allows it, so a small-scale strip still has room for a gap and a bar.
        while self.hud_rows * self.scale < HUD_PIXELS and FRAME // (height + self.hud_rows + 1) >= self.scale:
            self.hud_rows += 1
        self.grid_w, self.grid_h = width, height + self.hud_rows  # the camera's size in cells
        self.offset_x = (FRAME - self.grid_w * self.scale) // 2
        self.offset_y = (FRAME - self.grid_h * self.scale) // 2
        #: display rows of the HUD strip: [hud_top, hud_bottom)
        self.hud_top = self.offset_y + height * self.scale
        self.hud_bottom = self.offset_y + self.grid_h * self.scale

    def cell_at(self, x: int, y: int) -> tuple[int, int] | None:
        """The board cell under display (x, y), None off the board: `Camera.display_to_grid` arithmetic."""
        if x < self.offset_x or y < self.offset_y:
            return None
        col, row = (x - self.offset_x) // self.scale, (y - self.offset_y) // self.scale
        return (col, row) if col < self.width and row < self.height else None

    def display_point(self, cell: tuple[int, int]) -> tuple[int, int]:
        """The display pixel at the centre of `cell` (inside it for every scale)."""
        col, row = cell
        half = self.scale // 2
        return self.offset_x + col * self.scale + half, self.offset_y + row * self.scale + half

    def bar_room(self, swatches: int) -> int:
        """Display pixels the budget bar may fill: the frame's width less the swatches at the right."""
        return max(1, FRAME - swatches * (self.swatch + 1))

    @property
    def swatch(self) -> int:
        """Side of a HUD swatch (and height of the bar) in display pixels, under the gap row."""
        return min(HUD_BAR, self.hud_bottom - self.hud_top - self.gap)

    @property
    def gap(self) -> int:
        return 1 if self.hud_bottom - self.hud_top >= HUD_PIXELS else 0


class _Hud(RenderableUserDisplay):
    """The HUD strip at full display resolution: the step-budget bar and held-item swatches.

    The engine's camera draws interfaces on the 64x64 frame after scaling the board up, so the bar
    is measured in display pixels and loses at least one pixel per action while the budget is no
    larger than the bar's room.
    """

    def __init__(self, game: PuzzleGame) -> None:
        self.game = game

    def render_interface(self, frame: np.ndarray) -> np.ndarray:
        game = self.game
        index = game.level_index
        layout = game._layouts[index]
        swatches = game.hud(game.puzzles[index], game.state)
        top = layout.hud_top + layout.gap
        size = layout.swatch
        room = layout.bar_room(len(swatches))
        for i, colour in enumerate(swatches):
            x = room + 1 + i * (size + 1)
            frame[top : top + size, x : x + size] = colour
        left, total = game.budget_left, game.budgets[index]
        if left > 0:  # ceil, so the bar only vanishes when the budget is spent
            frame[top : top + size, : min(room, (room * left + total - 1) // total)] = BUDGET
        return frame


def display_point(game: PuzzleGame, puzzle: Any, cell: tuple[int, int]) -> tuple[int, int]:
    """Display (x, y) that ACTION6 must send to click `cell` of `puzzle`."""
    return game.display_point(puzzle, cell)


def solve(game: PuzzleGame, puzzle: Any, max_states: int = MAX_SEARCH_STATES) -> Plan | None:
    """The oracle: a shortest action list from the initial state to a solved one (BFS).

    Returns None when the level is unsolvable or its search exceeds `max_states` states.
    ACTION6 steps carry the display (x, y) of the cell's centre, so the plan can be sent as is.
    """
    start = game.initial_state(puzzle)
    if game.is_solved(puzzle, start):
        return []
    keys = [a for a in game.AVAILABLE if a not in (6, 7)]
    clicks = 6 in game.AVAILABLE
    parent: dict[Any, tuple[Any, int, tuple[int, int] | None]] = {start: (None, 0, None)}
    frontier = deque([start])
    while frontier:
        state = frontier.popleft()
        moves: list[tuple[int, tuple[int, int] | None]] = [(a, None) for a in keys]
        if clicks:
            moves.extend((6, cell) for cell in game.click_targets(puzzle, state))
        for action, cell in moves:
            after = game.transition(puzzle, state, action, cell)
            if after in parent:
                continue
            parent[after] = (state, action, cell)
            if game.is_solved(puzzle, after):
                return _unwind(game, puzzle, parent, after)
            if len(parent) > max_states:
                return None
            if not game.dead(puzzle, after):
                frontier.append(after)
    return None


def _unwind(game: PuzzleGame, puzzle: Any, parent: dict[Any, Any], end: Any) -> Plan:
    plan: Plan = []
    state = end
    while True:
        previous, action, cell = parent[state]
        if previous is None:
            break
        if cell is None:
            plan.append((action, None, None))
        else:
            x, y = game.display_point(puzzle, cell)
            plan.append((action, x, y))
        state = previous
    plan.reverse()
    return plan


def carve_maze(
    rng: random.Random, width: int, height: int, start: tuple[int, int] | None = None
) -> set[tuple[int, int]]:
    """Open cells of a perfect maze (a tree of corridors, depth-first carving) on the odd coordinates
    of a width x height grid, from `start` (a random odd cell when None)."""
    if start is None:
        start = (1 + 2 * rng.randrange(width // 2), 1 + 2 * rng.randrange(height // 2))
    opened = {start}
    stack = [start]
    while stack:
        col, row = stack[-1]
        options = [
            (col + dc, row + dr)
            for dc, dr in ((0, -2), (0, 2), (-2, 0), (2, 0))
            if 0 < col + dc < width - 1 and 0 < row + dr < height - 1 and (col + dc, row + dr) not in opened
        ]
        if not options:
            stack.pop()
            continue
        nxt = rng.choice(options)
        opened.add(((col + nxt[0]) // 2, (row + nxt[1]) // 2))
        opened.add(nxt)
        stack.append(nxt)
    return opened


def room(
    rng: random.Random, width: int, height: int, density: float
) -> tuple[frozenset[tuple[int, int]], list[tuple[int, int]]]:
    """A walled room with about `density` of its inside turned to wall, every floor cell connected.

    Returns (walls, floor cells sorted). Pockets cut off by the random walls become wall too.
    """
    walls = {(c, r) for c in range(width) for r in range(height) if c in (0, width - 1) or r in (0, height - 1)}
    inside = [(c, r) for c in range(1, width - 1) for r in range(1, height - 1)]
    walls.update(rng.sample(inside, int(len(inside) * density)))
    floor = [cell for cell in inside if cell not in walls]
    seen = {floor[0]} if floor else set()
    queue = list(seen)
    for col, row in queue:
        for dc, dr in MOVES.values():
            nxt = (col + dc, row + dr)
            if nxt not in walls and nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    if len(seen) < len(floor) // 2:  # the first cell sat in a small pocket: start from the largest part
        return room(rng, width, height, density)
    walls.update(cell for cell in floor if cell not in seen)
    return frozenset(walls), sorted(seen)
