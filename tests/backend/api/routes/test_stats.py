"""The 三率 and clusters API: shapes, CSV, and what department staff may see."""

from datetime import date, timedelta

import time_machine
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from backend.stats.counts import Scope
from backend.stats.measures import period as span
from backend.stats.rolled import split_days
from backend.stats.rollup import run_rollup
from backend.tickets.numbers import ticket_day
from storage.models import utcnow
from tests.backend.api.routes.conftest import ADMIN, bearer, create, staff_token

LIGHT = {
    "service_code": "streetlight",
    "description": "华强北路的路灯坏了，晚上一片黑",
    "district": "福田区",
    "street": "华强北街道",
}


def _iso(day: str) -> str:
    return f"{day[:4]}-{day[4:6]}-{day[6:]}"


def today() -> str:
    return _iso(ticket_day(now=utcnow()))


def period() -> dict[str, str]:
    return {"from": today(), "to": today()}


def test_rates_trend_matrix_and_drill_down(app_client: TestClient) -> None:
    noise = create(app_client)
    light = create(app_client, **LIGHT)
    rates = app_client.get(
        "/api/v1/stats/rates", params={**period(), "group_by": "category"}, headers=ADMIN
    )
    assert rates.status_code == 200, rates.text
    body = rates.json()
    assert body["group_by"] == "category" and body["total"]["received"] == 2
    assert {row["key"] for row in body["rows"]} == {"noise", "streetlight"}
    row = body["rows"][0]
    for name in ("key", "name", "received", "responded_on_time", "response_rate",
                 "resolved_on_time_rate", "satisfaction_rate", "reopen_rate", "overdue",
                 "median_handling_hours", "filters"):  # fmt: skip
        assert name in row
    csv = app_client.get("/api/v1/stats/rates", params={**period(), "format": "csv"}, headers=ADMIN)
    assert csv.headers["content-type"].startswith("text/csv")
    assert csv.text.splitlines()[0].lstrip("\ufeff").startswith("key,name,filters,received")
    [point] = app_client.get("/api/v1/stats/trend", params=period(), headers=ADMIN).json()
    assert (point["period"], point["received"]) == (today(), 2)
    matrix = app_client.get("/api/v1/stats/matrix", params=period(), headers=ADMIN).json()
    assert matrix["districts"] == ["南山区", "福田区"]
    listed = app_client.get(
        "/api/v1/stats/tickets",
        params={**period(), "service_code": "streetlight", "format": "csv"},
        headers=ADMIN,
    )
    lines = listed.text.splitlines()
    assert len(lines) == 2 and lines[1].startswith(light["ticket_no"])
    assert noise["ticket_no"] not in listed.text
    definitions = app_client.get("/api/v1/stats/definitions", headers=ADMIN).json()
    assert "satisfaction_rate" in definitions["measures"]


def test_department_staff_see_only_their_department(app_client: TestClient) -> None:
    create(app_client)
    light = create(app_client, **LIGHT)
    token = bearer(staff_token(app_client, "wang", "department", light["department_id"]))
    other = light["department_id"] + 1
    rates = app_client.get(
        "/api/v1/stats/rates", params={**period(), "department_id": other}, headers=token
    ).json()
    assert [row["key"] for row in rates["rows"]] == [str(light["department_id"])]
    listed = app_client.get("/api/v1/stats/tickets", params=period(), headers=token).json()
    assert [row["ticket_no"] for row in listed] == [light["ticket_no"]]


def test_department_staff_see_only_their_department_from_the_rollup(
    app_client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    received = utcnow() - timedelta(days=40)  # every time limit long past: final numbers
    with time_machine.travel(received, tick=False):
        create(app_client)
        light = create(app_client, **LIGHT)
    run_rollup(session_factory=session_factory)
    day = date.fromisoformat(_iso(ticket_day(now=received)))
    with session_factory() as session:
        split = split_days(
            session=session, scope=Scope(span=span(start=day, end=day), now=utcnow())
        )
    assert split.rolled and not split.live  # the numbers below come from the rollup
    params = {"from": day.isoformat(), "to": day.isoformat()}
    every = app_client.get("/api/v1/stats/rates", params=params, headers=ADMIN).json()
    assert every["total"]["received"] == 2 and len(every["rows"]) == 2
    token = bearer(staff_token(app_client, "li", "department", light["department_id"]))
    other = {**params, "department_id": light["department_id"] + 1, "group_by": "category"}
    own = app_client.get("/api/v1/stats/rates", params=other, headers=token).json()
    assert [row["key"] for row in own["rows"]] == ["streetlight"]
    assert own["total"]["received"] == 1


def test_a_bad_period_is_refused(app_client: TestClient) -> None:
    start = date.fromisoformat(today())
    reversed_ = {"from": today(), "to": (start - timedelta(days=1)).isoformat()}
    assert app_client.get("/api/v1/stats/rates", params=reversed_, headers=ADMIN).status_code == 400
    assert (
        app_client.get("/api/v1/stats/rates", params={"from": "x"}, headers=ADMIN).status_code
        == 422
    )
    assert (
        app_client.get(
            "/api/v1/stats/tickets", params={**period(), "measure": "ufo"}, headers=ADMIN
        ).status_code
        == 400
    )


def test_clusters_and_a_proactive_ticket(app_client: TestClient) -> None:
    reports = [create(app_client, **LIGHT, chat_id=f"60{i}") for i in range(5)]
    token = bearer(staff_token(app_client, "zhao", "department", reports[0]["department_id"]))
    assert app_client.get("/api/v1/clusters", headers=ADMIN).json() == []
    assert app_client.get("/api/v1/clusters?refresh=true", headers=token).status_code == 403
    [cluster] = app_client.get("/api/v1/clusters?refresh=true", headers=ADMIN).json()
    assert cluster["size"] == 5
    assert cluster["ticket_nos"] == [r["ticket_no"] for r in reports]
    assert {"id", "service_code", "district", "street", "first_at", "last_at"} <= set(cluster)
    assert app_client.get("/api/v1/clusters", headers=token).json()[0]["id"] == cluster["id"]
    path = f"/api/v1/clusters/{cluster['id']}/proactive-ticket"
    assert app_client.post(path, headers=token).status_code == 403
    opened = app_client.post(path, headers=ADMIN)
    assert opened.status_code == 201, opened.text
    assert opened.json()["department_id"] == reports[0]["department_id"]
    assert app_client.post(path, headers=ADMIN).json()["ticket_no"] == opened.json()["ticket_no"]
    assert (
        app_client.post("/api/v1/clusters/999/proactive-ticket", headers=ADMIN).status_code == 404
    )
