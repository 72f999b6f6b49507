"""Similar tickets, following one and merging, through the assembled app."""

from typing import Any

from fastapi.testclient import TestClient

from tests.backend.api.routes.conftest import ADMIN, SERVICE, bearer, create, staff_token
from tests.conftest import chat_headers

LIGHT: dict[str, Any] = {
    "service_code": "streetlight",
    "description": "华强北路那边的路灯坏了好几天了，晚上一片黑",
    "district": "福田区",
    "street": "华强北街道",
    "channel": "telegram",
    "chat_id": "5001",
}
SECOND_REPORT = {
    "service_code": "streetlight",
    "description": "华强北的路灯一直不亮，晚上很黑",
    "district": "福田区",
    "street": "华强北街道",
}
SECOND = chat_headers("web", "w-5002")


def test_a_second_citizen_is_offered_the_ticket_and_follows_it(app_client: TestClient) -> None:
    first = create(app_client, **LIGHT)
    no = first["ticket_no"]
    offered = app_client.post("/api/v1/tickets/similar", json=SECOND_REPORT, headers=SERVICE)
    assert offered.status_code == 200
    [match] = offered.json()
    assert set(match) == {
        "ticket_no", "service_code", "category", "district", "street", "department",
        "state", "similarity", "distance_m", "created_at",
    }  # fmt: skip
    assert (match["ticket_no"], match["category"]) == (no, "路灯照明")
    assert match["department"] == first["department"]
    assert app_client.get(f"/api/v1/tickets/{no}", headers=SECOND).status_code == 404

    followed = app_client.post(f"/api/v1/tickets/{no}/follow", json=SECOND_REPORT, headers=SECOND)
    assert followed.status_code == 201, followed.text
    assert followed.json()["co_reporters"] == 1
    again = app_client.post(f"/api/v1/tickets/{no}/follow", json=SECOND_REPORT, headers=SECOND)
    assert again.status_code == 200
    assert app_client.get(f"/api/v1/tickets/{no}", headers=SECOND).status_code == 200
    listed = app_client.get("/api/v1/citizens/web/w-5002/tickets", headers=SERVICE).json()
    assert [t["ticket_no"] for t in listed] == [no]
    assert app_client.get(f"/api/v1/tickets/{no}", headers=ADMIN).json()["co_reporters"] == 1


def test_following_needs_a_chat_and_a_matching_report(app_client: TestClient) -> None:
    no = create(app_client, **LIGHT)["ticket_no"]
    other = {**SECOND_REPORT, "description": "工地晚上打桩太吵"}
    assert (
        app_client.post(f"/api/v1/tickets/{no}/follow", json=other, headers=SECOND).status_code
        == 404
    )
    assert (
        app_client.post(
            f"/api/v1/tickets/{no}/follow", json=SECOND_REPORT, headers=SERVICE
        ).status_code
        == 403
    )
    half = {**SECOND_REPORT, "lat": 22.54}
    assert app_client.post("/api/v1/tickets/similar", json=half, headers=SERVICE).status_code == 422


def test_merge_by_an_operator_shows_on_both_tickets(app_client: TestClient) -> None:
    main = create(app_client, **LIGHT)
    duplicate = create(app_client, **{**LIGHT, "chat_id": "5003"})
    department = staff_token(app_client, "li", "department", duplicate["department_id"])
    body = {"into": main["ticket_no"]}
    path = f"/api/v1/tickets/{duplicate['ticket_no']}/merge"
    assert app_client.post(path, json=body, headers=bearer(department)).status_code == 403
    assert app_client.post(path, json=body, headers=SERVICE).status_code == 401
    merged = app_client.post(path, json=body, headers=ADMIN)
    assert merged.status_code == 200, merged.text
    assert (merged.json()["ticket_no"], merged.json()["co_reporters"]) == (main["ticket_no"], 1)
    shown = app_client.get(f"/api/v1/tickets/{duplicate['ticket_no']}", headers=ADMIN).json()
    assert (shown["state"], shown["merged_into"]) == ("merged", main["ticket_no"])
    assert app_client.post(path, json=body, headers=ADMIN).status_code == 409
