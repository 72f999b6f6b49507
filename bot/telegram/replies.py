"""Rasa's replies said in a Telegram chat, in order: text (split when long), keyboards, photos."""

from collections.abc import Sequence

from telegram import Bot

from backend.rasa.replies import BotReply
from bot.telegram.keyboards import CallbackPayloads, inline_keyboard
from bot.telegram.splitting import split_text
from bot.telegram.texts import channel_text


async def send_reply(
    *, bot: Bot, chat_id: int | str, reply: BotReply, payloads: CallbackPayloads
) -> None:
    """Send one reply; its buttons ride on the last message it makes (text or photo)."""
    keyboard = inline_keyboard(reply.buttons, payloads=payloads) if reply.buttons else None
    text = reply.text
    if not text and keyboard is not None and not reply.image:
        text = channel_text("choose")
    if text:
        pieces = split_text(text)
        for number, piece in enumerate(pieces, start=1):
            last = number == len(pieces) and not reply.image
            await bot.send_message(
                chat_id=chat_id, text=piece, reply_markup=keyboard if last else None
            )
    if reply.image:
        await bot.send_photo(chat_id=chat_id, photo=reply.image, reply_markup=keyboard)


async def send_replies(
    *, bot: Bot, chat_id: int | str, replies: Sequence[BotReply], payloads: CallbackPayloads
) -> None:
    """Send replies one after the other, in Rasa's order."""
    for reply in replies:
        await send_reply(bot=bot, chat_id=chat_id, reply=reply, payloads=payloads)
