"""The state machine table: every (state, action) pair, legal or not."""

import itertools

import pytest

from backend.errors import Conflict
from backend.tickets.workflow import (
    FINAL_STATES,
    TRANSITIONS,
    Action,
    allowed_actions,
    next_state,
)
from storage.models import TicketState

S, A = TicketState, Action

EXPECTED: dict[tuple[TicketState, Action], TicketState] = {
    (S.received, A.dispatch): S.dispatched,
    (S.dispatched, A.dispatch): S.dispatched,
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

ALL_PAIRS = list(itertools.product(TicketState, Action))


def test_state_names_are_exactly_the_published_ones() -> None:
    assert [state.value for state in TicketState] == [
        "received",
        "dispatched",
        "accepted",
        "resolved",
        "closed",
        "returned",
        "reopened",
        "merged",
        "cancelled",
    ]


def test_the_table_is_the_documented_one() -> None:
    assert TRANSITIONS == EXPECTED


@pytest.mark.parametrize(("state", "action"), ALL_PAIRS, ids=lambda v: str(v))
def test_every_pair(state: TicketState, action: Action) -> None:
    if (state, action) in EXPECTED:
        assert next_state(state=state, action=action) == EXPECTED[(state, action)]
        assert action in allowed_actions(state=state)
    else:
        with pytest.raises(Conflict) as raised:
            next_state(state=state, action=action)
        allowed = [a.value for a in allowed_actions(state=state)]
        assert raised.value.details["allowed"] == allowed
        assert action.value not in allowed


@pytest.mark.parametrize("state", sorted(FINAL_STATES - {S.closed}))
def test_merged_and_cancelled_are_dead_ends(state: TicketState) -> None:
    assert allowed_actions(state=state) == []


def test_closed_can_only_be_reopened() -> None:
    assert allowed_actions(state=S.closed) == [A.reopen]
