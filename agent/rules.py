"""Rules of one game learned while playing it, carried from level to level.

- What the key actions do: which colour moves when they are pressed (the mover: of the colours in the
  changed cells, the rarest in the frame, so a sprite rather than the floor it leaves) and by how much
  (`moves[action]`: the mover's displacement, counted), e.g. "ACTION1 moves the blue sprite 4 px up".
- What clicks do is counted per sprite kind by `agent.perception.ClickRanker`; here only what a click
  that completed a level was on (`goal_clicks`: colours).
- What happened just before each level-up (`goals`): the colours the mover stepped onto with the
  action that completed the level (the level-up frame is the next level's, so the place is predicted
  from the learned displacement on the frame before). When that colour also showed elsewhere as a
  small object (a legend), its place is kept (`legends`): on the next level, the colour shown there
  is the goal first, whatever colour it is now. The piece stepped onto is left out whole (a pad may be
  bigger than the mover), and a legend is one compact swatch of at most `max_legend` cells.

`toward_goal` turns them into a prior for the next level: whether a key action brings the mover
closer to the nearest cell of a goal colour. All of it is a few numpy reductions per step.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from agent.frames import label_boxes, label_components

Box = tuple[int, int, int, int]  # top, left, bottom (exclusive), right (exclusive)


def cells_box(cells: np.ndarray) -> Box | None:
    """The bounding box of the True cells, None when there are none."""
    rows, cols = np.flatnonzero(cells.any(1)), np.flatnonzero(cells.any(0))
    if not len(rows):
        return None
    return int(rows[0]), int(cols[0]), int(rows[-1]) + 1, int(cols[-1]) + 1


def colour_box(frame: np.ndarray, colour: int, mask: np.ndarray | None) -> Box | None:
    cells = frame == colour
    if mask is not None:
        cells &= ~mask
    return cells_box(cells)


#: `colour_box`'s answers for the (frame, mask) pairs last asked about, by their ids, each with the arrays
#: (held, so that their ids stay their own; frames and masks are never changed in place): one transition
#: asks about a colour several times, the navigator's rules and the online learner's ask about the same
#: frames, and a move's `after` is the next move's `before`
_BOXES: dict[tuple[int, int], tuple[np.ndarray, np.ndarray | None, dict[int, Box | None]]] = {}


def _colour_box(frame: np.ndarray, colour: int, mask: np.ndarray | None) -> Box | None:
    """`colour_box`, remembered (`_BOXES`)."""
    key = (id(frame), id(mask))
    entry = _BOXES.get(key)
    if entry is None or entry[0] is not frame or entry[1] is not mask:
        if len(_BOXES) >= 16:
            _BOXES.clear()  # (one step, safe from every thread: games may be played side by side)
        entry = _BOXES[key] = (frame, mask, {})
    boxes = entry[2]
    if colour not in boxes:
        boxes[colour] = colour_box(frame, colour, mask)
    return boxes[colour]


def _layer(frame: np.ndarray, box: Box, d: int) -> np.ndarray | None:
    """The cells at Chebyshev distance `d` outside `box`, or None where that ring leaves the frame."""
    top, left, bottom, right = box
    h, w = frame.shape
    if top - d < 0 or left - d < 0 or bottom + d > h or right + d > w:
        return None
    rows = slice(top - d + 1, bottom + d - 1)
    return np.concatenate([frame[top - d, left - d:right + d], frame[bottom + d - 1, left - d:right + d],
                           frame[rows, left - d], frame[rows, right + d - 1]])


def framed_swatches(frame: np.ndarray, max_cells: int = 64) -> list[tuple[int, Box]]:
    """(colour, box) of every filled one-colour rectangle (2x2 cells or more, at most `max_cells`) inside
    a frame of one other colour 1-3 cells wide that does not go on past it (a frame, not a floor), whose
    colour also shows elsewhere in the frame in small amounts (not the background, at most 1/8 of it).
    The components are sifted on arrays first (size, a box they fill, not the background's colour); only
    the few filled rectangles left are looked at one by one (a textured frame has hundreds of specks)."""
    h, w = frame.shape
    labels = label_components(frame)
    ids, first, sizes = np.unique(labels.ravel(), return_index=True, return_counts=True)
    tops, lefts, bottoms, rights = label_boxes(labels)[ids].T
    heights, widths = bottoms - tops, rights - lefts
    colours = frame.ravel()[first]
    background = int(np.bincount(frame.ravel(), minlength=16).argmax())
    filled = ((sizes >= 4) & (sizes <= max_cells) & (heights * widths == sizes) & (heights >= 2) & (widths >= 2)
              & (colours != background))
    out = []
    for k in np.flatnonzero(filled).tolist():
        box = (int(tops[k]), int(lefts[k]), int(bottoms[k]), int(rights[k]))
        top, left, bottom, right = box
        colour = int(colours[k])
        ring = _layer(frame, box, 1)
        if ring is None:
            continue
        edge = int(ring[0])
        if (ring != edge).any():
            continue
        width = 1
        while width < 3 and (nxt := _layer(frame, box, width + 1)) is not None and (nxt == edge).all():
            width += 1
        beyond = _layer(frame, box, width + 1)
        if beyond is not None and (beyond == edge).all():
            continue  # a floor of the edge's colour, not a frame
        elsewhere = frame == colour
        elsewhere[max(top - width, 0):bottom + width, max(left - width, 0):right + width] = False
        if 0 < int(elsewhere.sum()) <= h * w // 8:
            out.append((colour, box))
    return out


#: `legend_guess`'s last answer, by the frame's bytes and the margin: the navigator's rules and the online
#: learner's guess on the same first frame (one tuple, replaced whole: safe from every thread)
_LAST_GUESS: tuple[bytes, int, tuple[int, Box] | None] | None = None


def legend_guess(frame: np.ndarray, margin: int = 12) -> tuple[int, Box] | None:
    """The one framed swatch in the frame's margin whose colour no other framed swatch has (a legend
    naming a goal colour, before any level-up has shown what the goal is); None when there is not
    exactly one (a texture of framed specks, or a row of several swatches: another reader's legend)."""
    global _LAST_GUESS
    key = np.ascontiguousarray(frame).tobytes() + bytes(frame.shape)
    last = _LAST_GUESS
    if last is not None and last[0] == key and last[1] == margin:
        return last[2]
    answer = _legend_guess(frame, margin)
    _LAST_GUESS = (key, margin, answer)
    return answer


def _legend_guess(frame: np.ndarray, margin: int) -> tuple[int, Box] | None:
    h, w = frame.shape
    by_colour: dict[int, list[Box]] = {}
    for colour, box in framed_swatches(frame):
        by_colour.setdefault(colour, []).append(box)
    near = [(colour, boxes[0]) for colour, boxes in by_colour.items()
            if len(boxes) == 1 and min(boxes[0][0], boxes[0][1], h - boxes[0][2], w - boxes[0][3]) < margin]
    return near[0] if len(near) == 1 else None


@dataclass
class GameRules:
    mover_votes: Counter[int] = field(default_factory=Counter)
    moves: dict[int, Counter[tuple[int, int]]] = field(default_factory=dict)
    goals: Counter[int] = field(default_factory=Counter)
    goal_clicks: Counter[int] = field(default_factory=Counter)
    legends: list[Box] = field(default_factory=list)
    guessed: Box | None = None  # a legend read before any level-up (`guess_legend`), until one confirms it
    max_legend: int = 30  # cells: a legend is a small object (a 5x5 swatch at most)
    max_box: int = 16  # a mover bigger than this is not one sprite (its colour is elsewhere too)
    mover: int | None = None
    # the mover: the rarest colour a key action changes (False), or the rarest of those whose cells
    # make one sprite-sized box (True: a sprite's white eyes and a white HUD counter are not one box)
    compact: bool = False
    _displacements: dict[int, tuple[int, int] | None] = field(default_factory=dict)
    # this level's moves (`new_level`): a level drawn at another scale steps by another distance
    _level_moves: dict[int, Counter[tuple[int, int]]] = field(default_factory=dict)
    # the displacements at this level's step when it differs from the game's (None: the game's)
    _level_step: dict[int, tuple[int, int] | None] | None = None
    # colours that move on their own (a guard pacing its beat): seen moving two ways under one direction key
    # in a level; never the mover (`observe_key`)
    autonomous: set[int] = field(default_factory=set)
    # this level's directions of each sprite-sized colour under each direction key: (colour, action) -> signs
    _headings: dict[tuple[int, int], set[tuple[int, int]]] = field(default_factory=dict)
    # per-frame answers, reused while the same frame array is asked about (choosing, then learning)
    _frame: np.ndarray | None = None
    _memo: dict[tuple, tuple[object, Any]] = field(default_factory=dict)

    def displacement(self, action: int) -> tuple[int, int] | None:
        """The mover's displacement for a key action: the game's commonest, unless this level's moves
        (one seen twice at least) are of another size: then this level's, the others' directions at
        its size (a level drawn with smaller cells)."""
        if self._level_step is not None:
            return self._level_step.get(action)
        return self._displacements.get(action)

    def unit(self) -> int | None:
        """The shortest step the mover takes in this game (the game's commonest displacements): a longer
        step of a level (a stride of two) passes through the places at multiples of it."""
        sizes = [max(abs(d[0]), abs(d[1])) for d in self._displacements.values() if d is not None]
        return min(sizes) if sizes else None

    def _step_of_level(self) -> dict[int, tuple[int, int] | None] | None:
        """The displacements `displacement` answers on this level, when its step is not the game's."""
        local = [(a, best[0]) for a, seen in self._level_moves.items() if (best := seen.most_common(1)[0])[1] >= 2]
        if not local:
            return None
        size = max(max(abs(dx), abs(dy)) for _, (dx, dy) in local)
        known = [d for d in self._displacements.values() if d is not None]
        if not known or size == max(max(abs(dx), abs(dy)) for dx, dy in known):
            return None
        out: dict[int, tuple[int, int] | None] = {
            a: None if game is None else (int(np.sign(game[0])) * size, int(np.sign(game[1])) * size)
            for a, game in self._displacements.items()}
        out.update(local)
        return out

    def new_level(self) -> None:
        """A level begins: its own moves are counted afresh (and a legend guessed on the level before is
        dropped: these rules see no level-up to confirm it)."""
        self._level_moves, self._level_step = {}, None
        self._headings = {}
        self._drop_guess()

    def _drop_guess(self) -> Box | None:
        """The legend guessed before any level-up, taken out of the legends (and answered, for a level-up
        that confirms it to put back)."""
        guessed, self.guessed = self.guessed, None
        if guessed is not None and guessed in self.legends:
            self.legends.remove(guessed)
        self._memo = {}
        return guessed

    def guess_legend(self, frame: np.ndarray) -> None:
        """Before any goal is known (the game's first level): a lone framed swatch in the frame's margin
        (`legend_guess`) is taken for a legend, its colour the goal, until a level-up says otherwise."""
        if self.goals or self.legends:
            return
        guess = legend_guess(frame)
        if guess is not None:
            self.guessed = guess[1]
            self.legends.append(guess[1])
            self._memo = {}

    def _cached(self, frame: np.ndarray, key: tuple, compute, mask: np.ndarray | None):  # type: ignore[no-untyped-def]
        """`compute()` for `frame`, remembered under `key` and the mask's id while the frame is the last asked
        about; the mask is held with the answer, so that its id stays its own (a mask let go may leave its id
        to the next one made, whose answer would have been the old one's)."""
        if frame is not self._frame:
            self._frame, self._memo = frame, {}
        key = (*key, id(mask))
        entry = self._memo.get(key)
        if entry is None:
            entry = self._memo[key] = (mask, compute())
        return entry[1]

    def mover_box(self, frame: np.ndarray, mask: np.ndarray | None) -> Box | None:
        if self.mover in self.autonomous:
            self._mover_not_autonomous()
        mover = self.mover
        if mover is None:
            return None
        box = self._cached(frame, ("box", mover), lambda: _colour_box(frame, mover, mask), mask)
        if box is None or box[2] - box[0] > self.max_box or box[3] - box[1] > self.max_box:
            return None
        return box

    def observe_key(self, before: np.ndarray, after: np.ndarray, action: int, mask: np.ndarray | None) -> None:
        """A key action's in-level transition: vote for the mover, count its displacement."""
        diff = before != after
        if mask is not None:
            diff &= ~mask
        if not diff.any():
            return
        present = np.unique(np.concatenate([before[diff], after[diff]]))
        self._autonomous(before, after, action, mask, present.tolist())
        counts = np.bincount(after.ravel(), minlength=16)
        shown = sorted((int(counts[c]), int(c)) for c in present if counts[c] and int(c) not in self.autonomous)
        if not shown:
            return
        # the rarest changed colour, or the rarest whose cells make one sprite-sized box when the
        # rarest also shows elsewhere (a sprite's white eyes and a white counter in the HUD)
        rarest = shown[0][1]
        for _, colour in shown if self.compact else ():
            box = _colour_box(after, colour, mask)
            if box is not None and box[2] - box[0] <= self.max_box and box[3] - box[1] <= self.max_box:
                rarest = colour
                break
        if self.mover is not None and rarest != self.mover:
            # a colour drawn inside the mover's box is a part of it (its eyes), rarer once the exit that
            # showed that colour too is drawn shut: the vote stays the whole sprite's
            whole, part = _colour_box(after, self.mover, mask), _colour_box(after, rarest, mask)
            if (whole is not None and part is not None and whole[0] <= part[0] and whole[1] <= part[1]
                    and part[2] <= whole[2] and part[3] <= whole[3]
                    and max(whole[2] - whole[0], whole[3] - whole[1]) <= self.max_box):
                rarest = self.mover
        self.mover_votes[rarest] += 1
        if self.mover is None or self.mover_votes[rarest] > self.mover_votes[self.mover]:
            self.mover = rarest
            self._memo = {}
        if rarest != self.mover:
            return
        b0, b1 = _colour_box(before, rarest, mask), _colour_box(after, rarest, mask)
        if b0 is None or b1 is None or b0[2] - b0[0] > self.max_box or b1[2] - b1[0] > self.max_box:
            return
        move = (b1[1] - b0[1], b1[0] - b0[0])
        if move != (0, 0):
            self._level_moves.setdefault(action, Counter())[move] += 1
            seen = self.moves.setdefault(action, Counter())
            seen[move] += 1
            (best, n), = seen.most_common(1)
            self._displacements[action] = best if n >= 2 or seen.total() == 1 else None
            self._level_step = self._step_of_level()
            self._memo = {}

    def _autonomous(self, before: np.ndarray, after: np.ndarray, action: int, mask: np.ndarray | None,
                    colours: list[int]) -> None:
        """Colours of one sprite-sized box that moved two ways under this direction key (ACTION1-4) in this
        level move on their own: they leave the mover's vote (a mover stopped by a wall does not move; one
        that moves goes the key's one way, sliding or stepping, a twin mirrored or not). ACTION5 and ACTION7
        are no direction: an undo moves the mover back whichever way it came (Push Blocks' mover was taken
        for a guard and its blocks for hazards: a validation game seed lost two levels)."""
        if action not in (1, 2, 3, 4):
            return
        for colour in colours:
            if colour in self.autonomous:
                continue
            b0, b1 = _colour_box(before, colour, mask), _colour_box(after, colour, mask)
            if (b0 is None or b1 is None or max(b0[2] - b0[0], b0[3] - b0[1], b1[2] - b1[0], b1[3] - b1[1]) > self.max_box
                    or (b0[2] - b0[0], b0[3] - b0[1]) != (b1[2] - b1[0], b1[3] - b1[1])):
                continue
            way = (int(np.sign(b1[1] - b0[1])), int(np.sign(b1[0] - b0[0])))
            if way == (0, 0):
                continue
            seen = self._headings.setdefault((colour, action), set())
            seen.add(way)
            if len(seen) > 1:
                self.autonomous.add(colour)
        self._mover_not_autonomous()

    def hazards(self, frame: np.ndarray) -> np.ndarray | None:
        """The cells of the sprite-sized components of colours that move on their own, or None when there
        are none in the frame."""
        if not self.autonomous:
            return None
        cells = np.isin(frame, sorted(self.autonomous))
        if not cells.any():
            return None
        labels = label_components(np.where(cells, frame.astype(np.int16), -1))
        sizes = np.bincount(labels.ravel())
        small = cells & (sizes[labels] <= self.max_box * self.max_box)
        return small if small.any() else None

    def _mover_not_autonomous(self) -> None:
        """A mover found to move on its own (here, or by rules that share this set) is none: what it was seen
        to do was its own pacing, learnt afresh with the next vote."""
        for colour in self.autonomous & set(self.mover_votes):
            del self.mover_votes[colour]
        if self.mover is not None and self.mover in self.autonomous:
            self.mover = max(self.mover_votes, key=self.mover_votes.__getitem__) if self.mover_votes else None
            self.moves, self._displacements, self._level_moves, self._level_step = {}, {}, {}, None
            self._memo = {}

    def observe_level_up(self, before: np.ndarray, action: int, x: int, y: int, mask: np.ndarray | None) -> None:
        """The action that completed a level, on the frame before it."""
        self._headings = {}
        # a legend guessed before any level-up is kept only if this one stepped onto the colour it shows
        guessed = self._drop_guess()
        if action == 6:
            if 0 <= y < before.shape[0] and 0 <= x < before.shape[1]:
                self.goal_clicks[int(before[y, x])] += 1
            return
        box, move = self.mover_box(before, mask), self.displacement(action)
        if box is None or move is None:
            return
        top, left, bottom, right = box[0] + move[1], box[1] + move[0], box[2] + move[1], box[3] + move[0]
        h, w = before.shape
        area = before[max(top, 0):min(bottom, h), max(left, 0):min(right, w)]
        if guessed is not None:
            shown = before[guessed[0]:guessed[2], guessed[1]:guessed[3]]
            if int(np.bincount(shown.ravel(), minlength=16).argmax()) in np.unique(area).tolist():
                self.legends.append(guessed)
        background = int(np.bincount(before.ravel(), minlength=16).argmax())
        labels = label_components(before)
        stepped = labels[max(top, 0):min(bottom, h), max(left, 0):min(right, w)]
        # the colours stepped onto most (a wall the mover's box overlaps at the goal's edge is none)
        values, counts = np.unique(area, return_counts=True)
        onto = {int(v): int(n) for v, n in zip(values, counts, strict=True) if v not in (self.mover, background)}
        most = max(onto.values(), default=0)
        for colour in (c for c, n in onto.items() if n == most):
            self.goals[colour] += 1
            # the same colour elsewhere, apart from the whole piece stepped onto
            elsewhere = (before == colour) & ~np.isin(labels, stepped[area == colour])
            if mask is not None:
                elsewhere &= ~mask
            count = int(elsewhere.sum())
            if 0 < count <= self.max_legend:
                legend = cells_box(elsewhere)
                assert legend is not None  # count > 0
                compact = (legend[2] - legend[0]) * (legend[3] - legend[1]) <= 2 * count  # one swatch, not specks
                if compact and legend not in self.legends:
                    self.legends.append(legend)
        self._memo = {}

    def goal_cells(self, frame: np.ndarray, mask: np.ndarray | None) -> np.ndarray | None:
        """(N, 2) rows, cols of the most frequent goal colour present in the frame (outside the mask)."""
        return self._cached(frame, ("goal",), lambda: self._goal_cells(frame, mask), mask)

    def _goal_cells(self, frame: np.ndarray, mask: np.ndarray | None) -> np.ndarray | None:
        away = np.ones(frame.shape, dtype=bool)  # the legends themselves are not where to go
        shown = []
        for top, left, bottom, right in self.legends:
            away[max(top - 1, 0):bottom + 1, max(left - 1, 0):right + 1] = False
            values, counts = np.unique(frame[top:bottom, left:right], return_counts=True)
            shown.append(int(values[np.argmax(counts)]))
        for colour in shown + [c for c, _ in self.goals.most_common()]:
            cells = (frame == colour) & away
            if mask is not None:
                cells &= ~mask
            if colour != self.mover and cells.any():
                return np.argwhere(cells)
        return None

    def toward_goal(self, frame: np.ndarray, mask: np.ndarray | None, actions: list[int]) -> dict[int, float]:
        """Per key action with a known displacement: how much closer (Manhattan, in moves) it brings the
        mover to the nearest goal cell; empty when no goal, mover or displacement is known here."""
        if not self.goals:
            return {}
        where = self._cached(frame, ("nearest",), lambda: self._nearest_goal(frame, mask), mask)
        if where is None:
            return {}
        cy, cx, nearest = where
        out = {}
        for action in actions:
            move = self.displacement(action)
            if move is None:
                continue
            d0 = abs(nearest[0] - cy) + abs(nearest[1] - cx)
            d1 = abs(nearest[0] - cy - move[1]) + abs(nearest[1] - cx - move[0])
            out[action] = float(np.sign(d0 - d1))
        return out

    def _nearest_goal(self, frame: np.ndarray, mask: np.ndarray | None) -> tuple[float, float, np.ndarray] | None:
        goal = self.goal_cells(frame, mask)
        box = self.mover_box(frame, mask) if goal is not None else None
        if goal is None or box is None:
            return None
        cy, cx = (box[0] + box[2] - 1) / 2, (box[1] + box[3] - 1) / 2
        now = np.abs(goal[:, 0] - cy) + np.abs(goal[:, 1] - cx)
        return cy, cx, goal[int(np.argmin(now))]

    def ahead(self, frame: np.ndarray, mask: np.ndarray | None, action: int) -> list[int]:
        """Colours in the strip the mover would enter with `action` (-1: the frame's edge)."""
        return self._cached(frame, ("ahead", action), lambda: self._ahead(frame, mask, action), mask)

    def _ahead(self, frame: np.ndarray, mask: np.ndarray | None, action: int) -> list[int]:
        box, move = self.mover_box(frame, mask), self.displacement(action)
        if box is None or move is None:
            return []
        dx, dy = move
        top, left, bottom, right = box
        if dy < 0:
            top, bottom = top + dy, top
        elif dy > 0:
            top, bottom = bottom, bottom + dy
        if dx < 0:
            left, right = left + dx, left
        elif dx > 0:
            left, right = right, right + dx
        h, w = frame.shape
        strip = frame[max(top, 0):min(bottom, h), max(left, 0):min(right, w)]
        colours = [c for c in np.unique(strip).tolist() if c != self.mover]
        if top < 0 or left < 0 or bottom > h or right > w:
            colours.append(-1)
        return colours[:4]
