"""What the citizen hears when their ticket is escalated (督办), written to the outbox."""

from sqlalchemy.orm import Session

from backend.outbox.writer import write_ticket_notice
from backend.tickets.notices import render_notice
from storage.models import OutboxEvent, ServiceCategory, Ticket, TicketEvent

ESCALATED_KIND = "escalated"


def escalation_notice(*, session: Session, ticket: Ticket, event: TicketEvent) -> list[OutboxEvent]:
    """ "您的工单已升级督办" to every chat that follows the ticket, in the caller's transaction."""
    category = session.get(ServiceCategory, ticket.service_code)
    text = render_notice(
        kind=ESCALATED_KIND,
        ticket=ticket,
        service_name=category.name_zh if category else ticket.service_code,
    )
    return write_ticket_notice(
        session=session, ticket=ticket, event=event, kind=ESCALATED_KIND, text=text
    )
