"""Random tickets and random later changes to them, for comparing the rollup with the live query.

Tickets are written as rows (not through the workflow) so that every combination the 三率 can
meet turns up: no department or place, merged and cancelled, answered or resolved exactly at the
limit, late, open past the limit, limits far ahead, ratings, reopens, equal handling times.
"""

import random
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.tickets.numbers import format_ticket_no, shenzhen_zone, ticket_day
from storage.models import Department, ServiceCategory, Ticket, TicketState

PLACES = [
    ("南山区", "粤海街道"),
    ("南山区", "南头街道"),
    ("福田区", "华强北街道"),
    ("福田区", None),
]
PLACES += [(None, None)]
H = timedelta(hours=1)


def shenzhen_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=shenzhen_zone()).astimezone(UTC)


class RandomTickets:
    """Makes and changes tickets received between `first` and `last` (Shenzhen days)."""

    def __init__(self, session: Session, *, seed: int, first: date, last: date) -> None:
        self.session = session
        self.rng = random.Random(seed)
        self.first, self.last = first, last
        self.codes = list(session.scalars(select(ServiceCategory.service_code)))[:4]
        self.departments: list[int | None] = [
            *list(session.scalars(select(Department.id).order_by(Department.id)))[:3],
            None,
        ]
        self.numbers: dict[str, int] = {}

    def _received(self, day: date | None = None) -> datetime:
        day = day or self.first + timedelta(
            days=self.rng.randrange((self.last - self.first).days + 1)
        )
        seconds = self.rng.choice([0, 10, 3600 * 23 + 3599, self.rng.randrange(86400)])
        return shenzhen_midnight(day) + timedelta(
            seconds=seconds, microseconds=self.rng.choice([0, 500_000, self.rng.randrange(10**6)])
        )

    def _duration(self) -> timedelta:
        choice = self.rng.random()
        if choice < 0.3:  # whole hours: many equal times, ties in the middle
            return self.rng.randrange(1, 200) * H
        if choice < 0.35:
            return timedelta(seconds=self.rng.randrange(0, 60))  # under a minute
        return timedelta(seconds=self.rng.uniform(60, 30 * 86400))

    def add(self, count: int, *, day: date | None = None) -> list[Ticket]:
        tickets = [self._one(day) for _ in range(count)]
        self.session.add_all(tickets)
        self.session.flush()
        return tickets

    def _one(self, day: date | None) -> Ticket:
        rng = self.rng
        created = self._received(day)
        key = ticket_day(now=created)
        self.numbers[key] = self.numbers.get(key, 0) + 1
        district, street = rng.choice(PLACES)
        ticket = Ticket(
            ticket_no=format_ticket_no(day=key, value=self.numbers[key]),
            state=rng.choice(list(TicketState)).value,
            service_code=rng.choice(self.codes),
            description="随机",
            district=district,
            street=street,
            department_id=rng.choice(self.departments),
            created_at=created,
            updated_at=created,
        )
        self._outcome(ticket)
        return ticket

    def _outcome(self, ticket: Ticket) -> None:
        rng, created = self.rng, ticket.created_at
        ticket.contact_due = created + 24 * H if rng.random() < 0.9 else None
        ticket.resolve_due = (
            created + rng.choice([4, 48, 120, 24 * 40]) * H if rng.random() < 0.9 else None
        )
        contact = rng.random()
        ticket.first_contact_at = (
            None
            if contact < 0.2
            else ticket.contact_due
            if contact < 0.3 and ticket.contact_due
            else created + rng.uniform(0, 48) * H
        )
        resolved = rng.random()
        if resolved < 0.3:
            ticket.resolved_at = None
        elif resolved < 0.4 and ticket.resolve_due is not None:
            ticket.resolved_at = ticket.resolve_due  # exactly at the limit: on time
        else:
            ticket.resolved_at = created + self._duration()
        ticket.reopen_count = rng.choice([0, 0, 0, 1, 2])
        ticket.ratings_count = rng.choice([0, 0, 1, 2])
        ticket.satisfied_count = rng.randint(0, ticket.ratings_count)

    def change(self, count: int) -> None:
        """Change `count` random tickets the way the workflow does later on."""
        tickets = list(self.session.scalars(select(Ticket).order_by(Ticket.id)))
        for ticket in self.rng.sample(tickets, min(count, len(tickets))):
            what = self.rng.randrange(6)
            if what == 0:
                self._outcome(ticket)  # resolved, rated, reopened, ...
            elif what == 1:
                ticket.state = self.rng.choice(list(TicketState)).value  # merged, cancelled, ...
            elif what == 2:
                ticket.department_id = self.rng.choice(self.departments)  # re-routed
            elif what == 3:
                ticket.district, ticket.street = self.rng.choice(PLACES)
            elif what == 4:
                ticket.ratings_count += 1
                ticket.satisfied_count += self.rng.randint(0, 1)
            else:
                ticket.resolved_at = None  # reopened: the next round is open
                ticket.reopen_count += 1
        self.session.flush()
