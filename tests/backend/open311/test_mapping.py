"""How ticket fields read in Open311: status, address, notice."""

import pytest

from backend.open311.mapping import human_address, open311_status
from storage.models import Ticket, TicketState


@pytest.mark.parametrize(
    ("state", "status"),
    [
        (TicketState.received, "open"),
        (TicketState.dispatched, "open"),
        (TicketState.accepted, "open"),
        (TicketState.returned, "open"),
        (TicketState.reopened, "open"),
        (TicketState.resolved, "closed"),
        (TicketState.closed, "closed"),
        (TicketState.merged, "closed"),
        (TicketState.cancelled, "closed"),
    ],
)
def test_status_is_closed_once_resolved_closed_merged_or_cancelled(
    state: TicketState, status: str
) -> None:
    assert open311_status(state) == status


def test_address_runs_from_most_specific_to_most_general() -> None:
    ticket = Ticket(
        address="科发路8号", community="科技园社区", street="粤海街道", district="南山区"
    )
    assert human_address(ticket) == "科发路8号, 科技园社区, 粤海街道, 南山区, 深圳市"
    assert human_address(Ticket(district="福田区")) == "福田区, 深圳市"
    assert human_address(Ticket()) is None
