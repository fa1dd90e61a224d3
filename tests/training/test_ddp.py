"""`aria train` runs unchanged under torchrun: two CPU processes (gloo), each with half of every batch
and gradients all-reduced, make the same updates as one process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import torch
from trainkit import REPO, aria, env, toy_config

from agent.training.checkpoint import load_checkpoint
from agent.training.events import read_events


def test_two_gloo_processes_match_one_process(tmp_path: Path) -> None:
    config = str(toy_config(tmp_path, steps=20, every=10, dropout=0.0))
    single = aria("train", "--config", config, "--run-dir", str(tmp_path / "one"), "--device", "cpu")
    assert single.returncode == 0, single.stderr
    ddp = subprocess.run([sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2",
                          "-m", "agent.cli", "train", "--config", config, "--run-dir", str(tmp_path / "two"),
                          "--device", "cpu"], capture_output=True, text=True, timeout=300, cwd=REPO, env=env())
    assert ddp.returncode == 0, ddp.stderr[-3000:]
    one = json.loads((tmp_path / "one" / "results.json").read_text())
    two = json.loads((tmp_path / "two" / "results.json").read_text())
    assert (one["world_size"], two["world_size"]) == (1, 2)
    curve = {run: [e["loss"] for e in read_events(tmp_path / run / "events.jsonl") if e["event"] == "step"]
             for run in ("one", "two")}
    assert len(curve["one"]) == len(curve["two"]) == 6
    for a, b in zip(curve["one"], curve["two"], strict=True):
        assert abs(a - b) <= 1e-5 * max(1.0, abs(a)), (curve["one"], curve["two"])
    for name in ("fit", "finetune"):
        assert abs(one["phases"][name]["train_mse"] - two["phases"][name]["train_mse"]) < 1e-5
    _, weights_one, _ = load_checkpoint(tmp_path / "one")
    _, weights_two, _ = load_checkpoint(tmp_path / "two")
    for model, tensors in weights_one.items():
        for key, tensor in tensors.items():
            torch.testing.assert_close(tensor, weights_two[model][key], rtol=1e-5, atol=1e-6)
    # only rank 0 wrote: one event stream, with each step once
    assert sum(1 for e in read_events(tmp_path / "two" / "events.jsonl") if e["event"] == "run_started") == 1
