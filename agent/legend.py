"""Following a legend: click the objects in the order a row of swatches shows their colours.

A goal shown only as a small legend is common in click puzzles: a row of small same-shape swatches,
and larger objects in those colours elsewhere. The hypothesis is that the legend gives an order: the
next click goes to an object (the first in reading order) whose colour is the next swatch's. Found or
learned while playing:
- the legend: the longest row (same top row) of at least two same-shape objects of 64 cells or less,
  of two colours or more, evenly spaced, those alone on a ring of one colour all on the same one, every
  colour of which some larger object has, apart from the swatches: a single-colour object, or else a
  sprite of several colours (a shape on a dark tile), clicked inside its part of that colour;
- progress: a click that changed the frame advances to the next swatch; a click after which every
  object the legend points at is as the level began restarts the order and counts as a failure.
Two failures in the game, a click that changed nothing, or a legend followed to its end without the
level ending turn it off for the game.

A legend may tell objects apart by shape as well as colour (two objects of each colour, the swatches
drawn as shapes): `find_shape_legend` reads a row of small shapes, parts touching at a corner joined
and a frame they touch left out, each with exactly one twin of its colour and pattern elsewhere; the
follower clicks the twins in order. It is asked first: every swatch having one twin is stronger
evidence than colours alone. A follower whose objects are all as the level began again (a wrong
click ended the game) starts the order afresh.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from agent.frames import join
from agent.matcher import Box, Move, objects
from agent.perception import segment


@dataclass(frozen=True)
class Legend:
    swatches: tuple[tuple[Box, int], ...]  # (box, colour) in reading order
    # a legend of shapes (`find_shape_legend`): per swatch its twin, the object of the same colour and
    # the same shape: (its box, the cell to click, x and y); empty for a legend of colours
    twins: tuple[tuple[Box, int, int], ...] = ()

    @property
    def colours(self) -> tuple[int, ...]:
        return tuple(c for _, c in self.swatches)


def find_legend(frame: np.ndarray, mask: np.ndarray | None = None, largest_swatch: int = 64) -> Legend | None:
    found = objects(frame, mask)
    rows: dict[tuple[int, int, int, int], list[tuple[Box, int]]] = {}
    for box, colour, area in found:
        if area <= largest_swatch:
            rows.setdefault((box[0], box[2] - box[0], box[3] - box[1], area), []).append((box, colour))
    best: Legend | None = None
    sprites: list[tuple[Box, int, int, int]] | None = None
    for (_, _, _, area), swatches in rows.items():
        if len(swatches) < 2 or (best is not None and len(swatches) <= len(best.swatches)):
            continue
        if len({colour for _, colour in swatches}) < 2:
            continue  # a row of one colour (a texture's specks) gives no order
        lefts = sorted((box[1], box[3]) for box, _ in swatches)
        gaps = {nxt[0] - prev[1] for prev, nxt in zip(lefts, lefts[1:], strict=False)}
        if len(gaps) > 1 or not 0 <= min(gaps) <= 2 * (lefts[0][1] - lefts[0][0]):
            continue  # swatches sit side by side, evenly spaced (not overlapping parts of one drawing, nor
            # specks scattered along a row)
        if len({_surround(frame, box) for box, _ in swatches} - {None}) != 1:
            continue  # the swatches that stand alone stand on one colour, the strip's (not quarters of a
            # patterned tile); one touching a neighbour (a ring of several colours) is let pass
        larger = {colour for box, colour, size in found if size > area}
        if not all(colour in larger for _, colour in swatches):
            # the objects may be drawn in several colours (a shape on a dark tile): their sprites
            sprites = sprite_objects(frame, mask) if sprites is None else sprites
            larger |= {colour for box, colour, _, _ in sprites
                       if (box[2] - box[0]) * (box[3] - box[1]) > area
                       and not any(_overlap(box, swatch) for swatch, _ in swatches)}  # apart from the swatches
        if all(colour in larger for _, colour in swatches):
            best = Legend(tuple(sorted(swatches, key=lambda s: s[0][1])))
    return best


def shapes(frame: np.ndarray, mask: np.ndarray | None = None, side: int = 8) -> list[tuple[Box, int, bytes]]:
    """Small single-colour shapes, parts that touch at a corner joined (an X of one colour is one shape):
    (box, colour, its pattern: which of the box's cells hold that colour, as bytes). Cells in a line of
    one colour longer than `side` (a frame a shape touches) are no shape's."""
    frame = np.where(_in_long_runs(frame, side), 16, frame)
    found = objects(frame, mask, side * side, side)
    out: list[tuple[Box, int, bytes]] = []
    for colour in sorted({c for _, c, _ in found}):
        listed = [box for box, c, _ in found if c == colour]
        boxes = np.array(listed, dtype=np.int16)  # (every pair is compared: small ints are quicker)
        # parts of one colour whose boxes, grown by a cell, overlap: joined (`join`, over the pairs)
        near = ((boxes[:, None, 0] <= boxes[None, :, 2]) & (boxes[None, :, 0] <= boxes[:, None, 2])
                & (boxes[:, None, 1] <= boxes[None, :, 3]) & (boxes[None, :, 1] <= boxes[:, None, 3]))
        # each group labelled by its first part: the groups in the order of their first parts
        roots = join(len(boxes), *np.nonzero(np.triu(near, 1)))
        order = np.argsort(roots, kind="stable")
        firsts = np.flatnonzero(np.r_[True, roots[order][1:] != roots[order][:-1]])
        grouped = boxes[order].astype(np.int64)
        tops, lefts = np.minimum.reduceat(grouped[:, 0], firsts), np.minimum.reduceat(grouped[:, 1], firsts)
        bottoms, rights = np.maximum.reduceat(grouped[:, 2], firsts), np.maximum.reduceat(grouped[:, 3], firsts)
        for box in zip(tops.tolist(), lefts.tolist(), bottoms.tolist(), rights.tolist(), strict=True):
            if box[2] - box[0] <= side and box[3] - box[1] <= side:
                out.append((box, colour, (frame[box[0]:box[2], box[1]:box[3]] == colour).tobytes()))
    return out


def _in_long_runs(frame: np.ndarray, longest: int) -> np.ndarray:
    """Cells in a row or column run of one colour longer than `longest`."""
    out = np.zeros(frame.shape, dtype=bool)
    for transposed in (False, True):
        grid = frame.T if transposed else frame
        starts = np.ones(grid.shape, dtype=bool)
        starts[:, 1:] = grid[:, 1:] != grid[:, :-1]
        runs = np.cumsum(starts.ravel()) - 1  # every row starts a run
        long = (np.bincount(runs)[runs] > longest).reshape(grid.shape)
        out |= long.T if transposed else long
    return out


def find_shape_legend(frame: np.ndarray, mask: np.ndarray | None = None, smallest: int = 3) -> Legend | None:
    """A legend of shapes: the longest row (same top row, same box size, at least `smallest` cells a
    side) of two or more evenly spaced shapes, all different, of two colours or more and two patterns or
    more (the strip's colour left out), each of which has exactly one twin elsewhere, below or above
    the row: a shape of the same colour and the same pattern.
    The order is then of objects told apart by colour and shape together."""
    found = shapes(frame, mask)
    rows: dict[tuple[int, int, int], list[tuple[Box, int, bytes]]] = {}
    for shape in found:
        box = shape[0]
        if min(box[2] - box[0], box[3] - box[1]) >= smallest:
            rows.setdefault((box[0], box[2] - box[0], box[3] - box[1]), []).append(shape)
    best: Legend | None = None
    for (top, height, _), row in rows.items():
        # the strip's own colour (gaps between swatches) draws no swatch
        strip = int(np.bincount(frame[top:top + height].ravel()).argmax())
        row = [shape for shape in row if shape[1] != strip]
        if len(row) < 2 or (best is not None and len(row) <= len(best.swatches)):
            continue
        if len({c for _, c, _ in row}) < 2 or len({p for _, _, p in row}) < 2:
            continue  # colours alone tell these apart: a legend of colours (`find_legend`)
        if len({(c, p) for _, c, p in row}) < len(row):
            continue  # a swatch shown twice points at no one object (a row of a grid of like tiles)
        lefts = sorted((box[1], box[3]) for box, _, _ in row)
        gaps = {nxt[0] - prev[1] for prev, nxt in zip(lefts, lefts[1:], strict=False)}
        if len(gaps) > 1 or not 0 <= min(gaps) <= 2 * (lefts[0][1] - lefts[0][0]):
            continue
        twins = []
        for _, colour, pattern in sorted(row, key=lambda s: s[0][1]):
            alike = [box for box, c, p in found if c == colour and p == pattern
                     and (box[2] <= top or box[0] >= top + height)]
            if len(alike) != 1:
                break  # no twin, or several (a texture's specks repeat): no order of objects
            twins.append((alike[0], *_click_cell(frame, alike[0], colour)))
        else:
            best = Legend(tuple((box, c) for box, c, _ in sorted(row, key=lambda s: s[0][1])), tuple(twins))
    return best


def _click_cell(frame: np.ndarray, box: Box, colour: int) -> tuple[int, int]:
    """The cell of `colour` in `box` nearest its centre, as (x, y): where to click a shape."""
    rows, cols = np.nonzero(frame[box[0]:box[2], box[1]:box[3]] == colour)
    centre = ((box[2] - box[0] - 1) / 2, (box[3] - box[1] - 1) / 2)
    i = int(np.argmin((rows - centre[0]) ** 2 + (cols - centre[1]) ** 2))
    return box[1] + int(cols[i]), box[0] + int(rows[i])


def _surround(frame: np.ndarray, box: Box) -> int | None:
    """The one colour of the ring of cells around `box`, or None when it holds several (or none)."""
    h, w = frame.shape
    r0, c0, r1, c1 = max(box[0] - 1, 0), max(box[1] - 1, 0), min(box[2] + 1, h), min(box[3] + 1, w)
    ring = np.ones((r1 - r0, c1 - c0), dtype=bool)
    ring[box[0] - r0:box[2] - r0, box[1] - c0:box[3] - c0] = False
    colours = np.unique(frame[r0:r1, c0:c1][ring])
    return int(colours[0]) if len(colours) == 1 else None


def _overlap(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def sprite_objects(frame: np.ndarray, mask: np.ndarray | None = None) -> list[tuple[Box, int, int, int]]:
    """Objects of several colours (touching parts, `agent.perception`): (box, a colour it holds, and
    the pixel to click, x and y: inside that colour's largest part)."""
    out = []
    for sprite in segment(frame, mask).sprites:
        if len(sprite.parts) < 2:
            continue
        box = sprite.box
        for colour in sorted({p.colour for p in sprite.parts}):
            part = max((p for p in sprite.parts if p.colour == colour), key=lambda p: (p.area, -p.index))
            out.append((box, colour, part.x, part.y))
    return out


@dataclass
class LegendFollower:
    legend: Legend | None = None
    level: int = -1
    progress: int = 0
    blocks: tuple[tuple[Box, int], ...] = ()  # the level's larger objects in legend colours, as it began
    failures: int = 0
    off: bool = False
    pending: bool = False
    # the level's objects are sprites of several colours (a swatch's colour has no larger object of its
    # own): their boxes and their content as the level began
    by_sprite: bool = False
    sprite_blocks: tuple[tuple[Box, bytes], ...] = ()

    def _restored(self, frame: np.ndarray) -> bool:
        """Every object the legend points at is as the level began (none clicked, or all restored)."""
        if self.by_sprite or (self.legend is not None and self.legend.twins):
            return all(frame[b[0]:b[2], b[1]:b[3]].tobytes() == start for b, start in self.sprite_blocks)
        return all(int(frame[box[0], box[1]]) == colour for box, colour in self.blocks)

    def _targets(self, frame: np.ndarray, mask: np.ndarray | None, colour: int) -> list[tuple[Box, int, int]]:
        """The objects of `colour` larger than a swatch, in reading order: (box, x, y) to click."""
        area = self._swatch_area()
        if not self.by_sprite:
            return [(box, (box[1] + box[3] - 1) // 2, (box[0] + box[2] - 1) // 2)
                    for box in sorted(box for box, c, size in objects(frame, mask) if c == colour and size > area)]
        return sorted((box, x, y) for box, c, x, y in self._sprites(frame, mask) if c == colour)

    def _sprites(self, frame: np.ndarray, mask: np.ndarray | None) -> list[tuple[Box, int, int, int]]:
        """The sprite objects larger than a swatch and apart from the legend."""
        assert self.legend is not None
        area = self._swatch_area()
        return [s for s in sprite_objects(frame, mask) if (s[0][2] - s[0][0]) * (s[0][3] - s[0][1]) > area
                and not any(_overlap(s[0], swatch) for swatch, _ in self.legend.swatches)]

    def observe(self, before: np.ndarray, action: int, after: np.ndarray, level: int) -> None:
        """Learn from a transition in this level: a click the follower chose advances or restarts it."""
        pending, self.pending = self.pending, False
        if self.off or level != self.level or self.legend is None:
            return
        restored = self._restored(after)
        if action == 6 and pending:
            if restored:
                self.progress = 0
                self.failures += 1
                self.off = self.failures >= 2
            elif np.array_equal(before, after):
                self.off = True
            else:
                self.progress += 1
        elif restored:
            self.progress = 0  # another system's click restarted the order
        elif action == 6 and not np.array_equal(before, after):
            self.off = True  # another system's click did something the hypothesis does not follow

    def _swatch_area(self) -> int:
        assert self.legend is not None
        box = self.legend.swatches[0][0]
        return (box[2] - box[0]) * (box[3] - box[1])

    def act(self, frame: np.ndarray, available: tuple[int, ...], mask: np.ndarray | None, level: int) -> Move | None:
        self.pending = False
        if self.off or 6 not in available:
            return None
        if level != self.level:
            self.level, self.progress = level, 0
            self.legend = find_shape_legend(frame, mask) or find_legend(frame, mask)
            if self.legend is not None and self.legend.twins:
                # the twins and a cell around them (a mark may frame a shape), as the level began
                grown = [(max(b[0] - 1, 0), max(b[1] - 1, 0), b[2] + 1, b[3] + 1) for b, _, _ in self.legend.twins]
                self.by_sprite = False
                self.sprite_blocks = tuple((b, frame[b[0]:b[2], b[1]:b[3]].tobytes()) for b in grown)
            elif self.legend is not None:
                area = self._swatch_area()
                found = objects(frame, mask)
                own = {c for _, c, size in found if size > area}
                self.by_sprite = not set(self.legend.colours) <= own
                if self.by_sprite:
                    self.sprite_blocks = tuple((b, frame[b[0]:b[2], b[1]:b[3]].tobytes())
                                               for b, c, _, _ in self._sprites(frame, mask) if c in self.legend.colours)
                else:
                    self.blocks = tuple((box, c) for box, c, size in found
                                        if c in self.legend.colours and size > area)
        if self.legend is None:
            return None
        if self.progress and self._restored(frame):
            self.progress = 0  # the level began again (a wrong click may end the game: no click to observe)
        if self.progress >= len(self.legend.swatches):
            self.off = True
            return None
        if self.legend.twins:
            _, x, y = self.legend.twins[self.progress]
            self.pending = True
            return Move(6, f"legend of shapes: swatch {self.progress + 1} of {len(self.legend.swatches)}; "
                           f"clicking the object of its colour and shape", x, y)
        colour = self.legend.colours[self.progress]
        targets = self._targets(frame, mask, colour)
        if not targets:
            self.off = True
            return None
        _, x, y = targets[0]
        self.pending = True
        return Move(6, f"legend: swatch {self.progress + 1} of {len(self.legend.swatches)} is colour {colour}; "
                       f"clicking an object of that colour", x, y)
