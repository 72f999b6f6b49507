"""Login attempts limited per client address and per username (the `limits` moving window,
in the storage RATE_LIMIT_STORAGE_URI names, as the chat limits)."""

import time
from collections.abc import Callable

from limits import parse_many, storage
from limits.aio.strategies import MovingWindowRateLimiter

from backend.settings import Settings


class LoginThrottle:
    """`allow()` before checking a password; a refused attempt says how long to wait."""

    def __init__(
        self, *, limit: str, storage_uri: str = "memory://", clock: Callable[[], float] = time.time
    ) -> None:
        self._items = parse_many(limit)
        uri = storage_uri if storage_uri.startswith("async+") else f"async+{storage_uri}"
        self._limiter = MovingWindowRateLimiter(storage.storage_from_string(uri))
        self._clock = clock

    @classmethod
    def from_settings(cls, settings: Settings) -> "LoginThrottle":
        return cls(
            limit=settings.console_login_rate_limit, storage_uri=settings.rate_limit_storage_uri
        )

    async def allow(self, *, address: str | None, username: str) -> float:
        """0 when the attempt may go ahead (and is counted), else the seconds to wait."""
        keys = [("console-login-address", address or "?"), ("console-login-user", username)]
        waits = []
        for key in keys:
            for item in self._items:
                if not await self._limiter.test(item, *key):
                    stats = await self._limiter.get_window_stats(item, *key)
                    waits.append(max(1.0, stats.reset_time - self._clock()))
        if waits:
            return max(waits)
        for key in keys:
            for item in self._items:
                await self._limiter.hit(item, *key)
        return 0.0
