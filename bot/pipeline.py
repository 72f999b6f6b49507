"""The channel-neutral path of an inbound message: citizen → Rasa → replies."""

import logging
from typing import Any

from backend.rasa.client import UNAVAILABLE_TEXT, RasaClient, RasaUnavailable
from backend.rasa.replies import BotReply

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
) -> list[BotReply]:
    """Send a citizen's message to Rasa; when Rasa fails, answer with a polite apology."""
    try:
        return await rasa.send_message(
            sender_id=sender_id(channel=channel, chat_id=chat_id),
            text=text,
            metadata={"channel": channel, "chat_id": str(chat_id), **(metadata or {})},
        )
    except RasaUnavailable:
        log.exception("Rasa unavailable for %s:%s", channel, chat_id)
        return [BotReply(text=UNAVAILABLE_TEXT)]
