"""What the citizen hears when their ticket is escalated (督办), written to the outbox."""

from sqlalchemy.orm import Session

from backend.outbox.writer import write_ticket_notice
from backend.tickets.notices import notice_renderer
from storage.models import OutboxEvent, Ticket, TicketEvent

ESCALATED_KIND = "escalated"


def escalation_notice(*, session: Session, ticket: Ticket, event: TicketEvent) -> list[OutboxEvent]:
    """ "您的工单已升级督办" to every chat that follows the ticket, in the caller's transaction."""
    render = notice_renderer(session=session, kind=ESCALATED_KIND, ticket=ticket)
    return write_ticket_notice(
        session=session, ticket=ticket, event=event, kind=ESCALATED_KIND, render=render
    )
