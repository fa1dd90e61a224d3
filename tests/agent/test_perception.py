"""Perception on hand-made frames and on real frames of the held-out games and the suite: objects,
sprites that move together, HUD masking, click candidates and what clicking them did."""

import random

import numpy as np
import pytest

from agent.frames import StatusBarDetector, state_key
from agent.perception import (
    NO_EFFECT,
    ClickCandidate,
    ClickRanker,
    Part,
    click_candidates,
    effect_of,
    motions,
    segment,
)
from agent.training.levels import frame_of as level_frame
from agent.training.levels import start_level
from arc_client.games import SUITE
from arc_client.games.heldout import HELDOUT
from arc_client.games.heldout.colour_order import Ho01
from arc_client.games.heldout.legend_run import CELL, TOP, Hk01
from arc_client.games.play import act


def frame_of(result) -> np.ndarray:  # type: ignore[no-untyped-def]
    return np.array(result.frame[-1], dtype=np.uint8)


def test_candidates_are_inside_each_object_and_skip_the_background() -> None:
    frame = np.zeros((64, 64), dtype=np.uint8)
    frame[10:20, 10:20] = 3                       # a square
    frame[40:50, 40:50] = 5
    frame[42:48, 42:48] = 6                       # a ring around a square: one two-colour sprite
    frame[30, 5:30] = 7                           # a thin line
    frame[5:9, 50] = 9
    frame[5:9, 51:54] = 9                         # a block
    frame[60, 60] = 12                            # a speck
    candidates = click_candidates(segment(frame))
    found = {c.colour: c for c in candidates}
    assert set(found) == {3, 6, 7, 9, 12}  # the ring's candidate is at its centre, on the inner square
    ring = found[6]
    assert ring.area == 100 and len(ring.signature) == 2 and 42 <= ring.x < 48 and 42 <= ring.y < 48
    for colour, where in ((3, frame == 3), (7, frame == 7), (9, frame == 9), (12, frame == 12)):
        assert where[found[colour].y, found[colour].x] and found[colour].area == int(where.sum())
    assert [c.colour for c in candidates].index(12) > [c.colour for c in candidates].index(3)  # specks later


def test_candidates_are_capped_and_skip_masked_hud() -> None:
    frame = np.zeros((64, 64), dtype=np.uint8)
    for i in range(60):
        frame[(i // 8) * 6 + 1, (i % 8) * 6 + 1] = 1 + i % 15  # 60 separate specks, four of each colour
    assert len(click_candidates(segment(frame), limit=48)) == 48
    hud = np.zeros((64, 64), dtype=bool)
    hud[62:, :] = True
    frame[62:, :10] = 11
    assert all(c.y < 62 for c in click_candidates(segment(frame, hud), limit=100))


def test_segmentation_finds_the_sprites_of_a_heldout_game() -> None:
    game = Hk01(seed=0)
    frame = frame_of(act(game, 0))
    puzzle = game.puzzles[0]
    seg = segment(frame)
    texture = int((seg.kinds == 2).sum())
    assert texture > 100  # the speckled floor is texture, not hundreds of objects
    sprites = {(s.main.left, s.main.top): s for s in seg.sprites}
    col, row = puzzle.start
    player = next(s for s in seg.sprites if any(p.left == col * CELL and p.top == TOP + row * CELL for p in s.parts))
    assert sorted(p.colour for p in player.parts) == [0, 9] and player.area == 9  # blue ring, white eye
    for colour, (pc, pr) in puzzle.pads:
        assert any(p.colour == colour and p.left <= pc * CELL < p.right and p.top <= TOP + pr * CELL < p.bottom
                   for s in seg.sprites for p in s.parts), f"pad {colour} not found"
    assert len(sprites) < 60


def test_a_two_colour_sprite_that_moved_is_one_motion() -> None:
    game = Hk01(seed=0)
    before = frame_of(act(game, 0))
    for action in (1, 2, 3, 4):
        after = frame_of(act(game, action))
        if game.state.at != game.puzzles[0].start:
            break
    moved = motions(segment(before), segment(after))
    player = [m for m in moved if sorted(p.colour for p in m.parts) == [0, 9]]
    assert len(player) == 1 and abs(player[0].dx) + abs(player[0].dy) == CELL


def test_candidates_on_a_click_game_are_its_objects() -> None:
    game = Ho01(seed=0)
    frame = frame_of(act(game, 0))
    candidates = click_candidates(segment(frame))
    items = game.puzzles[0].items
    for _, (x, y) in items:
        inside = [c for c in candidates if x <= c.x < x + 6 and y <= c.y < y + 6]
        assert len(inside) == 1, (x, y, candidates)
    others = [c for c in candidates if not any(x <= c.x < x + 6 and y <= c.y < y + 6 for _, (x, y) in items)]
    assert all(c.y < 12 for c in others)  # the legend strip and the timer bar, nothing from the floor
    # each candidate, clicked, does what clicking its object does: the first of the order advances
    first = next(c for c in candidates if any(x <= c.x < x + 6 and y <= c.y < y + 6 for _, (x, y) in
                                          [items[game.puzzles[0].order[0]]]))
    act(game, 6, first.x, first.y)
    assert game.state == 1


def hud_pairs(cls, steps: int = 40):  # type: ignore[no-untyped-def]
    """Random in-level transitions of a game: (before, after, action, the game's state changed)."""
    game, rng = cls(seed=0), random.Random(1)
    frame = frame_of(act(game, 0))
    out = []
    for _ in range(steps):
        action = rng.choice(cls.AVAILABLE)
        state, level = game.state, game.level_index
        result = act(game, action, rng.randrange(64), rng.randrange(64)) if action == 6 else act(game, action)
        after = frame_of(result) if result.frame else frame
        if result.state.name != "NOT_FINISHED" or game.level_index != level:
            frame = frame_of(act(game, 0))
            continue
        out.append((frame, after, action, game.state != state))
        frame = after
    return out


# Fuel's bar is its tank: every action changes the game's state (the fuel left), so no transition changes
# the bar alone (its running out is tested in test_bar_out.py); in Patrol every action is a tick that moves
# the guards (what the readers make of them is tested in test_patrol.py)
BAR_IS_STATE = {"hf01", "hp01"}


@pytest.mark.parametrize("cls", [c for c in (*HELDOUT, *SUITE) if c.NAME not in BAR_IS_STATE], ids=lambda cls: cls.NAME)
def test_hud_masking_makes_frames_that_differ_only_by_the_bar_hash_equal(cls) -> None:  # type: ignore[no-untyped-def]
    pairs = hud_pairs(cls)
    detector = StatusBarDetector()
    for before, after, action, _ in pairs:
        detector.observe(before, after, action)
    mask = detector.mask()
    bar_only = [(b, a) for b, a, _, changed in pairs if not changed and not np.array_equal(b, a)]
    assert bar_only, "no transition changed the bar alone"
    for before, after in bar_only:
        assert state_key(before) != state_key(after)
        assert state_key(before, mask) == state_key(after, mask)
    for before, after, _, changed in pairs:
        if changed:
            assert state_key(before, mask) != state_key(after, mask)


def test_ranker_prefers_sprites_whose_clicks_did_something_and_merges_equal_effects() -> None:
    red, blue, green = [((c, 4, 4, 16, c),) for c in (8, 9, 14)]
    button_face, button_label = ((9, 6, 6, 36, 1),), ((0, 3, 5, 9, 2),)
    ranker = ClickRanker()
    for _ in range(3):
        ranker.update(red, NO_EFFECT)
        ranker.update(blue, b"opened the door")
    assert ranker.score(blue) > ranker.score(green) > ranker.score(red)
    # a never-clicked shape of a colour whose clicks worked borrows that colour's record
    assert ranker.score(button_face) > ranker.score(green)
    ranker.update(button_face, b"counter +1")
    ranker.update(button_label, b"counter +1")
    ranker.update(green, b"counter +1")
    ranker.update(green, b"counter -1")
    candidates = [ClickCandidate(1, 1, 9, 36, button_face), ClickCandidate(2, 2, 0, 9, button_label),
                  ClickCandidate(3, 3, 14, 16, green), ClickCandidate(4, 4, 8, 16, red)]
    ranked = ranker.rank(candidates)
    assert len([c for c in ranked if c.signature in (button_face, button_label)]) == 1  # same effect: merged
    assert green in [c.signature for c in ranked] and ranked[-1].signature == red
    # on the next level the two buttons are two candidates again (an effect names cells of one layout),
    # and what clicking them did still ranks them
    ranker.new_level()
    ranked = ranker.rank(candidates)
    assert len([c for c in ranked if c.signature in (button_face, button_label)]) == 2
    assert ranked[-1].signature == red


def test_effect_digests_ignore_the_mask_and_name_what_changed() -> None:
    before = np.zeros((64, 64), dtype=np.uint8)
    after = before.copy()
    after[63, :10] = 11
    hud = np.zeros((64, 64), dtype=bool)
    hud[62:, :] = True
    assert effect_of(before, after, hud) == NO_EFFECT != effect_of(before, after)
    moved = after.copy()
    moved[5, 5] = 3
    other = after.copy()
    other[5, 6] = 3
    assert effect_of(before, moved, hud) != effect_of(before, other, hud)
    assert effect_of(before, moved, hud) == effect_of(before, moved.copy(), hud)


def test_a_board_of_many_like_cells_is_floor_until_the_tiles_are_asked_for() -> None:
    frame = np.zeros((64, 64), dtype=np.uint8)
    frame.reshape(16, 4, 16, 4)[::2, :, ::2, :] = 9  # 8x8 cells of 4x4, 4 pixels apart
    assert click_candidates(segment(frame)) == []
    tiles = click_candidates(segment(frame, with_tiles=True), limit=4096)
    assert len(tiles) == 64
    assert {(t.x // 8, t.y // 8) for t in tiles} == {(i, j) for i in range(8) for j in range(8)}


def test_like_cells_within_a_small_box_are_a_board_not_a_floor() -> None:
    frame = np.zeros((64, 64), dtype=np.uint8)
    for i in range(7):
        for j in range(7):
            frame[4 + 6 * j:8 + 6 * j, 4 + 6 * i:8 + 6 * i] = 9  # 49 like cells within 40x40 pixels
    assert click_candidates(segment(frame)) == []  # a floor, read alone
    assert len(click_candidates(segment(frame, boards=True), limit=4096)) == 49
    floor = np.zeros((64, 64), dtype=np.uint8)
    floor.reshape(16, 4, 16, 4)[:, :3, :, :3] = 9  # 256 like cells over the whole frame
    floor[30:35, 30:35] = 3  # and a sprite on them: a floor
    assert [(c.x, c.y) for c in click_candidates(segment(floor, boards=True), limit=4096)] == [(32, 32)]


def test_like_cells_filling_the_frame_with_nothing_on_them_are_a_board() -> None:
    board = np.zeros((64, 64), dtype=np.uint8)
    board.reshape(16, 4, 16, 4)[:, :3, :, :3] = 9  # 256 like cells over the whole frame, nothing on them
    assert click_candidates(segment(board)) == []  # a floor, read alone
    assert len(click_candidates(segment(board, boards=True), limit=4096)) == 256
    board[8:11, 8:11] = 12  # a lit cell (the cells' shape in another colour) is one of the board's
    board[0:64, 63] = 5  # so is a line along the whole board
    assert len(click_candidates(segment(board, boards=True), limit=4096)) == 257
    board[40, 41] = 3  # a speck on it: something lies on the cells, so they are a floor
    seen = {(c.x, c.y) for c in click_candidates(segment(board, boards=True), limit=4096)}
    assert seen == {(41, 40), (9, 9), (63, 31)}  # the speck, the lit cell and the line


def test_a_board_stays_a_board_once_a_piece_lies_on_it() -> None:
    board = np.zeros((64, 64), dtype=np.uint8)
    board.reshape(16, 4, 16, 4)[:, :3, :, :3] = 9  # 256 like cells, nothing on them: a board
    empty = segment(board, boards=True)
    assert len(empty.boards) == 1 and len(click_candidates(empty, limit=4096)) == 256
    board[41:46, 41:46] = 3  # a piece placed on it, bigger than a cell: now it looks like a floor carrying it
    assert [(c.x, c.y) for c in click_candidates(segment(board, boards=True), limit=4096)] == [(43, 43)]
    known = segment(board, boards=True, known_boards=empty.boards)  # read as a board before in the level
    assert len(click_candidates(known, limit=4096)) == 256 - 4 + 1  # the cells but the 4 under the piece, and it


def test_the_parts_a_segmentation_makes_are_parts_as_their_class_makes_them() -> None:
    # `segment` builds each `Part` without the dataclass's __init__ (for speed): every field set, none more,
    # equal and hashing alike to the one `Part(...)` makes, on every held-out game's first frame
    fields = list(Part.__dataclass_fields__)
    for cls in HELDOUT:
        _, raw = start_level(cls, 0, 0)
        parts = segment(level_frame(raw), boards=True).parts
        assert parts, cls.NAME
        for part in parts.values():
            assert list(vars(part)) == fields
            made = Part(**vars(part))
            assert made == part and hash(made) == hash(part) and repr(made) == repr(part)



def _reading(seg) -> tuple:  # type: ignore[no-untyped-def]
    return (seg.labels.tobytes(), seg.kinds.tobytes(), [tuple(vars(p).items()) for p in seg.parts.values()],
            [(tuple(p.index for p in s.parts), s.x, s.y) for s in seg.sprites], seg.boards)


def test_a_frame_segmented_again_with_other_options_reads_as_a_fresh_segmentation() -> None:
    # the labelling a frame's segmentations share (`_core`: parts, boxes, shape keys, centroids) is made once
    # per frame; each mask and option then reads as if the frame were segmented afresh, in any order
    from agent.perception import _segment

    mask = np.zeros((64, 64), dtype=bool)
    mask[:3] = True
    mask[:, -2:] = True
    options: list[dict] = [{}, {"mask": mask}, {"mask": mask, "boards": True}, {"with_tiles": True},
                           {"boards": True, "known_boards": frozenset({1, 2})}]
    frames = []
    for cls in HELDOUT:
        _, raw = start_level(cls, 0, 0)
        frames.append(level_frame(raw))
    rng = random.Random(5)
    for frame in frames:
        for opts in rng.sample(options, len(options)) + options:
            seg = segment(frame, **opts)
            assert _reading(seg) == _reading(_segment(frame, **opts))
            assert not seg.labels.flags.writeable  # shared by the frame's segmentations: read only


def test_touching_blocks_of_two_colours_offer_a_click_on_each_with_parts() -> None:
    frame = np.full((64, 64), 5, dtype=np.uint8)  # the floor
    frame[20:25, 20:25] = 14                      # two blocks side by side: one sprite
    frame[20:25, 25:30] = 9
    frame[40:50, 40:50] = 3
    frame[42:48, 42:48] = 6                       # a ring round a square: its ring is no click of its own
    frame[30:32, 10:13] = 8
    frame[30:32, 13:14] = 7                       # a small part beside another: none of its own either
    frame[5:15, 40:50] = 2
    frame[6:9, 41:44] = 12                        # a mark drawn within a larger part: none of its own
    plain = click_candidates(segment(frame))
    both = click_candidates(segment(frame), parts=True)
    assert len(plain) == 4
    assert len(both) == 5 and {(c.x, c.y) for c in plain} < {(c.x, c.y) for c in both}
    blocks = [c for c in both if 20 <= c.y < 25]
    assert sorted(int(frame[c.y, c.x]) for c in blocks) == [9, 14]  # a click on each block
    extra = next(c for c in both if (c.x, c.y) not in {(p.x, p.y) for p in plain})
    assert extra.area == 25 and len(extra.signature) == 1 and extra.signature[0][0] == extra.colour
