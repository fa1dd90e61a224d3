"""Recordings for the replay viewer: plain `.jsonl` or gzip `.jsonl.gz`, read whole, each step with
its frame, the action that produced it and the agent's decision (from `data["aria"]["decision"]`)."""

from __future__ import annotations

import gzip
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from agent.decision import Decision
from arc_client import FrameResponse, read_recording


class RecordingError(Exception):
    """A recording the viewer cannot read; the message names the file and what to do."""


@dataclass(frozen=True)
class ReplayStep:
    response: FrameResponse
    decision: Decision | None


def _decision(aria: dict | None) -> Decision | None:
    raw = (aria or {}).get("decision")
    if not raw:
        return None
    try:
        return Decision.from_json(raw)
    except (KeyError, TypeError, ValueError):
        return None


def load_recording(path: str | os.PathLike[str]) -> list[ReplayStep]:
    """Every step of a recording; RecordingError when it is missing, damaged or empty."""
    source = Path(path).expanduser()
    if not source.is_file():
        raise RecordingError(f"no recording at {source}: give a .jsonl or .jsonl.gz file")
    try:
        if source.suffix == ".gz":
            with gzip.open(source, "rb") as packed, tempfile.NamedTemporaryFile(suffix=".jsonl") as plain:
                plain.write(packed.read())
                plain.flush()
                recorded = list(read_recording(plain.name))
        else:
            recorded = list(read_recording(source))
    except (OSError, EOFError, UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
        raise RecordingError(f"cannot read {source}: {exc}; is it an ARC recording (.jsonl or .jsonl.gz)?") from None
    steps = [ReplayStep(r.response, _decision(r.aria)) for r in recorded if r.response.frames]
    if not steps:
        raise RecordingError(f"{source} holds no frames: pick another recording")
    return steps
