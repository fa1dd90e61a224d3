"""Perception: a 64x64 frame as objects, the objects worth clicking, and what clicking them did.

Real ARC-AGI-3 frames are scenes, not boards: textured floors, multi-colour sprites, legends and a
HUD. Numpy only, a fraction of a millisecond per frame:
- `segment(frame)`: single-colour connected components with their colour, area, box, a pixel inside
  each, and a translation-free shape signature; the background (the largest area's colour, in large
  pieces) and textures (many identical specks) are marked; touching small parts of different colours
  are grouped into sprites.
- `motions(before, after)`: parts that moved between two frames, grouped into multi-colour sprites
  that moved together by the same offset.
- `click_candidates(seg, ranker)`: one pixel per sprite, ranked by what clicking such sprites did so
  far in this game (`ClickRanker`), not 4,096 pixels; sprites whose clicks all had one and the same
  effect are merged into one candidate; with `parts=True`, the larger other parts of a sprite too.
HUD and timer areas are masked before hashing and change detection by `agent.frames`
(`StatusBarDetector`, `state_key`); `segment` skips objects lying wholly inside that mask.
"""

from __future__ import annotations

import hashlib
import threading
from collections import Counter
from dataclasses import dataclass

import numpy as np
import numpy.ma  # noqa: F401  (np.unique imports it on its first call: ~0.1 s inside a game's first step)

from agent.frames import MASKED, colour_in, label_components

#: (colour, height, width, area, shape key): equal for two components of one shape and colour
Signature = tuple[int, int, int, int, int]
NO_EFFECT = b"no-effect"
TEXTURE_COUNT = 8  # at least this many identical specks make a texture
TEXTURE_AREA = 6  # a texture speck is at most this big
TILE_COUNT = 40  # this many identical parts of any size tile the floor (bricks, checkers)
BACKGROUND_AREA = 32  # pieces of the background colour at least this big are background
BOARD_SHARE = 0.5  # like parts within a box of at most this share of the frame are a board (`segment(boards=True)`)
TILE_AREA = 4  # looking closer (`segment(with_tiles=True)`), repeated parts this big are clickable objects
SPRITE_SIDE = 12  # touching parts group into one sprite while its box fits in this square
PART_AREA = 9  # a part of a sprite this big or bigger is a click candidate of its own (`click_candidates(parts=True)`)
SEARCH_OFFSET = 20  # the farthest a part is looked for after it moved

_SIDE = 64
_YS, _XS = np.divmod(np.arange(_SIDE * _SIDE), _SIDE)
# a fixed pseudo-random weight per relative pixel position: their sum is a translation-free shape hash
_SHAPE_WEIGHTS = np.random.default_rng(20261201).integers(1, 2**20, _SIDE * _SIDE).astype(np.float64)


_new, _set = object.__new__, object.__setattr__


@dataclass(frozen=True)
class Part:
    """One single-colour connected component."""

    index: int
    colour: int
    area: int
    top: int
    left: int
    bottom: int  # exclusive
    right: int  # exclusive
    x: int  # a pixel inside the part, nearest its centroid
    y: int
    signature: Signature
    cx: float  # the centroid
    cy: float


@dataclass(frozen=True)
class Sprite:
    """Touching parts of different colours taken as one object (a single part is a sprite too).

    (x, y) is the inside pixel of the part nearest the sprite's centre: for a piece in a socket, on
    the piece.
    """

    parts: tuple[Part, ...]
    x: int
    y: int

    @property
    def main(self) -> Part:
        return max(self.parts, key=lambda p: (p.area, -p.index))

    @property
    def area(self) -> int:
        return sum(p.area for p in self.parts)

    @property
    def box(self) -> tuple[int, int, int, int]:
        """(top, left, bottom, right) around every part."""
        return (min(p.top for p in self.parts), min(p.left for p in self.parts),
                max(p.bottom for p in self.parts), max(p.right for p in self.parts))

    @property
    def signature(self) -> tuple[Signature, ...]:
        return tuple(sorted(p.signature for p in self.parts))


OBJECT, BACKGROUND, TEXTURE, HUD = 0, 1, 2, 3


@dataclass
class Segmentation:
    frame: np.ndarray
    labels: np.ndarray  # (64, 64) part index per pixel
    kinds: np.ndarray  # per part index: OBJECT, BACKGROUND, TEXTURE or HUD
    parts: dict[int, Part]  # the OBJECT parts by index (background, texture and HUD stay kinds only)
    sprites: list[Sprite]
    boards: frozenset[int] = frozenset()  # the keys of like parts read as a board's cells (`segment(boards=True)`)

    def objects(self) -> list[Part]:
        return list(self.parts.values())


#: the last few segmentations, by frame, mask and options, per thread (games played side by side each have
#: an agent thread): a move's `after` is the next move's `before`, and several readers segment the same frame
#: (the twins reader both frames of a move, the tilter one); shared, so read only
_RECENT = threading.local()
RECENT_SEGMENTATIONS = 6


def segment(frame: np.ndarray, mask: np.ndarray | None = None, with_tiles: bool = False,
            boards: bool = False, known_boards: frozenset[int] | set[int] = frozenset()) -> Segmentation:
    """`_segment` (below), remembered for the last `RECENT_SEGMENTATIONS` frames: the answer is shared."""
    frame = np.asarray(frame)
    pixels = frame.tobytes() + bytes(frame.shape)
    key = (pixels, None if mask is None else np.packbits(mask).tobytes(), with_tiles,
           boards, frozenset(known_boards) if boards else frozenset())
    recent: dict[tuple[bytes, bytes | None, bool, bool, frozenset[int]], Segmentation] | None = getattr(
        _RECENT, "seen", None)
    if recent is None:
        recent = _RECENT.seen = {}
    seen = recent.get(key)
    if seen is None:
        seen = recent[key] = _segment(frame, mask, with_tiles, boards, known_boards, _core_of(frame, pixels))
        if len(recent) > RECENT_SEGMENTATIONS:
            del recent[next(iter(recent))]
    return seen


@dataclass
class _Core:
    """What a segmentation of a frame computes whatever its mask and options: the parts (compact ids, their
    pixels grouped part by part), their boxes, colours and shape keys, and how often each key repeats."""

    comp: np.ndarray  # compact part id per pixel (scan order)
    n: int
    area: np.ndarray
    first: np.ndarray  # per part, its first pixel in the grouped order
    ys_s: np.ndarray  # the pixels' rows, columns and parts, grouped part by part
    xs_s: np.ndarray
    comp_s: np.ndarray
    top: np.ndarray
    left: np.ndarray
    bottom: np.ndarray
    right: np.ndarray
    colours: np.ndarray
    keys: np.ndarray
    inverse: np.ndarray  # per part, its key's index among the distinct keys
    repeats: np.ndarray  # per part, how many parts share its key


#: the cores of the last few frames segmented, per thread: a frame segmented again with another mask or
#: other options (the explorer's and a reader's) is labelled once
_CORES = threading.local()
RECENT_CORES = 4


def _core_of(frame: np.ndarray, pixels: bytes) -> _Core:
    cores: dict[bytes, _Core] | None = getattr(_CORES, "seen", None)
    if cores is None:
        cores = _CORES.seen = {}
    core = cores.get(pixels)
    if core is None:
        core = cores[pixels] = _core(frame)
        if len(cores) > RECENT_CORES:
            del cores[next(iter(cores))]
    return core


def _core(frame: np.ndarray) -> _Core:
    h, w = frame.shape
    raw = label_components(frame).ravel()
    used = np.zeros(h * w, dtype=bool)
    used[raw] = True
    comp = (np.cumsum(used) - 1)[raw]  # compact part ids 0..n-1
    n = int(comp.max()) + 1
    order = np.argsort(comp.astype(np.uint16), kind="stable")  # a radix sort: pixels grouped by part
    area = np.bincount(comp, minlength=n)
    first = np.concatenate(([0], np.cumsum(area)[:-1]))
    ys, xs = (_YS, _XS) if (h, w) == (_SIDE, _SIDE) else np.divmod(np.arange(h * w), w)
    ys_s, xs_s, comp_s = ys[order], xs[order], comp[order]
    # pixels of a part keep scan order after the stable sort: its first and last give its rows
    top, bottom = ys_s[first], ys_s[first + area - 1] + 1
    left, right = np.minimum.reduceat(xs_s, first), np.maximum.reduceat(xs_s, first) + 1
    rel = (ys_s - top[comp_s]) * w + (xs_s - left[comp_s])
    weights = _SHAPE_WEIGHTS if w == _SIDE else np.arange(h * w, dtype=np.float64) + 1
    shape_hash = np.add.reduceat(weights[rel], first).astype(np.int64)
    colours = frame.ravel()[order[first]].astype(np.int64)
    # one int per (colour, height, width, shape): equal for identical parts anywhere in the frame
    keys = ((shape_hash * 65 + (bottom - top)) * 65 + (right - left)) * 16 + colours
    _, inverse, counts = np.unique(keys, return_inverse=True, return_counts=True)
    core = _Core(comp, n, area, first, ys_s, xs_s, comp_s, top, left, bottom, right, colours, keys, inverse,
                 counts[inverse])
    for array in (comp, area, first, ys_s, xs_s, comp_s, top, left, bottom, right, colours, keys, inverse):
        array.setflags(write=False)  # shared by every segmentation of the frame (`labels` is `comp`)
    return core


def _centres(core: _Core, objects: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """For the parts `objects` (ascending): their centroids (cx, cy) and each one's pixel nearest its centroid
    (x, y; the first in scan order on ties): inside it even for a ring. Only these parts' pixels are looked at
    (a textured frame has hundreds of parts, a few dozen of them objects)."""
    area, first = core.area[objects], core.first[objects]
    ends = np.cumsum(area)
    starts = ends - area
    # the objects' pixels, part by part (each part's pixels lie together in the grouped order, in scan order)
    pixels = np.repeat(first - starts, area) + np.arange(int(ends[-1]))
    ys, xs = core.ys_s[pixels], core.xs_s[pixels]
    cy = np.add.reduceat(ys, starts) / area
    cx = np.add.reduceat(xs, starts) / area
    dist = (ys - np.repeat(cy, area)) ** 2 + (xs - np.repeat(cx, area)) ** 2
    hits = np.flatnonzero(dist == np.repeat(np.minimum.reduceat(dist, starts), area))
    owner = np.repeat(np.arange(len(objects)), area)[hits]
    inside = hits[np.r_[True, owner[1:] != owner[:-1]]]
    return cx, cy, xs[inside], ys[inside]


def _segment(frame: np.ndarray, mask: np.ndarray | None = None, with_tiles: bool = False,
             boards: bool = False, known_boards: frozenset[int] | set[int] = frozenset(),
             core: _Core | None = None) -> Segmentation:
    """Parts, their kinds and the sprites they form; parts wholly inside `mask` (HUD) are kind HUD.
    `with_tiles`: the repeated parts of at least `TILE_AREA` cells that would be texture (a tiled floor, or a
    board of many like cells) are objects too (the explorer looking closer, `GraphExplorer`). `boards`:
    like parts that all lie within a box of at most `BOARD_SHARE` of the frame are a board's cells, not a
    floor's tiles, and stay objects (the explorer's click candidates); so do like parts in a larger box that
    holds nothing else (no mover, crate or piece lies on them: `_anything_on`), and like parts whose key
    is in `known_boards` (read as a board before in the level, though a piece now lies on them). The
    keys read as boards are the segmentation's `boards`. `core`: the frame's `_core`, when made already.

    Everything is computed on arrays; Python objects are made for object parts only, since a
    textured floor alone is hundreds of specks.
    """
    frame = np.asarray(frame)
    h, w = frame.shape
    if core is None:
        core = _core(frame)
    comp, n, area = core.comp, core.n, core.area
    top, left, bottom, right = core.top, core.left, core.bottom, core.right
    colours, keys, inverse, repeats = core.colours, core.keys, core.inverse, core.repeats
    kinds = np.full(n, OBJECT, dtype=np.int8)
    kinds[(area <= TEXTURE_AREA) & (repeats >= TEXTURE_COUNT)] = TEXTURE
    tiles = repeats >= TILE_COUNT  # a tiled floor; its cut-off tiles at the edges are texture too
    board_keys: set[int] = set()
    if boards and tiles.any():
        # what could lie on a floor: parts neither repeated as tiles or specks nor the background's colour
        loose = np.flatnonzero(~tiles & (kinds == OBJECT) & (colours != colours[int(np.argmax(area))]))
        members = np.flatnonzero(tiles)
        members = members[np.argsort(inverse[members], kind="stable")]  # the like parts, group by group
        starts = np.flatnonzero(np.r_[True, inverse[members][1:] != inverse[members][:-1]])
        for group in np.split(members, starts[1:]):
            cell = int(group[0])
            key = int(keys[cell])
            t, le, b, r = top[group].min(), left[group].min(), bottom[group].max(), right[group].max()
            if (key in known_boards or (b - t) * (r - le) <= BOARD_SHARE * h * w
                    or not _anything_on((t, le, b, r), cell, loose, top, left, bottom, right, area)):
                tiles[group] = False  # a board's cells
                board_keys.add(key)
    if tiles.any():
        kinds[colour_in(colours, colours[tiles].tolist()) & (area <= area[tiles].max())] = TEXTURE
    if with_tiles:
        kinds[(kinds == TEXTURE) & (area >= TILE_AREA)] = OBJECT
    largest = int(np.argmax(area))
    kinds[(colours == colours[largest]) & (area >= BACKGROUND_AREA)] = BACKGROUND
    kinds[largest] = BACKGROUND
    if mask is not None and mask.any():
        unmasked = np.bincount(comp, weights=~mask.ravel(), minlength=n)
        kinds[(unmasked == 0) & (kinds == OBJECT)] = HUD
    objects = np.flatnonzero(kinds == OBJECT)
    parts: dict[int, Part] = {}
    if len(objects):
        cx, cy, inside_x, inside_y = _centres(core, objects)
        columns = zip(objects.tolist(), colours[objects].tolist(), area[objects].tolist(), top[objects].tolist(),
                      left[objects].tolist(), bottom[objects].tolist(), right[objects].tolist(),
                      inside_x.tolist(), inside_y.tolist(), keys[objects].tolist(),
                      cx.tolist(), cy.tolist(), strict=True)
        for i, c, a, t, le, b, r, x, y, key, mx, my in columns:
            # `Part(...)` without the frozen dataclass's field-by-field __init__ (a third of its time: a frame
            # has up to hundreds of object parts, and the explorer segments every new state)
            part = _new(Part)
            _set(part, "__dict__", {"index": i, "colour": c, "area": a, "top": t, "left": le, "bottom": b, "right": r,
                                    "x": x, "y": y, "signature": (c, b - t, r - le, a, key), "cx": mx, "cy": my})
            parts[i] = part
    labels = comp.reshape(h, w)
    return Segmentation(frame, labels, kinds, parts, _group(labels, parts, kinds == OBJECT), frozenset(board_keys))


def _group(labels: np.ndarray, parts: dict[int, Part], is_object: np.ndarray) -> list[Sprite]:
    """Union touching object parts while the union's box fits in SPRITE_SIDE x SPRITE_SIDE: the touching pairs
    in order, each joining its two groups when their joint box fits. The sprites come in the order of their
    first parts (`parts` is in index order, as `_segment` makes it)."""
    if not parts:
        return []
    n = len(is_object)
    pairs = []
    for a, b in ((labels[:, 1:], labels[:, :-1]), (labels[1:, :], labels[:-1, :])):
        touch = (a != b) & is_object[a] & is_object[b]
        pairs.append(a[touch] * n + b[touch])
    upper, lower = np.divmod(np.unique(np.concatenate(pairs)), n)
    parent: dict[int, int] = {}  # the parts that touch another object part, to their group's root
    box: dict[int, tuple[int, int, int, int]] = {}
    for i in np.union1d(upper, lower).tolist():
        p = parts[i]
        parent[i], box[i] = i, (p.top, p.left, p.bottom, p.right)

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for a, b in zip(upper.tolist(), lower.tolist(), strict=True):
        ra = a if parent[a] == a else find(a)
        rb = b if parent[b] == b else find(b)
        if ra == rb:
            continue
        ta, la, ba, rta = box[ra]
        tb, lb, bb, rtb = box[rb]
        top, left = ta if ta < tb else tb, la if la < lb else lb
        bottom, right = ba if ba > bb else bb, rta if rta > rtb else rtb
        if bottom - top <= SPRITE_SIDE and right - left <= SPRITE_SIDE:
            parent[rb] = ra
            box[ra] = (top, left, bottom, right)
    groups: dict[int, list[Part]] = {}
    for i, part in parts.items():
        root = (i if parent[i] == i else find(i)) if i in parent else -1 - i  # (alone: a sprite of its own)
        members = groups.get(root)
        if members is None:
            groups[root] = [part]
        else:
            members.append(part)
    return [_sprite(members) for members in groups.values()]


def _sprite(members: list[Part]) -> Sprite:
    """The sprite's click point: of its parts' inside pixels, the one nearest the sprite's centroid."""
    if len(members) == 1:
        part = members[0]
        sprite = _new(Sprite)  # (without the frozen dataclass's field-by-field __init__, as `Part`)
        _set(sprite, "__dict__", {"parts": (part,), "x": part.x, "y": part.y})
        return sprite
    total = sum(p.area for p in members)
    cx = sum(p.cx * p.area for p in members) / total
    cy = sum(p.cy * p.area for p in members) / total
    best = min(members, key=lambda p: ((p.x - cx) ** 2 + (p.y - cy) ** 2, p.index))
    return Sprite(tuple(members), best.x, best.y)


@dataclass(frozen=True)
class Motion:
    """Parts that moved together by (dx, dy) between two frames: one (maybe multi-colour) sprite."""

    dx: int
    dy: int
    parts: tuple[Part, ...]  # as they were in the first frame


def motions(before: Segmentation, after: Segmentation) -> list[Motion]:
    """Object parts whose pixels changed and that reappear, same shape and colour, at an offset."""
    changed = before.frame != after.frame
    if not changed.any():
        return []
    touched = set(np.unique(before.labels[changed]).tolist())
    by_signature: dict[Signature, list[Part]] = {}
    for part in after.parts.values():
        by_signature.setdefault(part.signature, []).append(part)
    moved: dict[tuple[int, int], list[Part]] = {}
    for index in sorted(touched):
        if index not in before.parts:
            continue
        part = before.parts[index]
        options = [(abs(q.left - part.left) + abs(q.top - part.top), q.left - part.left, q.top - part.top)
                   for q in by_signature.get(part.signature, ())]
        options = [o for o in options if o[0] > 0 and max(abs(o[1]), abs(o[2])) <= SEARCH_OFFSET]
        if options:
            _, dx, dy = min(options)
            moved.setdefault((dx, dy), []).append(part)
    out: list[Motion] = []
    for (dx, dy), parts in moved.items():
        out.extend(Motion(dx, dy, group) for group in _touching_groups(before.labels, parts))
    return out


def _touching_groups(labels: np.ndarray, parts: list[Part]) -> list[tuple[Part, ...]]:
    """Split `parts` into groups that touch each other (4-neighbours) in `labels`."""
    ids = {p.index for p in parts}
    near: dict[int, set[int]] = {p.index: set() for p in parts}
    for p in parts:
        window = labels[max(p.top - 1, 0) : p.bottom + 1, max(p.left - 1, 0) : p.right + 1]
        inside = window == p.index
        grown = inside.copy()
        grown[1:, :] |= inside[:-1, :]
        grown[:-1, :] |= inside[1:, :]
        grown[:, 1:] |= inside[:, :-1]
        grown[:, :-1] |= inside[:, 1:]
        near[p.index] = set(np.unique(window[grown & ~inside]).tolist()) & ids
    groups, seen = [], set()
    for p in parts:
        if p.index in seen:
            continue
        stack, members = [p.index], []
        seen.add(p.index)
        while stack:
            i = stack.pop()
            members.append(i)
            for j in near[i] - seen:
                seen.add(j)
                stack.append(j)
        groups.append(tuple(q for q in parts if q.index in members))
    return groups


def effect_of(before: np.ndarray, after: np.ndarray, mask: np.ndarray | None = None) -> bytes:
    """A digest of what an action changed outside the mask (which cells, to which colours);
    NO_EFFECT when nothing did. Equal digests: the two actions did exactly the same thing."""
    diff = before != after
    if mask is not None:
        diff &= ~mask
    where = np.flatnonzero(diff)
    if not len(where):
        return NO_EFFECT
    payload = where.astype(np.uint16).tobytes() + np.asarray(after).ravel()[where].astype(np.uint8).tobytes()
    return hashlib.blake2b(payload, digest_size=12).digest()


@dataclass(frozen=True)
class ClickCandidate:
    """One click worth trying: a pixel inside a sprite, its colour and the sprite's signature."""

    x: int
    y: int
    colour: int
    area: int
    signature: tuple[Signature, ...]
    part: bool = False  # a part of a sprite whose own candidate is elsewhere (`click_candidates(parts=True)`)


@dataclass
class _Tally:
    tries: int = 0
    changes: int = 0


class ClickRanker:
    """What clicking each kind of sprite did so far in this game.

    `update(signature, effect)` after every click; `score` is the chance that a click on such a sprite
    changes something: a Beta mean per sprite signature whose prior is the same mean for its main
    colour (and that one's, over all clicks), so a never-clicked shape borrows from its colour.
    """

    def __init__(self) -> None:
        self.by_signature: dict[tuple[Signature, ...], _Tally] = {}
        self.by_colour: dict[int, _Tally] = {}
        self.overall = _Tally()
        # this level's effects per sprite kind: an effect names cells, which mean nothing in another layout
        self.level_effects: dict[tuple[Signature, ...], Counter[bytes]] = {}
        self.scores: dict[tuple[Signature, ...], float] = {}  # `score`'s answers since the last update
        self.version = 0  # raised by every update

    def new_level(self) -> None:
        """Scores carry over to the next level; which clicks had the same effect does not."""
        self.level_effects.clear()

    def update(self, signature: tuple[Signature, ...], effect: bytes) -> None:
        self.level_effects.setdefault(signature, Counter())[effect] += 1
        self.scores.clear()
        self.version += 1
        colour = _main_colour(signature)
        for tally in (self.by_signature.setdefault(signature, _Tally()),
                      self.by_colour.setdefault(colour, _Tally()), self.overall):
            tally.tries += 1
            tally.changes += int(effect != NO_EFFECT)

    def score(self, signature: tuple[Signature, ...]) -> float:
        known = self.scores.get(signature)
        if known is None:
            known = self.scores[signature] = self._score(signature)
        return known

    def _score(self, signature: tuple[Signature, ...]) -> float:
        overall = (self.overall.changes + 1) / (self.overall.tries + 2)
        colour = self.by_colour.get(_main_colour(signature))
        prior = overall if colour is None else (colour.changes + 2 * overall) / (colour.tries + 2)
        own = self.by_signature.get(signature)
        return prior if own is None else (own.changes + 2 * prior) / (own.tries + 2)

    def sole_effect(self, signature: tuple[Signature, ...]) -> bytes | None:
        """The one effect every click on this kind of sprite had in this level, if it did something."""
        own = self.level_effects.get(signature)
        if own is None or len(own) != 1:
            return None
        (effect,) = own
        return None if effect == NO_EFFECT else effect

    def rank(self, candidates: list[ClickCandidate]) -> list[ClickCandidate]:
        """Most promising first; of candidates whose clicks all did one and the same thing, the first."""
        ordered = sorted(candidates, key=lambda c: (-self.score(c.signature), _salience(c.area), c.area))
        kept, effects = [], set()
        for candidate in ordered:
            effect = self.sole_effect(candidate.signature)
            if effect is not None:
                if effect in effects:
                    continue
                effects.add(effect)
            kept.append(candidate)
        return kept


def _anything_on(box: tuple[int, int, int, int], cell: int, loose: np.ndarray, top: np.ndarray, left: np.ndarray,
                 bottom: np.ndarray, right: np.ndarray, area: np.ndarray) -> bool:
    """Whether a part other than the like parts' own (`cell` is one of them) lies within their box: a floor
    carries things (a mover, crates, a rotor), a board holds its cells alone. `loose` are the indices of the
    parts that could lie on it. Parts of the cells' shape in another colour (lit cells) and parts spanning
    most of the box (grid lines, a frame) do not count."""
    t, le, b, r = box
    tops, lefts, bottoms, rights = top[loose], left[loose], bottom[loose], right[loose]
    inside = (tops >= t) & (lefts >= le) & (bottoms <= b) & (rights <= r)
    heights, widths = bottoms - tops, rights - lefts
    inside &= ~((heights == bottom[cell] - top[cell]) & (widths == right[cell] - left[cell])
                & (area[loose] == area[cell]))
    inside &= heights * widths < 0.8 * (b - t) * (r - le)
    return bool(inside.any())


def _main_colour(signature: tuple[Signature, ...]) -> int:
    return max(signature, key=lambda s: s[3])[0] if signature else -1


def _salience(area: int) -> int:
    """Medium objects before specks before large areas (buttons before panels)."""
    return 0 if 4 <= area <= 400 else (1 if area < 4 else 2)


def click_candidates(seg: Segmentation, ranker: ClickRanker | None = None, limit: int = 48,
                     parts: bool = False) -> list[ClickCandidate]:
    """One candidate per sprite (its pixel nearest its centre), ranked; at most `limit`. `parts`: a
    sprite's other parts of `PART_AREA` cells or more (not of the background's colour, nor round the
    sprite's click point, nor inside another part's box) are candidates of their own too, listed after the
    sprites (the ranker's order decides; ties go to the sprites): touching parts may be separate objects
    (two blocks side by side) that only a click on each can tell apart."""
    candidates = [
        ClickCandidate(s.x, s.y, int(seg.frame[s.y, s.x]), s.area, s.signature) if len(s.parts) > 1 else
        ClickCandidate(s.x, s.y, s.parts[0].colour, s.parts[0].area, (s.parts[0].signature,))  # (its one part's)
        for s in seg.sprites
    ]
    if parts:
        background = int(np.bincount(seg.frame.ravel(), minlength=16).argmax())
        extra = []
        for s in seg.sprites:
            if len(s.parts) < 2:
                continue
            for p in s.parts:
                # not a part round the sprite's click point (a ring or frame round it is most likely the same
                # object: the highlight of a block held, say), nor one within another part's box (a detail
                # drawn on a larger part: a rotor's marks)
                if (p.area >= PART_AREA and p.colour != background
                        and not (p.top <= s.y < p.bottom and p.left <= s.x < p.right)
                        and not any(q is not p and q.top <= p.top and q.left <= p.left and p.bottom <= q.bottom
                                    and p.right <= q.right for q in s.parts)):
                    extra.append(ClickCandidate(p.x, p.y, p.colour, p.area, (p.signature,), part=True))
        candidates += extra
    ranked = (ranker or ClickRanker()).rank(candidates)
    return ranked[:limit]


class MovingColours:
    """Colours the game moves by itself: they change on (almost) every action, whatever the action.

    A patrolling sentry or an animated hazard redraws its cells on every step, so every frame is a new
    state and a level's graph grows with the sentry's phase times the player's place. The player's own
    colours stay still now and then (a move into a wall), so they fail the test; the floor a sentry
    uncovers passes it, which costs nothing, since the floor is what the other colours leave. These
    colours are blanked in the state key (`blank`), as HUD areas are, and the level's graph is then
    one node per place of what the player controls. Changes inside the HUD mask are not counted: a
    timer bar ticks on every step too. In an open field every move succeeds, so the player's colours
    pass the test as well: colours are hidden only when at least `still_visible` of the transitions
    still change a colour left in the key (the player's moves do, a sentry's walk alone does not).
    """

    def __init__(self, rate: float = 0.95, per_action: float = 0.9, min_transitions: int = 16,
                 min_tries: int = 4, still_visible: float = 0.2) -> None:
        self.rate = rate
        self.per_action = per_action
        self.min_transitions = min_transitions
        self.min_tries = min_tries
        self.still_visible = still_visible
        self.transitions = 0
        self.patterns: Counter[int] = Counter()  # the set of colours a transition changed, as a bit set
        self.changes = np.zeros(16, dtype=np.int64)
        self.by_action: dict[int, tuple[np.ndarray, np.ndarray]] = {}  # action: ([tries], changes per colour)

    def observe(self, before: np.ndarray, after: np.ndarray, action: int, mask: np.ndarray | None = None) -> None:
        """One in-level transition (not a RESET, a level-up or a GAME_OVER)."""
        diff = before != after
        if mask is not None:
            diff &= ~mask
        changed = np.zeros(16, dtype=bool)
        changed[np.concatenate([before[diff], after[diff]]) & 15] = True
        tries, per_colour = self.by_action.setdefault(action, (np.zeros(1, np.int64), np.zeros(16, np.int64)))
        tries += 1
        per_colour += changed
        self.changes += changed
        self.transitions += 1
        self.patterns[int(np.dot(changed, 1 << np.arange(16)))] += 1

    def colours(self) -> tuple[int, ...] | None:
        """The colours that changed in at least `rate` of the transitions and `per_action` of every action's
        (None: too few transitions seen to tell)."""
        if self.transitions < self.min_transitions:
            return None
        moving = self.changes >= self.rate * self.transitions
        for tries, per_colour in self.by_action.values():
            if tries[0] >= self.min_tries:
                moving &= per_colour >= self.per_action * tries[0]
        hidden = int(np.dot(moving, 1 << np.arange(16)))
        visible = sum(n for pattern, n in self.patterns.items() if pattern & ~hidden)
        if visible < self.still_visible * self.transitions:
            return ()  # hiding them would hide what the actions do
        return tuple(np.flatnonzero(moving).tolist())


def blank(frame: np.ndarray, colours: tuple[int, ...]) -> np.ndarray:
    """`frame` with `colours` set to MASKED (the value masked cells hash as)."""
    if not colours:
        return frame
    return np.where(colour_in(frame, colours), np.uint8(MASKED), frame)
