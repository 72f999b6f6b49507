"""The rate-limited way into the bot, for every channel: answer, hold the newest message, or refuse.

A chat over its limit gets its newest message held (bot/held.py) and is told when it will be
handled; a background job (`release_due`) sends held messages to Rasa once the limit allows and
hands the replies to the chat's channel. A message that arrives when the chat is allowed again
first releases the held one, so the chat's messages reach Rasa in order.

When Rasa (or its action server) cannot answer, the message is kept the same way (nothing
dropped: `keep_message` joins it to one already kept), the citizen is told once that the system
is busy, and the release job tries again every `busy_retry_seconds` until Rasa answers.
"""

import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from backend.citizens.language import chat_language, detect_language
from backend.rasa.client import RasaClient, RasaUnavailable
from backend.rasa.replies import BotReply
from backend.settings import Settings
from bot.delivery.store import store_replies
from bot.held import (
    Held,
    chat_held,
    claim,
    due_messages,
    held_from_address,
    hold_message,
    keep_message,
    postpone,
)
from bot.pipeline import handle_inbound
from bot.texts import bot_text
from bot.throttle import RateLimits, Verdict
from bot.transactions import run_in_transaction
from storage.models import utcnow

log = logging.getLogger(__name__)

Release = Callable[[Held], Awaitable[None]]
"""Sends one released message to Rasa and its replies to the chat (one per channel)."""


class Outcome(StrEnum):
    """What became of an inbound message."""

    answered = "answered"  # Rasa answered it (and a message held before it)
    held = "held"  # the chat is over its limit: kept as its newest message, handled later
    refused = "refused"  # its address holds too many messages already: dropped, try later
    busy = "busy"  # Rasa could not answer: kept, answered when it is back


@dataclass(frozen=True)
class Admission:
    """The replies for the citizen, what became of the message, and when to try again."""

    outcome: Outcome
    replies: list[BotReply] = field(default_factory=list)
    retry_after: int = 0
    first_hold: bool = False  # held, and no message of this chat was waiting before


class InboundGate:
    """Rate limits in front of `handle_inbound`, with the held-message store behind them."""

    def __init__(
        self,
        *,
        limits: RateLimits,
        session_factory: sessionmaker[Session],
        held_per_address_max: int,
        busy_retry_seconds: float = 5.0,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.limits = limits
        self._session_factory = session_factory
        self._held_per_address_max = held_per_address_max
        self._busy_retry = timedelta(seconds=busy_retry_seconds)
        self._clock = clock

    @classmethod
    def from_settings(
        cls, *, settings: Settings, session_factory: sessionmaker[Session]
    ) -> "InboundGate":
        """The gate with the limits the settings name."""
        return cls(
            limits=RateLimits.from_settings(settings),
            session_factory=session_factory,
            held_per_address_max=settings.held_per_address_max,
            busy_retry_seconds=settings.busy_retry_seconds,
        )

    async def converse(
        self,
        *,
        rasa: RasaClient,
        channel: str,
        chat_id: str | int,
        text: str,
        address: str | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> Admission:
        """Send the message to Rasa when the limits allow it, else hold (or refuse) it."""
        chat = str(chat_id)
        verdict = await self.limits.message(channel=channel, chat_id=chat, address=address)
        if not verdict.allowed:
            return await self._hold(channel, chat, text, address, metadata or {}, verdict)
        replies: list[BotReply] = []
        earlier = await run_in_transaction(
            self._session_factory, lambda session: _take_chat_held(session, channel, chat)
        )
        if earlier is not None:
            try:
                replies += await handle_held(
                    rasa=rasa, held=earlier, session_factory=self._session_factory
                )
            except RasaUnavailable:
                await self._keep_again(earlier)
                return await self._keep(channel, chat, text, address, metadata or {})
        try:
            replies += await handle_inbound(
                rasa=rasa,
                channel=channel,
                chat_id=chat_id,
                text=text,
                metadata=metadata,
                session_factory=self._session_factory,
                keep_when_unavailable=True,
            )
        except RasaUnavailable:
            kept = await self._keep(channel, chat, text, address, metadata or {})
            return Admission(
                outcome=kept.outcome, replies=replies + kept.replies, first_hold=kept.first_hold
            )
        return Admission(outcome=Outcome.answered, replies=replies)

    async def release_due(self, *, releasers: Mapping[str, Release], limit: int = 50) -> int:
        """Hand held messages whose wait is over to their channel; returns how many went."""
        now = self._clock()
        due = await run_in_transaction(
            self._session_factory,
            lambda session: due_messages(session=session, now=now, limit=limit),
        )
        released = 0
        for held in due:
            release = releasers.get(held.channel)
            if release is None:
                continue  # the channel is not running here: the message waits for it
            verdict = await self.limits.message(
                channel=held.channel, chat_id=held.chat_id, address=held.address
            )
            if not verdict.allowed:
                later = now + timedelta(seconds=verdict.retry_after)
                await run_in_transaction(
                    self._session_factory,
                    lambda session, held=held, later=later: postpone(
                        session=session, held=held, due_at=later
                    ),
                )
                continue
            claimed = await run_in_transaction(
                self._session_factory,
                lambda session, held=held: claim(session=session, held=held),
            )
            if not claimed:
                continue  # replaced by a newer message, or released by another replica
            try:
                await release(held)
            except RasaUnavailable:
                # Still down: keep it, and leave the others waiting rather than try each.
                log.warning("Rasa still unavailable; %s:%s kept", held.channel, held.chat_id)
                await self._keep_again(held)
                break
            except Exception:
                log.exception(
                    "releasing the held message of %s:%s failed", held.channel, held.chat_id
                )
                continue
            released += 1
        return released

    async def _keep(
        self, channel: str, chat: str, text: str, address: str | None, metadata: dict[str, Any]
    ) -> Admission:
        """Keep a message Rasa could not answer; the citizen hears that the system is busy."""
        first = await self._store_kept(channel, chat, text, address, metadata)
        language = await run_in_transaction(
            self._session_factory,
            lambda session: detect_language(
                text, current=chat_language(session=session, channel=channel, chat_id=chat)
            ),
        )
        reply = BotReply(text=bot_text("busy", language=language))
        return Admission(outcome=Outcome.busy, replies=[reply], first_hold=first)

    async def _keep_again(self, held: Held) -> None:
        """Put back a kept message whose answer failed, before any sent since."""
        await self._store_kept(
            held.channel, held.chat_id, held.text, held.address, held.meta, before_held=True
        )

    async def _store_kept(
        self,
        channel: str,
        chat: str,
        text: str,
        address: str | None,
        metadata: dict[str, Any],
        *,
        before_held: bool = False,
    ) -> bool:
        now = self._clock()
        return await run_in_transaction(
            self._session_factory,
            lambda session: keep_message(
                session=session,
                channel=channel,
                chat_id=chat,
                text=text,
                meta=metadata,
                address=address,
                now=now,
                due_at=now + self._busy_retry,
                before_held=before_held,
            ),
        )

    async def _hold(
        self,
        channel: str,
        chat: str,
        text: str,
        address: str | None,
        metadata: dict[str, Any],
        verdict: Verdict,
    ) -> Admission:
        now = self._clock()
        due_at = now + timedelta(seconds=verdict.retry_after)

        def work(session: Session) -> tuple[bool | None, str]:
            # the language of the held message itself (kept on the chat when it is released)
            current = chat_language(session=session, channel=channel, chat_id=chat)
            language = detect_language(text, current=current)
            if (
                address
                and chat_held(session=session, channel=channel, chat_id=chat) is None
                and held_from_address(session=session, address=address)
                >= self._held_per_address_max
            ):
                return None, language
            return hold_message(
                session=session,
                channel=channel,
                chat_id=chat,
                text=text,
                meta=metadata,
                address=address,
                now=now,
                due_at=due_at,
            ), language

        first, language = await run_in_transaction(self._session_factory, work)
        seconds = verdict.seconds
        if first is None:
            reply = BotReply(text=bot_text("address_busy", language=language, seconds=seconds))
            return Admission(outcome=Outcome.refused, replies=[reply], retry_after=seconds)
        name = "held_first" if first else "held_replaced"
        return Admission(
            outcome=Outcome.held,
            replies=[BotReply(text=bot_text(name, language=language, seconds=seconds))],
            retry_after=seconds,
            first_hold=first,
        )


async def handle_held(
    *, rasa: RasaClient, held: Held, session_factory: sessionmaker[Session]
) -> list[BotReply]:
    """Send a held message to Rasa as if it arrived now; its replies. `RasaUnavailable` when
    Rasa cannot answer (the caller keeps the message again)."""
    return await handle_inbound(
        rasa=rasa,
        channel=held.channel,
        chat_id=held.chat_id,
        text=held.text,
        metadata=held.meta,
        session_factory=session_factory,
        keep_when_unavailable=True,
    )


def polled_release(
    *,
    rasa: RasaClient,
    session_factory: sessionmaker[Session],
    clock: Callable[[], datetime] = utcnow,
) -> Release:
    """The release of a channel whose page polls for messages (the web chat): replies are stored
    for `GET /chat/api/updates`."""

    async def release(held: Held) -> None:
        replies = await handle_held(rasa=rasa, held=held, session_factory=session_factory)
        if not replies:
            return
        key = f"held:{held.channel}:{held.id}:{held.held_at.isoformat()}"
        await run_in_transaction(
            session_factory,
            lambda session: store_replies(
                session=session,
                channel=held.channel,
                chat_id=held.chat_id,
                dedupe_key=key,
                replies=replies,
                sent_at=clock(),
            ),
        )

    return release


def _take_chat_held(session: Session, channel: str, chat: str) -> Held | None:
    held = chat_held(session=session, channel=channel, chat_id=chat)
    if held is None or not claim(session=session, held=held):
        return None
    return held
