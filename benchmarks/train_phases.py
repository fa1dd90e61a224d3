"""Per-phase training figures: seconds, steps/s and peak memory, on CPU or a GPU (bf16 autocast).

    .venv/bin/python benchmarks/train_phases.py --preset smoke [--device cuda] [--phases 1,2,3]
                                                [--set KEY=VALUE ...]
    .venv/bin/python benchmarks/train_phases.py --from RUN_DIR      # the figures of a finished run

Runs `aria train` in-process (the same Trainer, events and checkpoints) into a fresh run directory and
prints one row per phase from its results.json: seconds (data generation and validation included),
optimiser steps per second, and peak memory (torch.cuda.max_memory_allocated per phase on a GPU, the
process's peak RSS on CPU), and the training loop's own rate: optimiser steps per second between the
phase's first and last rows of metrics.jsonl (data generation and validation left out), times the batch.
Under torchrun it measures the distributed run (rank 0 prints).
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from pathlib import Path
from typing import Any


def run(preset: str, device: str, overrides: list[str], phases: tuple[int, ...] = (),
        run_dir: Path | None = None) -> dict[str, Any]:
    from agent.training.config import load_config, preset_path
    from agent.training.trainer import Trainer

    config = load_config(preset_path(preset), overrides).with_runtime(device=device)
    if phases:
        config = config.with_runtime(phases=phases)
    if run_dir is None:
        run_dir = Path(tempfile.mkdtemp(prefix=f"bench-train-{preset}-"))
    return Trainer(config, run_dir).run()


def loop_rates(run_dir: Path) -> dict[int, float]:
    """Each phase's optimiser steps per second between its first and last logged rows."""
    rows: dict[int, list[tuple[int, float]]] = {}
    path = run_dir / "metrics.jsonl"
    if path.is_file():
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            rows.setdefault(int(row["phase"]), []).append((int(row["step"]), float(row["time"])))
    rates = {}
    for phase, points in rows.items():
        (s0, t0), (s1, t1) = points[0], points[-1]
        if s1 > s0 and t1 > t0:
            rates[phase] = (s1 - s0) / (t1 - t0)
    return rates


def report(results: dict[str, Any], run_dir: Path) -> None:
    print(f"run {results['run_dir']} on {results['device']} (world size {results['world_size']}), "
          f"{results['seconds']:.1f} s in all")
    config: dict[str, Any] = {}
    if (run_dir / "config.toml").is_file():
        import tomllib

        config = tomllib.loads((run_dir / "config.toml").read_text(encoding="utf-8"))
    rates = loop_rates(run_dir)
    numbers = {"world_model": 1, "fast_policy": 2, "slow_value": 3, "arbiter": 4, "joint": 5}
    print(f"{'phase':<12} {'seconds':>9} {'steps/s':>9} {'loop steps/s':>13} {'batch':>6} {'samples/s':>10} "
          f"{'peak GPU MiB':>13}")
    for name, metrics in results["phases"].items():
        gpu = metrics.get("peak_gpu_mib")
        rate = rates.get(numbers.get(name, 0))
        batch = config.get(name, {}).get("batch") if isinstance(config.get(name), dict) else None
        samples = f"{rate * batch:>10.0f}" if rate and batch else f"{'-':>10}"
        print(f"{name:<12} {metrics.get('seconds', 0):>9.1f} {metrics.get('steps_per_s') or 0:>9.2f} "
              f"{f'{rate:.2f}' if rate else '-':>13} {batch or '-':>6} {samples} "
              f"{gpu if gpu is not None else '-':>13}")
    memory = {k: v for k, v in results.items() if k.startswith("peak_")}
    print("peak memory of the run:", ", ".join(f"{k} {v}" for k, v in memory.items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--preset", default="smoke")
    parser.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"])
    parser.add_argument("--phases", default="", help="Only these phases, e.g. 1,2,3 (all by default).")
    parser.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE")
    parser.add_argument("--run-dir", default=None, help="Train into this new directory (default: a temporary one).")
    parser.add_argument("--from", dest="from_dir", default=None, help="Print a finished run's figures.")
    args = parser.parse_args()
    if args.from_dir:
        run_dir = Path(args.from_dir)
        results = json.loads((run_dir / "results.json").read_text())
    else:
        os.environ.setdefault("OMP_NUM_THREADS", "1")
        phases = tuple(int(p) for p in args.phases.split(",") if p.strip())
        results = run(args.preset, args.device, args.overrides, phases,
                      Path(args.run_dir) if args.run_dir else None)
        run_dir = Path(results["run_dir"])
    if int(os.environ.get("RANK", "0")) == 0:
        report(results, run_dir)


if __name__ == "__main__":
    main()
