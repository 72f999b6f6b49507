"""The bot's update handlers: each turns one kind of citizen input into a message for Rasa."""

import logging
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy.orm import Session, sessionmaker
from telegram import Bot, ChatMember, Message, PhotoSize, Update
from telegram.error import BadRequest, Forbidden
from telegram.ext import ContextTypes

from backend.citizens.language import chat_language
from backend.places import PointMatch
from backend.rasa.client import RasaClient
from backend.rasa.replies import BotReply
from bot.gate import InboundGate, Outcome, handle_held
from bot.held import Held
from bot.payloads import photo_payload, place_payload
from bot.telegram.commands import command_book, command_payload
from bot.telegram.keyboards import CallbackPayloads
from bot.telegram.ordering import ChatLocks
from bot.telegram.reachability import set_reachable
from bot.telegram.replies import send_replies
from bot.telegram.texts import channel_text
from bot.transactions import run_in_transaction

log = logging.getLogger(__name__)

CHANNEL = "telegram"
Locate = Callable[..., PointMatch]


def largest_photo(sizes: Sequence[PhotoSize]) -> PhotoSize:
    """The biggest of the sizes Telegram offers for one photo."""
    if not sizes:
        raise ValueError("a photo message has at least one size")
    return max(sizes, key=lambda size: (size.width * size.height, size.file_size or 0))


def location_reply(match: PointMatch, *, language: str = "zh") -> tuple[str, str | None]:
    """What to tell the citizen about a pin, and the payload for Rasa (None: outside Shenzhen)."""
    if match.district is None or match.confidence == "outside":
        return channel_text("location_outside", language=language), None
    distance = f"{match.distance_km:.1f}"
    if match.street:
        text = channel_text(
            "location_found",
            language=language,
            district=match.district,
            street=match.street,
            distance_km=distance,
        )
    else:
        text = channel_text(
            "location_found_district",
            language=language,
            district=match.district,
            distance_km=distance,
        )
    return text, place_payload(district=match.district, street=match.street)


def inbound_metadata(update: Update) -> dict[str, Any]:
    """What Rasa keeps about a Telegram message besides its text."""
    message, user = update.effective_message, update.effective_user
    return {
        "telegram": {
            "update_id": update.update_id,
            "message_id": message.message_id if message else None,
            "user_id": user.id if user else None,
            "language_code": user.language_code if user else None,
        }
    }


class TelegramHandlers:
    """Handlers for private chats; replies go back in Rasa's order, a blocked bot is recorded."""

    def __init__(
        self,
        *,
        rasa: RasaClient,
        session_factory: sessionmaker[Session],
        payloads: CallbackPayloads,
        locate: Locate,
        gate: InboundGate,
        locks: ChatLocks,
        remembered_keyboards: int = 10_000,
    ) -> None:
        self._rasa = rasa
        self.gate = gate
        self._locks = locks
        self._session_factory = session_factory
        self._payloads = payloads
        self._locate = locate
        self._remembered_keyboards = remembered_keyboards
        self._used_keyboards: OrderedDict[tuple[int, int], None] = OrderedDict()

    async def on_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A typed message goes to Rasa."""
        message = _message(update)
        await self._converse(update, context, message.text or "")

    async def on_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/start, /status, /human, /cancel go to Rasa as intents; /help and others get help."""
        text = _message(update).text or ""
        name = text.split()[0].lstrip("/").split("@")[0] if text.strip() else ""
        command = command_book().get(name)
        payload = command_payload(command, list(context.args or ())) if command else None
        if payload is None:
            reply = command.reply if command and command.reply else "help"
            language = await self._language(update)
            await self._say(
                update, context, [BotReply(text=channel_text(reply, language=language))]
            )
            return
        await self._converse(update, context, payload)

    async def on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A tapped inline button: acknowledge, remove the keyboard, send its payload to Rasa."""
        query = update.callback_query
        if query is None:
            return
        try:
            await query.answer()
        except BadRequest as error:  # e.g. a query from before a long restart is too old
            log.info("could not answer callback query %s: %s", query.id, error.message)
        keyboard = (query.message.chat.id, query.message.message_id) if query.message else None
        if keyboard is not None and keyboard in self._used_keyboards:
            log.info("ignoring a second tap on keyboard %s", keyboard)
            return
        if keyboard is not None:
            self._remember_used(keyboard)
            try:
                await query.edit_message_reply_markup(reply_markup=None)
            except BadRequest as error:  # the message is too old to edit, or already bare
                log.info("could not remove keyboard %s: %s", keyboard, error.message)
        payload = self._payloads.decode(query.data or "")
        if not payload:
            text = channel_text("button_expired", language=await self._language(update))
            await self._say(update, context, [BotReply(text=text)])
            return
        await self._converse(update, context, payload)

    async def on_photo(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A photo: its largest size's file_id goes to Rasa, then its caption as text."""
        message = _message(update)
        photo = largest_photo(message.photo)
        await self._converse(update, context, photo_payload(file_id=photo.file_id))
        if message.caption and message.caption.strip():
            await self._converse(update, context, message.caption.strip())

    async def on_location(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A location pin: resolved to district/street, confirmed, and told to Rasa."""
        location = _message(update).location
        if location is None:
            return
        match = self._locate(lat=location.latitude, lon=location.longitude)
        text, payload = location_reply(match, language=await self._language(update))
        await self._say(update, context, [BotReply(text=text)])
        if payload is not None:
            await self._converse(update, context, payload)

    async def on_unsupported(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Stickers, voice, files…: ask for text, a photo or a location instead."""
        text = channel_text("unsupported", language=await self._language(update))
        await self._say(update, context, [BotReply(text=text)])

    async def _language(self, update: Update) -> str:
        """The language this chat was last answered in (backend/citizens/language.py)."""
        chat = update.effective_chat
        if chat is None:
            return "zh"
        return await run_in_transaction(
            self._session_factory,
            lambda session: chat_language(session=session, channel=CHANNEL, chat_id=str(chat.id)),
        )

    async def on_membership(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The citizen blocked (or unblocked) the bot: record whether the chat is reachable."""
        change = update.my_chat_member
        if change is None or change.chat.type != "private":
            return
        blocked = change.new_chat_member.status in (ChatMember.BANNED, ChatMember.LEFT)
        await self._set_reachable(change.chat.id, reachable=not blocked)

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Log what went wrong while handling an update."""
        log.error("handling Telegram update failed: %r", update, exc_info=context.error)

    async def _converse(
        self, update: Update, context: ContextTypes.DEFAULT_TYPE, text: str
    ) -> None:
        chat = update.effective_chat
        if chat is None:
            return
        admission = await self.gate.converse(
            rasa=self._rasa,
            channel=CHANNEL,
            chat_id=chat.id,
            text=text,
            metadata=inbound_metadata(update),
        )
        if admission.outcome in (Outcome.held, Outcome.busy) and not admission.first_hold:
            return  # the chat was told when its first held message was kept: no reply flood
        await self._say(update, context, admission.replies)

    async def release(self, *, bot: Bot, held: Held) -> None:
        """Send a message held by the rate limit to Rasa now, and its replies to the chat,
        in turn with the chat's own updates."""
        chat_id = int(held.chat_id)
        async with self._locks.hold(chat_id):
            replies = await handle_held(
                rasa=self._rasa, held=held, session_factory=self._session_factory
            )
            await self._send(bot, chat_id, replies)

    async def _say(
        self, update: Update, context: ContextTypes.DEFAULT_TYPE, replies: Sequence[BotReply]
    ) -> None:
        chat = update.effective_chat
        if chat is not None:
            await self._send(context.bot, chat.id, replies)

    async def _send(self, bot: Bot, chat_id: int, replies: Sequence[BotReply]) -> None:
        try:
            await send_replies(bot=bot, chat_id=chat_id, replies=replies, payloads=self._payloads)
        except Forbidden as error:
            log.info("chat %s blocked the bot (%s); marking it unreachable", chat_id, error.message)
            await self._set_reachable(chat_id, reachable=False)

    async def _set_reachable(self, chat_id: int, *, reachable: bool) -> None:
        await run_in_transaction(
            self._session_factory,
            lambda session: set_reachable(
                session=session, channel=CHANNEL, chat_id=str(chat_id), reachable=reachable
            ),
        )

    def _remember_used(self, keyboard: tuple[int, int]) -> None:
        self._used_keyboards[keyboard] = None
        while len(self._used_keyboards) > self._remembered_keyboards:
            self._used_keyboards.popitem(last=False)


def _message(update: Update) -> Message:
    message = update.effective_message
    if message is None:
        raise ValueError(f"update {update.update_id} carries no message")
    return message
