"""Writing recordings off the hot path: `write` only enqueues; a thread encodes, compresses and writes.

The per-step cost on the game loop is a queue put. The writer thread turns each step into one JSON
line (frames encoded row by row through a cache, since a game's frames repeat most of their rows),
compresses it with gzip at a fast level, and flushes every `flush_interval` seconds, so a live reader
(or a killed process) sees every step but the last second's. `close()` drains the queue, writes the
gzip trailer and fsyncs: the file is whole on every exit path that reaches it, and an `atexit` hook
reaches it for writers nobody closed.
"""

from __future__ import annotations

import atexit
import gzip
import json
import logging
import os
import queue
import threading
import time
import weakref
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from .errors import RecordingError
from .types import FrameResponse

log = logging.getLogger("arc_client")

RECORD_FORMATS = ("jsonl.gz", "jsonl")
DEFAULT_RECORD_FORMAT = "jsonl.gz"
COMPRESS_LEVEL = 1  # frames are repetitive text: level 1 is ~10x smaller than plain and the fastest
FLUSH_INTERVAL_S = 1.0
MAX_PENDING = 4096  # steps queued before `write` waits for the writer (bounds memory, never drops)

_CLOSE = object()
_OPEN_WRITERS: weakref.WeakSet[RecordingWriter] = weakref.WeakSet()


def check_record_format(record_format: str) -> str:
    if record_format not in RECORD_FORMATS:
        raise ValueError(f"record format must be one of {', '.join(RECORD_FORMATS)}, not {record_format!r}")
    return record_format


def format_of(path: str | os.PathLike[str]) -> str:
    """`jsonl.gz` for a `.gz` file name, else `jsonl`."""
    return "jsonl.gz" if str(path).endswith(".gz") else "jsonl"


class FrameEncoder:
    """JSON text of frames, fast: a frame seen recently, or each distinct 64-cell row, is encoded once
    and then looked up (a game's frames repeat, and repeat most of their rows when they change)."""

    def __init__(self, max_rows: int = 65536, max_grids: int = 512) -> None:
        self._rows: dict[bytes, str] = {}
        self._grids: dict[bytes, str] = {}
        self._max_rows = max_rows
        self._max_grids = max_grids

    def grid(self, grid: np.ndarray) -> str:
        key = grid.tobytes()
        text = self._grids.get(key)
        if text is None:
            if len(self._grids) >= self._max_grids:
                self._grids.clear()
            text = self._grids[key] = self._encode_rows(grid)
        return text

    def _encode_rows(self, grid: np.ndarray) -> str:
        rows = self._rows
        parts = []
        for row in grid:
            key = row.tobytes()
            text = rows.get(key)
            if text is None:
                if len(rows) >= self._max_rows:
                    rows.clear()
                text = rows[key] = "[" + ",".join(map(str, row.tolist())) + "]"
            parts.append(text)
        return "[" + ",".join(parts) + "]"

    def frames(self, frames: tuple[np.ndarray, ...]) -> str:
        return "[" + ",".join(self.grid(f) for f in frames) + "]"


def encode_step(encoder: FrameEncoder, timestamp: float, response: FrameResponse, aria: dict[str, Any] | None,
                include_frames: bool = True) -> bytes:
    """One official recording line: `{"timestamp", "data": {..., "frame", "aria"}}` and a newline."""
    data = json.dumps(response.to_json(include_frames=False), separators=(",", ":"))
    tail = ""
    if include_frames:
        tail += ',"frame":' + encoder.frames(response.frames)
    if aria:
        tail += ',"aria":' + json.dumps(aria, separators=(",", ":"))
    stamp = datetime.fromtimestamp(timestamp, UTC).isoformat()
    return f'{{"timestamp":"{stamp}","data":{data[:-1]}{tail}}}}}\n'.encode()


class RecordingWriter:
    """Appends one JSON line per frame response, in a background thread; see the module docstring.

    `write` raises RecordingError if the writer thread failed (disk full, ...), and ValueError after
    `close`. `flush()` waits until every step written so far is in the file. Thread-safe.
    """

    def __init__(self, path: str | os.PathLike[str], include_frames: bool = True, record_format: str | None = None,
                 compresslevel: int = COMPRESS_LEVEL, flush_interval: float = FLUSH_INTERVAL_S) -> None:
        self.path = Path(path)
        self.record_format = check_record_format(record_format or format_of(self.path))
        self.include_frames = include_frames
        self.flush_interval = flush_interval
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._raw: BinaryIO = open(self.path, "ab")  # noqa: SIM115 - owned by the writer thread until close
        self._out: BinaryIO = self._raw
        if self.record_format == "jsonl.gz":
            self._out = gzip.GzipFile(fileobj=self._raw, mode="ab", compresslevel=compresslevel, mtime=0)
        self.lines = 0  # steps accepted by `write`
        self.written = 0  # steps in the file (the writer thread's count)
        self._queue: queue.Queue[Any] = queue.Queue(MAX_PENDING)
        self._lock = threading.Lock()
        self._closed = False
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name=f"recording {self.path.name}", daemon=True)
        self._thread.start()
        _OPEN_WRITERS.add(self)

    @property
    def closed(self) -> bool:
        return self._closed

    def write(self, response: FrameResponse, aria: dict[str, Any] | None = None) -> None:
        if self._error is not None:
            raise RecordingError(f"cannot write the recording {self.path}: {self._error}")
        with self._lock:
            if self._closed:
                raise ValueError(f"recording {self.path} is closed")
            self._queue.put((time.time(), response, aria))
            self.lines += 1

    def flush(self) -> None:
        """Wait until every step written so far is in the file (readable by another process)."""
        done = threading.Event()
        with self._lock:
            if self._closed:
                return
            self._queue.put(done)
        done.wait()

    def close(self) -> None:
        """Drain, write the gzip trailer, fsync and close; safe to call again and from any thread."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._queue.put(_CLOSE)
        self._thread.join()
        _OPEN_WRITERS.discard(self)
        if self._error is not None:
            log.error("recording %s is incomplete: %s", self.path, self._error)

    def _run(self) -> None:
        encoder = FrameEncoder()
        dirty = False
        last_flush = time.monotonic()
        while True:
            try:
                item = self._queue.get(timeout=self.flush_interval if dirty else None)
            except queue.Empty:
                item = None
            if item is _CLOSE:
                break
            try:
                if isinstance(item, tuple) and self._error is None:  # after a failure, only drain
                    self._out.write(encode_step(encoder, *item, include_frames=self.include_frames))
                    self.written += 1
                    dirty = True
                if dirty and (item is None or isinstance(item, threading.Event)
                              or time.monotonic() - last_flush >= self.flush_interval):
                    self._out.flush()  # gzip: a sync flush, so what is written so far decompresses
                    dirty, last_flush = False, time.monotonic()
            except Exception as exc:
                self._error = exc
            if isinstance(item, threading.Event):
                item.set()
        self._finish()

    def _finish(self) -> None:
        try:
            if self._out is not self._raw:
                self._out.close()  # the gzip trailer; leaves the raw file open
            self._raw.flush()
            os.fsync(self._raw.fileno())
        except Exception as exc:
            self._error = self._error or exc
        finally:
            self._raw.close()

    def __enter__(self) -> RecordingWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@atexit.register
def _close_open_writers() -> None:
    """Writers nobody closed (a crash between steps) still end as whole files."""
    for writer in list(_OPEN_WRITERS):
        writer.close()
