"""Faults the real server cannot produce on demand: httpx.MockTransport and a tiny loopback server.

The retry rule under test: GETs are retried; a command is re-sent only when it provably never
reached the server (connection refused, 429); after a lost answer it is never re-sent.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from arc_client import (
    ArcHTTPError,
    AuthenticationError,
    CommandUnconfirmedError,
    GameAction,
    GameNotStartedError,
    InvalidActionError,
    RateLimitedError,
    ResponseFormatError,
    ServerUnavailableError,
)
from arc_client.http_backend import HttpBackend
from arc_client.local_server import free_port

KEY = "sk-FAULTS-7f3a9c-do-not-leak"
BASE = "http://arc.test"


def frame_body(action: int = 1, guid: str = "g-1") -> dict[str, Any]:
    return {
        "game_id": "fxmz-0a1b2c3d",
        "guid": guid,
        "frame": [[[0] * 64 for _ in range(64)]],
        "state": "NOT_FINISHED",
        "levels_completed": 0,
        "win_levels": 3,
        "action_input": {"id": action, "data": {}},
        "available_actions": [1, 2, 3, 4],
    }


class Scripted:
    """A MockTransport handler that answers from a list, one entry per request, and logs requests."""

    def __init__(self, *answers: httpx.Response | Exception | Callable[[httpx.Request], httpx.Response]) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, Exception):
            raise answer
        if callable(answer) and not isinstance(answer, httpx.Response):
            return answer(request)
        return answer


def backend(handler: Scripted, **options: Any) -> HttpBackend:
    options.setdefault("requests_per_minute", None)
    options.setdefault("backoff_base", 0.001)
    return HttpBackend(BASE, KEY, transport=httpx.MockTransport(handler), **options)


def ok(body: Any, **headers: str) -> httpx.Response:
    return httpx.Response(200, json=body, headers=headers)


async def step(b: HttpBackend) -> Any:
    return await b.command("card-1", "fxmz-0a1b2c3d", GameAction.ACTION1, guid="g-1")


async def test_429_then_success_resends_the_command() -> None:
    handler = Scripted(httpx.Response(429), httpx.Response(429, headers={"Retry-After": "0"}), ok(frame_body()))
    b = backend(handler)
    frame = await step(b)
    assert frame.action_input.id is GameAction.ACTION1
    assert len(handler.requests) == 3
    await b.aclose()


async def test_429_that_persists_is_a_rate_limited_error() -> None:
    handler = Scripted(httpx.Response(429, json={"error": "RATE_LIMIT_EXCEEDED", "message": "slow down"}))
    b = backend(handler, max_retries=2)
    with pytest.raises(RateLimitedError) as caught:
        await step(b)
    assert caught.value.status == 429 and caught.value.error == "RATE_LIMIT_EXCEEDED"
    assert len(handler.requests) == 3
    await b.aclose()


async def test_get_is_retried_on_5xx() -> None:
    handler = Scripted(httpx.Response(503), httpx.Response(502), ok([{"game_id": "fxmz-0a1b2c3d"}]))
    b = backend(handler)
    games = await b.list_games()
    assert [g.game_id for g in games] == ["fxmz-0a1b2c3d"]
    assert len(handler.requests) == 3
    await b.aclose()


async def test_command_is_not_resent_on_5xx() -> None:
    handler = Scripted(httpx.Response(500, json={"error": "SERVER_ERROR", "message": "boom"}), ok(frame_body()))
    b = backend(handler)
    with pytest.raises(ArcHTTPError) as caught:
        await step(b)
    assert (caught.value.status, caught.value.error) == (500, "SERVER_ERROR") and "boom" in str(caught.value)
    assert len(handler.requests) == 1
    await b.aclose()


async def test_read_timeout_on_a_command_is_not_resent_and_resync_reads_the_card() -> None:
    card = {"card_id": "card-1", "score": 0, "environments": [
        {"id": "fxmz-0a1b2c3d", "runs": [{"guid": "g-1", "score": 0, "levels_completed": 0, "actions": 1}]}]}
    handler = Scripted(httpx.ReadTimeout("slow"), ok(card))
    b = backend(handler)
    with pytest.raises(CommandUnconfirmedError) as caught:
        await step(b)
    assert "not re-sent" in str(caught.value) and "resync" in str(caught.value)
    assert len(handler.requests) == 1
    summary = await b.resync("card-1")
    assert summary.total_actions == 1  # the caller sees the lost ACTION1 did land
    assert handler.requests[1].method == "GET"
    await b.aclose()


async def test_read_timeout_on_a_get_is_retried() -> None:
    handler = Scripted(httpx.ReadTimeout("slow"), ok([]))
    b = backend(handler)
    assert await b.list_games() == []
    assert len(handler.requests) == 2
    await b.aclose()


async def test_connect_error_means_never_sent_so_the_command_is_resent() -> None:
    handler = Scripted(httpx.ConnectError("refused"), ok(frame_body()))
    b = backend(handler)
    await step(b)
    assert len(handler.requests) == 2
    await b.aclose()


@pytest.mark.parametrize(
    ("answer", "fragment"),
    [
        (httpx.Response(200, content=b"{not json", headers={"Content-Type": "application/json"}), "malformed JSON"),
        (httpx.Response(200, html="<html><title>Login</title></html>"), "HTML page 'Login'"),
        (httpx.Response(200, text=json.dumps(frame_body()), headers={"Content-Type": "text/plain"}), "text/plain"),
        (httpx.Response(200, json={"unexpected": True}), "no frame"),
    ],
)
async def test_answers_that_are_not_the_protocol_are_format_errors(answer: httpx.Response, fragment: str) -> None:
    b = backend(Scripted(answer))
    with pytest.raises(ResponseFormatError) as caught:
        await step(b)
    assert fragment in str(caught.value) and caught.value.status == 200
    await b.aclose()


async def test_html_error_page_is_an_http_error_with_its_title() -> None:
    page = "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"
    b = backend(Scripted(httpx.Response(502, html=page)))
    with pytest.raises(ArcHTTPError) as caught:
        await step(b)
    assert caught.value.status == 502 and "502 Bad Gateway" in str(caught.value)
    assert "\n" not in str(caught.value)
    await b.aclose()


async def test_rejected_key_is_an_authentication_error_without_the_key() -> None:
    # Servers may quote the key they rejected; it must not reach the exception text.
    body = {"error": "UNAUTHORIZED", "message": f"invalid API key {KEY}"}
    b = backend(Scripted(httpx.Response(401, json=body)))
    with pytest.raises(AuthenticationError) as caught:
        await b.list_games()
    text = str(caught.value)
    assert caught.value.status == 401 and "ARC_API_KEY" in text and KEY not in text
    assert KEY not in repr(b)
    await b.aclose()


async def test_game_not_started_is_typed() -> None:
    body = {"error": "GAME_NOT_STARTED_ERROR", "message": "send RESET to begin playing"}
    b = backend(Scripted(httpx.Response(400, json=body)))
    with pytest.raises(GameNotStartedError):
        await step(b)
    await b.aclose()


async def test_every_request_carries_key_and_content_type_and_no_false_competition_mode() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/scorecard/open":
            assert "competition_mode" not in json.loads(request.content)
            return ok({"card_id": "card-1"})
        return ok(frame_body())

    handler = Scripted(answer)
    b = backend(handler)
    card_id = await b.open_scorecard(tags=["t"])
    await b.command(card_id, "fxmz-0a1b2c3d", GameAction.RESET)
    await b.command(card_id, "fxmz-0a1b2c3d", GameAction.ACTION6, guid="g-1", x=3, y=63)
    assert all(r.headers["X-API-Key"] == KEY for r in handler.requests)
    assert all(r.headers["Content-Type"] == "application/json" for r in handler.requests)
    reset, click = (json.loads(r.content) for r in handler.requests[1:])
    assert reset == {"game_id": "fxmz-0a1b2c3d", "card_id": "card-1"}
    assert click == {"game_id": "fxmz-0a1b2c3d", "guid": "g-1", "x": 3, "y": 63}
    await b.aclose()


async def test_click_without_or_outside_coordinates_is_refused_before_sending() -> None:
    handler = Scripted(ok(frame_body()))
    b = backend(handler)
    for x, y in [(None, None), (5, None), (64, 0), (0, -1)]:
        with pytest.raises(InvalidActionError):
            await b.command("card-1", "fxmz-0a1b2c3d", GameAction.ACTION6, guid="g-1", x=x, y=y)
    assert handler.requests == []
    await b.aclose()


async def test_load_balancer_cookies_come_back_per_scorecard() -> None:
    issued = iter(["first", "second"])
    seen: list[tuple[str, str | None]] = []

    def answer(request: httpx.Request) -> httpx.Response:
        path = request.url.path
        seen.append((path, request.headers.get("cookie")))
        if path == "/api/scorecard/open":
            value = next(issued)
            return ok({"card_id": f"card-{value}"}, **{"Set-Cookie": f"AWSALB={value}; Path=/"})
        if path == "/api/cmd/ACTION2":  # the balancer re-pins the session mid-game
            return ok(frame_body(2), **{"Set-Cookie": "AWSALB=moved; Path=/"})
        if path.startswith("/api/scorecard/"):
            return ok({"card_id": "x", "score": 0})
        return ok(frame_body())

    b = backend(Scripted(answer), refresh_cookies_after=0.0)
    card_a = await b.open_scorecard()
    card_b = await b.open_scorecard()
    await b.command(card_a, "fxmz-0a1b2c3d", GameAction.ACTION1, guid="g-1")
    await b.command(card_b, "fxmz-0a1b2c3d", GameAction.ACTION1, guid="g-2")
    await b.command(card_a, "fxmz-0a1b2c3d", GameAction.ACTION2, guid="g-1")
    await b.command(card_a, "fxmz-0a1b2c3d", GameAction.ACTION1, guid="g-1")
    await b.close_scorecard(card_a)
    assert seen == [
        ("/api/scorecard/open", None),
        ("/api/scorecard/open", None),
        ("/api/cmd/ACTION1", "AWSALB=first"),
        ("/api/cmd/ACTION1", "AWSALB=second"),
        ("/api/cmd/ACTION2", "AWSALB=first"),
        ("/api/cmd/ACTION1", "AWSALB=moved"),
        ("/api/scorecard/card-first", "AWSALB=moved"),  # refresh before closing
        ("/api/scorecard/close", "AWSALB=moved"),
    ]
    await b.aclose()


# ----- real sockets --------------------------------------------------------------------------


@pytest.fixture
def dropping_server() -> Iterator[tuple[str, list[bytes]]]:
    """A loopback server that reads each request and closes the connection without answering."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(0.05)  # so the thread notices `stop` quickly
    received: list[bytes] = []
    stop = threading.Event()

    def run() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            with conn:
                conn.settimeout(2)
                received.append(conn.recv(65536))

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}", received
    stop.set()
    thread.join(timeout=2)
    listener.close()


async def test_connection_dropped_mid_command_is_not_resent(dropping_server: tuple[str, list[bytes]]) -> None:
    url, received = dropping_server
    b = HttpBackend(url, KEY, requests_per_minute=None, backoff_base=0.001)
    with pytest.raises(CommandUnconfirmedError) as caught:
        await step(b)
    assert len(received) == 1 and received[0].startswith(b"POST /api/cmd/ACTION1")
    assert KEY not in str(caught.value)
    await b.aclose()


async def test_connection_dropped_on_a_get_is_retried_then_reported(dropping_server: tuple[str, list[bytes]]) -> None:
    url, received = dropping_server
    b = HttpBackend(url, KEY, requests_per_minute=None, backoff_base=0.001, max_retries=2)
    with pytest.raises(ArcHTTPError) as caught:
        await b.list_games()
    assert len(received) == 3 and caught.value.error == "NO_RESPONSE"
    await b.aclose()


async def test_unreachable_server_names_the_url() -> None:
    url = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    b = HttpBackend(url, KEY, requests_per_minute=None, backoff_base=0.001, max_retries=1)
    with pytest.raises(ServerUnavailableError) as caught:
        await b.open_scorecard()
    assert url in str(caught.value) and "start the local server" in str(caught.value)
    assert KEY not in str(caught.value)
    await b.aclose()
