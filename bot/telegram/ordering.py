"""Updates from different chats run concurrently; one chat's updates run one by one, in order."""

import asyncio
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor


class ChatLocks:
    """One asyncio lock per chat, created on demand and dropped when nobody holds or awaits it.

    asyncio.Lock wakes its waiters first come, first served, so work queued for one chat runs
    in the order it asked for the lock.
    """

    def __init__(self) -> None:
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}

    @asynccontextmanager
    async def hold(self, chat_id: str | int) -> AsyncIterator[None]:
        """Hold the chat's lock for the duration of the block."""
        key = str(chat_id)
        lock, users = self._locks.get(key) or (asyncio.Lock(), 0)
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[key]
            if users <= 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)

    def __len__(self) -> int:
        """How many chats have work running or waiting."""
        return len(self._locks)


def chat_key(update: object) -> int | None:
    """The chat an update belongs to, or None for updates without one (e.g. inline queries)."""
    if isinstance(update, Update) and update.effective_chat is not None:
        return update.effective_chat.id
    return None


class ChatOrderedUpdateProcessor(BaseUpdateProcessor):
    """PTB's concurrent_updates processor that keeps each chat's updates in arrival order."""

    def __init__(self, max_concurrent_updates: int, *, locks: ChatLocks | None = None) -> None:
        super().__init__(max_concurrent_updates)
        self.locks = locks or ChatLocks()

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Run the update's handlers while holding its chat's lock."""
        key = chat_key(update)
        if key is None:
            await coroutine
            return
        async with self.locks.hold(key):
            await coroutine

    async def initialize(self) -> None:
        """Nothing to set up: locks are made on demand."""

    async def shutdown(self) -> None:
        """Nothing to free: locks go away with their last user."""
