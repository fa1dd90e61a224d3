"""aria-tui in a real terminal: tmux at 120×40, Enter opens the first built-in game, keys move it,
the pane shows the half-block grid and a changing status line, q quits."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux (apt-get install tmux)")


def tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], check=True, capture_output=True, text=True, timeout=10).stdout


def wait_for(session: str, predicate, what: str, timeout: float = 30.0) -> str:
    deadline = time.monotonic() + timeout
    pane = ""
    while time.monotonic() < deadline:
        pane = tmux("capture-pane", "-p", "-t", session)
        if predicate(pane):
            return pane
        time.sleep(0.2)
    size = tmux("display", "-p", "-t", session, "#{window_width}x#{window_height}").strip()
    raise AssertionError(f"timed out waiting for {what}; the pane ({size}):\n{pane}")


def half_blocks(pane: str) -> int:
    return sum(line.count("▀") for line in pane.splitlines())


def status_line(pane: str) -> str:
    return next(line for line in pane.splitlines() if "level " in line and "actions " in line)


def test_open_a_built_in_game_play_it_with_keys_and_quit() -> None:
    session = f"aria-tui-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "PYTHONPATH": str(REPO), "TERM": "xterm-256color"}
    # the short sleep lets tmux give the pane its 120×40 before the app reads its size
    command = f"sleep 0.5; {sys.executable} -m aria_tui.app; echo EXITED $?; sleep 30"
    subprocess.run(["tmux", "new-session", "-d", "-s", session, "-x", "120", "-y", "40", "-c", str(REPO),
                    *[arg for key in ("PYTHONPATH", "TERM") for arg in ("-e", f"{key}={env[key]}")], command],
                   check=True, timeout=10)
    try:
        wait_for(session, lambda p: "Gem Collector" in p and "A1 A2 A3 A4" in p, "the suite listed")
        tmux("send-keys", "-t", session, "Enter")
        pane = wait_for(session, lambda p: "actions 0/5000" in p and half_blocks(p) == 64 * 32,
                        "the first game open, its whole grid drawn in half-blocks")
        assert "cl01-e2172f8f  level 1/5  NOT_FINISHED  actions 0/5000" in status_line(pane)
        before = status_line(pane)
        tmux("send-keys", "-t", session, "Right", "Down", "d")
        pane = wait_for(session, lambda p: "actions 3/5000" in p, "three actions")
        assert status_line(pane) != before and "last ACTION4" in pane
        tmux("send-keys", "-t", session, "q")
        wait_for(session, lambda p: "EXITED 0" in p, "the app to quit")
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True, timeout=10)
