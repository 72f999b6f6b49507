"""The Telegram channel as the platform runs it: assembled at start-up, started and stopped."""

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session, sessionmaker
from telegram import Update
from telegram.ext import Application
from telegram.request import BaseRequest

from backend.places import PointMatch, locate_point
from backend.rasa.client import RasaClient
from backend.settings import Settings
from bot.gate import InboundGate
from bot.held import Held
from bot.telegram.application import MAX_CONCURRENT_UPDATES, build_application
from bot.telegram.commands import command_menu
from bot.telegram.dedupe import UpdateLedger
from bot.telegram.handlers import TelegramHandlers
from bot.telegram.keyboards import CallbackPayloads
from bot.telegram.ordering import ChatOrderedUpdateProcessor
from bot.telegram.sender import TelegramSender

log = logging.getLogger(__name__)


class InvalidWebhookUpdate(ValueError):
    """A webhook body that is not a Telegram update."""


@dataclass(frozen=True)
class TelegramChannel:
    """The bot's Application plus what the platform uses: the sender and the webhook entry."""

    application: Application
    sender: TelegramSender
    ledger: UpdateLedger
    handlers: TelegramHandlers
    webhook_url: str | None
    webhook_secret: str | None

    @property
    def uses_webhook(self) -> bool:
        """True when Telegram pushes updates to `/telegram/webhook` instead of being polled."""
        return self.webhook_url is not None

    async def accept_webhook_update(self, data: Any) -> None:
        """Queue one update that Telegram posted to the webhook."""
        if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
            raise InvalidWebhookUpdate("the body is not a Telegram update")
        update = Update.de_json(data, self.application.bot)
        await self.application.update_queue.put(update)

    async def release_held(self, held: Held) -> None:
        """Handle a message the rate limit held, now that the limit allows it."""
        await self.handlers.release(bot=self.application.bot, held=held)


def assemble_telegram(
    *,
    settings: Settings,
    rasa: RasaClient,
    session_factory: sessionmaker[Session],
    locate: Callable[..., PointMatch] = locate_point,
    gate: InboundGate | None = None,
    request: BaseRequest | None = None,
    get_updates_request: BaseRequest | None = None,
) -> TelegramChannel:
    """Build the bot and its parts (nothing connects yet); without a `gate`, one from settings."""
    if settings.telegram_webhook_url and not settings.telegram_webhook_secret:
        raise ValueError("TELEGRAM_WEBHOOK_URL needs TELEGRAM_WEBHOOK_SECRET")
    payloads = CallbackPayloads()
    processor = ChatOrderedUpdateProcessor(MAX_CONCURRENT_UPDATES)
    ledger = UpdateLedger(session_factory=session_factory)
    handlers = TelegramHandlers(
        rasa=rasa,
        session_factory=session_factory,
        payloads=payloads,
        locate=locate,
        gate=gate or InboundGate.from_settings(settings=settings, session_factory=session_factory),
        locks=processor.locks,
    )
    application = build_application(
        settings=settings,
        handlers=handlers,
        ledger=ledger,
        processor=processor,
        request=request,
        get_updates_request=get_updates_request,
    )
    return TelegramChannel(
        application=application,
        sender=TelegramSender(bot=application.bot, payloads=payloads, locks=processor.locks),
        ledger=ledger,
        handlers=handlers,
        webhook_url=settings.telegram_webhook_url or None,
        webhook_secret=settings.telegram_webhook_secret or None,
    )


@asynccontextmanager
async def running_telegram(channel: TelegramChannel) -> AsyncIterator[TelegramChannel]:
    """Run the bot for the duration of the block: initialise, set the command menu, prune the
    update ledger, start, then poll or set the webhook; stop in reverse order."""
    application = channel.application
    await application.initialize()
    try:
        await application.bot.set_my_commands(command_menu())
        await application.bot.set_my_commands(command_menu("en"), language_code="en")
        await channel.ledger.prune()
        await application.start()
        try:
            if channel.uses_webhook:
                await application.bot.set_webhook(
                    url=str(channel.webhook_url),
                    secret_token=channel.webhook_secret,
                    allowed_updates=Update.ALL_TYPES,
                )
            elif application.updater is not None:
                await application.updater.start_polling(allowed_updates=Update.ALL_TYPES)
            log.info(
                "Telegram bot @%s running (%s)",
                application.bot.username,
                "webhook" if channel.uses_webhook else "long polling",
            )
            yield channel
        finally:
            if application.updater is not None and application.updater.running:
                await application.updater.stop()
            await application.stop()
    finally:
        await application.shutdown()
