"""The internal ticket API through the assembled app."""

from fastapi.testclient import TestClient

from tests.backend.api.routes.conftest import ADMIN, NOISE, OWNER, SERVICE, create, move
from tests.conftest import chat_headers


def test_create_then_retry_with_the_same_key(app_client: TestClient) -> None:
    headers = {**SERVICE, "Idempotency-Key": "chat-1001-msg-77"}
    first = app_client.post("/api/v1/tickets", json=NOISE, headers=headers)
    again = app_client.post("/api/v1/tickets", json=NOISE, headers=headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["ticket_no"] == again.json()["ticket_no"]
    other = app_client.post("/api/v1/tickets", json=NOISE, headers=SERVICE)
    assert other.status_code == 201
    assert other.json()["ticket_no"] > first.json()["ticket_no"]


def test_unknown_service_code_is_a_clear_400(app_client: TestClient) -> None:
    response = app_client.post(
        "/api/v1/tickets", json={**NOISE, "service_code": "ufo"}, headers=SERVICE
    )
    assert response.status_code == 400
    assert response.json()["detail"] == "unknown service_code 'ufo'"
    assert "noise" in response.json()["valid_service_codes"]


def test_malformed_body_is_422(app_client: TestClient) -> None:
    response = app_client.post(
        "/api/v1/tickets", json={**NOISE, "contact_preference": "fax"}, headers=SERVICE
    )
    assert response.status_code == 422


def test_get_ticket_has_the_fixed_fields_and_public_history(app_client: TestClient) -> None:
    ticket = create(app_client)
    no = ticket["ticket_no"]
    move(app_client, no, "return", note="非本单位职责")
    move(app_client, no, "dispatch", department_id=ticket["department_id"] + 1, reason="改派")
    body = app_client.get(f"/api/v1/tickets/{no}", headers=OWNER).json()
    for field in ("ticket_no", "state", "service_code", "district", "street", "department"):
        assert field in body
    assert (body["state"], body["district"], body["street"]) == ("dispatched", "南山区", "粤海街道")
    assert body["contact_due"] and body["resolve_due"]
    public = [step["action"] for step in body["history"]]
    assert public == ["create", "dispatch", "dispatch"]  # the return is internal
    assert all(step["actor_id"] is None for step in body["history"])
    staff = app_client.get(f"/api/v1/tickets/{no}", headers=ADMIN).json()
    assert [step["action"] for step in staff["history"]] == [
        "create",
        "dispatch",
        "return",
        "dispatch",
    ]


def test_illegal_transition_is_409_with_the_allowed_actions(app_client: TestClient) -> None:
    no = create(app_client)["ticket_no"]
    response = app_client.post(
        f"/api/v1/tickets/{no}/transitions", json={"action": "resolve", "note": "x"}, headers=ADMIN
    )
    assert response.status_code == 409
    assert response.json()["allowed"] == ["dispatch", "accept", "return", "merge", "cancel"]
    assert "detail" in response.json()


def test_a_full_life_with_every_step_in_the_history(app_client: TestClient) -> None:
    no = create(app_client)["ticket_no"]
    move(app_client, no, "accept")
    missing_note = app_client.post(
        f"/api/v1/tickets/{no}/transitions", json={"action": "resolve"}, headers=ADMIN
    )
    assert missing_note.status_code == 400
    move(app_client, no, "resolve", note="已责令工地夜间停工")
    rating = app_client.post(
        f"/api/v1/tickets/{no}/rating", json={"score": 3, "speed": 3}, headers=OWNER
    )
    assert rating.status_code == 201
    assert rating.json()["state"] == "closed"
    again = app_client.post(
        f"/api/v1/tickets/{no}/rating", json={"score": 3, "speed": 3}, headers=OWNER
    )
    assert again.status_code == 200
    different = app_client.post(f"/api/v1/tickets/{no}/rating", json={"score": 1}, headers=OWNER)
    assert different.status_code == 409
    history = app_client.get(f"/api/v1/tickets/{no}", headers=OWNER).json()["history"]
    assert [step["to_state"] for step in history if step["to_state"]] == [
        "received",
        "dispatched",
        "accepted",
        "resolved",
        "closed",
    ]


def test_unsatisfied_rating_reopens(app_client: TestClient) -> None:
    no = create(app_client)["ticket_no"]
    move(app_client, no, "accept")
    move(app_client, no, "resolve", note="已处理")
    response = app_client.post(
        f"/api/v1/tickets/{no}/rating", json={"score": 1, "comment": "还在吵"}, headers=OWNER
    )
    assert response.status_code == 201
    assert response.json()["state"] == "reopened"
    assert app_client.get(f"/api/v1/tickets/{no}", headers=OWNER).json()["reopen_count"] == 1


def test_rating_from_a_chat_that_does_not_follow_the_ticket_is_404(app_client: TestClient) -> None:
    no = create(app_client)["ticket_no"]
    move(app_client, no, "accept")
    move(app_client, no, "resolve", note="已处理")
    rating = {"score": 1}
    stranger = app_client.post(
        f"/api/v1/tickets/{no}/rating", json=rating, headers=chat_headers("telegram", "9999")
    )
    missing = app_client.post(
        "/api/v1/tickets/SZ20991231-999999/rating", json=rating, headers=OWNER
    )
    assert (stranger.status_code, missing.status_code) == (404, 404)
    assert stranger.json() == {"detail": f"ticket {no} not found"}
    unnamed = app_client.post(f"/api/v1/tickets/{no}/rating", json=rating, headers=SERVICE)
    assert unnamed.status_code == 404
    assert app_client.get(f"/api/v1/tickets/{no}", headers=ADMIN).json()["state"] == "resolved"
    owner = app_client.post(f"/api/v1/tickets/{no}/rating", json=rating, headers=OWNER)
    assert owner.status_code == 201
    assert owner.json()["state"] == "reopened"


def test_citizen_tickets_and_open_filter(app_client: TestClient) -> None:
    first = create(app_client)["ticket_no"]
    second = create(app_client, description="又在施工")["ticket_no"]
    create(app_client, chat_id="other")
    app_client.post(
        f"/api/v1/tickets/{first}/transitions", json={"action": "cancel"}, headers=OWNER
    )
    every = app_client.get("/api/v1/citizens/telegram/1001/tickets", headers=SERVICE).json()
    assert [t["ticket_no"] for t in every] == [second, first]
    still_open = app_client.get(
        "/api/v1/citizens/telegram/1001/tickets?open=true", headers=SERVICE
    ).json()
    assert [t["ticket_no"] for t in still_open] == [second]
    assert app_client.get("/api/v1/citizens/fax/1/tickets", headers=SERVICE).status_code == 422


def test_citizen_side_may_cancel_but_not_accept(app_client: TestClient) -> None:
    no = create(app_client)["ticket_no"]
    accept = app_client.post(
        f"/api/v1/tickets/{no}/transitions", json={"action": "accept"}, headers=OWNER
    )
    assert accept.status_code == 403
    cancel = app_client.post(
        f"/api/v1/tickets/{no}/transitions", json={"action": "cancel"}, headers=OWNER
    )
    assert cancel.status_code == 200
    assert cancel.json()["state"] == "cancelled"


def test_merge_through_the_api(app_client: TestClient) -> None:
    main = create(app_client)["ticket_no"]
    duplicate = create(app_client, chat_id="2002")["ticket_no"]
    merged = move(app_client, duplicate, "merge", target_ticket_no=main)
    assert merged["state"] == "merged"
    assert merged["merged_into"] == main
    follows = app_client.get("/api/v1/citizens/telegram/2002/tickets", headers=SERVICE).json()
    assert {t["ticket_no"] for t in follows} == {main, duplicate}


def test_public_note_reaches_the_history(app_client: TestClient) -> None:
    no = create(app_client)["ticket_no"]
    response = app_client.post(
        f"/api/v1/tickets/{no}/notes", json={"note": "已联系施工方", "public": True}, headers=ADMIN
    )
    assert response.status_code == 201
    assert app_client.post(f"/api/v1/tickets/{no}/notes", json={"note": "x"}).status_code == 401
    bot_note = app_client.post(f"/api/v1/tickets/{no}/notes", json={"note": "x"}, headers=OWNER)
    assert bot_note.status_code == 401
    history = app_client.get(f"/api/v1/tickets/{no}", headers=OWNER).json()["history"]
    assert history[-1]["note"] == "已联系施工方"


def test_catalogue(app_client: TestClient) -> None:
    body = app_client.get("/api/v1/catalogue", headers=SERVICE).json()
    assert len(body["categories"]) == 19
    assert body["categories"][0]["name_zh"] == "噪音扰民"
    assert {t["name_zh"] for t in body["request_types"]} >= {"投诉", "举报", "求助", "咨询"}
    assert "燃气泄漏" in body["urgent_keywords"]


def test_openapi_documents_the_internal_api(app_client: TestClient) -> None:
    paths = app_client.get("/openapi.json").json()["paths"]
    for path in (
        "/api/v1/tickets",
        "/api/v1/tickets/{ticket_no}",
        "/api/v1/tickets/{ticket_no}/transitions",
        "/api/v1/tickets/{ticket_no}/rating",
        "/api/v1/citizens/{channel}/{chat_id}/tickets",
        "/api/v1/catalogue",
        "/api/v1/locate",
        "/api/v1/admin/tokens",
    ):
        assert path in paths
