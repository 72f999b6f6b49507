"""Reminders (催办) and escalations (督办) told to a person: a department that named a Telegram
chat gets the alert there, through the outbox (retried, never lost, sent once per dedupe key)."""

from sqlalchemy.orm import Session

from backend.outbox.writer import pending_event
from backend.timers.clock import format_local
from storage.models import (
    Channel,
    Department,
    OutboxEvent,
    Ticket,
    TicketEvent,
)

ALERT_KIND = "department_alert"


def alert_text(*, ticket: Ticket, note: str, console_url: str = "") -> str:
    """What the department's chat reads: the alert, the ticket, where to open it."""
    due = format_local(ticket.resolve_due) if ticket.resolve_due else "—"
    number = ticket.ticket_no
    link = f"{console_url.rstrip('/')}/tickets/{number}" if console_url else ""
    return f"{note}\n工单 {number}（办结时限 {due}）" + (f"\n工作台：{link}" if link else "")


def alert_departments(
    *,
    session: Session,
    ticket: Ticket,
    event: TicketEvent,
    departments: list[Department | None],
    console_url: str = "",
) -> list[OutboxEvent]:
    """One outbox row per department (once each) that named a Telegram chat."""
    rows: list[OutboxEvent] = []
    seen: set[int] = set()
    for department in departments:
        if department is None or not department.telegram_chat_id or department.id in seen:
            continue
        seen.add(department.id)
        row = pending_event(
            ticket_id=ticket.id,
            kind=ALERT_KIND,
            payload={
                "text": alert_text(ticket=ticket, note=event.note or "", console_url=console_url),
                "channel": Channel.telegram.value,
                "chat_id": department.telegram_chat_id,
                "ticket_no": ticket.ticket_no,
                "event_id": event.id,
            },
            dedupe_key=f"department:{department.id}:{event.id}",
            channel_identity_id=None,
        )
        session.add(row)
        rows.append(row)
    session.flush()
    return rows
