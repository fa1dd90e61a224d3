"""Shifting Rules: the same kind of room every level, but what the coloured pads mean changes.

Level 1: reach the green pad. Level 2: green is now deadly (GAME_OVER on touch), reach the blue pad.
Level 3: reach green, but its gate (a grey bar) only opens after the yellow switch is stepped on.
Level 4: every pad but the goal is deadly. Level 5: the player moves two cells per action. Level 6:
all of it at once. The legend at the top right shows the goal colour in a white frame and each deadly
colour in a red frame. The camera is 32x32 cells (two display pixels each), the player a 2x2-cell
sprite moving 2 cells (4 display pixels) per step; the timer bar runs down the left edge.
Pad places and the start are seeded.

Baselines: the solver's shortest plan x 1.5, rounded up.
"""

import random
from dataclasses import dataclass

import numpy as np
from arcengine import Sprite

from arc_client.games.heldout.stage import (
    BLUE,
    GRAY,
    GREEN,
    LIGHT_MAGENTA,
    MAGENTA,
    MOVES,
    OFF_BLACK,
    ORANGE,
    PURPLE,
    RED,
    WHITE,
    YELLOW,
    Stage,
    block,
    sprite,
    texture,
)

CELL = 2  # grid units per logical cell
COLS, ROWS = 14, 11
LEFT, TOP = 2, 8
PLAYER = np.array([[PURPLE, PURPLE], [LIGHT_MAGENTA, PURPLE]], dtype=np.int8)
# per level: goal colour, deadly colours, cells per step, a yellow switch opens the goal's gate
RULES = (
    (GREEN, (), 1, False),
    (BLUE, (GREEN,), 1, False),
    (GREEN, (), 1, True),
    (ORANGE, (GREEN, BLUE), 1, False),
    (BLUE, (), 2, False),
    (GREEN, (BLUE, ORANGE), 2, True),
)
PADS = (GREEN, BLUE, ORANGE)

Cell = tuple[int, int]


@dataclass(frozen=True)
class RulePuzzle:
    goal: int
    deadly: tuple[int, ...]
    stride: int
    switch: Cell | None
    pads: tuple[tuple[int, Cell], ...]
    walls: frozenset[Cell]
    start: Cell


@dataclass(frozen=True)
class RuleState:
    at: Cell
    gate_open: bool


class He01(Stage):
    NAME = "he01"
    TITLE = "Shifting Rules"
    TAGS = ["heldout", "keyboard"]
    AVAILABLE = [1, 2, 3, 4]
    GRID = 32
    BAR = "left"
    BAR_COLOUR = MAGENTA

    def levels(self, rng: random.Random) -> list[RulePuzzle]:
        out = []
        for goal, deadly, stride, gated in RULES:
            while True:
                cells = [(c, r) for c in range(COLS) for r in range(ROWS)]
                start, switch, *places = rng.sample(cells, 2 + len(PADS))
                walls = frozenset(rng.sample([c for c in cells if c not in (start, switch, *places)], 14))
                pads = tuple(zip(PADS, places, strict=True))
                puzzle = RulePuzzle(goal, deadly, stride, switch if gated else None, pads, walls, start)
                plan = self._shortest(puzzle)
                if plan is not None and plan >= 5:
                    out.append(puzzle)
                    break
        return out

    def _shortest(self, puzzle: RulePuzzle) -> int | None:
        from collections import deque

        start = self.initial_state(puzzle)
        dist = {start: 0}
        queue = deque([start])
        while queue:
            state = queue.popleft()
            if self.is_solved(puzzle, state):
                return dist[state]
            if self.is_lost(puzzle, state):
                continue
            for action in MOVES:
                nxt = self.transition(puzzle, state, action, None)
                if nxt not in dist:
                    dist[nxt] = dist[state] + 1
                    queue.append(nxt)
        return None

    def _gate(self, puzzle: RulePuzzle) -> Cell:
        return next(cell for colour, cell in puzzle.pads if colour == puzzle.goal)

    def initial_state(self, puzzle: RulePuzzle) -> RuleState:
        return RuleState(puzzle.start, puzzle.switch is None)

    def transition(self, puzzle: RulePuzzle, state: RuleState, action: int, cell: Cell | None) -> RuleState:
        if action not in MOVES:
            return state
        dx, dy = MOVES[action]
        at = state.at
        for _ in range(puzzle.stride):
            nxt = (at[0] + dx, at[1] + dy)
            if not (0 <= nxt[0] < COLS and 0 <= nxt[1] < ROWS) or nxt in puzzle.walls:
                break
            if not state.gate_open and nxt == self._gate(puzzle):
                break
            at = nxt
            if self._colour_at(puzzle, at) is not None:
                break  # pads stop a stride
        return RuleState(at, state.gate_open or at == puzzle.switch)

    def _colour_at(self, puzzle: RulePuzzle, cell: Cell) -> int | None:
        return next((colour for colour, c in puzzle.pads if c == cell), None)

    def is_solved(self, puzzle: RulePuzzle, state: RuleState) -> bool:
        return self._colour_at(puzzle, state.at) == puzzle.goal

    def is_lost(self, puzzle: RulePuzzle, state: RuleState) -> bool:
        return self._colour_at(puzzle, state.at) in puzzle.deadly

    def background(self, puzzle: RulePuzzle) -> np.ndarray:
        floor = texture(random.Random(puzzle.start[0] * 17 + puzzle.start[1]), 32, OFF_BLACK, GRAY, "noise")
        floor[:TOP - 1, :] = OFF_BLACK
        for col, row in puzzle.walls:
            floor[TOP + row * CELL : TOP + (row + 1) * CELL, LEFT + col * CELL : LEFT + (col + 1) * CELL] = WHITE
        return floor

    def scene(self, puzzle: RulePuzzle, state: RuleState) -> list[Sprite]:
        pieces = []
        for colour, (col, row) in puzzle.pads:
            pieces.append(sprite(block(2, 2, colour), LEFT + col * CELL, TOP + row * CELL))
        if puzzle.switch is not None:
            col, row = puzzle.switch
            pieces.append(sprite(block(2, 2, YELLOW if not state.gate_open else GRAY), LEFT + col * CELL, TOP + row * CELL))
            if not state.gate_open:
                gx, gy = self._gate(puzzle)
                pieces.append(sprite(block(2, 1, GRAY), LEFT + gx * CELL, TOP + gy * CELL, layer=2, name="gate"))
        pieces.append(sprite(block(4, 4, puzzle.goal, border=WHITE), 27, 1, layer=2, name="legend-goal"))
        for i, colour in enumerate(puzzle.deadly):
            pieces.append(sprite(block(4, 4, colour, border=RED), 22 - 5 * i, 1, layer=2, name="legend-deadly"))
        col, row = state.at
        pieces.append(sprite(PLAYER, LEFT + col * CELL, TOP + row * CELL, layer=3, name="player"))
        return pieces
