"""Ctrl-C and SIGTERM save a checkpoint and exit 130/143; --resume continues at the saved phase and step
and ends exactly where an uninterrupted run ends."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch
from trainkit import REPO, aria, env, toy_config

from agent.training.api import TrainingInterrupted
from agent.training.checkpoint import list_checkpoints, load_checkpoint
from agent.training.config import load_config
from agent.training.events import read_events
from agent.training.trainer import Trainer


def _metrics(run: Path) -> list[dict[str, object]]:
    return [{k: v for k, v in json.loads(line).items() if k != "time"}
            for line in (run / "metrics.jsonl").read_text().splitlines()]


@pytest.mark.parametrize(("phase", "step"), [(1, 15), (2, 5)])
def test_resume_continues_at_the_saved_step_and_matches_an_uninterrupted_run(
        tmp_path: Path, phase: int, step: int) -> None:
    # dropout draws from torch's RNG and SGD keeps momentum: both must be restored for an exact match
    config = load_config(toy_config(tmp_path, steps=30, every=10, dropout=0.1))
    whole = Trainer(config, tmp_path / "whole", handle_signals=False).run()

    def interrupt(event: dict[str, object]) -> None:
        if event["event"] == "step" and (event["phase"], event["step"]) == (phase, step):
            os.kill(os.getpid(), signal.SIGINT)  # a real Ctrl-C, delivered to the trainer's handler

    run = tmp_path / "cut"
    with pytest.raises(TrainingInterrupted) as stopped:
        Trainer(config, run, on_event=interrupt).run()
    assert stopped.value.signum == signal.SIGINT
    saved = load_checkpoint(list_checkpoints(run)[-1]).state
    assert (saved["phase"], saved["step"]) == (phase, step)
    assert not (run / "final").exists()

    resumed = Trainer(config, run, resume=True, handle_signals=False).run()
    events = read_events(run / "events.jsonl")
    last_start = max(i for i, e in enumerate(events) if e["event"] == "run_started")
    assert events[last_start]["resumed"] is True
    started = [e for e in events[last_start:] if e["event"] == "phase_started"]
    assert (started[0]["phase"], started[0]["start_step"]) == (phase, step)
    for name in ("fit", "finetune"):
        for key in ("loss", "loss_first", "train_mse"):  # loss_first: the history survives the resume
            assert resumed["phases"][name][key] == whole["phases"][name][key], (name, key)
    assert resumed["evaluation"] == whole["evaluation"]
    _, final_whole, _ = load_checkpoint(tmp_path / "whole")
    _, final_resumed, _ = load_checkpoint(run)
    for model, tensors in final_whole.items():
        for key, tensor in tensors.items():
            assert torch.equal(tensor, final_resumed[model][key]), (model, key)
    assert _metrics(run) == _metrics(tmp_path / "whole")  # the same curve, each step logged once


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_to_aria_train_saves_and_exits_then_resumes(tmp_path: Path, signum: int, code: int) -> None:
    run = tmp_path / "run"
    config = toy_config(tmp_path, steps=400, every=1000, delay=0.02)
    # a suite started from a background job inherits an ignored SIGINT: give the child Python's own
    launcher = ("import signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
                "from agent.cli import main; main(sys.argv[1:])")
    child = subprocess.Popen([sys.executable, "-c", launcher, "train", "--config", str(config), "--run-dir", str(run)],
                             cwd=REPO, env=env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            events = run / "events.jsonl"
            if events.exists() and any(e["event"] == "step" for e in read_events(events)):
                break
            assert child.poll() is None, child.communicate()
            time.sleep(0.1)
        child.send_signal(signum)
        out, err = child.communicate(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == code, (out, err)
    assert "Traceback" not in err and f"--resume {run}" in out + err
    events = read_events(run / "events.jsonl")
    assert events[-1]["event"] == "error" and events[-1]["exit_code"] == code
    assert events[-2]["event"] == "checkpoint"
    saved = load_checkpoint(list_checkpoints(run)[-1]).state
    assert saved["phase"] == 1 and 5 <= saved["step"] < 400
    done = aria("train", "--resume", str(run))
    assert done.returncode == 0, done.stderr
    events = read_events(run / "events.jsonl")
    last_start = max(i for i, e in enumerate(events) if e["event"] == "run_started")
    started = [e for e in events[last_start:] if e["event"] == "phase_started"]
    assert [(e["phase"], e["start_step"]) for e in started] == [(1, saved["step"]), (2, 0)]
    assert json.loads((run / "results.json").read_text())["completed_phases"] == [1, 2]


def test_resume_with_phase_trains_that_phase_again_from_the_run_s_weights(tmp_path: Path) -> None:
    run = tmp_path / "run"
    Trainer(load_config(toy_config(tmp_path, steps=10, dropout=0.0)), run, handle_signals=False).run()
    _, before, _ = load_checkpoint(run)
    done = aria("train", "--resume", str(run), "--phase", "2")
    assert done.returncode == 0, done.stderr
    events = read_events(run / "events.jsonl")
    last_start = max(i for i, e in enumerate(events) if e["event"] == "run_started")
    assert [(e["phase"], e["start_step"]) for e in events[last_start:] if e["event"] == "phase_started"] == [(2, 0)]
    _, after, _ = load_checkpoint(run)
    assert torch.equal(before["regressor"]["0.weight"], after["regressor"]["0.weight"])  # phase 2 trains the head
    assert not torch.equal(before["head"]["weight"], after["head"]["weight"])
    assert json.loads((run / "results.json").read_text())["completed_phases"] == [1, 2]
