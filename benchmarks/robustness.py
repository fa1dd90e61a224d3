"""Agents on synthetic games unlike any they know (`agent.evaluation.synthetic`): crashes, illegal
actions, and the agent's time per step (median, 99th percentile, slowest), beside a baseline agent in the
same run.

    .venv/bin/python benchmarks/robustness.py [--seeds 0-49] [--steps 600] [--agents aria-slow,aria]

Each seed is one synthetic game (random sprites, movers, clicks, textures, static, a ticking bar; levels
that end at random). A crash is counted and its first line printed, and the run goes on. One thread.
"""

from __future__ import annotations

import argparse
import time
import traceback
from collections import Counter

import numpy as np
import torch

from agent.evaluation.synthetic import play
from agent.registry import load_agent


def seed_range(text: str) -> range:
    first, _, last = text.partition("-")
    return range(int(first), int(last or first) + 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="0-49", help="synthetic game seeds, A-B")
    parser.add_argument("--steps", type=int, default=600, help="steps per game")
    parser.add_argument("--agents", default="aria-slow,aria")
    args = parser.parse_args()
    torch.set_num_threads(1)
    seeds = seed_range(args.seeds)
    rows = {}
    for name in args.agents.split(","):
        cls = load_agent(name)
        crashes, illegal, seconds, slow_kinds = [], 0, [], Counter()
        started = time.perf_counter()
        for seed in seeds:
            try:
                out = play(cls, seed, args.steps)
            except Exception as exc:
                crashes.append(f"seed {seed}: {''.join(traceback.format_exception_only(exc)).strip()}")
                continue
            illegal += len(out.illegal)
            seconds += out.seconds
            slow_kinds.update(out.kind for s in out.seconds if s > 0.1)
        ms = np.array(seconds) * 1000
        rows[name] = (len(crashes), illegal, len(ms), *np.percentile(ms, [50, 99]), ms.max(),
                      int((ms > 100).sum()), time.perf_counter() - started)
        for line in crashes[:5]:
            print(f"  {name} crashed: {line}")
        if slow_kinds:
            print(f"  {name}: steps over 100 ms by game kind: {dict(slow_kinds)}")
    print(f"{len(seeds)} synthetic games x {args.steps} steps (seeds {args.seeds})")
    print(f"{'agent':12} {'crashes':>7} {'illegal':>7} {'steps':>7} {'p50 ms':>7} {'p99 ms':>7} {'max ms':>8} "
          f"{'>100 ms':>7} {'wall s':>7}")
    for name, (crashed, bad, n, p50, p99, top, over, wall) in rows.items():
        print(f"{name:12} {crashed:7d} {bad:7d} {n:7d} {p50:7.2f} {p99:7.2f} {top:8.1f} {over:7d} {wall:7.1f}")
    names = list(rows)
    if len(names) >= 2:
        base, last = rows[names[0]], rows[names[-1]]
        print(f"{names[-1]} / {names[0]}: p50 {last[3] / base[3]:.2f}x, p99 {last[4] / base[4]:.2f}x")


if __name__ == "__main__":
    main()
