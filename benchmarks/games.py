"""Figures for the built-in game suite: steps/s through the toolkit, oracle and construction time.

    .venv/bin/python benchmarks/games.py [--steps 3000] [--episodes 200]

Per game: steps/s in-process (random available actions through `arc_agi.Arcade(...).make(...).step`),
oracle (BFS) solve ms per level for seed 0, construction ms (all levels generated and checked, no
cache), and the share of random episodes that clear level 1. Ends with the median steps/s.
"""

import argparse
import logging
import random
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from arc_agi import Arcade, OperationMode
from arcengine import GameAction, GameState

from arc_client.games import SUITE, kit
from arc_client.games.bundle import write_tree
from arc_client.games.play import random_action, random_clears_level_one


def steps_per_second(arcade: Arcade, name: str, steps: int) -> float:
    env = arcade.make(name, seed=0)
    game = getattr(env, "_game", None)  # only to know the available actions; steps go through the wrapper
    if env is None or game is None:
        raise SystemExit(f"error: the toolkit could not load {name}; check its source in arc_client/games/sources")
    rng = random.Random(0)
    start = time.perf_counter()
    for _ in range(steps):
        action, x, y = random_action(game, rng)
        data = {"x": x, "y": y} if action == 6 else None
        result = env.step(GameAction.from_id(action), data=data)
        if result is None or result.state in (GameState.GAME_OVER, GameState.WIN):
            env.reset()
    return steps / (time.perf_counter() - start)


def construction_ms(cls: type[kit.PuzzleGame], seeds: range) -> float:
    times = []
    for seed in seeds:
        kit._GENERATED.clear()  # measure generation + checks, not the per-seed cache
        start = time.perf_counter()
        cls(seed=seed)
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=3000)
    parser.add_argument("--episodes", type=int, default=200)
    args = parser.parse_args()
    quiet = logging.getLogger("benchmarks.games")
    quiet.setLevel(logging.WARNING)
    # A private tree built from the sources: the same files as the committed one when it is fresh.
    games_dir = Path(tempfile.mkdtemp(prefix="games-bench-"))
    write_tree(games_dir)
    arcade = Arcade(operation_mode=OperationMode.OFFLINE, environments_dir=str(games_dir), logger=quiet)

    print(f"{'game':6} {'steps/s':>8} {'build ms':>9} {'random L1':>9}  oracle ms per level (optimal actions)")
    rates = []
    for cls in SUITE:
        rate = steps_per_second(arcade, cls.NAME, args.steps)
        rates.append(rate)
        build = construction_ms(cls, range(1000, 1010))
        game = cls(seed=0)
        solves = []
        for puzzle in game.puzzles:
            start = time.perf_counter()
            plan = kit.solve(game, puzzle)
            solves.append(f"{1000 * (time.perf_counter() - start):.1f} ({len(plan or [])})")
        rng = random.Random(0)
        wins = sum(random_clears_level_one(cls(seed=seed), rng) for seed in range(args.episodes))
        print(f"{cls.NAME:6} {rate:8.0f} {build:9.1f} {wins / args.episodes:9.1%}  {', '.join(solves)}")
    print(f"median steps/s over {len(rates)} games: {statistics.median(rates):.0f}")
    shutil.rmtree(games_dir)


if __name__ == "__main__":
    main()
