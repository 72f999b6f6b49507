"""The 类案 page (recompute, each cluster with its reports, a proactive ticket from one) and
merging tickets from the ticket page."""

import re
from collections.abc import Iterator

import pytest
import time_machine
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import OutboxEvent, StaffRole, Ticket, TicketSource, TicketState
from tests.backend.api.routes.conftest import ADMIN, create
from tests.backend.clusters.test_detection import LIGHTS, NOW, report
from tests.console.conftest import add_user, log_in

SCRIPT = "<script>alert('x')</script>"


@pytest.fixture
def lights(session: Session) -> Iterator[list[Ticket]]:
    """Five alike streetlight reports on one street within the week before NOW (one with
    markup in its text); the clock stays there."""
    with time_machine.travel(NOW):
        texts = [*LIGHTS[:4], LIGHTS[4] + SCRIPT]
        tickets = [report(session, text, days_ago=i + 0.5) for i, text in enumerate(texts)]
        session.commit()
        yield tickets


def _cluster_ids(page: str) -> list[str]:
    return re.findall(r'data-cluster="(\d+)"', page)


def test_a_supervisor_refreshes_sees_the_cluster_and_opens_a_proactive_ticket(
    console_client: TestClient, session: Session, lights: list[Ticket]
) -> None:
    token = log_in(console_client, "op")
    assert "尚未计算类案" in console_client.get("/console/clusters").text
    refreshed = console_client.post("/console/clusters/refresh", data={"csrf_token": token})
    page = refreshed.text
    assert refreshed.status_code == 200 and "已重新计算类案" in page
    [cluster_id] = _cluster_ids(page)
    for ticket in lights:
        assert f'href="/console/tickets/{ticket.ticket_no}"' in page
    assert SCRIPT not in page and "&lt;script&gt;" in page
    assert "共 5 件" in page

    opened = console_client.post(
        f"/console/clusters/{cluster_id}/proactive-ticket",
        data={"csrf_token": token},
        follow_redirects=False,
    )
    assert opened.status_code == 303
    number = opened.headers["location"].rsplit("/", 1)[1]
    proactive = session.scalar(select(Ticket).where(Ticket.ticket_no == number))
    assert proactive is not None and proactive.source == TicketSource.proactive
    assert all(ticket.ticket_no in proactive.description for ticket in lights)
    ticket_page = console_client.get(opened.headers["location"])
    assert ticket_page.status_code == 200 and "已生成未诉先办工单" in ticket_page.text

    # the cluster now links its proactive ticket, and asking again opens no second one
    after = console_client.get("/console/clusters").text
    assert f'<a href="/console/tickets/{number}">{number}</a>' in after
    again = console_client.post(
        f"/console/clusters/{cluster_id}/proactive-ticket",
        data={"csrf_token": token},
        follow_redirects=False,
    )
    assert again.headers["location"] == f"/console/tickets/{number}"
    assert session.scalar(select(Ticket).where(Ticket.source == TicketSource.proactive)) == (
        proactive
    )


def test_writes_need_the_csrf_token_and_a_supervisor(
    console_client: TestClient, lights: list[Ticket]
) -> None:
    token = log_in(console_client, "op")
    assert console_client.post("/console/clusters/refresh", data={}).status_code == 403
    console_client.post("/console/clusters/refresh", data={"csrf_token": token})
    [cluster_id] = _cluster_ids(console_client.get("/console/clusters").text)

    department = lights[0].department_id
    add_user(console_client, "lamps", StaffRole.department, department)
    staff = TestClient(console_client.app, base_url="http://testserver")
    staff_token = log_in(staff, "lamps")
    page = staff.get("/console/clusters").text
    assert _cluster_ids(page) == [cluster_id]  # their department's cluster, read-only
    assert "转为未诉先办工单" not in page and "立即重新计算" not in page
    for path in ("/console/clusters/refresh", f"/console/clusters/{cluster_id}/proactive-ticket"):
        assert staff.post(path, data={"csrf_token": staff_token}).status_code == 403, path

    log_in(staff, "other")  # a department the cluster is not for
    assert _cluster_ids(staff.get("/console/clusters").text) == []


def test_clusters_download_as_csv(console_client: TestClient, lights: list[Ticket]) -> None:
    token = log_in(console_client, "boss")
    console_client.post("/console/clusters/refresh", data={"csrf_token": token})
    answer = console_client.get("/console/clusters/clusters.csv")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    header, row = answer.text.lstrip("\ufeff").splitlines()[:2]
    assert header.startswith("id,service_code,category,district,street,size,ticket_nos")
    assert all(ticket.ticket_no in row for ticket in lights)


def _kinds(session: Session, ticket_no: str) -> list[str]:
    ticket = session.scalar(select(Ticket).where(Ticket.ticket_no == ticket_no))
    assert ticket is not None
    rows = session.scalars(select(OutboxEvent).where(OutboxEvent.ticket_id == ticket.id))
    return [row.kind for row in rows]


def test_an_operator_merges_a_ticket_and_its_reporter_is_told_once(
    console_client: TestClient, session: Session
) -> None:
    main = create(console_client)["ticket_no"]
    duplicate = create(console_client, chat_id="1002")["ticket_no"]  # another citizen
    token = log_in(console_client, "op")
    form = console_client.get(f"/console/tickets/{duplicate}").text
    assert 'id="merge-form"' in form and "合并到 SZ…" in form
    # the same noise at the same place is offered as the ticket to merge into
    assert f'<li data-similar="{main}">' in form and f"合并到 {main}" in form

    merged = console_client.post(
        f"/console/tickets/{duplicate}/merge",
        data={"into": main.lower(), "note": "同一盏路灯", "csrf_token": token},
        follow_redirects=False,
    )
    assert merged.status_code == 303 and merged.headers["location"] == f"/console/tickets/{main}"
    main_page = console_client.get(merged.headers["location"]).text
    assert "各反映人将收到一次通知" in main_page
    assert re.search(r'data-testid="co-reporters">1<', main_page)
    old_page = console_client.get(f"/console/tickets/{duplicate}").text
    assert f'data-testid="merged-into"><a href="/console/tickets/{main}">{main}</a>' in old_page
    assert 'id="merge-form"' not in old_page
    assert _kinds(session, duplicate).count("merged") == 1  # to the one reporter, once
    api = console_client.get(f"/api/v1/tickets/{main}", headers=ADMIN).json()
    assert api["co_reporters"] == 1
    state = console_client.get(f"/api/v1/tickets/{duplicate}", headers=ADMIN).json()
    assert (state["state"], state["merged_into"]) == (TicketState.merged, main)


def test_a_bad_merge_says_why_and_department_staff_cannot_merge(
    console_client: TestClient,
) -> None:
    ticket = create(console_client)
    token = log_in(console_client, "op")
    url = f"/console/tickets/{ticket['ticket_no']}/merge"
    itself = console_client.post(url, data={"into": ticket["ticket_no"], "csrf_token": token})
    assert itself.status_code == 200 and 'class="flash error"' in itself.text
    assert console_client.post(url, data={"into": ticket["ticket_no"]}).status_code == 403

    department = ticket["department_id"]
    add_user(console_client, "desk", StaffRole.department, department)
    staff = TestClient(console_client.app, base_url="http://testserver")
    staff_token = log_in(staff, "desk")
    staff_page = staff.get(f"/console/tickets/{ticket['ticket_no']}").text
    assert 'id="merge-form"' not in staff_page and "similar-tickets" not in staff_page
    refused = staff.post(url, data={"into": "SZ20261101-000001", "csrf_token": staff_token})
    assert refused.status_code == 403
