"""ARIA on held-out seeds: success on levels 1-3 of every suite game beside random, oracle, the fast
policy alone and the slow explorer alone; fast share; ms per decision; peak memory.

    .venv/bin/python benchmarks/aria_heldout.py [--checkpoint RUN_DIR] [--seeds 67] [--levels 3]
        [--games mz01,sq01] [--agents random,oracle,aria-slow,aria-fast,aria] [--out FILE.json]
        [--first-seed 10000] [--threshold T] [--max-uncertainty U] [--no-guided]

`--first-seed 20000` plays validation seeds instead (the range tuning may use); `--threshold` and
`--max-uncertainty` override the checkpoint's arbiter settings for `aria`, to sweep them there;
`--no-guided` gives `aria` its previous slow system (the graph explorer) for comparison.

Seeds are 10,000.. (the evaluation range no training touches); each game gets seeds × levels attempts
(67 × 3 = 201). Success = the level completed within its budget on the first attempt; 95% Wilson
intervals. One thread, as the decision-time targets are stated.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import torch

from agent.agents.aria_agent import AriaAgent
from agent.agents.fast_agent import AriaFastAgent
from agent.agents.slow_agent import AriaSlowAgent
from agent.decision import DecisionTally
from agent.models.loading import load_models
from agent.training.datasets import suite_games
from agent.training.evaluate import evaluate_agents, peak_rss_mb


def full_agent(seed: int, models: dict, threshold: float | None, max_uncertainty: float | None,
               guided: bool = True) -> AriaAgent:
    agent = AriaAgent(seed, models=models, threshold=threshold, guided=guided)
    if max_uncertainty is not None:
        agent.max_uncertainty = max_uncertainty
    return agent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkpoint", default=None, help="run or checkpoint directory (default: the shipped one)")
    parser.add_argument("--seeds", type=int, default=67)
    parser.add_argument("--levels", type=int, default=3)
    parser.add_argument("--games", default="")
    parser.add_argument("--agents", default="random,oracle,aria-slow,aria-fast,aria")
    parser.add_argument("--out", default=None)
    parser.add_argument("--first-seed", type=int, default=10_000)
    parser.add_argument("--threshold", type=float, default=None, help="aria's confidence threshold")
    parser.add_argument("--max-uncertainty", type=float, default=None, help="aria's world-model disagreement bound")
    parser.add_argument("--no-guided", action="store_true",
                        help="aria's previous slow system (the graph explorer) instead of the policy-guided search")
    args = parser.parse_args()
    torch.set_num_threads(1)
    models = load_models(args.checkpoint)
    factories = {"random": None, "oracle": None,
                 "aria-slow": lambda seed: AriaSlowAgent(seed),
                 "aria-fast": lambda seed: AriaFastAgent(seed, models=models),
                 "aria": lambda seed: full_agent(seed, models, args.threshold, args.max_uncertainty,
                                                 not args.no_guided)}
    chosen = {name: factories[name] for name in args.agents.split(",")}
    seeds = range(args.first_seed, args.first_seed + args.seeds)
    games = suite_games(args.games)
    started = time.perf_counter()
    results = evaluate_agents(chosen, games, seeds, range(args.levels))
    print(f"{len(games)} games × {args.seeds} seeds × levels 1-{args.levels} "
          f"({args.seeds * args.levels} attempts per game), {time.perf_counter() - started:.0f} s, "
          f"peak RSS {peak_rss_mb():.0f} MB, seeds from {args.first_seed}, threshold "
          f"{args.threshold if args.threshold is not None else float(models['arbiter'].threshold):.2f}, max uncertainty "
          f"{args.max_uncertainty if args.max_uncertainty is not None else float(models['arbiter'].max_uncertainty):.2f}")
    header = f"{'game':6}" + "".join(f"{name:>20}" for name in chosen)
    print(header)
    for game in [cls.NAME for cls in games] + ["ALL"]:
        cells = []
        for name in chosen:
            row = results[name]["overall"] if game == "ALL" else results[name]["games"][game]
            lo, hi = row["ci95"]
            cells.append(f"{row['success']:6.1%} [{lo:4.0%},{hi:4.0%}]")
        print(f"{game:6}" + "".join(f"{c:>20}" for c in cells))
    # the mean level score, (oracle actions / actions)^2 or 0 for a lost level: what ARC-AGI-3 would give
    print("level score: " + ", ".join(f"{name} {results[name]['overall'].get('score', 0.0):.3f}" for name in chosen))
    for name in ("aria", "aria-fast"):
        if name in results:
            row = results[name]["overall"]
            print(f"{name}: fast share {row.get('fast_share')}, fast ms p50/p95 "
                  f"{row.get('fast_ms_p50')}/{row.get('fast_ms_p95')}, slow ms p50/p95 "
                  f"{row.get('slow_ms_p50')}/{row.get('slow_ms_p95')}")
    if "aria" in results:  # which part of the agent took the steps, game by game (the fast share's why)
        print("aria: steps by system/mode")
        rows = [*results["aria"]["games"].items(), ("ALL", results["aria"]["overall"])]
        for game, row in rows:
            print(f"{game:6} {DecisionTally(modes=row.get('decision_modes') or {}).shares(4)}")
    if args.out:
        Path(args.out).write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
