"""Lines of stdin awaited on the event loop, for commands that read a person's typing.

A blocking `input()` in a worker thread holds the interpreter's exit until Enter: Ctrl-C would
cancel the command but the process would wait for that thread. Reading on the loop blocks nothing.
"""

from __future__ import annotations

import asyncio
import codecs
import os


class StdinLines:
    """Lines of stdin, awaited on the event loop (`add_reader`): nothing blocks in a thread, so an
    interrupt never waits for Enter. Files and /dev/null, which epoll refuses, are read directly
    (they never block)."""

    def __init__(self, fd: int = 0) -> None:
        self._fd = fd
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._pending = ""
        self._lines: asyncio.Queue[str | None] = asyncio.Queue()
        self._loop = asyncio.get_running_loop()
        try:
            self._loop.add_reader(fd, self._readable)
            self._watched = True
        except PermissionError:
            self._watched = False

    def _readable(self) -> None:
        chunk = os.read(self._fd, 65536)
        if not chunk:
            self.close()
            if self._pending:
                self._lines.put_nowait(self._pending)
            self._lines.put_nowait(None)
            return
        self._pending += self._decoder.decode(chunk)
        *complete, self._pending = self._pending.split("\n")
        for line in complete:
            self._lines.put_nowait(line)

    async def readline(self) -> str | None:
        """The next line without its newline; None at the end of input."""
        while not self._watched and self._lines.empty():
            self._readable()
        return await self._lines.get()

    def close(self) -> None:
        if self._watched:
            self._loop.remove_reader(self._fd)
            self._watched = False
