"""Helpers of the CLI tests: the real `aria` in a child process, and a real terminal (tmux)."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path
from types import TracebackType

REPO = Path(__file__).resolve().parents[2]
# The child imports this checkout whatever its working directory.
CHILD_ENV = {**os.environ, "COLUMNS": "200",
             "PYTHONPATH": os.pathsep.join(p for p in (str(REPO), os.environ.get("PYTHONPATH")) if p)}


def aria(*args: str, stdin: str | None = None, timeout: float = 120,
         cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "agent.cli", *args], input=stdin, capture_output=True, text=True,
                          timeout=timeout, cwd=cwd, env=CHILD_ENV)


def one_line_error(done: subprocess.CompletedProcess[str]) -> None:
    assert done.returncode == 2, (done.returncode, done.stdout, done.stderr)
    assert done.stderr.startswith("error: ") and done.stderr.count("\n") == 1, done.stderr
    assert "Traceback" not in done.stderr + done.stdout


def aria_command_line(*args: str, env: dict[str, str] | None = None) -> str:
    """A shell line that runs `aria ARGS` with SIGINT's default handler restored, then prints
    `EXIT=<code>`: a suite started from a background job hands its children an ignored SIGINT."""
    launcher = ("import runpy, signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
                "sys.argv[0] = 'aria'; runpy.run_module('agent.cli', run_name='__main__')")
    assignments = [f"{k}={v}" for k, v in {"PYTHONPATH": CHILD_ENV["PYTHONPATH"], **(env or {})}.items()]
    command = shlex.join(["env", *assignments, sys.executable, "-c", launcher, *args])
    return f"cd {shlex.quote(str(REPO))} && {command}; echo EXIT=$?"


class TmuxPane:
    """A bash in a tmux pane on a private tmux server, which is killed (with all it runs) on exit."""

    def __init__(self, width: int = 160, height: int = 60) -> None:
        if shutil.which("tmux") is None:
            raise AssertionError("these tests need tmux, a real terminal: apt-get install -y tmux")
        self.socket = f"aria-test-{uuid.uuid4().hex[:12]}"
        self.size = (width, height)

    def tmux(self, *args: str) -> str:
        done = subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True, timeout=15)
        if done.returncode != 0:
            raise AssertionError(f"tmux {' '.join(args)}: {done.stderr.strip()}")
        return done.stdout

    def __enter__(self) -> TmuxPane:
        self.tmux("-f", "/dev/null", "new-session", "-d", "-s", "test", "-x", str(self.size[0]),
                  "-y", str(self.size[1]), "bash --norc --noprofile")
        self.tmux("set-option", "-t", "test", "history-limit", "10000")
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        # Ends the pane's shell and whatever it runs (SIGHUP), on every path.
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True, timeout=15)

    def type_line(self, line: str) -> None:
        self.tmux("send-keys", "-t", "test", "-l", line)
        self.tmux("send-keys", "-t", "test", "Enter")

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", "test", *keys)

    def screen(self) -> str:
        """Everything the pane showed, scrollback included, lines joined where they wrapped."""
        return self.tmux("capture-pane", "-p", "-J", "-S", "-", "-t", "test")

    def wait_for(self, pattern: str, timeout: float = 60) -> re.Match[str]:
        deadline = time.monotonic() + timeout
        while True:
            screen = self.screen()
            found = re.search(pattern, screen, re.MULTILINE)
            if found:
                return found
            if time.monotonic() > deadline:
                raise AssertionError(f"no {pattern!r} in the terminal after {timeout:.0f}s:\n{screen[-3000:]}")
            time.sleep(0.1)
