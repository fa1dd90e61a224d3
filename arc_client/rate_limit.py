"""An asyncio token bucket: the request budget that every game of one HTTP backend shares.

The hosted API allows 600 requests a minute per key; concurrent games must split that budget,
so one bucket lives in the backend, not in each game or scorecard.
"""

from __future__ import annotations

import asyncio
import time


class TokenBucket:
    """`rate` requests per second on average, at most `burst` at once.

    Waiters are served in arrival order: the lock is held while a waiter sleeps for its token,
    so a burst of concurrent games cannot starve one of them.
    """

    def __init__(self, rate: float, burst: float | None = None) -> None:
        if rate <= 0:
            raise ValueError(f"rate must be positive, got {rate}")
        self.rate = float(rate)
        self.burst = float(burst) if burst is not None else max(1.0, self.rate)
        self._tokens = self.burst
        self._updated = time.monotonic()
        self._lock = asyncio.Lock()

    @classmethod
    def per_minute(cls, requests_per_minute: float, burst: float | None = None) -> TokenBucket:
        """A bucket for a limit given per minute; the default burst is one second's share."""
        rate = requests_per_minute / 60.0
        return cls(rate, burst if burst is not None else max(1.0, rate))

    def _refill(self) -> None:
        now = time.monotonic()
        self._tokens = min(self.burst, self._tokens + (now - self._updated) * self.rate)
        self._updated = now

    async def acquire(self) -> None:
        """Wait until one request may be sent."""
        async with self._lock:
            self._refill()
            while self._tokens < 1.0:
                await asyncio.sleep((1.0 - self._tokens) / self.rate)
                self._refill()
            self._tokens -= 1.0
