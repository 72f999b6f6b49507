"""Creating tickets: numbers, routing + dispatch at creation, time limits, idempotency."""

import re
import threading
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from backend.auth.actor import Actor
from backend.errors import Conflict, InvalidRequest
from backend.tickets.drafts import MediaDraft
from backend.tickets.numbers import format_ticket_no, next_ticket_no, ticket_day
from backend.tickets.service import create_ticket
from storage.models import ContactPreference, OutboxEvent, Ticket, TicketMedia, TicketState
from tests.backend.tickets.conftest import noise_draft

NOON_SHENZHEN = datetime(2026, 11, 29, 4, 0, tzinfo=UTC)  # 12:00 in Shenzhen


def test_number_format_and_shenzhen_day() -> None:
    assert format_ticket_no(day="20261129", value=123) == "SZ20261129-000123"
    assert ticket_day(now=datetime(2026, 11, 29, 16, 30, tzinfo=UTC)) == "20261130"  # 00:30 +08


def test_numbers_count_up_per_day_and_restart(session: Session) -> None:
    first = next_ticket_no(session=session, now=NOON_SHENZHEN)
    second = next_ticket_no(session=session, now=NOON_SHENZHEN)
    next_day = next_ticket_no(session=session, now=NOON_SHENZHEN + timedelta(days=1))
    assert (first, second, next_day) == (
        "SZ20261129-000001",
        "SZ20261129-000002",
        "SZ20261130-000001",
    )
    assert sorted([next_day, second, first]) == [first, second, next_day]


def test_concurrent_creators_never_share_a_number(session_factory: sessionmaker[Session]) -> None:
    numbers: list[str] = []
    errors: list[BaseException] = []

    def create_some() -> None:
        try:
            for _ in range(4):
                with session_factory.begin() as session:
                    ticket = create_ticket(
                        session=session, draft=noise_draft(chat_id=None), actor=Actor.citizen()
                    ).ticket
                    numbers.append(ticket.ticket_no)
        except BaseException as error:  # surfaced below
            errors.append(error)

    threads = [threading.Thread(target=create_some) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(numbers) == len(set(numbers)) == 12


@time_machine.travel(NOON_SHENZHEN, tick=False)
def test_a_new_ticket_is_routed_dispatched_and_timed(session: Session) -> None:
    ticket = create_ticket(session=session, draft=noise_draft(), actor=Actor.citizen()).ticket
    assert re.fullmatch(r"SZ20261129-\d{6}", ticket.ticket_no)
    assert ticket.state == TicketState.dispatched
    assert ticket.department is not None and ticket.department.name == "南山区粤海街道办事处"
    assert "→ 南山区粤海街道办事处" in ticket.routing_explanation
    assert ticket.routing_rule_id is not None
    assert [(e.action, e.from_state, e.to_state) for e in ticket.events] == [
        ("create", None, "received"),
        ("dispatch", "received", "dispatched"),
    ]
    assert ticket.contact_due == NOON_SHENZHEN + timedelta(hours=24)
    assert ticket.resolve_due == NOON_SHENZHEN + timedelta(hours=48)  # noise: 48 h
    outbox = session.scalars(select(OutboxEvent).where(OutboxEvent.ticket_id == ticket.id)).all()
    assert [row.kind for row in outbox] == ["dispatched"]
    assert "南山区粤海街道办事处" in outbox[0].payload["text"]
    assert outbox[0].dedupe_key == (
        f"ticket:{ticket.ticket_no}:{ticket.events[1].id}:{ticket.channel_identity_id}"
    )


@time_machine.travel(NOON_SHENZHEN, tick=False)
def test_urgent_tickets_get_the_urgent_limit(session: Session) -> None:
    flagged = create_ticket(
        session=session, draft=noise_draft(urgent=True), actor=Actor.citizen()
    ).ticket
    assert flagged.resolve_due == NOON_SHENZHEN + timedelta(hours=4)
    assert flagged.contact_due == NOON_SHENZHEN + timedelta(hours=4)
    by_words = create_ticket(
        session=session,
        draft=noise_draft(service_code="gas", description="楼道里闻到很重的煤气味"),
        actor=Actor.citizen(),
    ).ticket
    assert by_words.urgent is True
    assert by_words.resolve_due == NOON_SHENZHEN + timedelta(hours=1)


def test_same_idempotency_key_returns_the_same_ticket(session: Session) -> None:
    first = create_ticket(
        session=session, draft=noise_draft(), actor=Actor.citizen(), idempotency_key="k-1"
    )
    again = create_ticket(
        session=session, draft=noise_draft(), actor=Actor.citizen(), idempotency_key="k-1"
    )
    assert first.created and not again.created
    assert again.ticket.id == first.ticket.id
    assert session.scalar(select(func.count()).select_from(Ticket)) == 1
    with pytest.raises(Conflict):
        create_ticket(
            session=session,
            draft=noise_draft(description="另一件事"),
            actor=Actor.citizen(),
            idempotency_key="k-1",
        )


def test_concurrent_retries_with_one_key_create_one_ticket(
    session_factory: sessionmaker[Session],
) -> None:
    numbers: list[str] = []
    errors: list[BaseException] = []

    def create() -> None:
        try:
            with session_factory.begin() as session:
                result = create_ticket(
                    session=session,
                    draft=noise_draft(),
                    actor=Actor.citizen(),
                    idempotency_key="same",
                )
                numbers.append(result.ticket.ticket_no)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=create) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(set(numbers)) == 1


def test_media_and_no_chat(session: Session) -> None:
    create_ticket(
        session=session,
        draft=noise_draft(
            chat_id=None, media=(MediaDraft(file_id="AgAD-1"), MediaDraft(url="https://x/y.jpg"))
        ),
        actor=Actor.citizen(),
    )
    assert [m.file_id or m.url for m in session.scalars(select(TicketMedia))] == [
        "AgAD-1",
        "https://x/y.jpg",
    ]
    assert session.scalar(select(func.count()).select_from(OutboxEvent)) == 0  # nobody listens


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"service_code": "ufo"}, "unknown service_code"),
        ({"description": "   "}, "description"),
        ({"contact_preference": ContactPreference.phone}, "phone"),
        ({"lat": 22.5}, "lat and lon"),
        ({"media": (MediaDraft(),)}, "file_id or a url"),
    ],
)
def test_bad_input_is_refused_clearly(
    session: Session, changes: dict[str, object], message: str
) -> None:
    with pytest.raises(InvalidRequest, match=message):
        create_ticket(session=session, draft=noise_draft(**changes), actor=Actor.citizen())
    assert session.scalar(select(func.count()).select_from(Ticket)) == 0
