"""`aria train --preset smoke`: the real five phases end to end, on training seeds, into a run directory
that agents load."""

from __future__ import annotations

import json

import pytest
from trainkit import aria

from agent.training.checkpoint import load_checkpoint
from agent.training.config import RESERVED_SEEDS
from agent.training.events import read_events


@pytest.mark.slow
def test_the_smoke_preset_runs_all_five_phases(tmp_path) -> None:  # type: ignore[no-untyped-def]
    run = tmp_path / "run"
    done = aria("train", "--preset", "smoke", "--run-dir", str(run), "--device", "cpu", timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    events = read_events(run / "events.jsonl")
    started = [(e["phase"], e["name"]) for e in events if e["event"] == "phase_started"]
    assert started == [(1, "world_model"), (2, "fast_policy"), (3, "slow_value"), (4, "arbiter"), (5, "joint")]
    results = json.loads((run / "results.json").read_text())
    assert results["completed_phases"] == [1, 2, 3, 4, 5]
    phases = results["phases"]
    assert phases["world_model"]["loss_last"] < phases["world_model"]["loss_first"]
    assert phases["slow_value"]["loss_last"] < phases["slow_value"]["loss_first"]
    assert phases["fast_policy"]["action_loss_last"] < phases["fast_policy"]["action_loss_first"]
    summary = results["evaluation"]["summary"]
    assert summary["eval_seeds"][0] >= RESERVED_SEEDS[0] and summary["eval_seeds"][1] <= RESERVED_SEEDS[1]
    assert summary["success"]["oracle"] > summary["success"]["random"]
    config, weights, state = load_checkpoint(run)
    assert set(weights) == {"world_model", "fast_policy", "value", "arbiter"}
    assert state["completed"] == [1, 2, 3, 4, 5] and config.train_seeds[1] < RESERVED_SEEDS[0]
    assert "evaluation" in done.stdout and "results.json" in done.stdout
