"""A chat sees and acts on only the tickets it follows; staff only what their role allows."""

import pytest
from fastapi.testclient import TestClient

from tests.backend.api.routes.conftest import (
    ADMIN,
    OWNER,
    SERVICE,
    bearer,
    create,
    move,
    staff_token,
)
from tests.conftest import chat_headers

MISSING = "SZ20991231-999999"
STRANGERS = {
    "other-chat": chat_headers("telegram", "9999"),
    "same-id-other-channel": chat_headers("web", "1001"),
    "no-chat-named": SERVICE,
}


def refusal(client: TestClient, method: str, path: str, **kwargs: object) -> tuple[int, str]:
    response = client.request(method, path, **kwargs)  # type: ignore[arg-type]
    return response.status_code, response.text


@pytest.mark.parametrize("stranger", STRANGERS.values(), ids=STRANGERS.keys())
def test_a_stranger_gets_the_same_404_as_a_number_that_does_not_exist(
    app_client: TestClient, stranger: dict[str, str]
) -> None:
    no = create(app_client)["ticket_no"]
    assert app_client.get(f"/api/v1/tickets/{no}", headers=OWNER).status_code == 200
    calls = [
        ("GET", "", None),
        ("POST", "/transitions", {"action": "cancel"}),
        ("POST", "/rating", {"score": 1}),
    ]
    for method, tail, body in calls:
        status, text = refusal(
            app_client, method, f"/api/v1/tickets/{no}{tail}", json=body, headers=stranger
        )
        missing = refusal(
            app_client, method, f"/api/v1/tickets/{MISSING}{tail}", json=body, headers=stranger
        )
        assert status == 404
        assert (status, text.replace(no, MISSING)) == missing
    assert app_client.get(f"/api/v1/tickets/{no}", headers=ADMIN).json()["state"] == "dispatched"


def test_only_a_following_chat_cancels(app_client: TestClient) -> None:
    no = create(app_client)["ticket_no"]
    stranger = chat_headers("telegram", "9999")
    refused = app_client.post(
        f"/api/v1/tickets/{no}/transitions", json={"action": "cancel"}, headers=stranger
    )
    assert refused.status_code == 404
    cancelled = app_client.post(
        f"/api/v1/tickets/{no}/transitions", json={"action": "cancel"}, headers=OWNER
    )
    assert cancelled.status_code == 200
    assert cancelled.json()["state"] == "cancelled"
    history = app_client.get(f"/api/v1/tickets/{no}", headers=ADMIN).json()["history"]
    assert history[-1]["actor_id"] == "telegram:1001"


def test_a_chat_follows_the_ticket_its_report_was_merged_into(app_client: TestClient) -> None:
    main = create(app_client)["ticket_no"]
    duplicate = create(app_client, chat_id="2002")["ticket_no"]
    second_reporter = chat_headers("telegram", "2002")
    assert app_client.get(f"/api/v1/tickets/{main}", headers=second_reporter).status_code == 404
    move(app_client, duplicate, "merge", target_ticket_no=main)
    assert app_client.get(f"/api/v1/tickets/{main}", headers=second_reporter).status_code == 200
    assert app_client.get(f"/api/v1/tickets/{duplicate}", headers=OWNER).status_code == 404


def test_department_staff_of_another_department_see_nothing_of_the_ticket(
    app_client: TestClient,
) -> None:
    ticket = create(app_client)
    no, department = ticket["ticket_no"], ticket["department_id"]
    other = bearer(staff_token(app_client, "futian", "department", department + 1))
    own = bearer(staff_token(app_client, "yuehai", "department", department))
    status, text = refusal(app_client, "GET", f"/api/v1/tickets/{no}", headers=other)
    assert (status, text.replace(no, MISSING)) == refusal(
        app_client, "GET", f"/api/v1/tickets/{MISSING}", headers=other
    )
    note = app_client.post(f"/api/v1/tickets/{no}/notes", json={"note": "看看"}, headers=other)
    assert note.status_code == 404
    cancel = app_client.post(
        f"/api/v1/tickets/{no}/transitions", json={"action": "cancel"}, headers=other
    )
    assert cancel.status_code == 404
    asked_for_theirs = app_client.get(
        "/api/v1/tickets", params={"department_id": department}, headers=other
    )
    assert asked_for_theirs.json() == []
    assert app_client.get("/api/v1/citizens/telegram/1001/tickets", headers=other).json() == []
    listed = app_client.get("/api/v1/citizens/telegram/1001/tickets", headers=own).json()
    assert [t["ticket_no"] for t in listed] == [no]
    assert app_client.get(f"/api/v1/tickets/{no}", headers=own).status_code == 200
    assert app_client.get(f"/api/v1/tickets/{no}", headers=own).json()["history"][0]["actor_id"]


def test_staff_ignore_the_chat_headers(app_client: TestClient) -> None:
    no = create(app_client)["ticket_no"]
    admin_as_stranger = {**ADMIN, "X-Suban-Channel": "web", "X-Suban-Chat": "nobody"}
    body = app_client.get(f"/api/v1/tickets/{no}", headers=admin_as_stranger).json()
    assert body["ticket_no"] == no
    assert body["history"][0]["actor_id"]  # the staff view
