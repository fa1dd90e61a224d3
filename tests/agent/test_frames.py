"""Frame processing on hand-made frames: components, HUD masking, state keys."""

from __future__ import annotations

from collections import deque

import numpy as np

from agent.frames import MASKED, StatusBarDetector, colour_in, label_boxes, label_components, state_key


def reference_components(frame: np.ndarray) -> int:
    """Number of 4-connected single-colour components, by plain flood fill."""
    seen = np.zeros(frame.shape, dtype=bool)
    count = 0
    h, w = frame.shape
    for y0 in range(h):
        for x0 in range(w):
            if seen[y0, x0]:
                continue
            count += 1
            seen[y0, x0] = True
            queue = deque([(y0, x0)])
            while queue:
                y, x = queue.popleft()
                for ny, nx in ((y + 1, x), (y - 1, x), (y, x + 1), (y, x - 1)):
                    if 0 <= ny < h and 0 <= nx < w and not seen[ny, nx] and frame[ny, nx] == frame[y, x]:
                        seen[ny, nx] = True
                        queue.append((ny, nx))
    return count


def test_labels_match_flood_fill_and_stay_within_one_colour() -> None:
    rng = np.random.default_rng(3)
    for colours in (2, 3, 16):
        frame = rng.integers(0, colours, (64, 64)).astype(np.uint8)
        labels = label_components(frame)
        assert len(np.unique(labels)) == reference_components(frame)
        for label in np.unique(labels)[:50]:
            assert len(np.unique(frame[labels == label])) == 1
    snake = np.zeros((64, 64), dtype=np.uint8)  # one long winding corridor: the slowest case
    snake[::2, :] = 1
    snake[1::4, 63] = 1
    snake[3::4, 0] = 1
    assert len(np.unique(label_components(snake))) == reference_components(snake)


def bar_frames(steps: int, bar_every: int, rng: np.random.Generator) -> tuple[list[np.ndarray], list[int]]:
    """A 2x2 player wandering (sometimes blocked) above a budget bar in rows 62-63 that shrinks."""
    frames, actions = [], []
    x, y = 30, 30
    for step in range(steps + 1):
        frame = np.zeros((64, 64), dtype=np.uint8)
        frame[y : y + 2, x : x + 2] = 9
        frame[62:, : 64 - step // bar_every] = 11
        frames.append(frame)
        action = int(rng.integers(1, 5))
        actions.append(action)
        dx, dy = {1: (0, -2), 2: (0, 2), 3: (-2, 0), 4: (2, 0)}[action]
        if rng.random() < 0.7:  # otherwise the move is blocked
            x, y = int(np.clip(x + dx, 0, 58)), int(np.clip(y + dy, 0, 58))
    return frames, actions


def test_colour_in_answers_as_isin_on_frames_and_blanked_frames() -> None:
    rng = np.random.default_rng(3)
    for dtype in (np.uint8, np.int64):
        frame = rng.integers(0, 16, size=(64, 64)).astype(dtype)
        frame[rng.random((64, 64)) < 0.1] = MASKED  # blanked cells
        for colours in ([], [4], [0, 7, 15], [-1, 2, MASKED], list(range(16))):
            got = colour_in(frame, colours)
            assert got.dtype == bool and got.shape == frame.shape
            assert np.array_equal(got, np.isin(frame, colours)), (dtype, colours)


def test_status_bar_masking_makes_frames_that_differ_only_in_the_bar_hash_equal() -> None:
    for bar_every in (1, 2):  # a bar that shrinks every action, and one that shrinks every second
        rng = np.random.default_rng(bar_every)
        frames, actions = bar_frames(40, bar_every, rng)
        detector = StatusBarDetector()
        for before, after, action in zip(frames, frames[1:], actions, strict=False):
            detector.observe(before, after, action)
        mask = detector.mask()
        assert mask[62:, :].all(), f"bar every {bar_every}: the bar rows are not masked"
        assert not mask[:60, :].any(), f"bar every {bar_every}: play area masked"
        same = frames[5].copy()
        same[62:, :] = frames[30][62:, :]           # same player, other bar length
        assert state_key(frames[5], mask) == state_key(same, mask)
        assert state_key(frames[5]) != state_key(same)
        moved = frames[5].copy()
        moved[:60] = 0
        moved[10:12, 10:12] = 9                      # same bar, other player position
        assert state_key(frames[5], mask) != state_key(moved, mask)


def test_nothing_is_masked_when_the_whole_frame_changes() -> None:
    rng = np.random.default_rng(0)
    detector = StatusBarDetector()
    frames = [rng.integers(0, 16, (64, 64)).astype(np.uint8) for _ in range(20)]
    for before, after in zip(frames, frames[1:], strict=False):
        detector.observe(before, after, int(rng.integers(1, 5)))
    assert not detector.mask().any()


def test_a_puzzle_whose_middle_changes_on_every_click_keeps_its_edge_bar_masked() -> None:
    """Lights-out: the middle row and column of lanterns toggle on every click, which alone would make
    the candidate area too large for a HUD; the two-column bar along the right edge is still masked."""
    rng = np.random.default_rng(0)
    frame = np.zeros((64, 64), dtype=np.uint8)
    frame[:, 62:] = 9
    detector = StatusBarDetector()
    for step in range(30):
        after = frame.copy()
        after[20:44, 20:44] = rng.integers(0, 16, (24, 24))  # the whole middle, every click
        after[step * 2:step * 2 + 2, 62:] = 5  # the bar shrinks down the right edge
        detector.observe(frame, after, int(16 + rng.integers(9)))
        frame = after
    mask = detector.mask()
    assert mask[:, 62:].all() and int(mask.sum()) == 2 * 64


def test_a_bar_inside_the_frame_is_masked_while_a_mover_goes_back_and_forth() -> None:
    """Keys and Doors (validation seed 20,021, level 2): the step bar ticks in rows 58-60, three rows above
    the frame's edge, and the player is sent left, right, left... Its rows and columns change on every
    action whatever the action (only those two were tried), which took the candidate area over the limit,
    and with no band at the edges nothing was masked: every state was new, the back and forth no loop.
    The bar's rows are masked alone now, and the two places of the player hash equal, visit after visit."""
    from agent.training.levels import frame_of, start_level
    from arc_client.games import game_class
    from arc_client.games.play import act

    game, raw = start_level(game_class("kd01"), 20021, 1)
    frames, actions = [frame_of(raw)], [3, 4] * 6
    for action in actions:
        frames.append(frame_of(act(game, action, None, None)))
    detector = StatusBarDetector()
    for before, after, action in zip(frames, frames[1:], actions, strict=False):
        detector.observe(before, after, action)
    mask = detector.mask()
    assert mask[58:61, :].all() and int(mask.sum()) == 3 * 64, "the bar's three rows, nothing else"
    assert state_key(frames[2], mask) == state_key(frames[12], mask)  # the same place, a shorter bar
    assert state_key(frames[1], mask) == state_key(frames[11], mask)
    assert state_key(frames[1], mask) != state_key(frames[2], mask)  # the two places differ


def test_component_boxes_in_one_pass_match_each_components_own_box() -> None:
    rng = np.random.default_rng(3)
    frame = rng.integers(0, 3, (64, 64)).astype(np.uint8)  # few colours: components of every shape
    labels = label_components(frame)
    boxes = label_boxes(labels)
    for label in np.unique(labels):
        rows, cols = np.nonzero(labels == label)
        assert tuple(boxes[label]) == (rows.min(), cols.min(), rows.max() + 1, cols.max() + 1)

