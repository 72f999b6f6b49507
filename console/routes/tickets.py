"""One ticket: its timeline, routing, deadlines and ratings; accept / resolve / return / note.

The same backend rules as the API: department staff act only on their department's tickets,
resolving needs the note the citizen reads, returning needs the reason.
"""

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session

from backend.api.deps import SessionDep
from backend.duplicates.following import merge_tickets
from backend.duplicates.matching import Report, SimilarTicket, find_similar
from backend.errors import InvalidRequest
from backend.tickets.notes import add_note
from backend.tickets.permissions import visible_ticket
from backend.tickets.queue import ticket_details
from backend.tickets.transitions import apply_transition
from backend.tickets.workflow import Action, allowed_actions
from console.forms import attempt, see_other
from console.i18n import translate
from console.security import OperatorWrite, StaffPage, StaffWrite, language
from console.templating import render
from storage.models import Ticket

router = APIRouter(prefix="/console/tickets", include_in_schema=False)

CONSOLE_ACTIONS = (Action.accept, Action.resolve, Action.return_)
"""The workflow actions the ticket page offers (operators re-dispatch through the API)."""

Note = Annotated[str, Form(max_length=4000)]


@router.get("/{ticket_no}", response_class=HTMLResponse)
def ticket_page(
    request: Request, ticket_no: str, session: SessionDep, user: StaffPage
) -> HTMLResponse:
    """The ticket; 404 exactly as for a missing one when the user may not see it."""
    details = ticket_details(session=session, actor=user.actor, ticket_no=ticket_no)
    allowed = set(allowed_actions(state=details.ticket.state))
    actions = [action for action in CONSOLE_ACTIONS if action in allowed]
    similar = (
        merge_candidates(session=session, ticket=details.ticket)
        if user.actor.sees_all_tickets and Action.merge in allowed
        else []
    )
    context = {"d": details, "t_": details.ticket, "actions": actions, "similar": similar}
    return render(request, "ticket.html", context)


def merge_candidates(*, session: Session, ticket: Ticket) -> list[SimilarTicket]:
    """Other open tickets that look like the same problem (the intake's duplicate rules)."""
    report = Report(
        service_code=ticket.service_code,
        description=ticket.description,
        district=ticket.district,
        street=ticket.street,
        lat=ticket.lat,
        lon=ticket.lon,
    )
    return find_similar(session=session, report=report, exclude_ticket_id=ticket.id)


@router.post("/{ticket_no}/transitions")
def post_transition(
    request: Request,
    ticket_no: str,
    session: SessionDep,
    user: StaffWrite,
    action: Annotated[str, Form(max_length=16)],
    note: Note = "",
) -> RedirectResponse:
    """Accept, resolve (the note goes to the citizen) or return (the note is the reason)."""

    def work() -> str:
        if action not in CONSOLE_ACTIONS:
            raise InvalidRequest(f"unknown action {action!r}")
        ticket = visible_ticket(
            session=session, actor=user.actor, ticket_no=ticket_no, for_update=True
        )
        apply_transition(session=session, ticket=ticket, action=action, actor=user.actor, note=note)
        return translate(language(request), f"done_{action}")

    return attempt(request, session, work=work, back=f"/console/tickets/{ticket_no}")


@router.post("/{ticket_no}/notes")
def post_note(
    request: Request,
    ticket_no: str,
    session: SessionDep,
    user: StaffWrite,
    note: Note,
    public: Annotated[bool, Form()] = False,
) -> RedirectResponse:
    """An internal note, or (public) one the citizen is sent."""

    def work() -> str:
        ticket = visible_ticket(session=session, actor=user.actor, ticket_no=ticket_no)
        add_note(session=session, ticket=ticket, actor=user.actor, note=note, public=public)
        return translate(language(request), "done_note")

    return attempt(request, session, work=work, back=f"/console/tickets/{ticket_no}")


@router.post("/{ticket_no}/merge")
def post_merge(
    request: Request,
    ticket_no: str,
    session: SessionDep,
    user: OperatorWrite,
    into: Annotated[str, Form(max_length=64)],
    note: Note = "",
) -> RedirectResponse:
    """Operators and admins: merge this ticket into another; its reporters follow the main
    ticket and are each told once (backend.duplicates.following)."""
    main: list[str] = []

    def work() -> str:
        target = merge_tickets(
            session=session,
            actor=user.actor,
            ticket_no=ticket_no,
            into=into.strip().upper(),
            note=note or None,
        )
        main.append(target.ticket_no)
        return translate(language(request), "done_merged", ticket_no=target.ticket_no)

    answer = attempt(request, session, work=work, back=f"/console/tickets/{ticket_no}")
    return see_other(f"/console/tickets/{main[0]}") if main else answer
