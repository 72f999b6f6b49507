"""类案 clusters on seeded reports, and the proactive ticket a supervisor opens from one."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from backend.auth.actor import Actor
from backend.clusters.detection import detect_clusters, run_cluster_job
from backend.clusters.proactive import latest_clusters, open_proactive_ticket
from backend.errors import Forbidden, NotFound
from backend.tickets.drafts import TicketDraft
from backend.tickets.service import create_ticket
from storage.models import ActorKind, StaffRole, Ticket, TicketSource
from tests.backend.tickets.conftest import OPERATOR

NOW = datetime(2026, 11, 20, 4, 0, tzinfo=UTC)
LIGHTS = [
    "华强北路的路灯坏了，晚上一片黑",
    "华强北这边路灯不亮好几天了",
    "华强北路灯晚上不亮，走路很危险",
    "华强北路的路灯一直不亮",
    "华强北地铁站旁边路灯坏了，晚上很黑",
]


def report(session: Session, text: str, *, days_ago: float, street: str = "华强北街道",
           service_code: str = "streetlight") -> Ticket:  # fmt: skip
    at = NOW - timedelta(days=days_ago)
    draft = TicketDraft(
        service_code=service_code, description=text, district="福田区", street=street
    )
    with time_machine.travel(at, tick=False):
        return create_ticket(session=session, draft=draft, actor=Actor.citizen(), now=at).ticket


@pytest.fixture
def seeded(session: Session) -> list[Ticket]:
    """Five alike streetlight reports on one street within a week, and near misses: a sixth
    too old, four on another street, and three of another category on the same street."""
    cluster = [report(session, text, days_ago=i + 0.5) for i, text in enumerate(LIGHTS)]
    report(session, "华强北路的路灯坏了", days_ago=9)
    for i in range(4):
        report(session, LIGHTS[i], days_ago=i + 1, street="福田街道")
    for i in range(3):
        report(session, "华强北路面塌陷一个大坑", days_ago=i + 1, service_code="road")
    session.commit()
    return cluster


def test_five_alike_reports_of_one_street_in_a_week_make_a_cluster(
    session: Session, seeded: list[Ticket]
) -> None:
    run = detect_clusters(session=session, now=NOW)
    assert run.window_start == NOW - timedelta(days=7)
    [found] = latest_clusters(session=session, actor=OPERATOR)
    assert (found.service_code, found.district, found.street) == (
        "streetlight",
        "福田区",
        "华强北街道",
    )
    assert found.size == 5
    assert found.ticket_nos == [t.ticket_no for t in sorted(seeded, key=lambda t: t.created_at)]
    assert found.first_at == min(t.created_at for t in seeded)
    assert found.last_at == max(t.created_at for t in seeded)
    assert found.department_id == seeded[0].department_id
    assert found.proactive_ticket_no is None


def test_unalike_texts_do_not_join(session: Session, seeded: list[Ticket]) -> None:
    report(session, "灯杆上贴满了小广告，影响市容", days_ago=0.2)
    detect_clusters(session=session, now=NOW)
    [found] = latest_clusters(session=session, actor=OPERATOR)
    assert found.size == 5


def test_a_supervisor_turns_a_cluster_into_one_proactive_ticket(
    session: Session, seeded: list[Ticket]
) -> None:
    detect_clusters(session=session, now=NOW)
    [found] = latest_clusters(session=session, actor=OPERATOR)
    outcome = open_proactive_ticket(session=session, actor=OPERATOR, cluster_id=found.id)
    ticket = outcome.ticket
    assert outcome.created
    assert ticket.source == TicketSource.proactive
    assert (ticket.service_code, ticket.district, ticket.street) == (
        "streetlight",
        "福田区",
        "华强北街道",
    )
    assert ticket.department_id == seeded[0].department_id  # the routing rules' department
    assert ticket.state == "dispatched"
    assert all(number in ticket.description for number in found.ticket_nos)
    [link] = [e for e in ticket.events if e.action == "link_reports"]
    assert link.data["ticket_nos"] == found.ticket_nos
    for member in seeded:
        session.refresh(member)
        assert "link_proactive" in [e.action for e in member.events]
    again = open_proactive_ticket(session=session, actor=OPERATOR, cluster_id=found.id)
    assert (again.created, again.ticket.id) == (False, ticket.id)
    detect_clusters(session=session, now=NOW + timedelta(hours=1))  # a later run remembers it
    [later] = latest_clusters(session=session, actor=OPERATOR)
    assert later.id != found.id and later.proactive_ticket_no == ticket.ticket_no
    proactive = session.scalars(select(Ticket).where(Ticket.source == "proactive")).all()
    assert len(proactive) == 1  # and the proactive ticket is not itself a report


def test_department_staff_see_their_clusters_read_only(
    session: Session, seeded: list[Ticket]
) -> None:
    detect_clusters(session=session, now=NOW)
    own = Actor(
        kind=ActorKind.staff,
        id="d",
        role=StaffRole.department,
        department_id=seeded[0].department_id,
    )
    other = Actor(kind=ActorKind.staff, id="o", role=StaffRole.department, department_id=-1)
    [found] = latest_clusters(session=session, actor=own)
    assert latest_clusters(session=session, actor=other) == []
    with pytest.raises(Forbidden):
        open_proactive_ticket(session=session, actor=own, cluster_id=found.id)
    with pytest.raises(NotFound):
        open_proactive_ticket(session=session, actor=other, cluster_id=found.id)


def test_the_scheduled_job_stores_a_run_and_commits(
    session_factory: sessionmaker[Session], seeded: list[Ticket]
) -> None:
    with time_machine.travel(NOW, tick=False):
        assert run_cluster_job(session_factory=session_factory) == 1
    with session_factory() as fresh:
        [found] = latest_clusters(session=fresh, actor=OPERATOR)
        assert found.size == 5
