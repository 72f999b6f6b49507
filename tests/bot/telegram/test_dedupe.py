"""Seen update ids survive a restart and are forgotten after Telegram's re-delivery window."""

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.telegram.dedupe import UpdateLedger
from storage.models import TelegramUpdate, utcnow


async def test_an_update_id_is_new_once_even_after_a_restart(
    session_factory: sessionmaker[Session],
) -> None:
    ledger = UpdateLedger(session_factory=session_factory)
    assert await ledger.first_sighting(41) is True
    assert await ledger.first_sighting(41) is False
    assert await ledger.first_sighting(42) is True

    restarted = UpdateLedger(session_factory=session_factory)
    assert await restarted.first_sighting(41) is False
    assert await restarted.first_sighting(43) is True


async def test_the_memory_stays_bounded(session_factory: sessionmaker[Session]) -> None:
    ledger = UpdateLedger(session_factory=session_factory, max_in_memory=2)
    for update_id in (1, 2, 3):
        assert await ledger.first_sighting(update_id) is True
    assert await ledger.first_sighting(1) is False  # from the table, no longer in memory


async def test_prune_forgets_ids_older_than_two_days(
    session_factory: sessionmaker[Session],
) -> None:
    ledger = UpdateLedger(session_factory=session_factory)
    await ledger.first_sighting(1)
    removed = await ledger.prune(now=utcnow() + timedelta(days=3))
    assert removed == 1
    with session_factory() as session:
        assert session.scalar(select(func.count()).select_from(TelegramUpdate)) == 0
