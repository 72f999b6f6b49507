"""Hold citizens' messages while Rasa loads another model, so none is dropped.

Rasa's `PUT /model` loads the new model inside Rasa's event loop: for the whole load (measured
in README) Rasa answers nothing, and a message sent meanwhile would run into the platform's
Rasa timeout and get the "system unavailable" text. So the platform closes this switch before it
asks Rasa to load: it waits for the messages already with Rasa to come back, lets new ones wait
here, loads, and opens again; the waiting messages then go to the new model.
"""

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class SwitchTimeout(Exception):
    """The switch stayed closed longer than a message may wait."""


class ModelSwitch:
    """Open: requests pass (counted). Closed: new requests wait; the closer waits for the
    counted ones to finish first."""

    def __init__(self, *, max_wait_seconds: float) -> None:
        self._max_wait = max_wait_seconds
        self._open = asyncio.Event()
        self._open.set()
        self._idle = asyncio.Event()
        self._idle.set()
        self._in_flight = 0
        self._closing = asyncio.Lock()

    @property
    def is_open(self) -> bool:
        return self._open.is_set()

    @asynccontextmanager
    async def passage(self) -> AsyncIterator[None]:
        """One request to Rasa: waits while the switch is closed."""
        try:
            await asyncio.wait_for(self._open.wait(), self._max_wait)
        except TimeoutError:
            raise SwitchTimeout("Rasa is still loading a model") from None
        self._in_flight += 1
        self._idle.clear()
        try:
            yield
        finally:
            self._in_flight -= 1
            if self._in_flight == 0:
                self._idle.set()

    @asynccontextmanager
    async def closed(self) -> AsyncIterator[None]:
        """Close, wait (bounded) for the requests in flight, run the body, open again."""
        async with self._closing:
            self._open.clear()
            try:
                # a stuck request must not block the activation for ever
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._idle.wait(), self._max_wait)
                yield
            finally:
                self._open.set()
