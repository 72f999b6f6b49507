"""The channel-neutral path of an inbound message: citizen → Rasa → replies."""

import logging
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from backend.conversations.service import record_exchange
from backend.inputs import clean_text
from backend.rasa.client import UNAVAILABLE_TEXT, RasaClient, RasaUnavailable
from backend.rasa.replies import BotReply
from bot.texts import bot_text
from bot.transactions import run_in_transaction

log = logging.getLogger(__name__)


def sender_id(*, channel: str, chat_id: str | int) -> str:
    """The Rasa conversation id of a chat: channel-qualified so channels never collide."""
    return f"{channel}:{chat_id}"


async def handle_inbound(
    *,
    rasa: RasaClient,
    channel: str,
    chat_id: str | int,
    text: str,
    metadata: dict[str, Any] | None = None,
    session_factory: sessionmaker[Session] | None = None,
) -> list[BotReply]:
    """Send a citizen's message to Rasa; when Rasa fails, answer with a polite apology.

    With a `session_factory`, the exchange is recorded with what the NLU understood. A message
    with nothing in it once control characters are stripped gets a prompt and never reaches
    Rasa (its intent classifier fails on a text without features, which looked like an outage).
    """
    text = clean_text(text).strip()
    if not text:
        return [BotReply(text=bot_text("blank_message"))]
    conversation_id = sender_id(channel=channel, chat_id=chat_id)
    nlu: dict[str, Any] | None = None
    try:
        replies = await rasa.send_message(
            sender_id=conversation_id,
            text=text,
            metadata={"channel": channel, "chat_id": str(chat_id), **(metadata or {})},
        )
        if session_factory is not None:
            nlu = _nlu_summary(await rasa.latest_message(sender_id=conversation_id))
    except RasaUnavailable:
        log.exception("Rasa unavailable for %s", conversation_id)
        replies = [BotReply(text=UNAVAILABLE_TEXT)]
    if session_factory is not None:
        await _record(session_factory, channel, str(chat_id), text, nlu, replies)
    return replies


def _nlu_summary(latest: dict[str, Any]) -> dict[str, Any]:
    """The parts of Rasa's parse worth keeping: intent, confidence, entities."""
    intent = latest.get("intent") or {}
    return {
        "intent": intent.get("name"),
        "confidence": intent.get("confidence"),
        "entities": [
            {key: entity.get(key) for key in ("entity", "value", "start", "end", "extractor")}
            for entity in latest.get("entities") or []
        ],
    }


async def _record(
    session_factory: sessionmaker[Session],
    channel: str,
    chat_id: str,
    text: str,
    nlu: dict[str, Any] | None,
    replies: list[BotReply],
) -> None:
    # Recording is for review and retraining; a failure must not cost the citizen the reply.
    try:
        await run_in_transaction(
            session_factory,
            lambda session: record_exchange(
                session=session,
                channel=channel,
                chat_id=chat_id,
                text=text,
                nlu=nlu,
                replies=[reply.text for reply in replies if reply.text],
            ),
        )
    except Exception:
        log.exception("could not record the exchange of %s:%s", channel, chat_id)
