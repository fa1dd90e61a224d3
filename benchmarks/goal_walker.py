"""The goal walker inside `aria`: its threshold, its loop rule and its veto, measured side by side.

    python benchmarks/goal_walker.py [--checkpoint DIR] [--play-seeds 20000-20009] [--thresholds 0.97,0.9,0]
        [--no-veto] [--repeat]

The walker (agent/models/goal_walker.py) is the fast policy given the destination the navigator chose; phase 5
of `aria train` trains it on the navigator's moves in the full agent's own play and picks its threshold on
validation levels (agent/training/walking.py). Here `aria` plays levels 1-3 of every suite game with the
walker off (the navigator walks every route: the agent before the walker) and at each threshold, in one run on
`--play-seeds` (validation game seeds by default; `--play-seeds 10000-10066` plays the reserved seeds as
`benchmarks/aria_heldout.py` does: measured, never trained or tuned on). `--repeat` drops the loop rule (the
walker may step again from a place it stepped from for that destination), `--no-veto` the veto (a bump, a
stopping colour, a step straight back), to measure what each is for.
Printed per point: success, level score, fast share, the lowest game, fast step p50/p95 and the steps by mode.
"""

from __future__ import annotations

import argparse
import math
from typing import Any

import torch
from step_quality import seed_range  # "A-B" or "a,b,c" (benchmarks/ is this script's import path)

from agent.agents.aria_agent import AriaAgent
from agent.decision import DecisionTally
from agent.models.loading import load_models
from agent.training.datasets import suite_games
from agent.training.evaluate import evaluate_agents


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkpoint", default=None, help="a run or checkpoint with a goal walker (default: shipped)")
    parser.add_argument("--play-seeds", default="20000-20009")
    parser.add_argument("--thresholds", default="0.97,0.9,0")
    parser.add_argument("--repeat", action="store_true", help="no loop rule: the walker may act again from a place")
    parser.add_argument("--no-veto", action="store_true", help="drop the veto (a bump, a stopping colour, a step back)")
    args = parser.parse_args()
    torch.set_num_threads(1)
    models = load_models(args.checkpoint)
    if "goal_walker" not in models:
        parser.error("this checkpoint has no goal walker (train one: `aria train ... --set model.walker=true`)")
    seeds = seed_range(args.play_seeds)
    shipped = float(models["goal_walker"].threshold)
    print(f"levels 1-3 of the ten suite games, game seeds {args.play_seeds} ({len(seeds) * 3} attempts a game); "
          f"the checkpoint's walker threshold {shipped:.2f}")
    points = [("walker off", math.inf)] + [(f"walker >= {t}", float(t)) for t in args.thresholds.split(",")]
    for name, threshold in points:
        def make(seed: int, threshold: float = threshold) -> AriaAgent:
            return AriaAgent(seed, models=models, walker_threshold=threshold, walker_veto=not args.no_veto,
                             walker_repeat=args.repeat)

        row: dict[str, Any] = evaluate_agents({"aria": make}, suite_games(""), seeds, range(3))["aria"]
        overall = row["overall"]
        lowest = min(row["games"].items(), key=lambda kv: kv[1]["success"])
        print(f"{name:14} success {overall['success']:.1%}, level score {overall['score']:.3f}, fast share "
              f"{overall['fast_share']:.1%}, lowest game {lowest[0]} {lowest[1]['success']:.1%}, fast step p50/p95 "
              f"{overall.get('fast_ms_p50') or 0:.2f}/{overall.get('fast_ms_p95') or 0:.2f} ms", flush=True)
        print("    " + DecisionTally(modes=overall.get("decision_modes") or {}).shares(4))
        print("    " + ", ".join(f"{game} {r['success']:.0%}" for game, r in row["games"].items()))


if __name__ == "__main__":
    main()
