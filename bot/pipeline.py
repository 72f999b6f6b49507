"""The channel-neutral path of an inbound message: citizen → Rasa → replies."""

import logging
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from backend.citizens.language import chat_language, detect_language, remember_language
from backend.conversations.service import record_exchange
from backend.inputs import clean_text
from backend.rasa.client import RasaClient, RasaUnavailable
from backend.rasa.replies import BotReply
from bot.texts import bot_text
from bot.transactions import run_in_transaction
from storage.models import Language

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
    language = await _language(session_factory, channel, str(chat_id), text)
    if not text:
        return [BotReply(text=bot_text("blank_message", language=language))]
    conversation_id = sender_id(channel=channel, chat_id=chat_id)
    nlu: dict[str, Any] | None = None
    try:
        replies = await rasa.send_message(
            sender_id=conversation_id,
            text=text,
            metadata={
                "channel": channel,
                "chat_id": str(chat_id),
                **(metadata or {}),
                "language": language,
            },
        )
        if session_factory is not None:
            nlu = _nlu_summary(await rasa.latest_message(sender_id=conversation_id))
    except RasaUnavailable:
        log.exception("Rasa unavailable for %s", conversation_id)
        replies = [BotReply(text=bot_text("rasa_unavailable", language=language))]
    if session_factory is not None:
        await _record(session_factory, channel, str(chat_id), text, nlu, replies)
    return replies


async def _language(
    session_factory: sessionmaker[Session] | None, channel: str, chat_id: str, text: str
) -> str:
    """The language to answer in: decided from the text and kept on the chat (a blank text
    keeps the chat's language); without a database, from the text alone."""
    if session_factory is None:
        return detect_language(text, current=Language.zh)
    if not text:
        return await run_in_transaction(
            session_factory,
            lambda session: chat_language(session=session, channel=channel, chat_id=chat_id),
        )
    return await run_in_transaction(
        session_factory,
        lambda session: remember_language(
            session=session, channel=channel, chat_id=chat_id, text=text
        ),
    )


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
