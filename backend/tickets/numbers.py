"""Ticket numbers `SZYYYYMMDD-NNNNNN`: sortable, human-friendly, race-free.

The per-day counter row is bumped with one `INSERT … ON CONFLICT DO UPDATE … RETURNING` in the
creating transaction: PostgreSQL serialises concurrent bumps on the row lock, SQLite on its
write lock, so two tickets never get the same number and a rolled-back ticket frees its number.
"""

from datetime import datetime
from functools import cache
from zoneinfo import ZoneInfo

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from storage.models import TicketCounter

SHENZHEN_TIMEZONE = "Asia/Shanghai"


@cache
def shenzhen_zone() -> ZoneInfo:
    """Shenzhen local time (UTC+8), which ticket numbers and citizen-facing times use."""
    return ZoneInfo(SHENZHEN_TIMEZONE)


def ticket_day(*, now: datetime) -> str:
    """The Shenzhen calendar day of `now` as YYYYMMDD."""
    return now.astimezone(shenzhen_zone()).strftime("%Y%m%d")


def format_ticket_no(*, day: str, value: int) -> str:
    """SZ20261129-000123."""
    return f"SZ{day}-{value:06d}"


def next_ticket_no(*, session: Session, now: datetime) -> str:
    """Take the next number of `now`'s day inside the current transaction."""
    day = ticket_day(now=now)
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    table = TicketCounter.__table__
    statement = (
        insert(table)
        .values(day=day, last_value=1)
        .on_conflict_do_update(
            index_elements=[table.c.day], set_={"last_value": table.c.last_value + 1}
        )
        .returning(table.c.last_value)
    )
    value = session.execute(statement).scalar_one()
    return format_ticket_no(day=day, value=value)
