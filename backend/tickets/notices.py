"""Citizen-facing notice texts (canned replies in `data/notices.yml`), rendered for a ticket."""

from datetime import datetime
from functools import cache
from pathlib import Path

import yaml

from backend.tickets.numbers import shenzhen_zone
from storage.models import Ticket

NOTICES_FILE = Path(__file__).resolve().parent / "data" / "notices.yml"


@cache
def notice_templates() -> dict[str, str]:
    """Notice templates by kind (read on first use)."""
    with NOTICES_FILE.open(encoding="utf-8") as handle:
        return {str(kind): str(text) for kind, text in yaml.safe_load(handle).items()}


def local_time(value: datetime | None) -> str:
    """A time as Shenzhen local "YYYY-MM-DD HH:MM", or "—"."""
    return value.astimezone(shenzhen_zone()).strftime("%Y-%m-%d %H:%M") if value else "—"


def render_notice(
    *,
    kind: str,
    ticket: Ticket,
    service_name: str,
    note: str | None = None,
    target_no: str | None = None,
) -> str:
    """The text of one notice kind about this ticket."""
    template = notice_templates()[kind]
    return template.format(
        ticket_no=ticket.ticket_no,
        department=ticket.department.name if ticket.department else "相关部门",
        note=note or "",
        resolve_due=local_time(ticket.resolve_due),
        reopen_count=ticket.reopen_count,
        target_no=target_no or "",
        service_name=service_name,
        resolved_at=local_time(ticket.resolved_at),
    )
