"""Helpers for the trainer's tests: a toy config (agent/training/toy.py, a real regression model trained
by SGD) and the `aria` command run as a user runs it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

TOY = """\
registry = "agent.training.toy"
seed = 3
checkpoint_every = {every}
keep_checkpoints = 2
log_every = 5
[model]
dropout = {dropout}
[fit]
steps = {steps}
step_delay = {delay}
[finetune]
steps = 10
"""


def toy_config(tmp_path: Path, *, steps: int = 30, every: int = 10, dropout: float = 0.1, delay: float = 0.0,
               name: str = "toy.toml") -> Path:
    path = tmp_path / name
    path.write_text(TOY.format(steps=steps, every=every, dropout=dropout, delay=delay), encoding="utf-8")
    return path


def env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO), "OMP_NUM_THREADS": "1", "COLUMNS": "200"}


def aria(*args: str, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "agent.cli", *args], capture_output=True, text=True,
                          timeout=timeout, cwd=REPO, env=env())


def one_line_error(done: subprocess.CompletedProcess[str], *needles: str) -> str:
    assert done.returncode == 2, (done.returncode, done.stdout, done.stderr)
    assert done.stderr.startswith("error: ") and done.stderr.count("\n") == 1, done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    for needle in needles:
        assert needle in done.stderr, (needle, done.stderr)
    return done.stderr
