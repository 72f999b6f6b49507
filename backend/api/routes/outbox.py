"""Delivery state of the outbox (admin only): `GET /api/v1/outbox?status=…`."""

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from backend.api.auth import AdminDep
from backend.api.deps import SessionDep
from backend.outbox.queries import OutboxEntry, count_by_status, list_outbox, parse_status

router = APIRouter(prefix="/api/v1/outbox", tags=["outbox"])


class OutboxOut(BaseModel):
    """Counts per status and the newest matching events."""

    counts: dict[str, int]
    events: list[OutboxEntry]


@router.get("", summary="Outbox delivery state")
def get_outbox(
    session: SessionDep,
    _admin: AdminDep,
    status: Annotated[str | None, Query(description="pending, delivered, failed or dead")] = None,
    ticket_no: str | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> OutboxOut:
    """Events newest first; `status` filters (pending/delivered/failed/dead)."""
    entries = list_outbox(
        session=session, status=parse_status(status), ticket_no=ticket_no, limit=limit
    )
    return OutboxOut(
        counts=count_by_status(session=session),
        events=entries,
    )
