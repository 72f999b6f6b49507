"""Server-sent events for the live pages: a nudge per hand-over event, the page re-fetches.

The stream says only *that* something changed (`inbox`, and `conv-<id>` for one conversation);
the pages then GET their fragment, so what a user may see is decided in one place. A stream
ends after STREAM_SECONDS (the browser's EventSource reconnects), and pages also refresh on a
timer, since with several replicas each one hears only its own events. `python -m suban` stops
within a few seconds although streams are open (uvicorn's graceful shutdown timeout).
"""

import asyncio
import threading
from collections.abc import AsyncIterator

from fastapi import Request

from backend.handoff.events import broker

STREAM_SECONDS = 120.0
KEEPALIVE_SECONDS = 15.0
POLL_SECONDS = 1.0  # how soon a stream notices the server stopping or the client leaving

_stopping = threading.Event()


def stop_streams() -> None:
    """End every open stream within POLL_SECONDS (the server is stopping)."""
    _stopping.set()


def sse(event: str, data: str) -> str:
    """One server-sent event."""
    return f"event: {event}\ndata: {data}\n\n"


async def handoff_stream(request: Request) -> AsyncIterator[str]:
    """Nudges for every hand-over event until the client leaves, the server stops or the
    stream's time is up."""
    loop = asyncio.get_running_loop()
    async with broker.subscribe() as queue:
        yield "retry: 3000\n\n"
        ends = loop.time() + STREAM_SECONDS
        keepalive = loop.time() + KEEPALIVE_SECONDS
        while loop.time() < ends and not _stopping.is_set():
            try:
                item = await asyncio.wait_for(queue.get(), timeout=POLL_SECONDS)
            except TimeoutError:
                if await request.is_disconnected():
                    break
                if loop.time() >= keepalive:
                    keepalive = loop.time() + KEEPALIVE_SECONDS
                    yield ": keep-alive\n\n"
                continue
            yield sse("inbox", item.kind)
            yield sse(f"conv-{item.conversation_id}", item.kind)
