"""The chat channels the platform runs: the web chat always, Telegram when a token is set."""

import logging
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker
from telegram.error import TelegramError

from backend.rasa.client import RasaClient
from backend.settings import Settings
from bot.delivery.deliverer import OutboxDeliverer
from bot.delivery.senders import ChatSender
from bot.gate import InboundGate, Release, polled_release
from bot.telegram.channel import TelegramChannel, assemble_telegram, running_telegram
from storage.models import Channel

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RunningChannels:
    """What the composition root registers: the Telegram bot (if running), the deliverer, and
    the rate-limited way into the bot with the channels its held messages go back to."""

    telegram: TelegramChannel | None
    deliverer: OutboxDeliverer
    gate: InboundGate
    releasers: dict[str, Release]

    async def release_held(self) -> int:
        """Hand held messages whose wait is over to their channels (a background job)."""
        return await self.gate.release_due(releasers=self.releasers)


@asynccontextmanager
async def running_channels(
    *, settings: Settings, rasa: RasaClient, session_factory: sessionmaker[Session]
) -> AsyncIterator[RunningChannels]:
    """Start the channels for the block's duration.

    A Telegram API that cannot be reached at start-up is logged and the platform serves the
    web chat without it; Telegram notices then wait in the outbox (retried) until a restart.
    """
    gate = InboundGate.from_settings(settings=settings, session_factory=session_factory)
    releasers: dict[str, Release] = {
        Channel.web.value: polled_release(rasa=rasa, session_factory=session_factory)
    }
    async with AsyncExitStack() as stack:
        telegram: TelegramChannel | None = None
        if settings.telegram_bot_token:
            try:
                telegram = await stack.enter_async_context(
                    running_telegram(
                        assemble_telegram(
                            settings=settings, rasa=rasa, session_factory=session_factory, gate=gate
                        )
                    )
                )
            except TelegramError:
                log.exception("the Telegram bot could not start; running without Telegram")
        senders: dict[str, ChatSender] = {}
        if telegram is not None:
            senders[Channel.telegram.value] = telegram.sender
            releasers[Channel.telegram.value] = telegram.release_held
        yield RunningChannels(
            telegram=telegram,
            deliverer=OutboxDeliverer(rasa=rasa, session_factory=session_factory, senders=senders),
            gate=gate,
            releasers=releasers,
        )
