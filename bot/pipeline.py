"""The channel-neutral path of an inbound message: citizen → Rasa → replies."""

import logging
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from backend.citizens.language import chat_language, detect_language, remember_language
from backend.conversations.service import record_exchange
from backend.handoff.hand_back import reset_events
from backend.handoff.relay import (
    ChatTurn,
    bot_reset_done,
    chat_turn,
    record_for_operator,
    take_queue_notice,
)
from backend.handoff.service import request_human
from backend.handoff.triggers import reason_in_text, reason_label
from backend.inputs import clean_text
from backend.places import InvalidTextError, locate_text
from backend.rasa.client import RasaClient, RasaUnavailable
from backend.rasa.replies import BotReply
from bot.texts import bot_text
from bot.transactions import run_in_transaction
from storage.models import ConversationState, Language, utcnow

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
    keep_when_unavailable: bool = False,
) -> list[BotReply]:
    """Send a citizen's message to Rasa; when Rasa fails, answer with a polite apology, or
    (`keep_when_unavailable`) raise `RasaUnavailable` so the caller keeps the message for later
    (the exchange is then recorded when it is answered).

    One Rasa call per message (`/turn`: the replies and the NLU's parse), with the platform's
    reading of the place in the metadata for the action server. With a `session_factory`, the
    exchange is recorded with what the NLU understood, and the hand-over applies: a chat held
    by an operator gets no bot reply (its message goes to the operator with an NLU hint from
    `/model/parse`, which leaves Rasa's conversation alone); urgent or angry wording puts the
    chat in the operators' queue, and the citizen is told their place in it once. A message
    with nothing in it once control characters are stripped gets a prompt and never reaches
    Rasa (its intent classifier fails on a text without features, which looked like an outage).
    """
    text = clean_text(text).strip()
    chat = str(chat_id)
    language, turn = await _before_rasa(session_factory, channel, chat, text)
    if not text:
        return [BotReply(text=bot_text("blank_message", language=language))]
    conversation_id = sender_id(channel=channel, chat_id=chat_id)
    if (
        session_factory is not None
        and turn is not None
        and turn.held
        and await _relay_to_operator(rasa, session_factory, channel, chat, text)
    ):
        return []
    nlu: dict[str, Any] | None = None
    try:
        if turn is not None and turn.bot_reset_pending and turn.conversation_id is not None:
            await _reset_bot(rasa, session_factory, conversation_id, turn.conversation_id)
        turn_reply = await rasa.send_turn(
            sender_id=conversation_id,
            text=text,
            metadata={
                "channel": channel,
                "chat_id": chat,
                **(metadata or {}),
                "language": language,
                **located_metadata(text),
            },
        )
        replies = turn_reply.replies
        nlu = _nlu_summary(turn_reply.nlu)
    except RasaUnavailable:
        log.exception("Rasa unavailable for %s", conversation_id)
        if keep_when_unavailable:
            raise
        replies = [BotReply(text=bot_text("rasa_unavailable", language=language))]
    if session_factory is not None:
        replies = await _after_rasa(session_factory, channel, chat, text, nlu, replies)
    return replies


# The action server reads places from at most this many characters (actions/places.py).
LOCATE_CHARS = 2000


def located_metadata(text: str) -> dict[str, Any]:
    """The platform's reading of the place in the message, passed to the action server with
    it (`metadata.located`), which then needs no `/api/v1/locate` call back for this text."""
    head = text[:LOCATE_CHARS]
    try:
        place = locate_text(text=head).to_dict()
    except InvalidTextError:
        return {}
    return {"located": {"text": head, "place": place}}


async def _before_rasa(
    session_factory: sessionmaker[Session] | None, channel: str, chat: str, text: str
) -> tuple[str, ChatTurn | None]:
    """The language to answer in, and who answers the chat, in one transaction.

    The language is decided from the text and kept on the chat (a blank text keeps the chat's
    language; without a database, from the text alone). Urgent or angry words call a person in
    (the bot answers too). One transaction a message, not one per question: the platform's
    own work per message is what it takes from Rasa's cores under load (issue 14).
    """
    if session_factory is None:
        return detect_language(text, current=Language.zh), None
    if not text:
        language = await run_in_transaction(
            session_factory,
            lambda session: chat_language(session=session, channel=channel, chat_id=chat),
        )
        return language, None
    reason = reason_in_text(text=text)

    def work(session: Session) -> tuple[str, ChatTurn]:
        language = remember_language(session=session, channel=channel, chat_id=chat, text=text)
        turn = chat_turn(session=session, channel=channel, chat_id=chat)
        if reason is not None and turn.state == ConversationState.bot:
            request_human(
                session=session,
                channel=channel,
                chat_id=chat,
                reason=reason,
                detail=f"{reason_label(reason)}：{text}"[:500],
            )
        return language, turn

    return await run_in_transaction(session_factory, work)


async def _relay_to_operator(
    rasa: RasaClient, session_factory: sessionmaker[Session], channel: str, chat: str, text: str
) -> bool:
    """Record the message for the operator holding the chat; False when nobody holds it now."""
    try:
        nlu: dict[str, Any] | None = _nlu_summary(await rasa.parse(text=text))
    except RasaUnavailable:
        log.warning("no NLU hint for %s:%s (Rasa unavailable)", channel, chat)
        nlu = None
    recorded = await run_in_transaction(
        session_factory,
        lambda session: record_for_operator(
            session=session, channel=channel, chat_id=chat, text=text, nlu=nlu
        ),
    )
    return recorded is not None


async def _reset_bot(
    rasa: RasaClient,
    session_factory: sessionmaker[Session] | None,
    sender: str,
    conversation_id: int,
) -> None:
    """After a hand-back, drop Rasa's half-filled form before the bot answers again."""
    await rasa.append_events(sender_id=sender, events=reset_events(domain=await rasa.domain()))
    if session_factory is not None:
        await run_in_transaction(
            session_factory,
            lambda session: bot_reset_done(session=session, conversation_id=conversation_id),
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


async def _after_rasa(
    session_factory: sessionmaker[Session],
    channel: str,
    chat: str,
    text: str,
    nlu: dict[str, Any] | None,
    replies: list[BotReply],
) -> list[BotReply]:
    """The replies with the citizen's place in the operators' queue (once, when the chat starts
    waiting), and the exchange recorded with them, in one transaction."""

    def work(session: Session) -> list[BotReply]:
        notice = take_queue_notice(session=session, channel=channel, chat_id=chat, now=utcnow())
        answered = [*replies, BotReply(text=notice)] if notice else replies
        record_exchange(
            session=session,
            channel=channel,
            chat_id=chat,
            text=text,
            nlu=nlu,
            replies=[reply.text for reply in answered if reply.text],
        )
        return answered

    # Recording is for review and retraining; a failure must not cost the citizen the reply.
    try:
        return await run_in_transaction(session_factory, work)
    except Exception:
        log.exception("could not record the exchange of %s:%s", channel, chat)
        return replies
