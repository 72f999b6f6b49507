"""What a channel that pushes messages (Telegram) offers the deliverer, and how sending fails."""

from typing import Protocol

from backend.rasa.replies import BotReply


class ChatUnreachable(Exception):
    """The chat can never be reached again (the citizen blocked the bot, the chat is gone)."""


class ChatSendFailed(Exception):
    """Sending failed for a passing reason (network, rate limit); trying again later may work."""


class ChatSender(Protocol):
    """Sends one reply to one chat, raising ChatUnreachable or ChatSendFailed when it cannot."""

    async def send_reply(self, *, chat_id: str, reply: BotReply) -> None:
        """Send `reply` to the chat `chat_id`."""
        ...
