"""Citizen-facing notice texts (canned replies in `data/notices.yml`), rendered for a ticket.

Each chat that follows a ticket hears it in its own language (`ChannelIdentity.language`):
`data/notices.yml` is Chinese, `data/notices.<language>.yml` has the same kinds and
placeholders in another language (tests/backend/tickets/test_notices.py checks).
"""

from collections.abc import Callable
from datetime import datetime
from functools import cache
from pathlib import Path

import yaml
from sqlalchemy.orm import Session

from backend.citizens.language import in_language
from backend.tickets.numbers import shenzhen_zone
from storage.models import Language, ServiceCategory, Ticket

NOTICES_DIR = Path(__file__).resolve().parent / "data"

Render = Callable[[str], str]
"""A notice in the language asked for."""


def notices_file(language: str) -> Path:
    """The notices of a language (Chinese for a language we do not have)."""
    return in_language(NOTICES_DIR / "notices.yml", language)


@cache
def notice_templates(language: str = Language.zh) -> dict[str, str]:
    """Notice templates by kind (read on first use), plus `department_unknown`."""
    with notices_file(language).open(encoding="utf-8") as handle:
        return {str(kind): str(text) for kind, text in yaml.safe_load(handle).items()}


def local_time(value: datetime | None) -> str:
    """A time as Shenzhen local "YYYY-MM-DD HH:MM", or "—"."""
    return value.astimezone(shenzhen_zone()).strftime("%Y-%m-%d %H:%M") if value else "—"


def render_notice(
    *,
    kind: str,
    ticket: Ticket,
    service_name: str,
    language: str = Language.zh,
    note: str | None = None,
    target_no: str | None = None,
) -> str:
    """The text of one notice kind about this ticket, in `language`."""
    templates = notice_templates(language)
    return templates[kind].format(
        ticket_no=ticket.ticket_no,
        department=ticket.department.name if ticket.department else templates["department_unknown"],
        note=note or "",
        resolve_due=local_time(ticket.resolve_due),
        reopen_count=ticket.reopen_count,
        target_no=target_no or "",
        service_name=service_name,
        resolved_at=local_time(ticket.resolved_at),
    )


def notice_renderer(
    *,
    session: Session,
    kind: str,
    ticket: Ticket,
    note: str | None = None,
    target_no: str | None = None,
) -> Render:
    """The notice of `kind` about this ticket, in whichever language a chat needs it."""
    category = session.get(ServiceCategory, ticket.service_code)

    def render(language: str) -> str:
        if category is None:
            service_name = ticket.service_code
        else:
            service_name = category.name_en if language == Language.en else category.name_zh
        return render_notice(
            kind=kind,
            ticket=ticket,
            service_name=service_name,
            language=language,
            note=note,
            target_no=target_no,
        )

    return render
