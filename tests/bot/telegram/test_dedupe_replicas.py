"""Two replicas receive the same webhook update at the same moment (each its own pool and event
loop, one database): exactly one of them handles it."""

import asyncio
import threading

from sqlalchemy.orm import Session, sessionmaker

from bot.telegram.dedupe import UpdateLedger
from storage.db import create_db_engine, create_session_factory

UPDATES = range(100, 140)


def test_two_replicas_handle_each_update_once(
    database_url: str, session_factory: sessionmaker[Session]
) -> None:
    handled: list[tuple[int, int]] = []
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    async def receive(replica: int, ledger: UpdateLedger) -> None:
        for update_id in UPDATES:
            if await ledger.first_sighting(update_id):
                handled.append((replica, update_id))

    def replica(number: int) -> None:
        engine = create_db_engine(database_url)
        try:
            ledger = UpdateLedger(session_factory=create_session_factory(engine))
            start.wait(timeout=10)
            asyncio.run(receive(number, ledger))
        except BaseException as error:  # surfaced below
            errors.append(error)
        finally:
            engine.dispose()

    threads = [threading.Thread(target=replica, args=(n,)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sorted(update_id for _, update_id in handled) == list(UPDATES)
