"""类案: the clusters of the latest run of the clustering job, each with its reports; operators
and admins recompute them and turn one into a proactive ticket (未诉先办). Department staff see
their own department's clusters, read-only (the rules: backend/clusters)."""

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from backend.api.deps import SessionDep
from backend.clusters.detection import detect_clusters
from backend.clusters.proactive import latest_clusters, latest_run, open_proactive_ticket
from backend.inputs import RowId
from console.dashboard import csv_download, plain, with_descriptions
from console.forms import attempt, flash, see_other
from console.i18n import translate
from console.security import OperatorWrite, StaffPage, language
from console.templating import render

router = APIRouter(prefix="/console/clusters", include_in_schema=False)
CSV_COLUMNS = ["id", "service_code", "category", "district", "street", "size", "ticket_nos",
               "first_at", "last_at", "proactive_ticket_no"]  # fmt: skip


@router.get("", response_class=HTMLResponse)
def clusters_page(request: Request, session: SessionDep, user: StaffPage) -> HTMLResponse:
    """The latest run and its clusters, biggest first, with each report's text."""
    clusters = latest_clusters(session=session, actor=user.actor)
    numbers = [{"ticket_no": no} for cluster in clusters for no in cluster.ticket_nos]
    texts = {
        row["ticket_no"]: row["description"]
        for row in with_descriptions(session=session, rows=numbers)
    }
    context = {"run": latest_run(session=session), "clusters": clusters, "texts": texts}
    return render(request, "clusters.html", context)


@router.get("/clusters.csv")
def clusters_csv(session: SessionDep, user: StaffPage) -> Response:
    """The clusters of the latest run as CSV (ticket numbers joined by spaces)."""
    rows = [
        {**plain(cluster), "ticket_nos": " ".join(cluster.ticket_nos)}
        for cluster in latest_clusters(session=session, actor=user.actor)
    ]
    return csv_download(rows, name="clusters", columns=CSV_COLUMNS)


@router.post("/refresh")
def refresh(request: Request, session: SessionDep, user: OperatorWrite) -> RedirectResponse:
    """Run the clustering job now."""
    detect_clusters(session=session)
    flash(request, kind="ok", text=translate(language(request), "done_refreshed"))
    return see_other("/console/clusters")


@router.post("/{cluster_id}/proactive-ticket")
def proactive_ticket(
    request: Request, cluster_id: RowId, session: SessionDep, user: OperatorWrite
) -> RedirectResponse:
    """One proactive ticket for the cluster (asking again shows the same one)."""
    opened: list[str] = []

    def work() -> str:
        outcome = open_proactive_ticket(session=session, actor=user.actor, cluster_id=cluster_id)
        opened.append(outcome.ticket.ticket_no)
        return translate(language(request), "done_proactive", ticket_no=outcome.ticket.ticket_no)

    answer = attempt(request, session, work=work, back="/console/clusters")
    return see_other(f"/console/tickets/{opened[0]}") if opened else answer
