"""Helpers of the evaluation tests: run the real `aria` CLI in a child process."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures"


def aria(*args: str, timeout: float = 240, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the real `aria` CLI in a child process."""
    full_env = {**os.environ, "PYTHONPATH": f"{FIXTURES}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "agent.cli", *args], capture_output=True, text=True,
                          timeout=timeout, cwd=REPO, env=full_env)


def load_results(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text())




def _default_stop_handlers() -> None:
    """In the child, before exec: SIGINT, SIGTERM and SIGHUP at their defaults, whatever the suite
    inherited (a suite launched from a background job has SIGINT ignored, and Python then leaves it so)."""
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, signal.SIG_DFL)


@contextmanager
def running_aria(*args: str, env: dict[str, str] | None = None) -> Iterator[subprocess.Popen[str]]:
    """`aria ARGS` as a child in its own process group, with default stop-signal handlers; on every
    exit path the whole group (the child and any worker it spawned) is killed."""
    full_env = {**os.environ, "PYTHONPATH": f"{FIXTURES}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    full_env.update(env or {})
    proc = subprocess.Popen([sys.executable, "-m", "agent.cli", *args], cwd=REPO, env=full_env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, preexec_fn=_default_stop_handlers,
                            start_new_session=True)
    try:
        yield proc
    finally:
        with suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
        with suppress(subprocess.TimeoutExpired):
            proc.communicate(timeout=10)


def recorded_steps(run_dir: Path) -> list[int]:
    """How many whole steps each recording of a run holds so far (plain or gzip, still being written)."""
    from arc_client.recording import count_steps, find_recordings

    folder = run_dir / "recordings"
    return [count_steps(path) for path in (find_recordings(folder) if folder.exists() else [])]


def wait_for_steps(run_dir: Path, steps: int, files: int = 1, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        counts = recorded_steps(run_dir)
        if len(counts) >= files and sorted(counts, reverse=True)[files - 1] >= steps:
            return
        time.sleep(0.1)
    raise AssertionError(f"the run never got going: {recorded_steps(run_dir)} steps recorded in {run_dir}")
