"""Recordings in the official toolkit's JSONL format, one line per step, flushed per line.

`recordings/<card_id>/<game_id>-<guid>.jsonl`; each line is
`{"timestamp": ISO-8601 UTC, "data": {game_id, state, levels_completed, win_levels, action_input,
guid, full_reset, available_actions, frame}}`. ARIA's internals go under `data["aria"]`, which the
toolkit's readers ignore. A crash loses at most the line being written.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from .types import FrameResponse


def recording_path(recordings_dir: str | os.PathLike[str], card_id: str, game_id: str, guid: str) -> Path:
    return Path(recordings_dir) / card_id / f"{game_id}-{guid}.jsonl"


class RecordingWriter:
    """Appends one JSON line per frame response; every line is flushed to the OS before returning."""

    def __init__(self, path: str | os.PathLike[str], include_frames: bool = True) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.include_frames = include_frames
        self._file: TextIO | None = open(self.path, "a", encoding="utf-8")  # noqa: SIM115 - long-lived
        self.lines = 0

    def write(self, response: FrameResponse, aria: dict[str, Any] | None = None) -> None:
        if self._file is None:
            raise ValueError(f"recording {self.path} is closed")
        data = response.to_json(include_frames=self.include_frames)
        if aria:
            data["aria"] = aria
        line = json.dumps({"timestamp": datetime.now(UTC).isoformat(), "data": data}, separators=(",", ":"))
        self._file.write(line + "\n")
        self._file.flush()
        self.lines += 1

    def close(self) -> None:
        if self._file is not None:
            self._file.flush()
            os.fsync(self._file.fileno())
            self._file.close()
            self._file = None

    def __enter__(self) -> RecordingWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@dataclass(frozen=True)
class RecordedStep:
    timestamp: str
    response: FrameResponse
    aria: dict[str, Any] | None


def read_recording(path: str | os.PathLike[str]) -> Iterator[RecordedStep]:
    """Yield the steps of a recording; a torn last line (a crash mid-write) is skipped."""
    with open(path, encoding="utf-8") as fh:
        lines = fh.readlines()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            event = json.loads(line)
        except json.JSONDecodeError:
            if number == len(lines):
                return
            raise ValueError(f"{path}:{number}: not a JSON line; the recording is damaged") from None
        data = event.get("data") or {}
        yield RecordedStep(
            timestamp=str(event.get("timestamp", "")),
            response=FrameResponse.from_json(data),
            aria=data.get("aria"),
        )


def find_recordings(root: str | os.PathLike[str]) -> list[Path]:
    """Every recording file under a directory (or the file itself)."""
    root = Path(root)
    if root.is_file():
        return [root]
    return sorted(root.rglob("*.jsonl"))
