"""Reading the newest clusters, and turning one into a proactive ticket (未诉先办).

Supervisors (operators, admins) see every cluster and may open the proactive ticket;
department staff see the clusters of their own department, read-only.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.auth.actor import Actor
from backend.errors import Forbidden, NotFound
from backend.tickets.drafts import TicketDraft
from backend.tickets.events import record_event
from backend.tickets.service import create_ticket
from storage.models import (
    ClusterMember,
    ClusterRun,
    ServiceCategory,
    Ticket,
    TicketCluster,
    TicketSource,
    utcnow,
)


@dataclass(frozen=True)
class ClusterView:
    """A cluster as the dashboard shows it."""

    id: int
    run_id: int
    service_code: str
    category: str
    district: str | None
    street: str | None
    department_id: int | None
    size: int
    ticket_nos: list[str]
    first_at: datetime
    last_at: datetime
    proactive_ticket_no: str | None


def latest_run(*, session: Session) -> ClusterRun | None:
    """The newest run of the clustering job, if it ever ran."""
    return session.scalar(select(ClusterRun).order_by(ClusterRun.id.desc()).limit(1))


def _visible(cluster: TicketCluster, actor: Actor) -> bool:
    if actor.sees_all_tickets:
        return True
    return actor.is_department_staff and cluster.department_id == actor.department_id


def _view(*, session: Session, cluster: TicketCluster) -> ClusterView:
    numbers = list(
        session.scalars(
            select(Ticket.ticket_no)
            .join(ClusterMember, ClusterMember.ticket_id == Ticket.id)
            .where(ClusterMember.cluster_id == cluster.id)
            .order_by(Ticket.created_at, Ticket.id)
        )
    )
    category = session.get(ServiceCategory, cluster.service_code)
    proactive = (
        session.get(Ticket, cluster.proactive_ticket_id) if cluster.proactive_ticket_id else None
    )
    return ClusterView(
        id=cluster.id,
        run_id=cluster.run_id,
        service_code=cluster.service_code,
        category=category.name_zh if category else cluster.service_code,
        district=cluster.district,
        street=cluster.street,
        department_id=cluster.department_id,
        size=cluster.size,
        ticket_nos=numbers,
        first_at=cluster.first_at,
        last_at=cluster.last_at,
        proactive_ticket_no=proactive.ticket_no if proactive else None,
    )


def latest_clusters(*, session: Session, actor: Actor) -> list[ClusterView]:
    """The clusters of the newest run the actor may see, biggest first."""
    run = latest_run(session=session)
    if run is None:
        return []
    clusters = session.scalars(
        select(TicketCluster)
        .where(TicketCluster.run_id == run.id)
        .order_by(TicketCluster.size.desc(), TicketCluster.id)
    )
    return [_view(session=session, cluster=c) for c in clusters if _visible(c, actor)]


def _description(*, cluster: TicketCluster, category: str, numbers: list[str]) -> str:
    place = f"{cluster.district or ''}{cluster.street or ''}"
    return (
        f"【未诉先办】{place}自{cluster.first_at:%Y-%m-%d}以来收到{cluster.size}件"
        f"“{category}”类诉求，请主动排查处置。关联工单：{'、'.join(numbers)}"
    )


@dataclass(frozen=True)
class ProactiveOutcome:
    """The proactive ticket and whether this call opened it (False: opened before)."""

    ticket: Ticket
    created: bool


def open_proactive_ticket(
    *, session: Session, actor: Actor, cluster_id: int, now: datetime | None = None
) -> ProactiveOutcome:
    """Open one proactive ticket for the cluster, routed by the rules to the responsible
    department, with the reports linked in its history and theirs. Asking again returns the
    same ticket. NotFound for an unknown or invisible cluster; Forbidden for department staff.
    """
    now = now or utcnow()
    cluster = session.get(TicketCluster, cluster_id, with_for_update=True)
    if cluster is None or not _visible(cluster, actor):
        raise NotFound(f"cluster {cluster_id} not found")
    if not actor.sees_all_tickets:
        raise Forbidden("only operators and admins open proactive tickets")
    if cluster.proactive_ticket_id is not None:
        existing = session.get(Ticket, cluster.proactive_ticket_id)
        assert existing is not None
        return ProactiveOutcome(ticket=existing, created=False)
    view = _view(session=session, cluster=cluster)
    draft = TicketDraft(
        service_code=cluster.service_code,
        description=_description(cluster=cluster, category=view.category, numbers=view.ticket_nos),
        district=cluster.district,
        street=cluster.street,
        source=TicketSource.proactive,
    )
    ticket = create_ticket(session=session, draft=draft, actor=actor, now=now).ticket
    cluster.proactive_ticket_id = ticket.id
    record_event(
        session=session,
        ticket=ticket,
        actor=actor,
        action="link_reports",
        note=f"关联类案工单 {len(view.ticket_nos)} 件",
        public=False,
        data={"cluster_id": cluster.id, "ticket_nos": view.ticket_nos},
        at=now,
    )
    for member in session.scalars(
        select(Ticket)
        .join(ClusterMember, ClusterMember.ticket_id == Ticket.id)
        .where(ClusterMember.cluster_id == cluster.id)
    ):
        record_event(
            session=session,
            ticket=member,
            actor=actor,
            action="link_proactive",
            note=f"已纳入未诉先办工单 {ticket.ticket_no}",
            public=False,
            data={"proactive_ticket_no": ticket.ticket_no, "cluster_id": cluster.id},
            at=now,
        )
    session.flush()
    return ProactiveOutcome(ticket=ticket, created=True)
