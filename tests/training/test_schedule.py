"""The optional cosine learning-rate decay of the shared optimisation loop."""

from __future__ import annotations

from itertools import pairwise

import pytest

from agent.training.training_loop import cosine_lr


def test_cosine_decay_starts_at_the_rate_ends_at_the_floor_and_never_rises() -> None:
    steps = 101
    rates = [cosine_lr(0.002, step, steps) for step in range(steps)]
    assert rates[0] == pytest.approx(0.002)
    assert rates[-1] == pytest.approx(0.002 * 0.05)
    assert rates[50] == pytest.approx(0.002 * (0.05 + 0.95 * 0.5))
    assert all(later <= earlier for earlier, later in pairwise(rates))

