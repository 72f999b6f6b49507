"""The ticket state machine as a pure table: (state, action) → next state.

received 受理 → dispatched 派单 → accepted 签收 → resolved 办结 → closed 归档; also returned 退单,
reopened 重办, merged 合并 and cancelled 撤销. Nothing here touches the database.
"""

from enum import StrEnum

from backend.errors import Conflict
from storage.models import TicketState

S = TicketState


class Action(StrEnum):
    """What can be done to a ticket."""

    dispatch = "dispatch"
    accept = "accept"
    resolve = "resolve"
    close = "close"
    return_ = "return"
    reopen = "reopen"
    merge = "merge"
    cancel = "cancel"


A = Action

TRANSITIONS: dict[tuple[TicketState, Action], TicketState] = {
    (S.received, A.dispatch): S.dispatched,
    (S.dispatched, A.dispatch): S.dispatched,  # 改派: an operator moves it to another department
    (S.returned, A.dispatch): S.dispatched,
    (S.reopened, A.dispatch): S.dispatched,
    (S.dispatched, A.accept): S.accepted,
    (S.reopened, A.accept): S.accepted,
    (S.accepted, A.resolve): S.resolved,
    (S.resolved, A.close): S.closed,
    (S.dispatched, A.return_): S.returned,
    (S.accepted, A.return_): S.returned,
    (S.resolved, A.reopen): S.reopened,
    (S.closed, A.reopen): S.reopened,
    (S.received, A.merge): S.merged,
    (S.dispatched, A.merge): S.merged,
    (S.accepted, A.merge): S.merged,
    (S.reopened, A.merge): S.merged,
    (S.received, A.cancel): S.cancelled,
    (S.dispatched, A.cancel): S.cancelled,
}

NOTE_REQUIRED: frozenset[Action] = frozenset({A.resolve, A.return_})
"""Resolving needs the note the citizen reads; returning needs the reason."""

FINAL_STATES: frozenset[TicketState] = frozenset({S.closed, S.merged, S.cancelled})
"""States in which nothing happens any more unless the ticket is reopened."""

OPEN_STATES: frozenset[TicketState] = frozenset(S) - FINAL_STATES
"""States a citizen still follows (resolved counts: it waits for their rating)."""


def allowed_actions(*, state: TicketState | str) -> list[Action]:
    """The actions allowed in a state, in the table's order."""
    return [action for (source, action) in TRANSITIONS if source == state]


def next_state(*, state: TicketState | str, action: Action | str) -> TicketState:
    """The state after `action`, or Conflict listing the allowed actions."""
    try:
        key = (TicketState(state), Action(action))
    except ValueError as error:
        raise Conflict(
            f"unknown action or state: {error}",
            allowed=[item.value for item in allowed_actions(state=state)],
        ) from error
    if key not in TRANSITIONS:
        allowed = [item.value for item in allowed_actions(state=state)]
        raise Conflict(f"cannot {key[1].value} a ticket that is {key[0].value}", allowed=allowed)
    return TRANSITIONS[key]
