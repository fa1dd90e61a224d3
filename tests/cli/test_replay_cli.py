"""`aria replay`: a real recorded run stepped through by script (stdin lines) and by keys (tmux)."""

from __future__ import annotations

import gzip
import json
import os
import re
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from agent.decision import Decision
from agent.replay import decision_lines, load_replay
from arc_client.recording import find_recordings, read_recording

REPO = Path(__file__).resolve().parents[2]


def aria(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "agent.cli", *args], input=stdin, capture_output=True, text=True,
                          timeout=120, cwd=REPO, env={**os.environ, "COLUMNS": "200"})


def one_line_error(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 2, (done.returncode, done.stdout, done.stderr)
    assert done.stderr.startswith("error: ") and done.stderr.count("\n") == 1, done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    return done.stderr


def _record(run_dir: Path, *extra: str) -> Path:
    """ARIA's default agent on sq01 (a click game) for 30 actions; the one recording it writes."""
    done = aria("eval", "--arc", "--games", "sq01", "--max-actions", "30", "--quiet", "--run-dir", str(run_dir), *extra)
    assert done.returncode == 0, done.stderr
    (path,) = find_recordings(run_dir / "recordings")
    return path


@pytest.fixture(scope="module")
def recording(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _record(tmp_path_factory.mktemp("replay") / "run")


def _shown(stdout: str) -> list[str]:
    """The `step N/M ...` lines printed, in order."""
    return [line for line in stdout.splitlines() if line.startswith("step ")]


def test_load_replay_decodes_every_steps_decision(recording: Path) -> None:
    steps = load_replay(recording)
    raw = list(read_recording(recording))
    assert len(steps) == 31 and [s.index for s in steps] == list(range(31))
    assert steps[0].decision is None and steps[0].action == "RESET (start)"
    for step, line in zip(steps[1:], raw[1:], strict=True):
        assert line.aria is not None and step.decision == Decision.from_json(line.aria["decision"])
        assert step.decision.system in ("fast", "slow", "harness")
        assert step.response.action_input == line.response.action_input


def test_stdin_lines_step_forward_back_and_jump(recording: Path) -> None:
    steps = load_replay(recording)
    click = next(s for s in steps if s.response.action_input.id.name == "ACTION6")
    data = click.response.action_input.data
    done = aria("replay", str(recording), stdin=f"n\n\ng {click.index}\np\nq\n")
    assert done.returncode == 0, done.stderr
    shown = _shown(done.stdout)
    assert [int(re.match(r"step (\d+)/30", line)[1]) for line in shown] == [0, 1, 2, click.index, click.index - 1]
    assert f"step {click.index}/30  action ACTION6 at ({data['x']}, {data['y']})  state NOT_FINISHED" in shown[3]
    after_jump = done.stdout.split(shown[3])[1].split(shown[4])[0]
    for line in decision_lines(click.decision):
        assert line in after_jump
    assert f"decision: {click.decision.system} / {click.decision.mode}" in after_jump
    assert click.decision.reason in after_jump
    assert "▀" in done.stdout  # the frames


def test_step_option_a_plain_recording_and_end_of_input(tmp_path: Path) -> None:
    plain = _record(tmp_path / "plain", "--record-format", "jsonl")
    assert plain.name.endswith(".jsonl")
    done = aria("replay", str(plain), "--step", "30", stdin="n\n")  # past the end stays; then EOF ends it
    assert done.returncode == 0, done.stderr
    shown = _shown(done.stdout)
    assert [line.split()[1] for line in shown] == ["30/30", "30/30"] and "still at step 30" in done.stdout


def test_bad_recordings_and_steps_are_one_line_errors(recording: Path, tmp_path: Path) -> None:
    assert "No such file or directory" in one_line_error(aria("replay", str(tmp_path / "missing.jsonl.gz")))
    (tmp_path / "results.json").write_text("{}")
    assert "is not a recording" in one_line_error(aria("replay", str(tmp_path / "results.json")))
    lines = gzip.decompress(recording.read_bytes()).splitlines(keepends=True)
    damaged = tmp_path / "damaged.jsonl.gz"
    damaged.write_bytes(gzip.compress(b"".join([*lines[:5], lines[5][:40] + b"\n", *lines[6:]])))
    assert f"{damaged}:6: not a JSON line" in one_line_error(aria("replay", str(damaged)))
    bad_decision = tmp_path / "bad-decision.jsonl"
    event = json.loads(lines[1])
    event["data"]["aria"]["decision"]["system"] = "oracle"
    bad_decision.write_bytes(lines[0] + json.dumps(event).encode() + b"\n")
    assert f"{bad_decision}:2: a malformed decision" in one_line_error(aria("replay", str(bad_decision)))
    assert "--step 31 is outside the recording: it has steps 0..30" in \
        one_line_error(aria("replay", str(recording), "--step", "31"))


def test_keys_in_a_real_terminal(recording: Path) -> None:
    socket = f"aria-replay-{uuid.uuid4().hex[:8]}"
    tmux = ["tmux", "-L", socket]
    command = f"cd {REPO} && {sys.executable} -m agent.cli replay {recording}; echo EXITED $?; sleep 30"
    subprocess.run([*tmux, "new-session", "-d", "-x", "160", "-y", "50", command], check=True)

    def screen_shows(text: str, timeout: float = 20) -> str:
        deadline = time.monotonic() + timeout
        while True:
            screen = subprocess.run([*tmux, "capture-pane", "-p"], capture_output=True, text=True).stdout
            if text in screen or time.monotonic() > deadline:
                return screen
            time.sleep(0.1)

    def keys(*names: str) -> None:
        subprocess.run([*tmux, "send-keys", *names], check=True)

    try:
        assert "step 0/30" in screen_shows("step 0/30")
        keys("Right")
        assert "step 1/30" in screen_shows("step 1/30")
        keys("n")
        assert "step 2/30" in screen_shows("step 2/30")
        keys("Left")
        assert "step 1/30" in (screen := screen_shows("step 1/30")) and "step 2/30" not in screen  # redrawn
        keys("g")
        assert "go to step:" in screen_shows("go to step:")
        keys("7", "Enter")
        assert "step 7/30" in screen_shows("step 7/30")
        keys("q")
        assert "EXITED 0" in screen_shows("EXITED 0")
    finally:
        subprocess.run([*tmux, "kill-server"], capture_output=True)
