"""`apply_transition`: move a ticket through the workflow, with its event and outbox rows.

Every transition writes a ticket event; citizen-visible ones (dispatched, accepted, resolved,
reopened, merged) also write outbox rows, in the same transaction: a transition that fails
writes neither. Only `flush()` here — the caller commits.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.auth.actor import Actor
from backend.errors import Conflict, InvalidRequest
from backend.outbox.writer import write_ticket_notice
from backend.tickets.deadlines import deadlines_for
from backend.tickets.dispatching import redispatch
from backend.tickets.events import record_event
from backend.tickets.notices import notice_renderer
from backend.tickets.permissions import ensure_may_act, ensure_visible, visible_ticket
from backend.tickets.workflow import NOTE_REQUIRED, Action, allowed_actions, next_state
from storage.models import (
    ServiceCategory,
    SubscriberRole,
    Ticket,
    TicketEvent,
    TicketState,
    TicketSubscriber,
    utcnow,
)


@dataclass(frozen=True)
class TransitionRequest:
    """What the caller asks for; `department_id`/`reason` choose the department by hand."""

    action: Action
    note: str | None = None
    target_ticket_no: str | None = None
    department_id: int | None = None
    reason: str | None = None


@dataclass
class Effect:
    """What a transition did, for its event and its notice."""

    notice: str | None = None
    public: bool = True
    data: dict[str, Any] = field(default_factory=dict)
    event_note: str | None = None
    target: Ticket | None = None


Handler = Callable[[Session, Ticket, Actor, TransitionRequest, datetime], Effect]


def parse_action(value: str, *, state: str) -> Action:
    """The Action named by `value`, or InvalidRequest listing the allowed ones."""
    try:
        return Action(value)
    except ValueError as error:
        allowed = [item.value for item in allowed_actions(state=state)]
        raise InvalidRequest(f"unknown action {value!r}", allowed=allowed) from error


def _dispatch(
    session: Session, ticket: Ticket, actor: Actor, request: TransitionRequest, now: datetime
) -> Effect:
    outcome = redispatch(
        session=session,
        ticket=ticket,
        department_id=request.department_id,
        reason=request.reason or request.note,
        actor=actor,
    )
    assert outcome is not None
    note = f"已派发至{outcome.department.name}"
    return Effect(notice="dispatched", data=outcome.data, event_note=note)


def _accept(
    session: Session, ticket: Ticket, actor: Actor, request: TransitionRequest, now: datetime
) -> Effect:
    if ticket.first_contact_at is None:
        ticket.first_contact_at = now
    department = ticket.department.name if ticket.department else "承办单位"
    return Effect(notice="accepted", event_note=request.note or f"{department}已签收")


def _resolve(
    session: Session, ticket: Ticket, actor: Actor, request: TransitionRequest, now: datetime
) -> Effect:
    ticket.resolved_at = now
    return Effect(notice="resolved")


def _close(
    session: Session, ticket: Ticket, actor: Actor, request: TransitionRequest, now: datetime
) -> Effect:
    ticket.closed_at = now
    return Effect()


def _return(
    session: Session, ticket: Ticket, actor: Actor, request: TransitionRequest, now: datetime
) -> Effect:
    return Effect(public=False, data={"department_id": ticket.department_id})


def _reopen(
    session: Session, ticket: Ticket, actor: Actor, request: TransitionRequest, now: datetime
) -> Effect:
    category = session.get(ServiceCategory, ticket.service_code)
    assert category is not None
    deadlines = deadlines_for(category=category, urgent=ticket.urgent, start=now)
    ticket.reopen_count += 1
    ticket.resolved_at = None
    ticket.closed_at = None
    ticket.first_contact_at = None
    ticket.contact_due = deadlines.contact_due
    ticket.resolve_due = deadlines.resolve_due
    ticket.reminder_sent_at = None
    ticket.escalated_at = None
    return Effect(notice="reopened", data={"reopen_count": ticket.reopen_count})


def _merge(
    session: Session, ticket: Ticket, actor: Actor, request: TransitionRequest, now: datetime
) -> Effect:
    if not request.target_ticket_no:
        raise InvalidRequest("merge needs target_ticket_no")
    target = visible_ticket(session=session, actor=actor, ticket_no=request.target_ticket_no)
    if target.id == ticket.id:
        raise InvalidRequest("a ticket cannot be merged into itself")
    if target.state in (TicketState.merged, TicketState.cancelled, TicketState.closed):
        raise Conflict(f"cannot merge into ticket {target.ticket_no}, which is {target.state}")
    ticket.merged_into_id = target.id
    return Effect(
        notice="merged",
        data={"target_ticket_no": target.ticket_no},
        event_note=request.note or f"与工单 {target.ticket_no} 合并办理",
        target=target,
    )


def _cancel(
    session: Session, ticket: Ticket, actor: Actor, request: TransitionRequest, now: datetime
) -> Effect:
    ticket.closed_at = now
    return Effect(event_note=request.note or "市民撤销诉求")


HANDLERS: dict[Action, Handler] = {
    Action.dispatch: _dispatch,
    Action.accept: _accept,
    Action.resolve: _resolve,
    Action.close: _close,
    Action.return_: _return,
    Action.reopen: _reopen,
    Action.merge: _merge,
    Action.cancel: _cancel,
}


def _follow(*, session: Session, source: Ticket, target: Ticket) -> None:
    """Reporters of the merged ticket follow the main ticket from now on."""
    already = set(
        session.scalars(
            select(TicketSubscriber.channel_identity_id).where(
                TicketSubscriber.ticket_id == target.id
            )
        )
    )
    for identity_id in session.scalars(
        select(TicketSubscriber.channel_identity_id).where(TicketSubscriber.ticket_id == source.id)
    ):
        if identity_id not in already:
            session.add(
                TicketSubscriber(
                    ticket_id=target.id,
                    channel_identity_id=identity_id,
                    via_ticket_id=source.id,
                    role=SubscriberRole.merged,
                )
            )
    session.flush()


def apply_transition(
    *,
    session: Session,
    ticket: Ticket,
    action: Action | str,
    actor: Actor,
    note: str | None = None,
    target_ticket_no: str | None = None,
    department_id: int | None = None,
    reason: str | None = None,
    now: datetime | None = None,
) -> TicketEvent:
    """Check and apply one workflow action; returns the event it wrote.

    Raises Conflict (with `allowed`) for an action the state does not allow, Forbidden when the
    actor may not take it, InvalidRequest for a missing note/target/department.
    """
    now = now or utcnow()
    request = TransitionRequest(
        action=parse_action(str(action), state=ticket.state),
        note=(note or "").strip() or None,
        target_ticket_no=target_ticket_no,
        department_id=department_id,
        reason=(reason or "").strip() or None,
    )
    ensure_visible(session=session, actor=actor, ticket=ticket)
    to_state = next_state(state=ticket.state, action=request.action)
    ensure_may_act(session=session, actor=actor, ticket=ticket, action=request.action)
    if request.action in NOTE_REQUIRED and not request.note:
        raise InvalidRequest(f"{request.action.value} needs a note")
    from_state = ticket.state
    effect = HANDLERS[request.action](session, ticket, actor, request, now)
    ticket.state = to_state
    ticket.updated_at = now
    event = record_event(
        session=session,
        ticket=ticket,
        actor=actor,
        action=request.action.value,
        from_state=from_state,
        to_state=to_state,
        note=effect.event_note or request.note,
        public=effect.public,
        data=effect.data or None,
        at=now,
    )
    if effect.notice:
        notify(
            session=session,
            ticket=ticket,
            event=event,
            kind=effect.notice,
            note=request.note,
            target_no=effect.target.ticket_no if effect.target else None,
        )
    if effect.target is not None:
        _follow(session=session, source=ticket, target=effect.target)
        record_event(
            session=session,
            ticket=effect.target,
            actor=actor,
            action="merged_in",
            note=f"工单 {ticket.ticket_no} 合并至本工单",
            public=False,
            data={"source_ticket_no": ticket.ticket_no},
            at=now,
        )
    return event


def notify(
    *,
    session: Session,
    ticket: Ticket,
    event: TicketEvent,
    kind: str,
    note: str | None = None,
    target_no: str | None = None,
) -> None:
    """Write the citizen notice of `kind` for this event to the outbox."""
    render = notice_renderer(
        session=session, kind=kind, ticket=ticket, note=note, target_no=target_no
    )
    write_ticket_notice(session=session, ticket=ticket, event=event, kind=kind, render=render)
