"""类案 clusters of the newest run, and 未诉先办 tickets from them (staff)."""

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from backend.api.auth import StaffDep
from backend.api.deps import SessionDep
from backend.api.routes.tickets import ticket_out
from backend.clusters.detection import detect_clusters
from backend.clusters.proactive import ClusterView, latest_clusters, open_proactive_ticket
from backend.errors import Forbidden
from backend.inputs import RowId
from backend.tickets.schemas import TicketOut

router = APIRouter(prefix="/api/v1/clusters", tags=["clusters"])


@router.get("", response_model=list[ClusterView])
def get_clusters(
    session: SessionDep,
    actor: StaffDep,
    refresh: Annotated[bool, Query(description="operators/admins: recompute first")] = False,
) -> list[ClusterView]:
    """The clusters of the newest run of the clustering job, biggest first (department staff:
    their department's). `refresh=true` runs the job now (operators and admins)."""
    if refresh:
        if not actor.sees_all_tickets:
            raise Forbidden("only operators and admins recompute the clusters")
        detect_clusters(session=session)
    return latest_clusters(session=session, actor=actor)


@router.post(
    "/{cluster_id}/proactive-ticket",
    response_model=TicketOut,
    status_code=status.HTTP_201_CREATED,
    responses={200: {"description": "the cluster's proactive ticket, opened before"}},
)
def post_proactive_ticket(
    cluster_id: RowId, response: Response, session: SessionDep, actor: StaffDep
) -> TicketOut:
    """Operators and admins: open one proactive ticket (未诉先办) for the cluster, routed to
    the responsible department, linking its reports; asking again answers the same ticket."""
    outcome = open_proactive_ticket(session=session, actor=actor, cluster_id=cluster_id)
    if not outcome.created:
        response.status_code = status.HTTP_200_OK
    return ticket_out(outcome.ticket, actor)
