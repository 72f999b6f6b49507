"""The deliverer's way into Telegram: send a stored proactive message, classify failures."""

from telegram import Bot
from telegram.error import BadRequest, Forbidden, TelegramError

from backend.rasa.replies import BotReply
from bot.delivery.senders import ChatSendFailed, ChatUnreachable
from bot.telegram.keyboards import CallbackPayloads
from bot.telegram.ordering import ChatLocks
from bot.telegram.replies import send_reply

GONE_CHAT_MARKERS = ("chat not found", "user is deactivated", "bot was blocked")


class TelegramSender:
    """Sends proactive messages between (never inside) the chat's own updates."""

    def __init__(self, *, bot: Bot, payloads: CallbackPayloads, locks: ChatLocks) -> None:
        self._bot = bot
        self._payloads = payloads
        self._locks = locks

    async def send_reply(self, *, chat_id: str, reply: BotReply) -> None:
        """Send one reply; raise ChatUnreachable when the chat is gone, else ChatSendFailed."""
        try:
            async with self._locks.hold(chat_id):
                await send_reply(
                    bot=self._bot, chat_id=chat_id, reply=reply, payloads=self._payloads
                )
        except Forbidden as error:
            raise ChatUnreachable(f"Telegram: {error.message}") from error
        except BadRequest as error:
            if any(marker in error.message.lower() for marker in GONE_CHAT_MARKERS):
                raise ChatUnreachable(f"Telegram: {error.message}") from error
            raise ChatSendFailed(f"Telegram refused the message: {error.message}") from error
        except TelegramError as error:
            raise ChatSendFailed(f"Telegram: {error.message}") from error
