"""The official toolkit's REST server (`Arcade.listen_and_serve`) over a games directory.

`LocalServer` runs it in a child process on a free loopback port and waits until it answers, so
tests and benchmarks talk to the real server over real sockets:

    with LocalServer("tests/fixtures/environment_files") as server:
        client = ArcClient.http(server.base_url, "any-key")

`python -m arc_client.local_server DIR --port 8001` serves in the foreground.
"""

from __future__ import annotations

import argparse
import logging
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import TracebackType

import httpx

from .errors import ServerUnavailableError
from .local_backend import scan_games_dir

LOOPBACK = "127.0.0.1"


def free_port(host: str = LOOPBACK) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def serve(games_dir: str | os.PathLike[str], host: str = LOOPBACK, port: int = 8001) -> None:
    """Serve the games of a directory until interrupted (blocking)."""
    from arc_agi import Arcade, OperationMode

    scan_games_dir(games_dir)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
    quiet = logging.getLogger("arc_client.local_server.toolkit")
    quiet.setLevel(logging.WARNING)
    arcade = Arcade(operation_mode=OperationMode.OFFLINE, environments_dir=str(games_dir), logger=quiet)
    arcade.listen_and_serve(host=host, port=port)


class LocalServer:
    """The official server in a child process; a context manager that always stops it."""

    def __init__(self, games_dir: str | os.PathLike[str], host: str = LOOPBACK, start_timeout: float = 30.0) -> None:
        self.games_dir = Path(games_dir)
        self.host = host
        self.port = 0
        self.start_timeout = start_timeout
        self._process: subprocess.Popen[bytes] | None = None
        self._log = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the server

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> LocalServer:
        scan_games_dir(self.games_dir)  # a bad directory fails here, with its own message
        self.port = free_port(self.host)
        # The child must import this package even where it is not installed (a plain checkout).
        package_root = str(Path(__file__).resolve().parent.parent)
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH")) if p)
        self._process = subprocess.Popen(
            [sys.executable, "-m", "arc_client.local_server", str(self.games_dir), "--host", self.host,
             "--port", str(self.port)],
            stdout=self._log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env,
        )
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise ServerUnavailableError(f"the local server exited at start: {self._log_tail()}")
            try:
                if httpx.get(f"{self.base_url}/api/healthcheck", timeout=1.0).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        self.stop()
        raise ServerUnavailableError(f"the local server did not answer within {self.start_timeout:.0f} s")

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._process = None

    def _log_tail(self, limit: int = 300) -> str:
        self._log.seek(0)
        text = " ".join(self._log.read().decode("utf-8", "replace").split())
        return text[-limit:] or "no output"

    def __enter__(self) -> LocalServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
        self._log.close()


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve an environment_files directory with the official server.")
    parser.add_argument("games_dir")
    parser.add_argument("--host", default=LOOPBACK)
    parser.add_argument("--port", type=int, default=8001)
    args = parser.parse_args()
    serve(args.games_dir, args.host, args.port)


if __name__ == "__main__":
    main()
