"""The REST backend: the hosted ARC-AGI-3 API or the toolkit's local server (`listen_and_serve`).

Retry rules, because commands change game state and carry no idempotency key:
- GETs are retried on 5xx, 429 and transport errors, with exponential back-off and full jitter.
- Commands (every POST) are re-sent only when they provably never took effect: the connection was
  never made (ConnectError, ConnectTimeout, PoolTimeout) or the server refused them with 429.
  After a read timeout or a dropped connection the command may have been applied, so it is not
  re-sent: `CommandUnconfirmedError` is raised and `resync(card_id)` re-reads the scorecard, whose
  action count tells the caller whether the command landed. A 5xx on a command is not re-sent.

Each scorecard gets its own `httpx.AsyncClient`, hence its own cookie jar: the hosted service pins
a session to one machine with `AWSALB*` cookies that must come back on every later call.
"""

from __future__ import annotations

import asyncio
import logging
import random
import re
import time
from typing import Any

import httpx

from .backend import Backend
from .errors import (
    ArcHTTPError,
    AuthenticationError,
    CommandUnconfirmedError,
    GameNotStartedError,
    RateLimitedError,
    ResponseFormatError,
    ServerUnavailableError,
    redact,
)
from .rate_limit import TokenBucket
from .types import FRAME_SIZE, FrameResponse, GameAction, GameInfo, ScorecardSummary, validate_action

log = logging.getLogger("arc_client.http")

DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=5.0)
# Transport failures that prove the request never left this machine: re-sending cannot double-apply.
_NEVER_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
_HTML_TITLE = re.compile(r"<title>(.*?)</title>", re.IGNORECASE | re.DOTALL)


class HttpBackend(Backend):
    """Async REST client. `requests_per_minute=None` disables the shared rate limit (local server)."""

    kind = "http"

    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        requests_per_minute: float | None = 600,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        max_connections: int = 10,
        max_retries: int = 4,
        backoff_base: float = 0.5,
        backoff_cap: float = 30.0,
        refresh_cookies_after: float = 300.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._api_key = api_key
        self.timeout = timeout
        self.limits = httpx.Limits(max_connections=max_connections, max_keepalive_connections=max_connections)
        self.max_retries = max_retries
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.refresh_cookies_after = refresh_cookies_after
        self._transport = transport
        self._limiter = TokenBucket.per_minute(requests_per_minute) if requests_per_minute else None
        self._cards: dict[str, httpx.AsyncClient] = {}
        self._last_answer: dict[str, float] = {}
        self._shared: httpx.AsyncClient | None = None

    def __repr__(self) -> str:  # never show the key
        return f"HttpBackend({self.base_url!r})"

    # ----- clients ---------------------------------------------------------------------------

    def _new_client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            base_url=self.base_url,
            headers={
                "X-API-Key": self._api_key,
                "Content-Type": "application/json",
                "Accept": "application/json",
            },
            timeout=self.timeout,
            limits=self.limits,
            transport=self._transport,
            follow_redirects=False,
        )

    def _shared_client(self) -> httpx.AsyncClient:
        if self._shared is None:
            self._shared = self._new_client()
        return self._shared

    def _card_client(self, card_id: str) -> httpx.AsyncClient:
        """The client (cookie jar) of a scorecard; one is made for cards opened elsewhere."""
        client = self._cards.get(card_id)
        if client is None:
            client = self._cards[card_id] = self._new_client()
        return client

    # ----- the protocol ----------------------------------------------------------------------

    async def list_games(self) -> list[GameInfo]:
        body = await self._request(self._shared_client(), "GET", "/api/games", what="list games")
        if not isinstance(body, list) or not all(isinstance(g, dict) and "game_id" in g for g in body):
            raise self._format_error(200, "GET /api/games did not return a list of games")
        return [GameInfo.from_json(g) for g in body]

    async def open_scorecard(
        self,
        tags: list[str] | None = None,
        source_url: str | None = None,
        opaque: Any = None,
        competition_mode: bool = False,
    ) -> str:
        payload: dict[str, Any] = {"tags": list(tags or [])}
        if source_url is not None:
            payload["source_url"] = source_url
        if opaque is not None:
            payload["opaque"] = opaque
        if competition_mode:
            # Only when asked: the local server switches competition mode on for any value, even false.
            payload["competition_mode"] = True
        client = self._new_client()
        try:
            body = await self._request(client, "POST", "/api/scorecard/open", json=payload, what="open scorecard")
            if not isinstance(body, dict) or not body.get("card_id"):
                raise self._format_error(200, "POST /api/scorecard/open did not return a card_id")
        except BaseException:
            await client.aclose()
            raise
        card_id = str(body["card_id"])
        self._cards[card_id] = client
        self._last_answer[card_id] = time.monotonic()
        return card_id

    async def get_scorecard(self, card_id: str) -> ScorecardSummary:
        body = await self._request(
            self._card_client(card_id), "GET", f"/api/scorecard/{card_id}", what=f"read scorecard {card_id}"
        )
        self._last_answer[card_id] = time.monotonic()
        return self._summary(body, "GET /api/scorecard")

    async def resync(self, card_id: str) -> ScorecardSummary:
        """Re-read the scorecard after `CommandUnconfirmedError`: its run's action count shows
        whether the unconfirmed command was applied. The caller decides whether to send it again."""
        return await self.get_scorecard(card_id)

    async def close_scorecard(self, card_id: str) -> ScorecardSummary:
        client = self._card_client(card_id)
        await self._refresh_cookies(card_id)
        body = await self._request(
            client, "POST", "/api/scorecard/close", json={"card_id": card_id}, what=f"close scorecard {card_id}"
        )
        summary = self._summary(body, "POST /api/scorecard/close")
        self._cards.pop(card_id, None)
        self._last_answer.pop(card_id, None)
        await client.aclose()
        return summary

    async def command(
        self,
        card_id: str,
        game_id: str,
        action: GameAction,
        guid: str | None = None,
        x: int | None = None,
        y: int | None = None,
        reasoning: Any = None,
        seed: int = 0,
    ) -> FrameResponse:
        validate_action(action, x, y)
        payload: dict[str, Any] = {"game_id": game_id}
        if action is GameAction.RESET:
            payload["card_id"] = card_id
        if guid is not None:
            payload["guid"] = guid
        if action.is_complex:
            payload["x"], payload["y"] = int(x), int(y)  # type: ignore[arg-type]
        if reasoning is not None:
            payload["reasoning"] = reasoning
        what = f"{action.name} on {game_id}"
        body = await self._request(
            self._card_client(card_id), "POST", f"/api/cmd/{action.name}", json=payload, what=what
        )
        self._last_answer[card_id] = time.monotonic()
        return self._frame_response(body, what)

    async def aclose(self) -> None:
        clients = list(self._cards.values())
        if self._shared is not None:
            clients.append(self._shared)
        self._cards.clear()
        self._shared = None
        for client in clients:
            await client.aclose()

    # ----- transport, retries, errors -------------------------------------------------------

    async def _request(
        self, client: httpx.AsyncClient, method: str, path: str, *, what: str, json: Any = None
    ) -> Any:
        """One call with the retry rules of the module docstring; returns the decoded JSON."""
        idempotent = method == "GET"
        attempt = 0
        while True:
            if self._limiter is not None:
                await self._limiter.acquire()
            try:
                response = await client.request(method, path, json=json)
            except _NEVER_SENT as exc:
                if attempt < self.max_retries:
                    attempt = await self._back_off(attempt, f"{method} {path}", type(exc).__name__)
                    continue
                raise ServerUnavailableError(
                    self._clean(
                        f"cannot reach {self.base_url} ({type(exc).__name__}: {exc}); check the URL, "
                        "or start the local server"
                    )
                ) from None
            except httpx.TransportError as exc:
                if idempotent and attempt < self.max_retries:
                    attempt = await self._back_off(attempt, f"{method} {path}", type(exc).__name__)
                    continue
                if idempotent:
                    raise ArcHTTPError(
                        None, "NO_RESPONSE",
                        self._clean(f"{what}: no answer from {self.base_url} ({type(exc).__name__})"),
                        "the server is slow or down; try again later",
                    ) from None
                raise CommandUnconfirmedError(
                    None, "NO_RESPONSE",
                    self._clean(f"{what}: no answer ({type(exc).__name__}); it may have been applied, so it was not re-sent"),
                    "re-read the scorecard (resync) before sending it again",
                ) from None
            status = response.status_code
            if status == 429 and attempt < self.max_retries:
                attempt = await self._back_off(attempt, f"{method} {path}", "429", _retry_after(response))
                continue
            if idempotent and status >= 500 and attempt < self.max_retries:
                attempt = await self._back_off(attempt, f"{method} {path}", str(status))
                continue
            return self._decode(response, what)

    async def _back_off(self, attempt: int, call: str, reason: str, at_least: float = 0.0) -> int:
        """Sleep before retry number attempt+1 (full jitter, capped) and return the new count."""
        delay = random.uniform(0.0, min(self.backoff_cap, self.backoff_base * 2**attempt))
        delay = max(delay, min(at_least, self.backoff_cap))
        log.info("retrying %s after %s in %.2f s (%d/%d)", call, reason, delay, attempt + 1, self.max_retries)
        await asyncio.sleep(delay)
        return attempt + 1

    async def _refresh_cookies(self, card_id: str) -> None:
        """Load-balancer cookies go stale after hours: a cheap GET renews them before closing."""
        last = self._last_answer.get(card_id)
        if last is None or time.monotonic() - last < self.refresh_cookies_after:
            return
        try:
            await self.get_scorecard(card_id)
        except ArcHTTPError as exc:  # e.g. 403 in competition mode; the close itself still decides
            log.info("could not refresh cookies of scorecard %s before closing: %s", card_id, exc)

    def _clean(self, text: str) -> str:
        return redact(" ".join(str(text).split()), self._api_key)

    def _format_error(self, status: int, message: str) -> ResponseFormatError:
        return ResponseFormatError(status, None, self._clean(message), "is the URL an ARC-AGI-3 server?")

    def _decode(self, response: httpx.Response, what: str) -> Any:
        status = response.status_code
        content_type = response.headers.get("content-type", "")
        if 200 <= status < 300:
            if "json" not in content_type.lower():
                raise self._format_error(
                    status, f"{what}: expected JSON, got {content_type or 'no content type'}: {_snippet(response)}"
                )
            try:
                return response.json()
            except ValueError:
                raise self._format_error(status, f"{what}: malformed JSON: {_snippet(response)}") from None
        error, message = _error_fields(response)
        message = self._clean(f"{what}: {message}")
        if status == 401:
            return_error: ArcHTTPError = AuthenticationError(status, error, message, "check ARC_API_KEY")
        elif status == 429:
            return_error = RateLimitedError(
                status, error, message, "lower requests_per_minute or run fewer games at once"
            )
        elif status == 400 and error == "GAME_NOT_STARTED_ERROR":
            return_error = GameNotStartedError(status, error, message, "" if "RESET" in message else "send RESET")
        else:
            return_error = ArcHTTPError(status, error, message)
        raise return_error

    def _summary(self, body: Any, call: str) -> ScorecardSummary:
        if not isinstance(body, dict) or "card_id" not in body:
            raise self._format_error(200, f"{call} did not return a scorecard")
        try:
            return ScorecardSummary.from_json(body)
        except (KeyError, TypeError, ValueError) as exc:
            raise self._format_error(200, f"{call} returned a malformed scorecard ({exc})") from None

    def _frame_response(self, body: Any, what: str) -> FrameResponse:
        if not isinstance(body, dict) or not isinstance(body.get("frame"), list) or not body["frame"]:
            raise self._format_error(200, f"{what}: the answer holds no frame")
        try:
            response = FrameResponse.from_json(body)
        except (KeyError, TypeError, ValueError) as exc:
            raise self._format_error(200, f"{what}: malformed frame response ({exc})") from None
        if any(f.shape != (FRAME_SIZE, FRAME_SIZE) for f in response.frames):
            raise self._format_error(200, f"{what}: a frame is not {FRAME_SIZE}x{FRAME_SIZE}")
        return response


def _retry_after(response: httpx.Response) -> float:
    try:
        return max(0.0, float(response.headers.get("retry-after", 0)))
    except ValueError:  # an HTTP date: fall back to our own back-off
        return 0.0


def _snippet(response: httpx.Response, limit: int = 120) -> str:
    """A short one-line description of a body: the <title> of an HTML page, else its start."""
    text = response.text
    title = _HTML_TITLE.search(text)
    if title:
        return f"HTML page '{' '.join(title.group(1).split())}'"
    text = " ".join(text.split())
    return repr(text[:limit] + ("..." if len(text) > limit else ""))


def _error_fields(response: httpx.Response) -> tuple[str | None, str]:
    """The API's {error, message}, or a description of whatever else came back."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict) and ("error" in body or "message" in body):
        error = body.get("error")
        return (str(error) if error is not None else None), str(body.get("message") or error or "")
    return None, f"unexpected answer: {_snippet(response)}"
