"""The event stream that the CLI's bar and the app's train screen are built on."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from trainkit import aria, toy_config

from agent.training.config import load_config
from agent.training.events import read_events
from agent.training.trainer import Trainer


def _shape(events: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """Each event reduced to what the documented sequence fixes."""
    keys = {"run_started": (), "phase_started": ("phase", "name", "steps", "start_step"),
            "step": ("phase", "step"), "checkpoint": ("phase", "step"), "phase_ended": ("phase",),
            "run_ended": ()}
    return [(e["event"], *(e[k] for k in keys[e["event"]])) for e in events]


def test_events_jsonl_has_the_documented_sequence_and_goes_to_stdout(tmp_path: Path) -> None:
    run = tmp_path / "run"
    done = aria("train", "--config", str(toy_config(tmp_path, steps=20, every=10)), "--run-dir", str(run),
                "--events-jsonl", "-")
    assert done.returncode == 0, done.stderr
    events = read_events(run / "events.jsonl")
    streamed = [json.loads(line) for line in done.stdout.splitlines()]
    assert streamed == events  # stdout carries exactly the stream; the summary went to stderr
    assert "results.json" in done.stderr
    assert _shape(events) == [
        ("run_started",),
        ("checkpoint", 1, 0),  # a fresh run is resumable from its start
        ("phase_started", 1, "fit", 20, 0),
        ("step", 1, 5), ("step", 1, 10), ("checkpoint", 1, 10), ("step", 1, 15), ("step", 1, 20),
        ("phase_ended", 1), ("checkpoint", 2, 0),
        ("phase_started", 2, "finetune", 10, 0),
        ("step", 2, 5), ("step", 2, 10),
        ("phase_ended", 2), ("checkpoint", 3, 0),
        ("run_ended",),
    ]
    first, last = events[0], events[-1]
    assert first["run_dir"] == str(run) and first["device"] == "cpu"
    assert first["phases"] == [{"phase": 1, "name": "fit", "steps": 20}, {"phase": 2, "name": "finetune", "steps": 10}]
    steps = [e for e in events if e["event"] == "step"]
    assert all(isinstance(e["loss"], float) and e["loss"] >= 0 for e in steps)
    assert steps[-1]["loss"] < steps[0]["loss"] * 1.5  # a real loss, not a constant
    ended = [e for e in events if e["event"] == "phase_ended"]
    assert set(ended[0]["metrics"]) >= {"loss", "train_mse", "seconds"}
    assert last["results"]["phases"]["fit"] == ended[0]["metrics"]
    assert json.loads((run / "results.json").read_text()) == last["results"]
    assert "heldout_mse" in last["results"]["evaluation"]  # the registry's evaluate hook ran
    metrics = [json.loads(line) for line in (run / "metrics.jsonl").read_text().splitlines()]
    assert [(m["phase"], m["step"]) for m in metrics] == [(e["phase"], e["step"]) for e in steps]
    assert [m["metrics"]["loss"] for m in metrics] == [e["loss"] for e in steps]
    saved = (run / "config.toml").read_text()
    assert 'registry = "agent.training.toy"' in saved and "[fit]" in saved and "steps = 20" in saved


def test_in_process_listeners_get_the_same_dicts(tmp_path: Path) -> None:
    heard: list[dict[str, Any]] = []
    Trainer(load_config(toy_config(tmp_path, steps=10)), tmp_path / "run", on_event=heard.append,
            handle_signals=False).run()
    assert heard == read_events(tmp_path / "run" / "events.jsonl")
    assert heard[0]["event"] == "run_started" and heard[-1]["event"] == "run_ended"


def test_the_loss_of_the_toy_phase_falls(tmp_path: Path) -> None:
    """The toy phase is a real learner: the trainer's tests rest on it doing work."""
    Trainer(load_config(toy_config(tmp_path, steps=60, dropout=0.0), ["fit.lr=0.1"]), tmp_path / "run",
            handle_signals=False).run()
    losses = [e["loss"] for e in read_events(tmp_path / "run" / "events.jsonl")
              if e["event"] == "step" and e["phase"] == 1]
    assert losses[-1] < 0.7 * losses[0], losses


def test_a_terminal_gets_a_progress_bar_with_phase_step_loss_and_speed(tmp_path: Path) -> None:
    import os
    import pty
    import subprocess
    import sys

    from trainkit import REPO, env

    leader, follower = pty.openpty()
    child = subprocess.Popen([sys.executable, "-m", "agent.cli", "train", "--config",
                              str(toy_config(tmp_path, steps=20)), "--run-dir", str(tmp_path / "run")],
                             stdin=follower, stdout=follower, stderr=follower, cwd=REPO, env=env())
    os.close(follower)
    screen = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        screen += chunk
    assert child.wait(timeout=120) == 0, screen[-2000:]
    os.close(leader)
    text = screen.decode(errors="replace")
    assert "1 fit" in text and "20/20" in text and "2 finetune" in text and "10/10" in text
    assert "loss " in text and "it/s" in text
    assert "results.json" in text
