"""A training run as the app sees it: `aria train ... --events-jsonl -` as a subprocess, and the
state its JSONL events build (phases, losses, checkpoints). No Textual here.

Events, one JSON object a line, each with an "event" key: run_started {run_dir, device, phases},
phase_started {phase, name, steps}, step {phase, step, loss, ...}, checkpoint {path, phase, step},
phase_ended {phase, metrics}, run_ended {results}, error {message}. Stopping sends SIGINT: the
trainer saves a checkpoint and exits 130.
"""

from __future__ import annotations

import asyncio
import json
import signal
import sys
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PRESETS = ("smoke", "quick", "full")
LOSS_POINTS = 400  # points kept per phase for the curve (older ones are thinned)


def presets(root: Path | None = None) -> list[str]:
    """The preset names in configs/*.toml when there is such a folder, else the standard three."""
    folder = (root or Path.cwd()) / "configs"
    found = sorted(p.stem for p in folder.glob("*.toml")) if folder.is_dir() else []
    return found or list(PRESETS)


def train_command(preset: str, run_dir: str, base: list[str] | None = None) -> list[str]:
    """The command line of a run; `base` replaces `python -m agent.cli train` (tests use a stand-in)."""
    head = base or [sys.executable, "-m", "agent.cli", "train"]
    return [*head, "--preset", preset, "--run-dir", run_dir, "--events-jsonl", "-"]


@dataclass
class PhaseProgress:
    phase: int
    name: str = ""
    steps: int | None = None
    step: int = 0
    loss: float | None = None
    losses: deque[float] = field(default_factory=lambda: deque(maxlen=LOSS_POINTS))
    metrics: dict[str, Any] = field(default_factory=dict)
    ended: bool = False

    @property
    def fraction(self) -> float:
        if self.ended:
            return 1.0
        return min(1.0, self.step / self.steps) if self.steps else 0.0


@dataclass
class TrainingState:
    run_dir: str | None = None
    device: str | None = None
    memory: str | None = None
    phase_names: list[str] = field(default_factory=list)
    phases: dict[int, PhaseProgress] = field(default_factory=dict)
    checkpoints: list[str] = field(default_factory=list)
    results: dict[str, Any] | None = None
    errors: list[str] = field(default_factory=list)
    exit_code: int | None = None
    events: int = 0

    @property
    def finished(self) -> bool:
        return self.exit_code is not None

    @property
    def last_checkpoint(self) -> str | None:
        return self.checkpoints[-1] if self.checkpoints else None

    def phase(self, number: Any) -> PhaseProgress:
        key = int(number) if number is not None else max(self.phases, default=1)
        if key not in self.phases:
            self.phases[key] = PhaseProgress(key)
        return self.phases[key]

    def apply(self, event: dict[str, Any]) -> None:
        """Fold one event in; unknown events and fields are ignored (the trainer may add more)."""
        self.events += 1
        kind = event.get("event")
        if kind == "run_started":
            self.run_dir = event.get("run_dir", self.run_dir)
            self.device = event.get("device")
            self.phase_names = [str(p) for p in event.get("phases") or ()]
        elif kind == "phase_started":
            phase = self.phase(event.get("phase"))
            phase.name = str(event.get("name", phase.name))
            phase.steps = event.get("steps")
        elif kind == "step":
            phase = self.phase(event.get("phase"))
            phase.step = int(event.get("step", phase.step + 1))
            loss = event.get("loss")
            if isinstance(loss, int | float):
                phase.loss = float(loss)
                phase.losses.append(float(loss))
            for key in ("memory", "memory_mb", "gpu_memory_mb", "rss_mb"):
                if key in event:
                    self.memory = f"{event[key]} {'MB' if key.endswith('_mb') else ''}".strip()
        elif kind == "checkpoint":
            self.checkpoints.append(str(event.get("path")))
        elif kind == "phase_ended":
            phase = self.phase(event.get("phase"))
            phase.metrics = dict(event.get("metrics") or {})
            phase.ended = True
        elif kind == "run_ended":
            self.results = dict(event.get("results") or {})
        elif kind == "error":
            self.errors.append(str(event.get("message", "unknown error")))


class TrainingProcess:
    """The subprocess and its event stream; `stop()` asks it to save and exit (SIGINT)."""

    def __init__(self, command: list[str], cwd: str | None = None) -> None:
        self.command = command
        self.cwd = cwd
        self.process: asyncio.subprocess.Process | None = None
        self.stderr_tail: deque[str] = deque(maxlen=20)

    async def start(self) -> None:
        self.process = await asyncio.create_subprocess_exec(
            *self.command, cwd=self.cwd, stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)

    async def events(self) -> Any:
        """Yield each JSON event; lines that are not JSON objects are kept as stderr-like notes."""
        assert self.process is not None and self.process.stdout is not None
        drain = asyncio.create_task(self._drain_stderr())
        try:
            while line := await self.process.stdout.readline():
                try:
                    event = json.loads(line)
                except json.JSONDecodeError:
                    self.stderr_tail.append(line.decode(errors="replace").rstrip())
                    continue
                if isinstance(event, dict):
                    yield event
        finally:
            await drain

    async def _drain_stderr(self) -> None:
        assert self.process is not None and self.process.stderr is not None
        while line := await self.process.stderr.readline():
            self.stderr_tail.append(line.decode(errors="replace").rstrip())

    async def wait(self) -> int:
        assert self.process is not None
        return await self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.send_signal(signal.SIGINT)

    async def stop_and_wait(self, grace_s: float = 10.0) -> None:
        """SIGINT, then kill if it has not exited after `grace_s`."""
        if self.process is None or self.process.returncode is not None:
            return
        self.stop()
        try:
            await asyncio.wait_for(self.process.wait(), grace_s)
        except TimeoutError:
            self.process.kill()
            await self.process.wait()
