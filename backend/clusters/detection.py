"""The clustering job: group the window's reports by category and street, then by text.

Within one category and street, reports are taken oldest first; each joins the first group
whose first report is alike enough (rapidfuzz), or starts a new group. Groups of at least
`min_size` are stored as the clusters of a new run; the newest run is what the dashboard shows.
A cluster whose reports already led to a proactive ticket keeps pointing at it.
"""

import logging
from collections import Counter, defaultdict
from datetime import datetime, timedelta

from rapidfuzz import process
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from backend.clusters.config import ClusterConfig, cluster_config
from storage.models import (
    ClusterMember,
    ClusterRun,
    Ticket,
    TicketCluster,
    TicketSource,
    TicketState,
    utcnow,
)

log = logging.getLogger(__name__)

Place = tuple[str, str | None, str | None]


def _recent(*, session: Session, since: datetime, until: datetime) -> dict[Place, list[Ticket]]:
    query = (
        select(Ticket)
        .where(
            Ticket.created_at >= since,
            Ticket.created_at < until,
            Ticket.street.is_not(None),
            Ticket.source != TicketSource.proactive.value,
            Ticket.state.not_in([TicketState.merged.value, TicketState.cancelled.value]),
        )
        .order_by(Ticket.created_at, Ticket.id)
    )
    places: dict[Place, list[Ticket]] = defaultdict(list)
    for ticket in session.scalars(query):
        places[(ticket.service_code, ticket.district, ticket.street)].append(ticket)
    return places


def group_by_text(tickets: list[Ticket], config: ClusterConfig) -> list[list[Ticket]]:
    """Reports of one place split into groups of alike texts (greedy, oldest first)."""
    groups: list[list[Ticket]] = []
    for ticket in tickets:
        seeds = {index: group[0].description for index, group in enumerate(groups)}
        best = process.extractOne(
            ticket.description, seeds, scorer=config.score, score_cutoff=config.min_similarity
        )
        if best is None:
            groups.append([ticket])
        else:
            groups[best[2]].append(ticket)
    return groups


def _earlier_proactive(*, session: Session, ticket_ids: list[int]) -> dict[int, int]:
    """Ticket id → the proactive ticket an earlier cluster containing it led to."""
    rows = session.execute(
        select(ClusterMember.ticket_id, TicketCluster.proactive_ticket_id)
        .join(TicketCluster, TicketCluster.id == ClusterMember.cluster_id)
        .where(
            ClusterMember.ticket_id.in_(ticket_ids),
            TicketCluster.proactive_ticket_id.is_not(None),
        )
    )
    return {ticket_id: proactive_id for ticket_id, proactive_id in rows}


def detect_clusters(
    *, session: Session, now: datetime | None = None, config: ClusterConfig | None = None
) -> ClusterRun:
    """Compute and store a new run of clusters over the last `window_days` (flushed)."""
    config = config or cluster_config()
    now = now or utcnow()
    run = ClusterRun(
        computed_at=now, window_start=now - timedelta(days=config.window_days), window_end=now
    )
    session.add(run)
    session.flush()
    found = [
        group
        for tickets in _recent(session=session, since=run.window_start, until=now).values()
        for group in group_by_text(tickets, config)
        if len(group) >= config.min_size
    ]
    earlier = _earlier_proactive(
        session=session, ticket_ids=[ticket.id for group in found for ticket in group]
    )
    for group in found:
        departments = Counter(t.department_id for t in group if t.department_id is not None)
        cluster = TicketCluster(
            run_id=run.id,
            service_code=group[0].service_code,
            district=group[0].district,
            street=group[0].street,
            department_id=departments.most_common(1)[0][0] if departments else None,
            size=len(group),
            first_at=group[0].created_at,
            last_at=group[-1].created_at,
            proactive_ticket_id=next((earlier[t.id] for t in group if t.id in earlier), None),
        )
        session.add(cluster)
        session.flush()
        session.add_all(ClusterMember(cluster_id=cluster.id, ticket_id=t.id) for t in group)
    session.flush()
    return run


def run_cluster_job(*, session_factory: sessionmaker[Session]) -> int | None:
    """The periodic job: one new run, committed; returns how many clusters it found."""
    with session_factory() as session, session.begin():
        run = detect_clusters(session=session)
        count = session.scalar(
            select(func.count(TicketCluster.id)).where(TicketCluster.run_id == run.id)
        )
    log.info("clustering: %d clusters", count)
    return count
