"""Time per decision of ARIA's fast and slow systems on one CPU thread, beside the random baseline.

    .venv/bin/python benchmarks/decisions.py [--steps 400] [--games mz01,sq01,cl01,kb01]
        [--seeds 0,20000] [--agents random,aria-fast,aria] [--checkpoint RUN_DIR]

Each agent plays `--steps` actions of every game × seed in process (from level 1 on; RESET after a
game over, as the harness would), the same games and seeds for every agent. A decision's time is the
wall time of the agent's `act` call (the Decision record included), grouped by the system that chose
(`fast`, `slow`) and, below, by its mode. Beside the wall time, `cpu` is the thread's CPU time for the
same calls (`time.thread_time`): on a machine shared with other jobs the wall time counts waits for
a core, the CPU time does not. The random baseline's wall time per step (its `act` plus the game's
step) is the unit of the `×step` columns, another way to compare runs made under different loads.
Seeds are training (0-1,999) or validation (20,000+) seeds; the evaluation range 10,000-19,999 is
refused. A digest of every action each agent played is printed, so runs of two versions of the code
can be checked for the same decisions. Prints figures, asserts nothing.
"""

from __future__ import annotations

import argparse
import hashlib
import time
from collections import defaultdict
from collections.abc import Callable

import numpy as np
import torch

from agent.base import Agent
from agent.training.datasets import suite_games
from agent.training.evaluate import EVAL_SEEDS
from agent.training.levels import response_of
from arc_client.games.kit import PuzzleGame
from arc_client.games.play import act
from arc_client.types import GameInfo

Timings = dict[str, list[tuple[float, float]]]  # (wall ms, CPU ms) per call


def play(agent: Agent, cls: type[PuzzleGame], seed: int, steps: int, by_system: Timings, by_mode: Timings,
         digest: hashlib._Hash) -> list[float]:
    """`steps` actions of one game; the agent's act times go into the two tallies and its actions
    into `digest`. Wall ms per step (act, game step and observe)."""
    game = cls(seed=seed)
    raw = act(game, 0)
    latest = response_of(raw, game)
    agent.start(GameInfo(game.game_id), latest)
    per_step = []
    for _ in range(steps):
        before, cpu = time.perf_counter(), time.thread_time()
        chosen = agent.act(latest)
        ms = ((time.perf_counter() - before) * 1000, (time.thread_time() - cpu) * 1000)
        decision = chosen.decision
        system = decision.system if decision is not None else "none"
        by_system[system].append(ms)
        by_mode[f"{system}/{decision.mode if decision is not None else '-'}"].append(ms)
        digest.update(f"{int(chosen.action)},{chosen.x},{chosen.y};".encode())
        raw = act(game, int(chosen.action), chosen.x, chosen.y)
        latest = response_of(raw, game, int(chosen.action), chosen.x, chosen.y)
        agent.observe(chosen, latest)
        per_step.append((time.perf_counter() - before) * 1000)
    return per_step


def factories(names: list[str], checkpoint: str | None) -> dict[str, Callable[[int], Agent]]:
    from agent.agents.aria_agent import AriaAgent
    from agent.agents.fast_agent import AriaFastAgent
    from agent.agents.random_agent import RandomAgent
    from agent.agents.slow_agent import AriaSlowAgent
    from agent.models.loading import load_models

    models = load_models(checkpoint) if any(n.startswith("aria") and n != "aria-slow" for n in names) else {}
    known: dict[str, Callable[[int], Agent]] = {
        "random": lambda seed: RandomAgent(seed),
        "aria-slow": lambda seed: AriaSlowAgent(seed),
        "aria-fast": lambda seed: AriaFastAgent(seed, models=models),
        "aria": lambda seed: AriaAgent(seed, models=models),
    }
    unknown = [n for n in names if n not in known]
    if unknown:
        raise SystemExit(f"error: unknown agent {unknown[0]!r}; choose from {', '.join(known)}")
    return {n: known[n] for n in names}


def search_times(games: list[type[PuzzleGame]], seeds: list[int], checkpoint: str | None) -> Timings:
    """The slow system's world-model search alone, as `aria` runs it (its default expansions and
    budget), from the first frame of levels 1 and 2 of every game and seed: rare in play (the exact
    graph usually has an untried action), so timed here on its own."""
    from agent.agents.aria_agent import AriaAgent
    from agent.models.loading import load_models
    from agent.training.levels import start_level

    planner = AriaAgent(0, models=load_models(checkpoint)).planner
    out: Timings = defaultdict(list)
    for cls in games:
        for seed in seeds:
            for level in (0, 1):
                game, raw = start_level(cls, seed, level)
                latest = response_of(raw, game)
                before, cpu = time.perf_counter(), time.thread_time()
                plan = planner.search(latest.frame, latest.available_actions)
                ms = ((time.perf_counter() - before) * 1000, (time.thread_time() - cpu) * 1000)
                out[f"{plan.expansions} expansions" if plan is not None else "no plan"].append(ms)
                out["all"].append(ms)
    return out


def percentiles(values: list[tuple[float, float]]) -> tuple[float, float, float, float]:
    """Wall p50, p95, CPU p50, p95 (ms)."""
    wall, cpu = np.array(values).T
    return (float(np.percentile(wall, 50)), float(np.percentile(wall, 95)), float(np.percentile(cpu, 50)),
            float(np.percentile(cpu, 95)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=400, help="actions per game and seed")
    parser.add_argument("--games", default="mz01,sq01,cl01,kb01")
    parser.add_argument("--seeds", default="0,20000")
    parser.add_argument("--agents", default="random,aria-fast,aria")
    parser.add_argument("--checkpoint", default=None)
    args = parser.parse_args()
    seeds = [int(s) for s in args.seeds.split(",")]
    if any(s in EVAL_SEEDS for s in seeds):
        raise SystemExit("error: seeds 10,000-19,999 are reserved for evaluation; pass training or 20,000+ seeds")
    torch.set_num_threads(1)
    names = args.agents.split(",")
    if "random" not in names:
        names.insert(0, "random")
    games = suite_games(args.games)
    makers = factories(names, args.checkpoint)
    rows: dict[str, tuple[Timings, Timings, list[float]]] = {}
    digests: dict[str, str] = {}
    for name, make in makers.items():
        by_system: Timings = defaultdict(list)
        by_mode: Timings = defaultdict(list)
        steps: list[float] = []
        digest = hashlib.sha256()
        for cls in games:
            for seed in seeds:
                steps += play(make(seed), cls, seed, args.steps, by_system, by_mode, digest)
        rows[name] = (by_system, by_mode, steps)
        digests[name] = digest.hexdigest()[:12]
    unit = float(np.median(rows["random"][2]))  # ms per random step (act, game step, observe): the median
    print(f"{len(games)} games ({args.games}) × seeds {args.seeds} × {args.steps} steps, torch threads "
          f"{torch.get_num_threads()}, load average {' '.join(f'{x:.2f}' for x in _loadavg())}")
    print(f"random baseline: {unit:.3f} ms per step (act + game step, median), the unit of ×step")
    print(f"{'agent':10} {'system':6} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'cpu p50':>8} {'cpu p95':>8} "
          f"{'p50 ×step':>10} {'p95 ×step':>10}")
    for name, (by_system, _, _) in rows.items():
        for system in sorted(by_system):
            p50, p95, c50, c95 = percentiles(by_system[system])
            print(f"{name:10} {system:6} {len(by_system[system]):6d} {p50:8.3f} {p95:8.3f} {c50:8.3f} {c95:8.3f} "
                  f"{p50 / unit:10.1f} {p95 / unit:10.1f}")
    print("actions played (sha256 of every action, x, y; equal digests: the same decisions):",
          ", ".join(f"{name} {d}" for name, d in digests.items()))
    print("by mode (wall p50, p95, cpu p50, p95 ms):")
    for name, (_, by_mode, _) in rows.items():
        if name == "random":
            continue
        for mode in sorted(by_mode):
            p50, p95, c50, c95 = percentiles(by_mode[mode])
            print(f"  {name:10} {mode:22} {len(by_mode[mode]):6d} {p50:8.3f} {p95:8.3f} {c50:8.3f} {c95:8.3f}")
    if "aria" in names:
        print("the search alone, from levels' first frames (wall p50, p95, cpu p50, p95 ms):")
        searches = search_times(games, seeds, args.checkpoint)
        for label in sorted(searches):
            p50, p95, c50, c95 = percentiles(searches[label])
            print(f"  {'search':10} {label:22} {len(searches[label]):6d} {p50:8.3f} {p95:8.3f} {c50:8.3f} {c95:8.3f}")


def _loadavg() -> tuple[float, float, float]:
    try:
        import os

        return os.getloadavg()
    except OSError:
        return (float("nan"),) * 3


if __name__ == "__main__":
    main()
