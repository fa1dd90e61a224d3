"""aria-tui in a real terminal: tmux at 120×40, Enter opens the first built-in game, keys move it,
the pane shows the half-block grid and a changing status line, q quits."""

from __future__ import annotations

import os
import shlex
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "cli"))

from clikit import TmuxPane  # noqa: E402 - the terminal harness of the CLI's tests


def visible(pane: TmuxPane) -> str:
    return pane.tmux("capture-pane", "-p", "-t", "test")


def wait_until(pane: TmuxPane, predicate: Callable[[str], bool], what: str, timeout: float = 60.0) -> str:
    deadline = time.monotonic() + timeout
    while True:
        screen = visible(pane)
        if predicate(screen):
            return screen
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}; the pane:\n{screen}")
        time.sleep(0.2)


def half_blocks(screen: str) -> int:
    return sum(line.count("▀") for line in screen.splitlines())


def status_line(screen: str) -> str:
    return next(line for line in screen.splitlines() if "level " in line and "actions " in line)


def test_open_a_built_in_game_play_it_with_keys_and_quit() -> None:
    with TmuxPane(120, 40) as pane:
        pane.type_line(f"cd {shlex.quote(str(REPO))} && PYTHONPATH={shlex.quote(str(REPO))} "
                       f"{shlex.quote(sys.executable)} -m aria_tui.app; echo EXIT=$?")
        wait_until(pane, lambda s: "Gem Collector" in s and "A1 A2 A3 A4" in s, "the suite listed")
        pane.keys("Enter")
        screen = wait_until(pane, lambda s: "actions 0/5000" in s and half_blocks(s) == 64 * 32,
                            "the first game open, its whole grid drawn in half-blocks")
        assert "cl01-e2172f8f  level 1/5  NOT_FINISHED  actions 0/5000" in status_line(screen)
        before = status_line(screen)
        pane.keys("Right", "Down", "d")
        screen = wait_until(pane, lambda s: "actions 3/5000" in s, "three actions")
        assert status_line(screen) != before and "last ACTION4" in screen
        pane.keys("q")
        pane.wait_for(r"^EXIT=0$")


def test_sigterm_quits_like_q_and_restores_the_terminal(tmp_path: Path) -> None:
    pid_file = tmp_path / "pid"
    app = f"echo $$ > {shlex.quote(str(pid_file))}; exec {shlex.quote(sys.executable)} -m aria_tui.app"
    with TmuxPane(120, 40) as pane:
        pane.type_line(f"cd {shlex.quote(str(REPO))} && PYTHONPATH={shlex.quote(str(REPO))} "
                       f"bash -c {shlex.quote(app)}; echo EXIT=$?")
        wait_until(pane, lambda s: "Gem Collector" in s and "A1 A2 A3 A4" in s, "the suite listed")
        pane.keys("Enter")
        wait_until(pane, lambda s: "actions 0/5000" in s, "the first game open")
        os.kill(int(pid_file.read_text()), signal.SIGTERM)
        pane.wait_for(r"^EXIT=0$", timeout=20)
        assert "actions 0/5000" not in visible(pane)  # the app's screen is gone: the shell is back
