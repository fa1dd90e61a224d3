"""Shared by the goal readers' tests: the full agent's first attempts with a reader and without it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from agent.agents.aria_agent import AriaAgent
from agent.models.loading import load_models
from agent.training.evaluate import Tally, play_level
from arc_client.games import game_class


def with_and_without(name: str, seeds: Iterable[int], levels: int, **off: Any) -> tuple[int, int]:
    """Levels of `name` the full agent clears as shipped, and with the options `off` (one reader off)."""
    models = load_models()
    on, without = Tally(), Tally()
    for seed in seeds:
        for level in range(levels):
            on.add(play_level(AriaAgent(seed, models=models), game_class(name), seed, level, on))
            without.add(play_level(AriaAgent(seed, models=models, **off), game_class(name), seed, level, without))
    return on.successes, without.successes
