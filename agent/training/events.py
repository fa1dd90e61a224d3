"""Training events: plain JSON-safe dicts, written to RUN_DIR/events.jsonl, an optional extra stream,
and in-process listeners (the CLI's progress bar, the app's live curves).

    {"event": "run_started", "run_dir", "device", "world_size", "phases": [{"phase", "name", "steps"}], "resumed"}
    {"event": "phase_started", "phase", "name", "steps", "start_step"}
    {"event": "step", "phase", "name", "step", "steps", "time", <metric>: float, ...}
    {"event": "checkpoint", "path", "phase", "step"}
    {"event": "phase_ended", "phase", "name", "metrics": {...}, "seconds"}
    {"event": "run_ended", "results": {...}, "results_path"}
    {"event": "error", "message", "exit_code"}
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

EventSink = Callable[[dict[str, Any]], None]


class EventLog:
    """Fans each event out to JSONL files/streams and listeners; `time` is added when absent."""

    def __init__(self, listeners: list[EventSink] | None = None) -> None:
        self.listeners: list[EventSink] = list(listeners or [])
        self.streams: list[IO[str]] = []
        self._owned: list[IO[str]] = []

    def add_file(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        stream = path.open("a", encoding="utf-8")
        self.streams.append(stream)
        self._owned.append(stream)

    def add_target(self, target: str) -> None:
        """`-` for stdout, else a file path."""
        if target == "-":
            self.streams.append(sys.stdout)
        else:
            self.add_file(Path(target))

    def emit(self, event: dict[str, Any]) -> None:
        event.setdefault("time", round(time.time(), 3))
        line = json.dumps(event, default=str)
        for stream in self.streams:
            stream.write(line + "\n")
            stream.flush()
        for listener in self.listeners:
            listener(event)

    def close(self) -> None:
        for stream in self._owned:
            stream.close()
        self._owned.clear()
        self.streams.clear()


def read_events(path: Path) -> list[dict[str, Any]]:
    """The events of a JSONL file, in order."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
