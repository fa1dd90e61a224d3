"""What `arc_client` costs on top of the official toolkit. Prints figures; asserts nothing.

    python benchmarks/client.py [--games-dir DIR] [--game ID] [--actions N]

1. in-process steps/s: our LocalBackend (through GameSession) vs the toolkit's own loop
   (`Arcade.make` + `wrapper.step`), same game and action sequence (goal: overhead <= 10 %);
2. requests/s against the official local server: our HttpBackend vs a bare httpx loop
   (goal: overhead <= 10 %);
3. aggregate throughput of 8 concurrent games vs 1, for both backends (goal: >= 2x).

The action sequence plays the game with a fixed list and sends RESET whenever the game ends,
so every run sends exactly the same commands.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from arc_agi import Arcade, OperationMode  # noqa: E402
from arcengine import GameAction as ToolkitAction  # noqa: E402

from arc_client import ArcClient, GameAction  # noqa: E402
from arc_client.local_server import LocalServer  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "environment_files"
# The fixture maze's winning path (see tests/conftest.py); any game accepts these ids.
DEFAULT_PLAN = [4, 4, 4, 4, 4, 2, 2, 3, 3, 3, 3, 3, 2, 2, 4, 4, 2, 2, 3, 3, 4, 4, 2, 2, 2, 2, 4, 4, 4]


def plan_commands(games_dir: Path, game_id: str, count: int) -> list[int]:
    """Run the toolkit once to fix the command list: the plan on repeat, RESET after each end."""
    arcade = Arcade(operation_mode=OperationMode.OFFLINE, environments_dir=str(games_dir), logger=_quiet())
    env = arcade.make(game_id, seed=0, scorecard_id=arcade.open_scorecard())
    assert env is not None and env.observation_space is not None
    available = env.observation_space.available_actions
    plan = [a for a in DEFAULT_PLAN if a in available] or [available[0]]
    commands: list[int] = []
    state = env.observation_space.state.name
    while len(commands) < count:
        action = 0 if state in ("WIN", "GAME_OVER") else plan[len(commands) % len(plan)]
        raw = env.step(ToolkitAction.from_id(action), data=_data(game_id, action))
        assert raw is not None
        state = raw.state.name
        commands.append(action)
    return commands


def _data(game_id: str, action: int) -> dict[str, Any]:
    return {"game_id": game_id, "x": 32, "y": 32} if action == 6 else {"game_id": game_id}


def _quiet() -> logging.Logger:
    logger = logging.getLogger("benchmark.toolkit")
    logger.setLevel(logging.ERROR)
    logging.getLogger("arc_agi.scorecard").setLevel(logging.WARNING)
    return logger


def toolkit_loop(games_dir: Path, game_id: str, commands: list[int]) -> float:
    arcade = Arcade(operation_mode=OperationMode.OFFLINE, environments_dir=str(games_dir), logger=_quiet())
    env = arcade.make(game_id, seed=0, scorecard_id=arcade.open_scorecard())
    assert env is not None
    actions = [ToolkitAction.from_id(a) for a in commands]
    start = time.perf_counter()
    for action in actions:
        env.step(action, data=_data(game_id, action.value))
    return len(commands) / (time.perf_counter() - start)


async def _play(client: ArcClient, game_id: str, commands: list[int], games: int = 1) -> float:
    async with client.scorecard() as card:
        sessions = [await card.start(game_id) for _ in range(games)]

        async def run(session: Any) -> None:
            for action in commands:
                if action == 6:
                    await session.step(GameAction.ACTION6, x=32, y=32)
                else:
                    await session.step(GameAction(action))

        start = time.perf_counter()
        await asyncio.gather(*(run(s) for s in sessions))
        elapsed = time.perf_counter() - start
    return games * len(commands) / elapsed


async def bare_httpx_loop(base_url: str, game_id: str, commands: list[int]) -> float:
    headers = {"X-API-Key": "bench", "Content-Type": "application/json"}
    async with httpx.AsyncClient(base_url=base_url, headers=headers) as client:
        card_id = (await client.post("/api/scorecard/open", json={})).json()["card_id"]
        first = (await client.post("/api/cmd/RESET", json={"game_id": game_id, "card_id": card_id})).json()
        guid = first["guid"]
        start = time.perf_counter()
        for action in commands:
            body = _data(game_id, action) | {"guid": guid}
            response = await client.post(f"/api/cmd/{ToolkitAction.from_id(action).name}", json=body)
            response.raise_for_status()
            response.json()
        elapsed = time.perf_counter() - start
        await client.post("/api/scorecard/close", json={"card_id": card_id})
    return len(commands) / elapsed


class LatencyProxy:
    """A loopback TCP proxy that holds every client->server chunk for `delay` seconds.

    It stands in for the network between us and the hosted API (tens of ms per request), so the
    8-vs-1 figure shows whether the client overlaps waiting games, not how fast 2 local cores serve.
    """

    def __init__(self, target_port: int, delay: float) -> None:
        self.target_port = target_port
        self.delay = delay
        self.port = 0
        self._server: asyncio.Server | None = None

    async def __aenter__(self) -> LatencyProxy:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()

    async def _handle(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        server_reader, server_writer = await asyncio.open_connection("127.0.0.1", self.target_port)

        async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, delay: float) -> None:
            try:
                while chunk := await reader.read(65536):
                    if delay:
                        await asyncio.sleep(delay)
                    writer.write(chunk)
                    await writer.drain()
            except (ConnectionError, asyncio.CancelledError):
                pass
            finally:
                writer.close()

        with contextlib.suppress(asyncio.CancelledError):  # the run is over and its loop is closing
            await asyncio.gather(pipe(client_reader, server_writer, self.delay),
                                 pipe(server_reader, client_writer, 0.0))


def row(label: str, ours: float, theirs: float, unit: str) -> None:
    overhead = (theirs / ours - 1.0) * 100.0
    extra_us = (1.0 / ours - 1.0 / theirs) * 1e6
    print(f"  {label:<40} {ours:8.0f} {unit} vs {theirs:8.0f} {unit}   overhead {overhead:+6.1f} % "
          f"({extra_us:+.1f} us per command)")


def alternate(first: Callable[[], float], second: Callable[[], float], repeat: int) -> tuple[float, float]:
    """Best of `repeat` runs each, taken in turns so that load on the machine hits both alike."""
    a, b = [], []
    for _ in range(repeat):
        a.append(first())
        b.append(second())
    return max(a), max(b)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--games-dir", type=Path, default=FIXTURES)
    parser.add_argument("--game", default="fxmz-0a1b2c3d")
    parser.add_argument("--actions", type=int, default=2000, help="in-process commands per run")
    parser.add_argument("--http-actions", type=int, default=300, help="HTTP commands per run")
    parser.add_argument("--repeat", type=int, default=5, help="runs per figure; the best is shown")
    parser.add_argument("--latency-ms", type=float, default=30.0,
                        help="delay per request added by a loopback proxy for the remote-like 8-vs-1 figure")
    args = parser.parse_args()

    commands = plan_commands(args.games_dir, args.game, args.actions)
    http_commands = commands[: args.http_actions]
    print(f"game {args.game} from {args.games_dir}; {len(commands)} in-process and "
          f"{len(http_commands)} HTTP commands per run, best of {args.repeat}")

    async def local(games: int = 1) -> float:
        async with ArcClient.local(args.games_dir) as client:
            return await _play(client, args.game, commands, games)

    print("in-process (steps/s)")
    ours, toolkit = alternate(
        lambda: asyncio.run(local()), lambda: toolkit_loop(args.games_dir, args.game, commands), args.repeat
    )
    row("LocalBackend+GameSession vs toolkit loop", ours, toolkit, "st/s")

    with LocalServer(args.games_dir) as server:

        async def http(games: int = 1) -> float:
            async with ArcClient.http(server.base_url, "bench", requests_per_minute=None) as client:
                return await _play(client, args.game, http_commands, games)

        print("official local server (requests/s)")
        ours_http, bare = alternate(
            lambda: asyncio.run(http()),
            lambda: asyncio.run(bare_httpx_loop(server.base_url, args.game, http_commands)),
            args.repeat,
        )
        row("HttpBackend+GameSession vs bare httpx", ours_http, bare, "rq/s")

        print("8 concurrent games vs 1 (aggregate)")
        eight_http, one_http = alternate(lambda: asyncio.run(http(8)), lambda: asyncio.run(http()), args.repeat)
        print(f"  {'http':<40} {eight_http:8.0f} rq/s vs {one_http:8.0f} rq/s   ratio {eight_http / one_http:5.2f}x")

        async def over_latency(games: int) -> float:
            port = int(server.base_url.rsplit(":", 1)[1])
            async with LatencyProxy(port, args.latency_ms / 1000) as proxy:
                url = f"http://127.0.0.1:{proxy.port}"
                async with ArcClient.http(url, "bench", requests_per_minute=None) as client:
                    return await _play(client, args.game, http_commands[: args.http_actions // 3], games)

        eight_far, one_far = alternate(lambda: asyncio.run(over_latency(8)), lambda: asyncio.run(over_latency(1)),
                                       args.repeat)
        label = f"http, +{args.latency_ms:.0f} ms per request"
        print(f"  {label:<40} {eight_far:8.0f} rq/s vs {one_far:8.0f} rq/s   ratio {eight_far / one_far:5.2f}x")
    eight_local, one_local = alternate(lambda: asyncio.run(local(8)), lambda: asyncio.run(local()), args.repeat)
    print(f"  {'local':<40} {eight_local:8.0f} st/s vs {one_local:8.0f} st/s   ratio {eight_local / one_local:5.2f}x")


if __name__ == "__main__":
    main()
