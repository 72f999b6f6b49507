"""The action server files a report while the platform is down, and again after it returns
(actions/filing.py keeps it under one Idempotency-Key and retries; an answer may be lost and the
report sent twice): one ticket, and one notice with its number to the citizen's chat — also when
no rule routes it."""

from concurrent.futures import ThreadPoolExecutor

from fastapi.testclient import TestClient
from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from storage.models import OutboxEvent, RoutingRule, Ticket
from tests.backend.api.test_outbox import TICKET
from tests.conftest import SERVICE_HEADERS

KEY = {**SERVICE_HEADERS, "Idempotency-Key": "actions:telegram:777:draft-1"}


def test_a_report_retried_after_an_outage_is_one_ticket_and_one_notice(
    app_client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    # The retry thread and a later action's catch-up may send the report at the same moment.
    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = list(
            pool.map(
                lambda _: app_client.post("/api/v1/tickets", json=TICKET, headers=KEY), range(2)
            )
        )
    later = app_client.post("/api/v1/tickets", json=TICKET, headers=KEY)  # an answer was lost
    assert sorted(a.status_code for a in answers) == [200, 201]
    assert later.status_code == 200
    numbers = {a.json()["ticket_no"] for a in [*answers, later]}
    assert len(numbers) == 1
    [ticket_no] = numbers
    with session_factory() as session:
        assert len(session.scalars(select(Ticket)).all()) == 1
        notices = session.scalars(select(OutboxEvent)).all()
    assert [(n.kind, n.payload["chat_id"]) for n in notices] == [("dispatched", "777")]
    assert ticket_no in notices[0].payload["text"]


def test_a_report_no_rule_routes_still_tells_the_citizen_its_number(
    app_client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    with session_factory.begin() as session:
        session.execute(delete(RoutingRule))  # an operator will route it by hand
    first = app_client.post("/api/v1/tickets", json=TICKET, headers=KEY)
    again = app_client.post("/api/v1/tickets", json=TICKET, headers=KEY)
    assert (first.status_code, again.status_code) == (201, 200)
    ticket_no = first.json()["ticket_no"]
    assert first.json()["state"] == "received"
    with session_factory() as session:
        notices = session.scalars(select(OutboxEvent)).all()
    assert [(n.kind, n.payload["chat_id"]) for n in notices] == [("received", "777")]
    assert ticket_no in notices[0].payload["text"]
