"""Rate limits per chat and per client address, on the `limits` library's moving window.

Counters live where `RATE_LIMIT_STORAGE_URI` says: `memory://` in this process (the embedded
default), `redis://…` shared by several platform replicas. A request is counted only when every
limit that applies lets it through, so a held or refused message does not push its own release
further away.
"""

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from limits import RateLimitItem, parse_many, storage
from limits.aio.strategies import MovingWindowRateLimiter

from backend.settings import Settings


@dataclass(frozen=True, slots=True)
class Verdict:
    """Whether a request may go ahead; when not, which limit stopped it and for how long."""

    allowed: bool
    retry_after: float = 0.0
    by_address: bool = False

    @property
    def seconds(self) -> int:
        """`retry_after` rounded up to whole seconds (what the citizen is told), at least 1."""
        return max(1, math.ceil(self.retry_after))


ALLOWED = Verdict(allowed=True)


class RateLimits:
    """The chat, address and photo limits of the web chat and Telegram."""

    def __init__(
        self,
        *,
        chat: str,
        address: str,
        photo: str,
        storage_uri: str = "memory://",
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._chat = parse_many(chat)
        self._address = parse_many(address)
        self._photo = parse_many(photo)
        self._limiter = MovingWindowRateLimiter(storage.storage_from_string(_async(storage_uri)))
        self._clock = clock

    @classmethod
    def from_settings(cls, settings: Settings) -> "RateLimits":
        """The limits the settings name."""
        return cls(
            chat=settings.chat_rate_limit,
            address=settings.address_rate_limit,
            photo=settings.photo_rate_limit,
            storage_uri=settings.rate_limit_storage_uri,
        )

    async def message(self, *, channel: str, chat_id: str, address: str | None) -> Verdict:
        """Count one message to the bot, unless its chat or its address is over a limit."""
        return await self._admit(self._checks("message", channel, chat_id, address))

    async def photo(self, *, channel: str, chat_id: str, address: str | None) -> Verdict:
        """Count one photo upload, unless its chat or its address is over a limit."""
        return await self._admit(self._checks("photo", channel, chat_id, address))

    def _checks(
        self, kind: str, channel: str, chat_id: str, address: str | None
    ) -> list[tuple[Sequence[RateLimitItem], tuple[str, ...], bool]]:
        per_chat = self._photo if kind == "photo" else self._chat
        checks = [(per_chat, (kind, channel, chat_id), False)]
        if address:
            checks.append((self._address, ("address", address), True))
        return checks

    async def _admit(
        self, checks: list[tuple[Sequence[RateLimitItem], tuple[str, ...], bool]]
    ) -> Verdict:
        waits: list[tuple[float, bool]] = []
        for items, key, by_address in checks:
            for item in items:
                if not await self._limiter.test(item, *key):
                    stats = await self._limiter.get_window_stats(item, *key)
                    waits.append((max(0.0, stats.reset_time - self._clock()), by_address))
        if waits:
            retry_after, by_address = max(waits)
            return Verdict(allowed=False, retry_after=retry_after, by_address=by_address)
        for items, key, _ in checks:
            for item in items:
                await self._limiter.hit(item, *key)
        return ALLOWED


def _async(uri: str) -> str:
    """The asyncio flavour of a storage URI (`memory://` → `async+memory://`)."""
    return uri if uri.startswith("async+") else f"async+{uri}"
