"""The queue and the ticket page: who sees what, the department's actions, escaping."""

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from storage.models import OutboxEvent, Rating, StaffRole, Ticket
from tests.backend.api.routes.conftest import ADMIN, create
from tests.console.conftest import add_user, log_in, other_department

SCRIPT = "<script>alert('x')</script>"


def _ticket(client: TestClient, **changes: Any) -> dict[str, Any]:
    ticket = create(client, **changes)
    assert ticket["department"] is not None, ticket
    return ticket


def _department_id(client: TestClient, ticket_no: str) -> int:
    return client.get(f"/api/v1/tickets/{ticket_no}", headers=ADMIN).json()["department_id"]


def test_department_staff_see_their_own_tickets_only(console_client: TestClient) -> None:
    ticket = _ticket(console_client)
    own = _department_id(console_client, ticket["ticket_no"])
    add_user(console_client, "mine", StaffRole.department, own)
    add_user(console_client, "theirs", StaffRole.department, other_department(console_client, own))
    mine = TestClient(console_client.app, base_url="http://testserver")
    log_in(mine, "mine")
    assert ticket["ticket_no"] in mine.get("/console/queue").text
    assert mine.get(f"/console/tickets/{ticket['ticket_no']}").status_code == 200

    theirs = TestClient(console_client.app, base_url="http://testserver")
    log_in(theirs, "theirs")
    assert ticket["ticket_no"] not in theirs.get("/console/queue").text
    # the department filter is the operators'; department staff cannot widen their queue
    assert ticket["ticket_no"] not in theirs.get(f"/console/queue?department_id={own}").text
    page = theirs.get(f"/console/tickets/{ticket['ticket_no']}")
    assert page.status_code == 404
    assert ticket["description"] not in page.text


def test_department_staff_do_not_open_the_admin_or_inbox(console_client: TestClient) -> None:
    log_in(console_client, "dep")
    assert console_client.get("/console/admin").status_code == 403
    assert console_client.get("/console/inbox").status_code in (403, 404)


def test_department_accepts_then_resolves_with_a_note_to_the_citizen(
    console_client: TestClient,
) -> None:
    ticket = _ticket(console_client)
    number = ticket["ticket_no"]
    add_user(console_client, "worker", StaffRole.department, _department_id(console_client, number))
    token = log_in(console_client, "worker")
    url = f"/console/tickets/{number}/transitions"

    early = console_client.post(url, data={"action": "resolve", "note": "x", "csrf_token": token})
    assert "cannot resolve a ticket that is dispatched" in early.text
    accepted = console_client.post(url, data={"action": "accept", "csrf_token": token})
    assert accepted.status_code == 200 and "已签收。" in accepted.text
    missing = console_client.post(url, data={"action": "resolve", "csrf_token": token})
    assert "resolve needs a note" in missing.text
    resolved = console_client.post(
        url, data={"action": "resolve", "note": "已协调停工", "csrf_token": token}
    )
    assert "已办结" in resolved.text
    state = console_client.get(f"/api/v1/tickets/{number}", headers=ADMIN).json()
    assert state["state"] == "resolved"
    factory = console_client.app.state.session_factory  # type: ignore[attr-defined]
    with factory() as session:
        texts = [row.payload.get("text", "") for row in session.scalars(select(OutboxEvent))]
    assert any("已协调停工" in text for text in texts)  # the citizen is told, through the outbox


def test_ratings_show_their_round_from_one(console_client: TestClient) -> None:
    number = _ticket(console_client)["ticket_no"]
    factory = console_client.app.state.session_factory  # type: ignore[attr-defined]
    with factory.begin() as session:
        ticket_id = session.scalar(select(Ticket.id).where(Ticket.ticket_no == number))
        session.add(Rating(ticket_id=ticket_id, round=0, score=3))  # rated before any reopening
        session.add(Rating(ticket_id=ticket_id, round=1, score=1))
    log_in(console_client, "op")
    page = console_client.get(f"/console/tickets/{number}")
    assert page.status_code == 200
    assert "第1轮" in page.text and "第2轮" in page.text and "第0轮" not in page.text


def test_department_cannot_act_on_other_departments_tickets(console_client: TestClient) -> None:
    ticket = _ticket(console_client)
    number = ticket["ticket_no"]
    own = _department_id(console_client, number)
    add_user(console_client, "far", StaffRole.department, other_department(console_client, own))
    token = log_in(console_client, "far")
    console_client.post(
        f"/console/tickets/{number}/transitions", data={"action": "accept", "csrf_token": token}
    )
    console_client.post(
        f"/console/tickets/{number}/notes", data={"note": "偷看", "csrf_token": token}
    )
    state = console_client.get(f"/api/v1/tickets/{number}", headers=ADMIN).json()
    assert state["state"] == "dispatched"
    assert all(event.get("note") != "偷看" for event in state["history"])


def test_return_needs_a_reason_and_notes_are_recorded(console_client: TestClient) -> None:
    number = _ticket(console_client)["ticket_no"]
    token = log_in(console_client, "op")
    url = f"/console/tickets/{number}/transitions"
    console_client.post(url, data={"action": "return", "csrf_token": token})
    assert console_client.get(f"/api/v1/tickets/{number}", headers=ADMIN).json()["state"] == (
        "dispatched"
    )
    console_client.post(url, data={"action": "return", "note": "不属本单位", "csrf_token": token})
    console_client.post(
        f"/console/tickets/{number}/notes", data={"note": "已电话联系", "csrf_token": token}
    )
    page = console_client.get(f"/console/tickets/{number}").text
    assert "不属本单位" in page and "已电话联系" in page
    assert console_client.get(f"/api/v1/tickets/{number}", headers=ADMIN).json()["state"] == (
        "returned"
    )


def test_citizen_text_is_escaped(console_client: TestClient) -> None:
    number = _ticket(console_client, description=f"工地噪音 {SCRIPT}")["ticket_no"]
    token = log_in(console_client, "boss")
    console_client.post(
        f"/console/tickets/{number}/notes", data={"note": SCRIPT, "csrf_token": token}
    )
    for path in (f"/console/tickets/{number}", "/console/queue"):
        page = console_client.get(path).text
        assert SCRIPT not in page
    page = console_client.get(f"/console/tickets/{number}").text
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page


def test_console_pages_carry_the_security_headers(console_client: TestClient) -> None:
    log_in(console_client, "boss")
    for path in ("/console/login", "/console/queue", "/console/admin"):
        answer = console_client.get(path)
        assert answer.headers["x-frame-options"] == "DENY"
        assert "frame-ancestors 'none'" in answer.headers["content-security-policy"]
        assert "script-src 'self' 'nonce-" in answer.headers["content-security-policy"]


def test_the_language_switch(console_client: TestClient) -> None:
    token = log_in(console_client, "boss")
    assert "工单队列" in console_client.get("/console/queue").text
    answer = console_client.post(
        "/console/language",
        data={"lang": "en", "back": "/console/queue", "csrf_token": token},
        follow_redirects=False,
    )
    assert answer.headers["location"] == "/console/queue"
    assert "Ticket queue" in console_client.get("/console/queue").text
    away = console_client.post(
        "/console/language",
        data={"lang": "zh", "back": "//evil.example/x", "csrf_token": token},
        follow_redirects=False,
    )
    assert away.headers["location"] == "/console"
