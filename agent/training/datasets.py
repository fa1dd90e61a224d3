"""The training and validation data the phases share, generated once per process and cached.

Which games: the `[model] games` list (empty: the whole built-in suite). Which seeds: the first
`count` seeds of a shuffled `train_seeds` (or `val_seeds`) range, drawn from the run's seed alone, so
every phase and every DDP rank sees the same data, and a resumed run regenerates it identically.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from agent.training.data import Transitions, check_training_seeds, generate
from arc_client.games import SUITE, game_class
from arc_client.games.kit import PuzzleGame

_CACHE: dict[tuple[Any, ...], Transitions] = {}


def suite_games(names: str) -> list[type[PuzzleGame]]:
    """The games named in a comma list ("" = the whole suite), in suite order."""
    wanted = [n.strip() for n in names.split(",") if n.strip()]
    return [game_class(n) for n in wanted] if wanted else list(SUITE)


def pick_seeds(seed_range: tuple[int, int], count: int, run_seed: int, salt: int) -> list[int]:
    lo, hi = seed_range
    span = hi - lo + 1
    rng = np.random.default_rng([run_seed, salt, 4242])
    chosen = rng.choice(span, size=min(count, span), replace=False) + lo
    return check_training_seeds(int(s) for s in chosen)


def transitions(config: Any, split: str, count: int, levels: int, noise: float = 0.25,
                random_share: float = 0.2) -> Transitions:
    """Episodes on `count` seeds of the `train` or `val` range, levels 1..`levels`."""
    seed_range = config.train_seeds if split == "train" else config.val_seeds
    seeds = pick_seeds(seed_range, count, config.seed, 1 if split == "train" else 2)
    games = suite_games(str(config.model.get("games", "")))
    key = (tuple(g.NAME for g in games), tuple(seeds), levels, noise, random_share, config.seed)
    if key not in _CACHE:
        _CACHE[key] = generate(games, seeds, levels=range(levels), noise=noise, random_share=random_share,
                               rng_seed=config.seed)
    return _CACHE[key]
