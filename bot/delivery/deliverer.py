"""The outbox deliverer: asks Rasa what to tell the citizen about an event (or takes an
operator's words as written), then tells them."""

import logging
from collections.abc import Callable, Mapping
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from backend.outbox.delivery import DeliveryResult, OutboxMessage
from backend.rasa.client import RasaClient, RasaUnavailable
from backend.rasa.replies import BotReply
from bot.delivery.senders import ChatSender, ChatSendFailed, ChatUnreachable
from bot.delivery.store import StoredReply, mark_sent, store_replies, stored_replies
from bot.transactions import run_in_transaction
from storage.models import Channel, utcnow

log = logging.getLogger(__name__)

TICKET_EVENT_INTENT = "EXTERNAL_ticket_event"
POLLED_CHANNELS = frozenset({Channel.web.value})
"""Channels whose clients fetch their messages (the web chat page polls `/chat/api/updates`)."""


def ticket_event_entities(message: OutboxMessage) -> dict[str, str]:
    """The entities of the `EXTERNAL_ticket_event` intent for one outbox event (see contracts)."""
    payload = message.payload
    return {
        "ticket_no": message.ticket_no or str(payload.get("ticket_no") or ""),
        "event_kind": str(payload.get("kind") or message.kind),
        "event_message": str(payload.get("text") or ""),
    }


class OutboxDeliverer:
    """`deliver(message) -> DeliveryResult` for the outbox dispatcher, across all chat channels.

    Rasa is asked once per dedupe key (its answer is stored before anything is sent), and each
    stored message is marked sent once it went out, so a retried event neither asks Rasa again
    nor repeats what the citizen already got.
    """

    def __init__(
        self,
        *,
        rasa: RasaClient,
        session_factory: sessionmaker[Session],
        senders: Mapping[str, ChatSender],
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self._rasa = rasa
        self._session_factory = session_factory
        self._senders = dict(senders)
        self._clock = clock

    async def __call__(self, message: OutboxMessage) -> DeliveryResult:
        """Deliver one outbox event to its chat."""
        channel, chat_id, sender_id = message.channel, message.chat_id, message.sender_id
        if channel is None or chat_id is None or sender_id is None:
            return DeliveryResult.unreachable("the event has no target chat")
        sender = self._senders.get(channel)
        if sender is None and channel not in POLLED_CHANNELS:
            return DeliveryResult.retry(f"the {channel} channel is not running")
        stored = await run_in_transaction(
            self._session_factory,
            lambda session: stored_replies(session=session, dedupe_key=message.dedupe_key),
        )
        if not stored:
            try:
                stored = await self._compose_and_store(message, channel, chat_id, sender_id)
            except RasaUnavailable as error:
                return DeliveryResult.retry(str(error))
        if sender is None:
            return DeliveryResult.delivered()
        return await self._send(sender, chat_id, stored)

    async def _compose_and_store(
        self, message: OutboxMessage, channel: str, chat_id: str, sender_id: str
    ) -> list[StoredReply]:
        if message.direct_text is not None:  # an operator's words: sent as written
            replies = [BotReply(text=message.direct_text)]
        else:
            replies = await self._rasa_replies(message, sender_id)
        sent_at = self._clock() if channel in POLLED_CHANNELS else None
        return await run_in_transaction(
            self._session_factory,
            lambda session: store_replies(
                session=session,
                channel=channel,
                chat_id=chat_id,
                dedupe_key=message.dedupe_key,
                replies=replies,
                sent_at=sent_at,
            ),
        )

    async def _rasa_replies(self, message: OutboxMessage, sender_id: str) -> list[BotReply]:
        entities = ticket_event_entities(message)
        replies = await self._rasa.trigger_intent(
            sender_id=sender_id, intent=TICKET_EVENT_INTENT, entities=entities
        )
        if not replies and entities["event_message"]:
            log.warning("Rasa said nothing about %s; sending the event text", message.dedupe_key)
            replies = [BotReply(text=entities["event_message"])]
        if not replies:
            raise RasaUnavailable(f"Rasa said nothing about {message.dedupe_key}")
        return replies

    async def _send(
        self, sender: ChatSender, chat_id: str, stored: list[StoredReply]
    ) -> DeliveryResult:
        for item in stored:
            if item.sent:
                continue
            try:
                await sender.send_reply(chat_id=chat_id, reply=item.reply)
            except ChatUnreachable as error:
                return DeliveryResult.unreachable(str(error) or "the chat is unreachable")
            except ChatSendFailed as error:
                return DeliveryResult.retry(str(error) or "sending failed")
            now = self._clock()
            await run_in_transaction(
                self._session_factory,
                lambda session, item=item, now=now: mark_sent(
                    session=session, message_id=item.id, now=now
                ),
            )
        return DeliveryResult.delivered()
