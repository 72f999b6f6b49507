"""Server-sent events for the live pages: a nudge per hand-over event, the page re-fetches.

The stream says only *that* something changed (`inbox`, and `conv-<id>` for one conversation);
the pages then GET their fragment, so what a user may see is decided in one place. A stream
ends after STREAM_SECONDS (the browser's EventSource reconnects), and pages also refresh on a
timer, since with several replicas each one hears only its own events.
"""

import asyncio
from collections.abc import AsyncIterator

from fastapi import Request

from backend.handoff.events import broker

STREAM_SECONDS = 300.0
KEEPALIVE_SECONDS = 15.0


def sse(event: str, data: str) -> str:
    """One server-sent event."""
    return f"event: {event}\ndata: {data}\n\n"


async def handoff_stream(request: Request) -> AsyncIterator[str]:
    """Nudges for every hand-over event until the client leaves or the stream's time is up."""
    loop = asyncio.get_running_loop()
    async with broker.subscribe() as queue:
        yield "retry: 3000\n\n"
        ends = loop.time() + STREAM_SECONDS
        while loop.time() < ends and not await request.is_disconnected():
            try:
                item = await asyncio.wait_for(queue.get(), timeout=KEEPALIVE_SECONDS)
            except TimeoutError:
                yield ": keep-alive\n\n"
                continue
            yield sse("inbox", item.kind)
            yield sse(f"conv-{item.conversation_id}", item.kind)
