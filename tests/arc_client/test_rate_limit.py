"""The shared token bucket spaces requests; measured loosely (this is no speed test)."""

from __future__ import annotations

import asyncio
import time
from itertools import pairwise

import httpx

from arc_client.http_backend import HttpBackend
from arc_client.rate_limit import TokenBucket


async def test_bucket_spaces_acquires_after_the_burst() -> None:
    bucket = TokenBucket(rate=20.0, burst=2.0)
    start = time.monotonic()
    stamps = []
    for _ in range(6):
        await bucket.acquire()
        stamps.append(time.monotonic() - start)
    assert stamps[1] < 0.03  # the burst goes at once
    assert stamps[-1] >= 4 / 20.0 * 0.9  # four more tokens at 20 per second


async def test_concurrent_games_share_one_budget() -> None:
    stamps: list[float] = []
    start = time.monotonic()

    def answer(request: httpx.Request) -> httpx.Response:
        stamps.append(time.monotonic() - start)
        return httpx.Response(200, json=[])

    # 240 requests a minute = 4 per second, a burst of 4: eight concurrent calls need >= 1 s.
    backend = HttpBackend("http://arc.test", "k", requests_per_minute=240, transport=httpx.MockTransport(answer))
    await asyncio.gather(*(backend.list_games() for _ in range(8)))
    await backend.aclose()
    assert len(stamps) == 8
    assert stamps[3] < 0.2
    assert stamps[-1] >= 1.0 * 0.9
    gaps = [b - a for a, b in pairwise(stamps[4:])]
    assert min(gaps) >= 0.25 * 0.8
