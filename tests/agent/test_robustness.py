"""ARIA survives frames unlike any game it knows (`agent.evaluation.synthetic`: random sprites, movers,
clicks, textures, static, a ticking bar, levels and game overs at random): it never raises, and every
action it sends is available, a click on the grid, nothing but RESET after a game over."""

from __future__ import annotations

import pytest

from agent.evaluation.synthetic import KINDS, SyntheticGame, play
from agent.registry import load_agent

SEEDS = range(6)


def test_the_synthetic_games_cover_every_kind_of_scene() -> None:
    assert {SyntheticGame(seed).scene.kind for seed in range(40)} == set(KINDS)


@pytest.mark.parametrize("name", ["aria", "aria-online", "aria-slow"])
def test_an_agent_plays_synthetic_games_without_raising_or_illegal_actions(name: str) -> None:
    cls = load_agent(name)
    kinds, levels = set(), 0
    for seed in SEEDS:
        out = play(cls, seed, 150)
        assert out.illegal == [], (seed, out.illegal[:3])
        assert out.steps == 150 or out.levels == 8, (seed, out.steps)
        kinds.add(out.kind)
        levels += out.levels
    assert len(kinds) >= 3 and levels >= 3, (kinds, levels)  # the streams did change scenes and levels
