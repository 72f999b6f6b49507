"""Every change to a ticket marks its day for the 三率 rollup, in the same transaction, whoever
writes it: the workflow (ORM), a bulk UPDATE, plain SQL, a delete. A migration that rebuilds
`tickets` on SQLite (batch mode) drops these triggers; this test then fails."""

from datetime import UTC, datetime

from sqlalchemy import delete, select, text, update
from sqlalchemy.orm import Session, sessionmaker

from storage.models import StatsDirtyDay, Ticket
from tests.backend.ticket_factory import load_ticket, open_ticket

T0 = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)  # 10:00 on 2 November in Shenzhen


def marked(session: Session) -> list[str]:
    days = session.scalars(select(StatsDirtyDay.day).order_by(StatsDirtyDay.id)).all()
    session.rollback()
    return list(days)


def clear(session: Session) -> None:
    session.execute(delete(StatsDirtyDay))
    session.commit()


def test_each_way_of_changing_a_ticket_marks_its_day(
    session: Session, session_factory: sessionmaker[Session]
) -> None:
    number = open_ticket(session_factory, now=T0)
    assert set(marked(session)) == {"20261102"}  # created (and routed) in that transaction
    clear(session)

    load_ticket(session, number).ratings_count += 1  # the workflow's way
    session.commit()
    assert marked(session) == ["20261102"]
    clear(session)

    session.execute(update(Ticket).values(reopen_count=Ticket.reopen_count + 1))
    session.execute(text("UPDATE tickets SET satisfied_count = 1"))
    session.commit()
    assert marked(session) == ["20261102", "20261102"]
    clear(session)

    session.execute(update(Ticket).where(Ticket.id < 0).values(reopen_count=0))  # no row
    session.commit()
    assert marked(session) == []


def test_a_marker_comes_and_goes_with_its_change(
    session: Session, session_factory: sessionmaker[Session]
) -> None:
    number = open_ticket(session_factory, now=T0)
    clear(session)
    load_ticket(session, number).district = "福田区"
    session.flush()
    session.rollback()
    assert marked(session) == []  # rolled back with the change

    bare = Ticket(  # a ticket without events or deadlines, so that it can be deleted
        ticket_no="SZ20261005-000001",
        state="received",
        service_code="noise",
        description="删除测试",
        created_at=datetime(2026, 10, 5, 1, 0, tzinfo=UTC),
    )
    session.add(bare)
    session.commit()
    clear(session)
    session.execute(delete(Ticket).where(Ticket.id == bare.id))
    session.commit()
    assert marked(session) == ["20261005"]
