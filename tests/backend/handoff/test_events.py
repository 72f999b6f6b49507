"""Hand-over events reach subscribers once their transaction commits, never on rollback; the
outbox's deliveries of transcript messages are announced too."""

import asyncio

from sqlalchemy.orm import Session, sessionmaker

from backend.auth.actor import Actor
from backend.handoff.events import EventKind, HandoffEvent, broker
from backend.handoff.relay import send_operator_message
from backend.handoff.service import claim, request_human
from backend.outbox.delivery import DeliveryResult, OutboxMessage
from backend.outbox.dispatcher import dispatch_pending
from storage.models import ActorKind, HandoffReason, StaffRole, utcnow

WANG = Actor(kind=ActorKind.staff, id="wang", role=StaffRole.operator)


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


async def test_the_delivery_of_an_operator_message_is_announced(
    session_factory: sessionmaker[Session],
) -> None:
    with session_factory.begin() as session:
        ask(session, "held")
        claim(session=session, channel="web", chat_id="held", actor=WANG)
        sent = send_operator_message(
            session=session, channel="web", chat_id="held", actor=WANG, text="您好"
        ).id
    outcomes = iter([DeliveryResult.delivered(), DeliveryResult.unreachable("blocked the bot")])

    async def deliver(message: OutboxMessage) -> DeliveryResult:
        return next(outcomes)  # the joined notice is delivered, the operator's message fails

    async with broker.subscribe() as queue:
        await dispatch_pending(
            session_factory=session_factory, deliver=deliver, now=utcnow(), batch_size=10
        )
        joined, message = [await asyncio.wait_for(queue.get(), timeout=30) for _ in range(2)]
    assert (joined.kind, joined.chat_id, joined.data["delivery"]) == (
        EventKind.state,
        "held",
        "sent",
    )
    assert (message.kind, message.state) == (EventKind.state, "held")
    assert message.data == {"message_id": sent, "delivery": "failed"}
