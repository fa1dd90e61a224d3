"""A stand-in for `aria train ... --events-jsonl -` until the trainer lands: a real process writing
the documented JSONL event stream, saving a checkpoint and exiting 130 on SIGINT.

    python fake_trainer.py --preset NAME --run-dir DIR --events-jsonl - [--steps N] [--step-s S]
"""

from __future__ import annotations

import argparse
import json
import math
import signal
import sys
import time
from pathlib import Path

PHASES = ["world_model", "policy"]


def emit(**event: object) -> None:
    sys.stdout.write(json.dumps(event) + "\n")
    sys.stdout.flush()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--preset", required=True)
    parser.add_argument("--run-dir", required=True)
    parser.add_argument("--events-jsonl", required=True)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--step-s", type=float, default=0.01)
    args = parser.parse_args()
    if args.preset == "broken":
        print("error: unknown preset 'broken'; known presets: smoke, quick, full", file=sys.stderr)
        return 2
    run_dir = Path(args.run_dir)
    run_dir.mkdir(parents=True, exist_ok=True)
    stopping = False

    def on_sigint(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, on_sigint)

    def save(phase: int, step: int) -> None:
        path = run_dir / f"checkpoint-p{phase}-s{step}.pt"
        path.write_text("fake weights\n")
        emit(event="checkpoint", path=str(path), phase=phase, step=step)

    emit(event="run_started", run_dir=str(run_dir), device="cpu", phases=PHASES)
    for number, name in enumerate(PHASES, start=1):
        emit(event="phase_started", phase=number, name=name, steps=args.steps)
        for step in range(1, args.steps + 1):
            if stopping:
                save(number, step - 1)
                return 130
            time.sleep(args.step_s)
            emit(event="step", phase=number, step=step, loss=round(2.0 * math.exp(-step / 5) + 0.1, 4), rss_mb=123)
        save(number, args.steps)
        emit(event="phase_ended", phase=number, metrics={"final_loss": 0.1})
    emit(event="run_ended", results={"phases": len(PHASES)})
    return 0


if __name__ == "__main__":
    sys.exit(main())
