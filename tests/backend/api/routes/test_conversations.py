"""`/api/v1/conversations`: the bot flags a chat, operators see it with its messages."""

from fastapi.testclient import TestClient

from tests.backend.api.routes.conftest import ADMIN, SERVICE, bearer, create, staff_token


def test_flagged_chats_reach_the_operators_list(app_client: TestClient) -> None:
    path = "/api/v1/conversations/web/abc12345/needs-human"
    assert app_client.post(path, json={"reason": "x"}).status_code == 401
    flagged = app_client.post(path, json={"reason": "连续两次未能理解"}, headers=SERVICE)
    assert flagged.status_code == 200, flagged.text
    assert (flagged.json()["needs_human"], flagged.json()["state"]) == (True, "waiting")

    assert app_client.get("/api/v1/conversations").status_code == 401
    assert app_client.get("/api/v1/conversations", headers=SERVICE).status_code == 401
    waiting = app_client.get("/api/v1/conversations", headers=ADMIN)
    assert waiting.status_code == 200
    [conversation] = waiting.json()
    assert (conversation["channel"], conversation["chat_id"]) == ("web", "abc12345")
    assert (conversation["state"], conversation["reason"]) == ("waiting", "asked")
    assert conversation["reason_detail"] == "连续两次未能理解"


def test_department_staff_see_only_chats_of_their_tickets(app_client: TestClient) -> None:
    department = create(app_client, chat_id="1001")["department_id"]
    for chat in ("telegram/1001", "web/stranger"):
        flagged = app_client.post(
            f"/api/v1/conversations/{chat}/needs-human", json={"reason": "转人工"}, headers=SERVICE
        )
        assert flagged.status_code == 200
    own = bearer(staff_token(app_client, "yuehai", "department", department))
    other = bearer(staff_token(app_client, "futian", "department", department + 1))
    operator = bearer(staff_token(app_client, "op", "operator", None))

    def chats(headers: dict[str, str]) -> list[str]:
        response = app_client.get("/api/v1/conversations", headers=headers)
        assert response.status_code == 200
        return [f"{c['channel']}/{c['chat_id']}" for c in response.json()]

    assert sorted(chats(operator)) == ["telegram/1001", "web/stranger"]
    assert chats(own) == ["telegram/1001"]
    assert chats(other) == []


def test_needs_human_gives_the_place_in_the_queue_once_per_wait(app_client: TestClient) -> None:
    def flag(chat: str) -> int | None:
        response = app_client.post(
            f"/api/v1/conversations/web/{chat}/needs-human",
            json={"reason": "转人工"},
            headers=SERVICE,
        )
        assert response.status_code == 200, response.text
        return response.json()["queue_position"]

    assert flag("first001") == 1
    assert flag("second02") == 2
    assert flag("first001") is None  # already told: nobody tells it again


def test_an_empty_reason_is_refused(app_client: TestClient) -> None:
    response = app_client.post(
        "/api/v1/conversations/web/abc12345/needs-human", json={}, headers=SERVICE
    )
    assert response.status_code == 422
