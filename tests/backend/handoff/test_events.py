"""Hand-over events reach subscribers once their transaction commits, never on rollback."""

import asyncio

from sqlalchemy.orm import Session, sessionmaker

from backend.handoff.events import EventKind, HandoffEvent, broker
from backend.handoff.service import request_human
from storage.models import HandoffReason


def ask(session: Session, chat_id: str) -> None:
    request_human(
        session=session, channel="web", chat_id=chat_id, reason=HandoffReason.asked, detail="x"
    )


async def test_committed_changes_are_published_rolled_back_ones_are_not(
    session_factory: sessionmaker[Session],
) -> None:
    async with broker.subscribe() as queue:

        def rolled_back() -> None:
            with session_factory() as session:
                ask(session, "lost")
                session.rollback()

        def committed() -> None:
            with session_factory.begin() as session:
                ask(session, "kept")

        await asyncio.to_thread(rolled_back)
        await asyncio.to_thread(committed)
        waiting: HandoffEvent = await asyncio.wait_for(queue.get(), timeout=30)
        message: HandoffEvent = await asyncio.wait_for(queue.get(), timeout=30)
        assert (waiting.kind, waiting.chat_id, waiting.state) == (
            EventKind.waiting,
            "kept",
            "waiting",
        )
        assert waiting.data == {"reason": "asked"}
        assert (message.kind, message.data["role"]) == (EventKind.message, "system")
        assert queue.empty()
    assert broker.subscriber_count == 0
