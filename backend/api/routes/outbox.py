"""Delivery state of the outbox (admin only): `GET /api/v1/outbox?status=…`."""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from backend.api.auth import AdminDep
from backend.api.deps import SessionDep
from backend.outbox.queries import count_by_status, list_outbox, parse_status

router = APIRouter(prefix="/api/v1/outbox", tags=["outbox"])


class OutboxEventOut(BaseModel):
    """One outbox event and where its delivery stands."""

    id: int
    ticket_no: str | None
    kind: str
    dedupe_key: str
    channel: str | None
    chat_id: str | None
    status: str
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    delivered_at: datetime | None
    created_at: datetime


class OutboxOut(BaseModel):
    """Counts per status and the newest matching events."""

    counts: dict[str, int]
    events: list[OutboxEventOut]


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
        events=[OutboxEventOut.model_validate(entry, from_attributes=True) for entry in entries],
    )
