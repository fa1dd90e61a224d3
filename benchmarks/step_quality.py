"""Where ARIA's steps go: every step of an agent scored by the exact steps-to-go before and after it.

    .venv/bin/python benchmarks/step_quality.py [--games all] [--seeds 20000-20009] [--levels 3]
        [--agents aria,aria-fast] [--checkpoint RUN_DIR] [--threshold T]

Each agent plays the first attempt of levels 1..`--levels` of every game × seed, within the level's
budget, as `benchmarks/aria_heldout.py` does. Before and after each step the level's exact distances
(`agent.training.optimal.level_distances`: a breadth-first search over the level's whole reachable
graph) say how far the goal is, and the step counts as
- `nearer`: the goal one or more steps nearer (an optimal move, or a level completed);
- `same`: as far as before (a move that changed nothing, or a sideways one);
- `farther`: farther away;
- `dead`: into a state from which the level cannot be completed;
- `unknown`: the level's graph is over the search's cap, or the state was already unsolvable;
- `over`: the step ended the game.
Printed per game and per system (`fast`, `slow`, as each Decision says): the share of each kind, and
the levels won. A policy that plans has most of its steps `nearer`; one at 50/50 `nearer`/`farther` is
walking, not planning. Seeds 10,000-19,999 are reserved for evaluation and refused. Asserts nothing.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from collections.abc import Callable

import torch

from agent.base import Agent
from agent.training.datasets import suite_games
from agent.training.evaluate import EVAL_SEEDS
from agent.training.levels import response_of, start_level, state_of
from agent.training.optimal import level_distances
from arc_client.games.play import act
from arc_client.types import GameAction, GameInfo, GameState

KINDS = ("nearer", "same", "farther", "dead", "unknown", "over")


def seed_range(text: str) -> list[int]:
    if "-" in text:
        low, high = (int(v) for v in text.split("-", 1))
        return list(range(low, high + 1))
    return [int(s) for s in text.split(",")]


def kind_of(before: int | None, after: int | None) -> str:
    if before is None:
        return "unknown"
    if after is None:
        return "dead"
    return "nearer" if after < before else "same" if after == before else "farther"


def play_level(make: Callable[[int], Agent], cls: type, seed: int, level: int, tally: Counter[tuple[str, str]]) -> bool:
    """The first attempt at one level; each step's kind counted per system. True when it was completed."""
    game, raw = start_level(cls, seed, level)
    graph = level_distances(game, game.puzzles[level], game.state)
    latest = response_of(raw, game)
    agent = make(seed)
    agent.start(GameInfo(game.game_id), latest)
    for _ in range(game.budgets[level]):
        before = graph.steps_to_go(game.state) if graph is not None else None
        chosen = agent.act(latest)
        system = chosen.decision.system if chosen.decision is not None else "none"
        if chosen.action is GameAction.RESET:
            return False
        raw = act(game, int(chosen.action), chosen.x, chosen.y)
        latest = response_of(raw, game, int(chosen.action), chosen.x, chosen.y)
        agent.observe(chosen, latest)
        if raw.levels_completed > level:
            tally[system, "nearer"] += 1
            return True
        if state_of(raw) is GameState.GAME_OVER:
            tally[system, "over"] += 1
            return False
        after = graph.steps_to_go(game.state) if graph is not None else None
        tally[system, kind_of(before, after) if graph is not None else "unknown"] += 1
    return False


def factories(names: list[str], checkpoint: str | None, threshold: float | None) -> dict[str, Callable[[int], Agent]]:
    from agent.agents.aria_agent import AriaAgent
    from agent.agents.fast_agent import AriaFastAgent
    from agent.agents.slow_agent import AriaSlowAgent
    from agent.models.loading import load_models

    models = load_models(checkpoint) if any(n in ("aria", "aria-fast") for n in names) else {}
    known: dict[str, Callable[[int], Agent]] = {
        "aria": lambda seed: AriaAgent(seed, models=models, threshold=threshold),
        "aria-fast": lambda seed: AriaFastAgent(seed, models=models),
        "aria-slow": lambda seed: AriaSlowAgent(seed),
    }
    unknown = [n for n in names if n not in known]
    if unknown:
        raise SystemExit(f"error: unknown agent(s) {', '.join(unknown)}; choose from {', '.join(known)}")
    return {n: known[n] for n in names}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--games", default="", help="comma-separated game ids (default: the whole suite)")
    parser.add_argument("--seeds", default="20000-20009", help="A-B or a comma list (never 10,000-19,999)")
    parser.add_argument("--levels", type=int, default=3)
    parser.add_argument("--agents", default="aria,aria-fast")
    parser.add_argument("--checkpoint", default=None)
    parser.add_argument("--threshold", type=float, default=None, help="aria's confidence threshold (default: phase 4's)")
    args = parser.parse_args()
    seeds = seed_range(args.seeds)
    if any(s in EVAL_SEEDS for s in seeds):
        raise SystemExit("error: seeds 10,000-19,999 are reserved for evaluation; pass training or 20,000+ seeds")
    torch.set_num_threads(1)
    games = suite_games(args.games)
    makers = factories(args.agents.split(","), args.checkpoint, args.threshold)
    print(f"{len(games)} games × {len(seeds)} seeds × levels 1-{args.levels}, first attempts; share of each "
          f"system's steps by kind ({', '.join(KINDS)})")
    for name, make in makers.items():
        started = time.perf_counter()
        total_won = total = 0
        for cls in games:
            tally: Counter[tuple[str, str]] = Counter()
            won = attempts = 0
            for seed in seeds:
                for level in range(min(args.levels, cls.LEVELS)):
                    won += play_level(make, cls, seed, level, tally)
                    attempts += 1
            total_won, total = total_won + won, total + attempts
            cells = []
            for system in ("fast", "slow"):
                n = sum(v for (s, _), v in tally.items() if s == system)
                if n:
                    cells.append(f"{system} {n:5d}: " + " ".join(f"{tally[system, k] / n:4.2f}" for k in KINDS))
            print(f"{name:9s} {cls.NAME:5s} won {won:3d}/{attempts:<3d}  " + "   ".join(cells), flush=True)
        print(f"{name:9s} ALL   won {total_won}/{total} ({total_won / max(total, 1):.1%}), "
              f"{time.perf_counter() - started:.0f} s", flush=True)


if __name__ == "__main__":
    main()
