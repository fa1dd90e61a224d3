"""Per-phase training figures: seconds, steps/s and peak memory, on CPU or a GPU (bf16 autocast).

    .venv/bin/python benchmarks/train_phases.py --preset smoke [--device cuda] [--set KEY=VALUE ...]
    .venv/bin/python benchmarks/train_phases.py --from RUN_DIR      # the figures of a finished run

Runs `aria train` in-process (the same Trainer, events and checkpoints) into a fresh run directory and
prints one row per phase from its results.json: seconds (data generation and validation included),
optimiser steps per second, and peak memory (torch.cuda.max_memory_allocated per phase on a GPU, the
process's peak RSS on CPU). Under torchrun it measures the distributed run (rank 0 prints).
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from pathlib import Path
from typing import Any


def run(preset: str, device: str, overrides: list[str]) -> dict[str, Any]:
    from agent.training.config import load_config, preset_path
    from agent.training.trainer import Trainer

    config = load_config(preset_path(preset), overrides).with_runtime(device=device)
    run_dir = Path(tempfile.mkdtemp(prefix=f"bench-train-{preset}-"))
    return Trainer(config, run_dir).run()


def report(results: dict[str, Any]) -> None:
    print(f"run {results['run_dir']} on {results['device']} (world size {results['world_size']}), "
          f"{results['seconds']:.1f} s in all")
    print(f"{'phase':<12} {'seconds':>9} {'steps/s':>9} {'peak GPU MiB':>13}")
    for name, metrics in results["phases"].items():
        gpu = metrics.get("peak_gpu_mib")
        print(f"{name:<12} {metrics.get('seconds', 0):>9.1f} {metrics.get('steps_per_s') or 0:>9.2f} "
              f"{gpu if gpu is not None else '-':>13}")
    memory = {k: v for k, v in results.items() if k.startswith("peak_")}
    print("peak memory of the run:", ", ".join(f"{k} {v}" for k, v in memory.items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--preset", default="smoke")
    parser.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"])
    parser.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE")
    parser.add_argument("--from", dest="run_dir", default=None, help="Print a finished run's figures.")
    args = parser.parse_args()
    if args.run_dir:
        results = json.loads((Path(args.run_dir) / "results.json").read_text())
    else:
        os.environ.setdefault("OMP_NUM_THREADS", "1")
        results = run(args.preset, args.device, args.overrides)
    if int(os.environ.get("RANK", "0")) == 0:
        report(results)


if __name__ == "__main__":
    main()
