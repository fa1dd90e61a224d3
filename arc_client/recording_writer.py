"""Writing recordings off the hot path: `write` only enqueues; a thread encodes, compresses and writes.

The per-step cost on the game loop is a queue put. The writer thread wakes at most every
`GATHER_S`, turns the steps gathered into JSON lines (built from cached parts: a game's frames, rows,
ids and action echoes repeat), compresses them together with gzip at a fast level, and flushes every
`flush_interval` seconds, so a live reader (or a killed process) sees every step but the last
second's. `close()` drains the queue, writes the gzip trailer and fsyncs: the file is whole on every
exit path that reaches it, and an `atexit` hook reaches it for writers nobody closed.
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
from .types import ActionInput, FrameResponse

log = logging.getLogger("arc_client")

RECORD_FORMATS = ("jsonl.gz", "jsonl")
DEFAULT_RECORD_FORMAT = "jsonl.gz"
COMPRESS_LEVEL = 1  # frames are repetitive text: level 1 is ~10x smaller than plain and the fastest
FLUSH_INTERVAL_S = 1.0
MAX_PENDING = 4096  # steps queued before `write` waits for the writer (bounds memory, never drops)
BATCH = 4096  # at most this many steps encoded and compressed together
GATHER_S = 0.05  # the writer wakes at most this often while steps come in

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
    """JSON text of frames, fast. A frame seen recently is looked up whole; a new one re-encodes only
    the rows that differ from the frame before it (a step changes a few rows), each distinct row
    encoded once."""

    def __init__(self, max_rows: int = 65536, max_grids: int = 1024) -> None:
        self._rows: dict[bytes, str] = {}
        self._grids: dict[bytes, tuple[str, list[str]]] = {}
        self._max_rows = max_rows
        self._max_grids = max_grids
        self._previous: tuple[np.ndarray, list[str]] | None = None

    def grid(self, grid: np.ndarray) -> str:
        grid = np.asarray(grid, dtype=np.uint8)
        raw = grid.tobytes()
        known = self._grids.get(raw)
        if known is None:
            rows = self._row_texts(grid)
            if len(self._grids) >= self._max_grids:
                del self._grids[next(iter(self._grids))]  # the oldest
            known = self._grids[raw] = ("[" + ",".join(rows) + "]", rows)
        self._previous = (grid, known[1])
        return known[0]

    def _row_texts(self, grid: np.ndarray) -> list[str]:
        previous = self._previous
        if previous is not None and previous[0].shape == grid.shape:
            rows = list(previous[1])
            for index in np.flatnonzero((grid != previous[0]).any(axis=1)).tolist():
                rows[index] = self._row(grid[index].tobytes())
            return rows
        return [self._row(row.tobytes()) for row in grid]

    def _row(self, row: bytes) -> str:
        text = self._rows.get(row)
        if text is None:
            if len(self._rows) >= self._max_rows:
                self._rows.clear()
            text = self._rows[row] = "[" + ",".join(map(str, row)) + "]"
        return text

    def frames(self, frames: tuple[np.ndarray, ...]) -> str:
        return "[" + ",".join(self.grid(f) for f in frames) + "]"


def _plain(value: Any) -> Any:
    """What JSON cannot carry as such: numpy values as numbers and lists, anything else as its text."""
    if isinstance(value, np.generic | np.ndarray):
        return value.tolist()
    return str(value)


_encode = json.JSONEncoder(separators=(",", ":"), default=_plain).encode  # built once: json.dumps(...) per call is slow


class StepEncoder:
    """One official recording line per step, built as text: the parts that repeat from step to step
    (ids, action echoes, available actions, frames, the timestamp's second) are encoded once."""

    def __init__(self) -> None:
        self.frames = FrameEncoder()
        self._memo: dict[Any, str] = {}
        self._echoes: dict[tuple[Any, ...], str] = {}
        self._second = -1
        self._stamp = ""

    def _memo_encode(self, value: Any) -> str:
        text = self._memo.get(value)
        if text is None:
            if len(self._memo) > 4096:
                self._memo.clear()
            text = self._memo[value] = _encode(value)
        return text

    def _echo(self, action: ActionInput) -> str:
        """The action echo; the same few (an id and the game's id as data) recur every step."""
        try:
            key = (action.id, tuple(action.data.items()), action.reasoning)
            text = self._echoes.get(key)
        except TypeError:  # unhashable data or reasoning: encoded every time
            return _encode(action.to_json())
        if text is None:
            if len(self._echoes) > 4096:
                self._echoes.clear()
            text = self._echoes[key] = _encode(action.to_json())
        return text

    def _timestamp(self, timestamp: float) -> str:
        second = int(timestamp)
        if second != self._second:
            self._second = second
            self._stamp = datetime.fromtimestamp(second, UTC).strftime("%Y-%m-%dT%H:%M:%S")
        return f"{self._stamp}.{int((timestamp - second) * 1e6):06d}+00:00"

    def line(self, timestamp: float, response: FrameResponse, aria: dict[str, Any] | None,
             include_frames: bool = True) -> str:
        """`{"timestamp", "data": {game_id, guid, state, ..., "frame", "aria"}}` and a newline."""
        r, memo = response, self._memo_encode
        parts = ['{"timestamp":"', self._timestamp(timestamp),
                 '","data":{"game_id":', memo(r.game_id),
                 ',"guid":', memo(r.guid),
                 ',"state":', memo(r.state.value),
                 ',"levels_completed":', str(int(r.levels_completed)),
                 ',"win_levels":', str(int(r.win_levels)),
                 ',"action_input":', self._echo(r.action_input),
                 ',"available_actions":', memo(tuple(r.available_actions)),
                 ',"full_reset":', "true" if r.full_reset else "false"]
        if include_frames:
            parts += [',"frame":', self.frames.frames(r.frames)]
        if aria:
            parts += [',"aria":', _encode(aria)]
        parts.append("}}\n")
        return "".join(parts)


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
        self._out: BinaryIO | gzip.GzipFile = self._raw
        if self.record_format == "jsonl.gz":
            self._out = gzip.GzipFile(fileobj=self._raw, mode="ab", compresslevel=compresslevel, mtime=0)
        self.lines = 0  # steps accepted by `write`
        self.written = 0  # steps handed to the file by the writer thread
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
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
        while self.lines - self.written >= MAX_PENDING and self._thread.is_alive():
            time.sleep(0.001)  # the writer is far behind: wait rather than grow without bound
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
        encoder = StepEncoder()
        dirty, last_flush, closing = False, time.monotonic(), False
        while not closing:
            items: list[Any] = []
            try:
                items.append(self._queue.get(timeout=self.flush_interval if dirty else None))
                if isinstance(items[0], tuple):
                    # Let steps gather rather than wake per step: each wake-up takes the GIL from
                    # the game loop, which costs more than the encoding itself.
                    time.sleep(GATHER_S)
                while len(items) < BATCH:  # what else is waiting: one write, one compression call
                    items.append(self._queue.get_nowait())
            except queue.Empty:
                pass
            steps = [item for item in items if isinstance(item, tuple)]
            events = [item for item in items if isinstance(item, threading.Event)]
            closing = any(item is _CLOSE for item in items)
            try:
                if steps and self._error is None:  # after a failure, only drain
                    self._out.write("".join(encoder.line(stamp, response, aria, self.include_frames)
                                            for stamp, response, aria in steps).encode())
                    dirty = True
                if dirty and (not steps or events or time.monotonic() - last_flush >= self.flush_interval):
                    self._out.flush()  # gzip: a sync flush, so what is written so far decompresses
                    dirty, last_flush = False, time.monotonic()
            except Exception as exc:
                self._error = exc
            self.written += len(steps)
            for event in events:
                event.set()
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
