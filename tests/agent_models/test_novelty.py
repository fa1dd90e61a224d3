"""The arbiter's familiarity memory with the shipped checkpoint: what it was trained on looks familiar,
the hand-written held-out games look novel (so `aria` plays them with the systems that learn online).
The patch hash indexes the table shipped in the checkpoint: a change to `patch_hashes` that moved its
indices would turn every suite frame novel here."""

from __future__ import annotations

import numpy as np

from agent.models.arbiter import patch_hashes
from agent.models.loading import load_models
from agent.training.datasets import suite_games
from agent.training.levels import frame_of, start_level
from arc_client.games.heldout import HELDOUT
from arc_client.games.play import act


def test_suite_levels_are_familiar_and_heldout_games_novel_to_the_shipped_arbiter() -> None:
    arbiter = load_models(None)["arbiter"]
    seen = arbiter.seen.numpy()
    limit = float(arbiter.max_novelty)
    for cls in suite_games(""):
        for seed in (20000, 20001):  # validation seeds: never in the table's training data
            for level in range(3):
                frame = frame_of(start_level(cls, seed, level)[1])
                assert arbiter.novelty(frame, seen) <= limit, f"{cls.NAME} seed {seed} level {level + 1}"
    for held in HELDOUT:
        game = held(seed=0)
        frame = frame_of(act(game, 0))
        assert arbiter.novelty(frame, seen) > limit, held.NAME


def test_patch_hashes_depend_on_every_cell_of_a_patch_and_on_its_place() -> None:
    frame = np.zeros((64, 64), dtype=np.uint8)
    base = patch_hashes(frame)
    assert base.shape == (64,) and len(set(base.tolist())) == 64  # equal patches, different places
    for y, x in ((0, 0), (6, 6), (62, 0), (40, 22)):  # the half-resolution cells (even rows and columns)
        changed = frame.copy()
        changed[y, x] = 3
        differs = np.flatnonzero(patch_hashes(changed) != base)
        assert differs.tolist() == [(y // 8) * 8 + x // 8]
    odd = frame.copy()
    odd[1, 1] = 3  # not sampled at half resolution
    assert np.array_equal(patch_hashes(odd), base)
