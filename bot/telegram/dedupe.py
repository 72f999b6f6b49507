"""A Telegram update delivered twice (a retried webhook, getUpdates after a crash) runs once."""

import logging
from collections import OrderedDict
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from telegram import Update
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot.transactions import run_in_transaction
from storage.models import TelegramUpdate, utcnow

log = logging.getLogger(__name__)

KEEP_SEEN_FOR = timedelta(days=2)  # Telegram keeps an unconfirmed update for 24 hours


def claim_update(*, session: Session, update_id: int, now: datetime) -> bool:
    """Record an update id; False when it was recorded before (by us or another replica)."""
    try:
        with session.begin_nested():
            session.add(TelegramUpdate(update_id=update_id, seen_at=now))
    except IntegrityError:
        return False
    return True


def forget_updates_before(*, session: Session, before: datetime) -> int:
    """Drop the record of updates seen before `before`; returns how many went."""
    result = session.execute(delete(TelegramUpdate).where(TelegramUpdate.seen_at < before))
    return result.rowcount or 0


class UpdateLedger:
    """Update ids seen lately: a bounded LRU in memory in front of the `telegram_updates` table."""

    def __init__(
        self, *, session_factory: sessionmaker[Session], max_in_memory: int = 4096
    ) -> None:
        self._session_factory = session_factory
        self._max_in_memory = max_in_memory
        self._recent: OrderedDict[int, None] = OrderedDict()

    async def first_sighting(self, update_id: int) -> bool:
        """True the first time an update id is seen, False on every repeat, across restarts."""
        if update_id in self._recent:
            self._recent.move_to_end(update_id)
            return False
        now = utcnow()
        first = await run_in_transaction(
            self._session_factory,
            lambda session: claim_update(session=session, update_id=update_id, now=now),
        )
        self._recent[update_id] = None
        while len(self._recent) > self._max_in_memory:
            self._recent.popitem(last=False)
        return first

    async def prune(self, *, now: datetime | None = None) -> int:
        """Forget ids older than Telegram could ever re-deliver."""
        cutoff = (now or utcnow()) - KEEP_SEEN_FOR
        return await run_in_transaction(
            self._session_factory,
            lambda session: forget_updates_before(session=session, before=cutoff),
        )

    async def drop_repeats(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """First handler of every update: stop a repeated update before any other handler."""
        if not await self.first_sighting(update.update_id):
            log.info("dropping repeated Telegram update %s", update.update_id)
            raise ApplicationHandlerStop
