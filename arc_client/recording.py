"""Recordings in the official toolkit's JSONL format, one line per step, gzip-compressed by default.

`recordings/<card_id>/<game_id>-<guid>.jsonl.gz` (or `.jsonl` with the `jsonl` format); each line is
`{"timestamp": ISO-8601 UTC, "data": {game_id, state, levels_completed, win_levels, action_input,
guid, full_reset, available_actions, frame}}`. ARIA's internals go under `data["aria"]`, which the
toolkit's readers ignore. `zcat` turns a `.jsonl.gz` into the toolkit's plain file.

Readers take both formats (told apart by content, not by name). A torn last line, or a gzip stream
cut short by a killed process, loses that last line only; any other damage is a RecordingError that
names the file and line.
"""

from __future__ import annotations

import json
import os
import zlib
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from .errors import RecordingError
from .recording_writer import (
    DEFAULT_RECORD_FORMAT,
    RECORD_FORMATS,
    RecordingWriter,
    check_record_format,
    format_of,
)
from .types import FrameResponse

__all__ = [
    "DEFAULT_RECORD_FORMAT", "RECORD_FORMATS", "RecordedStep", "RecordingWriter", "check_record_format",
    "count_steps", "find_recordings", "format_of", "is_recording_name", "read_recording", "recording_path", "recordings_by_card",
    "recordings_of_one_card",
]

SUFFIXES = (".jsonl", ".jsonl.gz")
_GZIP_MAGIC = b"\x1f\x8b"
_CHUNK = 1 << 20
_REQUIRED = ("game_id", "guid", "state", "action_input")


def recording_path(recordings_dir: str | os.PathLike[str], card_id: str, game_id: str, guid: str,
                   record_format: str = DEFAULT_RECORD_FORMAT) -> Path:
    return Path(recordings_dir) / card_id / f"{game_id}-{guid}.{check_record_format(record_format)}"


def is_recording_name(path: str | os.PathLike[str]) -> bool:
    return str(path).endswith(SUFFIXES)


@dataclass(frozen=True)
class RecordedStep:
    timestamp: str
    response: FrameResponse
    aria: dict[str, Any] | None


def _gunzip(fh: BinaryIO) -> Iterator[bytes]:
    """Decompressed chunks of every gzip member; a stream cut short simply ends (zlib.error if damaged)."""
    inflate = zlib.decompressobj(wbits=31)
    while chunk := fh.read(_CHUNK):
        while chunk:
            yield inflate.decompress(chunk)
            if not inflate.eof:
                break
            chunk = inflate.unused_data.lstrip(b"\0")  # another member follows (appended files)
            inflate = zlib.decompressobj(wbits=31)


def _lines(path: Path) -> Iterator[tuple[int, bytes, bool]]:
    """(line number, bytes, ended by a newline) of a plain or gzip JSONL file."""
    try:
        fh = open(path, "rb")  # noqa: SIM115 - closed below; the generator may be abandoned
    except OSError as exc:
        raise RecordingError(f"cannot read the recording {path}: {exc.strerror}") from None
    with fh:
        gzipped = fh.read(2) == _GZIP_MAGIC
        fh.seek(0)
        chunks = _gunzip(fh) if gzipped else iter(lambda: fh.read(_CHUNK), b"")
        pending, number = b"", 0
        while True:
            try:
                chunk = next(chunks, None)
            except zlib.error as exc:
                raise RecordingError(f"{path}:{number + 1}: the compressed data is damaged ({exc}); "
                                     "the recording cannot be read past this line") from None
            if chunk is None:
                break
            pending += chunk
            *whole, pending = pending.split(b"\n")
            for line in whole:
                number += 1
                yield number, line, True
        if pending:
            yield number + 1, pending, False


def _event(path: Path, number: int, line: bytes) -> dict[str, Any]:
    try:
        event = json.loads(line)
    except ValueError:
        raise RecordingError(f"{path}:{number}: not a JSON line; the recording is damaged "
                             "(pass a recording written by `aria eval` or the ARC toolkit)") from None
    data = event.get("data") if isinstance(event, dict) else None
    if not isinstance(data, dict) or any(key not in data for key in _REQUIRED):
        raise RecordingError(f"{path}:{number}: not a recording line (expected "
                             '{"timestamp": ..., "data": {"game_id", "guid", "state", "action_input", ...}})')
    return event


def read_recording(path: str | os.PathLike[str]) -> Iterator[RecordedStep]:
    """Yield the steps of a plain or gzip recording; a torn last line (a crash mid-write) is skipped.

    Lines are checked as they are read: a damaged line raises RecordingError (file:line) when reached.
    """
    path = Path(path)
    lines = _lines(path)
    held: tuple[int, bytes, bool] | None = None
    for current in lines:
        if held is not None:
            yield _step(path, held)
        held = current if current[1].strip() else None
    if held is not None:
        number, line, whole = held
        try:
            event = _event(path, number, line)
        except RecordingError:
            if whole:
                raise
            return  # the last line, cut before its newline by a crash mid-write
        yield _to_step(path, number, event)


def _step(path: Path, numbered: tuple[int, bytes, bool]) -> RecordedStep:
    number, line, _ = numbered
    return _to_step(path, number, _event(path, number, line))


def _to_step(path: Path, number: int, event: dict[str, Any]) -> RecordedStep:
    data = event["data"]
    try:
        response = FrameResponse.from_json(data)
    except (ValueError, TypeError, KeyError) as exc:
        raise RecordingError(f"{path}:{number}: a malformed step ({type(exc).__name__}: {exc})") from None
    aria = data.get("aria")
    return RecordedStep(timestamp=str(event.get("timestamp", "")), response=response,
                        aria=aria if isinstance(aria, dict) else None)


def count_steps(path: str | os.PathLike[str]) -> int:
    """Whole lines in a recording, without decoding them: cheap enough to poll a live file."""
    try:
        return sum(1 for _, line, whole in _lines(Path(path)) if whole and line.strip())
    except RecordingError:
        return 0


def find_recordings(root: str | os.PathLike[str]) -> list[Path]:
    """Every recording file (`*.jsonl`, `*.jsonl.gz`) under a directory, or the file itself."""
    root = Path(root)
    if root.is_file():
        return [root]
    found: list[Path] = []
    for folder, _, names in os.walk(root):  # unreadable folders are skipped, never an error
        found.extend(Path(folder) / name for name in names if is_recording_name(name))
    return sorted(found)


def recordings_by_card(root: str | os.PathLike[str]) -> dict[str, list[Path]]:
    """The recordings under `root`, grouped by scorecard: `<card_id>/` is each file's folder."""
    cards: dict[str, list[Path]] = defaultdict(list)
    for path in find_recordings(root):
        cards[path.parent.name].append(path)
    return dict(cards)


WHAT_TO_PASS = "pass a run directory, its recordings folder, or one recording (*.jsonl or *.jsonl.gz)"


def recordings_of_one_card(root: str | os.PathLike[str]) -> tuple[str, list[Path]]:
    """(card id, files) of the recordings under `root`, which must hold recordings of one scorecard.

    A score mixes games of one run only: two scorecards' recordings (a reused run directory, or a
    folder of runs) are refused, naming the card ids, rather than rescored together.
    """
    root = Path(root)
    if not root.exists():
        raise RecordingError(f"{root} does not exist; {WHAT_TO_PASS}")
    if root.is_file() and not is_recording_name(root):
        raise RecordingError(f"{root} is not a recording; {WHAT_TO_PASS}")
    cards = recordings_by_card(root)
    if not cards:
        raise RecordingError(f"no recordings (*.jsonl, *.jsonl.gz) under {root}; {WHAT_TO_PASS}")
    if len(cards) > 1:
        raise RecordingError(f"{root} holds recordings of {len(cards)} scorecards ({', '.join(sorted(cards))}); "
                             f"rescore one at a time: pass {root / '<card_id>'}")
    ((card_id, files),) = cards.items()
    return card_id, files
