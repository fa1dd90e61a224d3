"""Crane: restack coloured blocks with an overhead crane until the pit matches the legend (keyboard).

A side view of a pit. A crane hook (a yellow trolley on a grey rail with an orange claw, 5 pixels wide)
runs along the rail above the pit; ACTION3/ACTION4 move it one column (6 pixels) left/right and it
stops at the ends. ACTION5 grabs the top block of the column under the hook when the hook is empty
(the block then hangs under the claw), or drops the held block onto that column: it lands on top of
the stack there. A column holds at most as many blocks as the pit is deep; a drop onto a full column
does nothing. ACTION1 and ACTION2 do nothing until level 4. From level 5 on the rules change, with
nothing on the screen to say so: ACTION5 only grabs, and a held block is dropped with ACTION2 (down);
ACTION1 (up) still does nothing. A grab or a drop shows one in-between frame, the block half way.

The legend (a framed picture in the top right corner) shows the target. In levels 1-2 it is a row of
swatches, one per column: the colour that must be on top of each column. From level 3 on it is the
whole target pit drawn small (2x2 pixels a block, bottom-aligned on a grey floor): every column must
hold exactly that stack. The level is won when the pit matches the legend with the hook empty.

Levels grow from 3 columns and 4 blocks to 6 columns and 8 blocks; every level is generated from the
seed by scrambling a random target with random legal moves, kept only when the solver's shortest plan
lies in the level's range. The timer bar runs along the top.

Baselines: the solver's shortest plan x 1.5, rounded up.
"""

import random
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from arcengine import Sprite

from arc_client.games.heldout.stage import (
    BLACK,
    BLUE,
    GRAY,
    GREEN,
    LIGHT_BLUE,
    LIGHT_GRAY,
    MAGENTA,
    OFF_BLACK,
    ORANGE,
    PURPLE,
    RED,
    WHITE,
    YELLOW,
    Stage,
    art,
    block,
    solve,
    sprite,
    texture,
)

PITCH = 6  # pixels per column and per stacked block
SIZE = 5  # a block is SIZE x SIZE pixels
FLOOR = 61  # the pit's floor row
RAIL = 19  # the rail's row
HELD_Y = 24  # the top row of a block hanging under the claw
GRAB = 5
COLOURS = (RED, BLUE, GREEN, YELLOW, MAGENTA, ORANGE, LIGHT_BLUE, PURPLE)
EMPTY_HOOK = -1


@dataclass(frozen=True)
class Spec:
    columns: int
    depth: int  # the most blocks a column holds
    blocks: int
    colours: int  # distinct colours among the blocks
    full_legend: bool  # the legend shows whole stacks (else only each column's top colour)
    drop: int  # the action that drops a held block: ACTION5, or ACTION2 from level 5 on
    shortest: tuple[int, int]  # the range the shortest plan must lie in


LEVELS = (
    Spec(3, 3, 4, 4, False, GRAB, (4, 8)),
    Spec(4, 3, 6, 5, False, GRAB, (6, 14)),
    Spec(4, 3, 5, 4, True, GRAB, (8, 16)),
    Spec(5, 4, 6, 5, True, GRAB, (10, 20)),
    Spec(5, 4, 6, 5, True, 2, (10, 22)),
    Spec(6, 4, 7, 5, True, 2, (14, 28)),
    Spec(6, 4, 8, 5, True, 2, (16, 30)),
)
GENERATION_STATES = 15_000  # the BFS limit while generating (the stage's own limit is higher)

Stacks = tuple[tuple[int, ...], ...]


@dataclass(frozen=True)
class Pit:
    columns: int
    depth: int
    start: Stacks
    goal: Stacks
    hook: int  # the hook's starting column
    full_legend: bool
    drop: int


class Crane(NamedTuple):
    hook: int  # the column under the hook
    held: int  # the held block's colour, or EMPTY_HOOK
    stacks: Stacks  # each column's blocks, bottom first


@dataclass(frozen=True)
class Midair:
    """An in-between frame: `base` with no block held, and one block of `colour` at row `y` over `column`."""

    base: Crane
    column: int
    colour: int
    y: int


def block_y(level: int) -> int:
    """The top row of the block `level` blocks above the floor (0: the bottom block)."""
    return FLOOR - PITCH * (level + 1) + 1


def pit_left(columns: int) -> int:
    """The first pixel column of the pit's inside (a block of column c starts PITCH * c + 1 further)."""
    return (64 - (PITCH * columns + 1)) // 2


def move(puzzle: Pit, state: Crane, action: int) -> Crane:
    """One action: move the hook, grab the top block under it, or drop the held block on top of that column."""
    hook, held, stacks = state
    if action == 3:
        return state._replace(hook=max(0, hook - 1))
    if action == 4:
        return state._replace(hook=min(puzzle.columns - 1, hook + 1))
    column = stacks[hook]
    if action == GRAB and held == EMPTY_HOOK:
        if not column:
            return state
        changed = list(stacks)
        changed[hook] = column[:-1]
        return Crane(hook, column[-1], tuple(changed))
    if action == puzzle.drop and held != EMPTY_HOOK:
        if len(column) >= puzzle.depth:
            return state
        changed = list(stacks)
        changed[hook] = (*column, held)
        return Crane(hook, EMPTY_HOOK, tuple(changed))
    return state


def matches(puzzle: Pit, stacks: Stacks) -> bool:
    if puzzle.full_legend:
        return stacks == puzzle.goal
    return all(bool(have) and have[-1] == want[-1] for have, want in zip(stacks, puzzle.goal, strict=True))


def _target(rng: random.Random, spec: Spec) -> Stacks:
    palette = rng.sample(COLOURS, spec.colours)
    colours = [palette[i % spec.colours] for i in range(spec.blocks)]
    rng.shuffle(colours)
    stacks: list[list[int]] = [[] for _ in range(spec.columns)]
    if not spec.full_legend:  # every column has a top colour to show
        for c in range(spec.columns):
            stacks[c].append(colours.pop())
    for colour in colours:
        room = [c for c in range(spec.columns) if len(stacks[c]) < spec.depth]
        stacks[rng.choice(room)].append(colour)
    return tuple(tuple(s) for s in stacks)


def _scramble(rng: random.Random, spec: Spec, goal: Stacks, moves: int) -> Stacks:
    stacks = [list(s) for s in goal]
    for _ in range(moves):
        source = rng.choice([c for c in range(spec.columns) if stacks[c]])
        target = rng.choice([c for c in range(spec.columns) if c != source and len(stacks[c]) < spec.depth])
        stacks[target].append(stacks[source].pop())
    return tuple(tuple(s) for s in stacks)


class Xc01(Stage):
    NAME = "xc01"
    TITLE = "Crane"
    TAGS = ["sealed", "keyboard"]
    AVAILABLE = [1, 2, 3, 4, 5]
    BAR = "top"
    BAR_COLOUR = LIGHT_BLUE

    def levels(self, rng: random.Random) -> list[Pit]:
        return [self._make(rng, spec) for spec in LEVELS]

    def _make(self, rng: random.Random, spec: Spec) -> Pit:
        lo, hi = spec.shortest
        for _attempt in range(400):
            goal = _target(rng, spec)
            start = _scramble(rng, spec, goal, rng.randint(1, max(2, spec.blocks - 1)))
            pit = Pit(spec.columns, spec.depth, start, goal, rng.randrange(spec.columns), spec.full_legend, spec.drop)
            if matches(pit, start):
                continue
            plan = solve(self, pit, GENERATION_STATES)
            if plan is not None and lo <= len(plan) <= hi:
                return pit
        raise RuntimeError(f"crane: no level found for {spec}")

    def initial_state(self, puzzle: Pit) -> Crane:
        return Crane(puzzle.hook, EMPTY_HOOK, puzzle.start)

    def transition(self, puzzle: Pit, state: Crane, action: int, cell: tuple[int, int] | None) -> Crane:
        return move(puzzle, state, action)

    def is_solved(self, puzzle: Pit, state: Crane) -> bool:
        return state.held == EMPTY_HOOK and matches(puzzle, state.stacks)

    def tweens(self, puzzle: Pit, before: Crane, after: Crane, action: int) -> list[Midair]:
        if before.stacks == after.stacks:
            return []
        if after.held == EMPTY_HOOK:  # a drop: the block half way down to where it lands
            colour, landed = before.held, len(after.stacks[after.hook]) - 1
            base = before._replace(held=EMPTY_HOOK)
        else:  # a grab: the block half way up from where it lay
            colour, landed = after.held, len(after.stacks[after.hook])
            base = after._replace(held=EMPTY_HOOK)
        return [Midair(base, after.hook, colour, (HELD_Y + block_y(landed)) // 2)]

    # ---- drawing -----------------------------------------------------------------------------
    def background(self, puzzle: Pit) -> np.ndarray:
        floor = texture(random.Random(puzzle.columns), 64, OFF_BLACK, BLACK, "bricks")
        left = pit_left(puzzle.columns)
        width = PITCH * puzzle.columns + 1
        top = block_y(puzzle.depth - 1) - 1
        floor[top:FLOOR, left : left + width] = BLACK
        for c in range(1, puzzle.columns):  # faint guides between the columns
            floor[top:FLOOR:2, left + PITCH * c] = OFF_BLACK
        floor[top - 1 : FLOOR + 2, [left - 2, left - 1, left + width, left + width + 1]] = GRAY
        floor[top - 1, [left - 2, left - 1, left + width, left + width + 1]] = LIGHT_GRAY
        floor[FLOOR : FLOOR + 2, left - 2 : left + width + 2] = GRAY
        floor[RAIL, left - 3 : left + width + 3] = LIGHT_GRAY
        floor[RAIL : FLOOR, [left - 3, left + width + 2]] = LIGHT_GRAY  # the rail's posts
        return floor

    def scene(self, puzzle: Pit, state: Crane | Midair) -> list[Sprite]:
        crane = state.base if isinstance(state, Midair) else state
        left = pit_left(puzzle.columns)
        pieces = [self._legend(puzzle)]
        for c, stack in enumerate(crane.stacks):
            for level, colour in enumerate(stack):
                pieces.append(sprite(block(SIZE, SIZE, colour), left + PITCH * c + 1, block_y(level), layer=1))
        x = left + PITCH * crane.hook + 1
        holding = crane.held != EMPTY_HOOK
        pieces.append(sprite(HOOK_SHUT if holding else HOOK_OPEN, x, RAIL - 1, layer=3, name="hook"))
        if holding:
            pieces.append(sprite(block(SIZE, SIZE, crane.held), x, HELD_Y, layer=2, name="held"))
        if isinstance(state, Midair):
            pieces.append(sprite(block(SIZE, SIZE, state.colour), left + PITCH * state.column + 1, state.y, layer=2))
        return pieces

    def _legend(self, puzzle: Pit) -> Sprite:
        """The target in a frame: each column's top colour (3x3 swatches), or the whole pit drawn small."""
        if puzzle.full_legend:
            inner_w, inner_h = 3 * puzzle.columns - 1, 2 * puzzle.depth
        else:
            inner_w, inner_h = 4 * puzzle.columns - 1, 3
        panel = block(inner_w + 4, inner_h + 5, BLACK, border=WHITE)
        panel[-3, 1:-1] = GRAY  # the little pit's floor
        for c, stack in enumerate(puzzle.goal):
            if puzzle.full_legend:
                for level, colour in enumerate(stack):
                    y = 2 + inner_h - 2 * (level + 1)
                    panel[y : y + 2, 2 + 3 * c : 4 + 3 * c] = colour
            else:
                panel[2:5, 2 + 4 * c : 5 + 4 * c] = stack[-1]
        return sprite(panel, 63 - panel.shape[1], 3, layer=2, name="legend")


HOOK_OPEN = art(["yyyyy", "ybyby", "..g..", "ooooo", "o...o", "o...o"],
                {"y": YELLOW, "b": BLACK, "g": LIGHT_GRAY, "o": ORANGE})
HOOK_SHUT = art(["yyyyy", "ybyby", "..g..", "ooooo", ".o.o.", ".o.o."],
                {"y": YELLOW, "b": BLACK, "g": LIGHT_GRAY, "o": ORANGE})
