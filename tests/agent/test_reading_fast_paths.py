"""The goal readers' array and table short cuts answer what their plain definitions answer: the
legend's lattices (every full regular lattice of points, each maximal from its top-left point), the
walker's maximal rectangles (none inside another) and its solid rectangles (boxes spanning the
components of one solid region), the small components (`agent.matcher.objects`, with every box
found at once), the framed swatches a legend is guessed from (`agent.rules.framed_swatches`, the
components sifted on arrays) and a glyph's stroke width (`agent.numerals.pattern`, every run's length
at once), on seeded random inputs and on real held-out frames."""

from __future__ import annotations

import random
from math import gcd

import numpy as np

from agent.frames import label_components
from agent.matcher import _lattices, objects
from agent.numerals import pattern
from agent.rules import _layer, framed_swatches, legend_guess
from agent.walker import _maximal, _solid_rectangles
from arc_client.games.heldout import HELDOUT
from arc_client.games.play import act


def plain_lattices(points: set[tuple[int, int]]) -> list[tuple[int, int, int, int, int, int]]:
    """Every lattice by its definition: from each point, up to eight column and row pitches to the
    next points of its row and column; every width the top row allows; as many rows as are full."""
    found = set()
    for r, c in points:
        for c2 in sorted(x for y, x in points if y == r and x > c)[:8]:
            pc = c2 - c
            most_cols = 1
            while (r, c + most_cols * pc) in points:
                most_cols += 1
            for r2 in sorted(y for y, x in points if x == c and y > r)[:8]:
                pr = r2 - r
                for n_cols in range(most_cols, 1, -1):
                    n_rows = 1
                    while all((r + n_rows * pr, c + j * pc) in points for j in range(n_cols)):
                        n_rows += 1
                    if n_rows >= 2:
                        found.add((n_rows, n_cols, r, c, pr, pc))
    return sorted(found, key=lambda g: (-g[0] * g[1], g[2], g[3]))


def test_lattices_are_every_full_lattice() -> None:
    rng = random.Random(7)
    for trial in range(120):
        points: set[tuple[int, int]] = set()
        if trial % 2:  # a board amid specks
            top, left, pr, pc = rng.randrange(0, 10, 2), rng.randrange(0, 10, 2), rng.choice((6, 8, 10)), 8
            points |= {(top + i * pr, left + j * pc) for i in range(rng.randint(2, 5)) for j in range(rng.randint(2, 5))}
        points |= {(rng.randrange(0, 60, 2), rng.randrange(0, 60, 2)) for _ in range(rng.randint(0, 80))}
        assert _lattices({p: [] for p in points}) == plain_lattices(points), trial


def test_maximal_rectangles_are_those_no_other_holds() -> None:
    rng = random.Random(3)
    for trial in range(100):
        rects = sorted({(t, le, t + rng.randint(1, 12), le + rng.randint(1, 12))
                        for t, le in ((rng.randrange(20), rng.randrange(20)) for _ in range(rng.randint(0, 40)))})
        plain = [r for r in rects if not any(o != r and o[0] <= r[0] and o[1] <= r[1] and r[2] <= o[2]
                                             and r[3] <= o[3] for o in rects)]
        assert _maximal(rects) == plain, trial


def plain_solid_rectangles(frame: np.ndarray, floor: int, largest: int = 400) -> list[tuple[int, int, int, int]]:
    labels = label_components(frame)
    sizes = np.bincount(labels.ravel())
    background = int(np.bincount(frame.ravel(), minlength=16).argmax())
    solid = (sizes[labels] <= largest) & (frame != background) & (frame != floor)
    regions = label_components(solid.astype(np.uint8))
    out = set()
    for region in np.unique(regions[solid]).tolist():
        inside = regions == region
        corners = []
        for label in np.unique(labels[inside]).tolist():
            rr, cc = np.nonzero(labels == label)
            corners.append((int(rr.min()), int(cc.min()), int(rr.max()) + 1, int(cc.max()) + 1))
        for first in corners:
            for last in corners:
                box = (first[0], first[1], last[2], last[3])
                if box[2] > box[0] and box[3] > box[1] and inside[box[0]:box[2], box[1]:box[3]].all():
                    out.add(box)
    return sorted(out)


def test_solid_rectangles_span_the_components_of_each_region() -> None:
    rng = np.random.default_rng(5)
    frames = [rng.integers(0, 4, (24, 24)).astype(np.uint8) for _ in range(10)]
    for cls in HELDOUT:  # real scenes: textures, sprites, legends, HUD
        game = cls(seed=0)
        frames.append(np.asarray(act(game, 0).frame[-1], dtype=np.uint8))
    for frame in frames:
        for floor in (0, 3):
            assert _solid_rectangles(frame, None, floor) == plain_solid_rectangles(frame, floor)


def plain_objects(frame: np.ndarray, mask: np.ndarray | None, largest: int, side: int) -> list:
    """`objects` by its definition: each component's cells, box and colour looked at one by one."""
    labels = label_components(frame)
    background = int(np.bincount(frame.ravel(), minlength=16).argmax())
    found = []
    for label in np.unique(labels).tolist():
        cells = labels == label
        rows, cols = np.nonzero(cells)
        box = (int(rows.min()), int(cols.min()), int(rows.max()) + 1, int(cols.max()) + 1)
        colour = int(frame[rows[0], cols[0]])
        if (int(cells.sum()) > largest or colour == background or box[2] - box[0] > side or box[3] - box[1] > side
                or (mask is not None and mask[cells].any())):
            continue
        found.append((box, colour, int(cells.sum())))
    return found


def test_objects_are_the_small_components() -> None:
    rng = np.random.default_rng(7)
    frames = [rng.integers(0, 4, (64, 64)).astype(np.uint8) for _ in range(3)]
    frames += [np.kron(rng.integers(0, 3, (16, 16)), np.ones((4, 4), dtype=np.int64)).astype(np.uint8)]
    frames += [np.asarray(act(cls(seed=0), 0).frame[-1], dtype=np.uint8) for cls in HELDOUT]
    mask = np.zeros((64, 64), dtype=bool)
    mask[:2] = True
    for frame in frames:
        for side in (3, 5, 8, 16):
            for m in (None, mask):
                assert objects(frame, m, side * side, side) == plain_objects(frame, m, side * side, side)


def plain_framed_swatches(frame: np.ndarray, max_cells: int = 64) -> list:
    """`framed_swatches` by its definition: every component looked at one by one."""
    h, w = frame.shape
    labels = label_components(frame)
    background = int(np.bincount(frame.ravel(), minlength=16).argmax())
    out = []
    for label in np.unique(labels).tolist():
        cells = labels == label
        rows, cols = np.nonzero(cells)
        top, left, bottom, right = int(rows.min()), int(cols.min()), int(rows.max()) + 1, int(cols.max()) + 1
        n, colour = int(cells.sum()), int(frame[rows[0], cols[0]])
        ring = _layer(frame, (top, left, bottom, right), 1)
        if (not 4 <= n <= max_cells or (bottom - top) * (right - left) != n or bottom - top < 2 or right - left < 2
                or colour == background or ring is None or (ring != ring[0]).any()):
            continue
        edge, width = int(ring[0]), 1
        while width < 3 and (nxt := _layer(frame, (top, left, bottom, right), width + 1)) is not None \
                and (nxt == edge).all():
            width += 1
        beyond = _layer(frame, (top, left, bottom, right), width + 1)
        if beyond is not None and (beyond == edge).all():
            continue
        elsewhere = frame == colour
        elsewhere[max(top - width, 0):bottom + width, max(left - width, 0):right + width] = False
        if 0 < int(elsewhere.sum()) <= h * w // 8:
            out.append((colour, (top, left, bottom, right)))
    return out


def test_framed_swatches_are_every_framed_filled_rectangle() -> None:
    rng = np.random.default_rng(11)
    frames = []
    for _ in range(60):  # blocks on a field, some framed, some touching, specks over a third of them
        frame = np.full((64, 64), rng.integers(16), dtype=np.uint8)
        for _ in range(rng.integers(1, 40)):
            t, le = rng.integers(0, 60, 2)
            hh, ww = rng.integers(1, 10, 2)
            frame[t:t + hh, le:le + ww] = rng.integers(16)
            if rng.random() < 0.4:
                frame[t + 1:t + hh - 1, le + 1:le + ww - 1] = rng.integers(16)
        if rng.random() < 0.3:
            frame[rng.random((64, 64)) < 0.05] = rng.integers(16)
        frames.append(frame)
    frames += [np.asarray(act(cls(seed=0), 0).frame[-1], dtype=np.uint8) for cls in HELDOUT]
    found = 0
    for frame in frames:
        plain = plain_framed_swatches(frame)
        assert framed_swatches(frame) == plain
        assert legend_guess(frame) == legend_guess(frame.copy())  # the remembered answer is the frame's own
        found += bool(plain)
    assert found >= 10  # the frames hold framed swatches to find


def plain_pattern(ink: np.ndarray) -> tuple[int, int, bytes] | None:
    """`pattern` by its definition: the gcd of every run's length, row by row and column by column."""
    rows, cols = np.flatnonzero(ink.any(1)), np.flatnonzero(ink.any(0))
    if not len(rows):
        return None
    crop = ink[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]
    step = 0
    for grid in (crop, crop.T):
        for line in grid.tolist():
            run = 1
            for a, b in zip(line, line[1:], strict=False):
                if a == b:
                    run += 1
                else:
                    step, run = gcd(step, run), 1
            step = gcd(step, run)
    down = crop[::step, ::step]
    return down.shape[0], down.shape[1], np.packbits(down).tobytes()


def test_glyph_patterns_scale_down_by_the_stroke_width() -> None:
    rng = np.random.default_rng(13)
    widths = set()
    for _ in range(400):
        h, w, stroke = *rng.integers(1, 8, 2), int(rng.integers(1, 4))
        ink = np.kron(rng.random((h, w)) < rng.random(), np.ones((stroke, stroke), dtype=bool))
        ink = np.pad(ink, int(rng.integers(0, 3)))
        assert pattern(ink) == plain_pattern(ink)
        glyph = pattern(ink)
        if glyph is not None:
            widths.add(ink.sum() // max(1, np.unpackbits(np.frombuffer(glyph[2], dtype=np.uint8)).sum()))
    assert {1, 4, 9} <= widths  # strokes one, two and three cells wide were scaled down
