"""In-process publish/subscribe of hand-over events, for live pages (server-sent events).

Service functions `announce` an event on their session; it is published only once that
session commits (dropped on rollback), so a subscriber never sees a change that was not saved.
Subscribers get an asyncio queue each; publishing is thread-safe (API work runs in threads).
With several platform replicas each one hears only its own events: live pages then also
refresh on a timer.
"""

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from threading import Lock
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from storage.models import Conversation

log = logging.getLogger(__name__)

PENDING_KEY = "handoff_events"
QUEUE_SIZE = 1000


class EventKind(StrEnum):
    """What happened."""

    waiting = "waiting"  # a conversation started waiting for a person
    message = "message"  # a new message in a conversation (citizen, bot, operator, note)
    state = "state"  # claimed, released, expired, delivery state changed


@dataclass(frozen=True, slots=True)
class HandoffEvent:
    """One event about one conversation."""

    kind: EventKind
    conversation_id: int
    channel: str
    chat_id: str
    state: str
    data: dict[str, Any] = field(default_factory=dict)


class Broker:
    """Fan-out of events to every subscriber's queue; a full queue drops (the page refreshes)."""

    def __init__(self) -> None:
        self._subscribers: set[tuple[asyncio.AbstractEventLoop, asyncio.Queue[HandoffEvent]]] = (
            set()
        )
        self._lock = Lock()

    def publish(self, item: HandoffEvent) -> None:
        """Hand `item` to every subscriber; callable from any thread."""
        with self._lock:
            subscribers = list(self._subscribers)
        for loop, queue in subscribers:
            try:
                loop.call_soon_threadsafe(_offer, queue, item)
            except RuntimeError:  # the subscriber's loop is closed
                continue

    @asynccontextmanager
    async def subscribe(self) -> AsyncIterator[asyncio.Queue[HandoffEvent]]:
        """A queue that receives every event published while the block runs."""
        entry = (asyncio.get_running_loop(), asyncio.Queue[HandoffEvent](maxsize=QUEUE_SIZE))
        with self._lock:
            self._subscribers.add(entry)
        try:
            yield entry[1]
        finally:
            with self._lock:
                self._subscribers.discard(entry)

    @property
    def subscriber_count(self) -> int:
        """How many subscribers listen now."""
        with self._lock:
            return len(self._subscribers)


def _offer(queue: asyncio.Queue[HandoffEvent], item: HandoffEvent) -> None:
    try:
        queue.put_nowait(item)
    except asyncio.QueueFull:
        log.warning("a hand-over subscriber is too slow; an event was dropped")


broker = Broker()
"""The process's broker: `async with broker.subscribe() as queue: await queue.get()`."""


def announce(session: Session, item: HandoffEvent) -> None:
    """Publish `item` when `session` commits."""
    session.info.setdefault(PENDING_KEY, []).append(item)


def announce_about(
    session: Session, conversation: Conversation, kind: EventKind, **data: Any
) -> None:
    """Publish an event about `conversation` in its current state when `session` commits."""
    identity = conversation.channel_identity
    announce(
        session,
        HandoffEvent(
            kind=kind,
            conversation_id=conversation.id,
            channel=identity.channel,
            chat_id=identity.chat_id,
            state=conversation.state,
            data=data,
        ),
    )


@event.listens_for(Session, "after_commit")
def _publish_committed(session: Session) -> None:
    for item in session.info.pop(PENDING_KEY, []):
        broker.publish(item)


@event.listens_for(Session, "after_rollback")
def _drop_rolled_back(session: Session) -> None:
    session.info.pop(PENDING_KEY, None)
