"""Open311 GeoReport v2 over HTTP; every answer is checked against the published spec's schema."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from backend.settings import Settings
from tests.backend.open311.schema import assert_valid
from tests.conftest import ADMIN_HEADERS

API_KEY = "open311-test-key"
BASE = "/open311/v2"
NANSHAN_POINT = {"lat": "22.540", "long": "113.953"}  # 科技园, 粤海街道


@pytest.fixture
def client(app_settings: Settings) -> Iterator[TestClient]:
    from suban.app import create_app

    settings = app_settings.model_copy(update={"open311_api_keys": f"other-key, {API_KEY}"})
    with TestClient(create_app(settings)) as client:
        yield client


def post_request(client: TestClient, **fields: str) -> tuple[int, object]:
    """POST like an Open311 client does: form-encoded."""
    response = client.post(f"{BASE}/requests.json", data={"api_key": API_KEY, **fields})
    return response.status_code, response.json()


def assert_error(response_status: int, body: object, status: int, text: str) -> None:
    assert response_status == status, body
    assert_valid("errors", body)
    assert isinstance(body, list)
    assert body[0]["code"] == status
    assert text in body[0]["description"]


def test_service_list(client: TestClient) -> None:
    response = client.get(f"{BASE}/services.json")
    assert response.status_code == 200
    services = response.json()
    assert_valid("services", services)
    by_code = {service["service_code"]: service for service in services}
    assert len(by_code) == 19
    assert by_code["noise"]["service_name"] == "噪音扰民"
    assert by_code["noise"]["type"] == "realtime"
    assert by_code["noise"]["metadata"] is True


def test_service_definition(client: TestClient) -> None:
    response = client.get(f"{BASE}/services/noise.json")
    assert response.status_code == 200
    definition = response.json()
    assert_valid("service_definition", definition)
    attributes = {item["code"]: item for item in definition["attributes"]}
    assert list(attributes) == ["request_type", "urgent", "district", "street"]
    assert [item["order"] for item in definition["attributes"]] == [1, 2, 3, 4]
    assert attributes["district"]["datatype"] == "singlevaluelist"
    assert len(attributes["district"]["values"]) == 10
    assert {"key": "大鹏新区", "name": "大鹏新区"} in attributes["district"]["values"]
    assert {v["key"] for v in attributes["request_type"]["values"]} == {
        "complaint",
        "report",
        "help",
        "inquiry",
        "suggestion",
        "praise",
    }


def test_unknown_service_and_format(client: TestClient) -> None:
    response = client.get(f"{BASE}/services/parking_on_mars.json")
    assert_error(response.status_code, response.json(), 404, "parking_on_mars")
    response = client.get(f"{BASE}/services.xml")
    assert_error(response.status_code, response.json(), 400, "'xml' is not supported")


def test_round_trip_like_an_open311_client(client: TestClient) -> None:
    status, created = post_request(
        client,
        service_code="noise",
        description="科技园工地每天晚上十一点还在打桩",
        address_string="科技园科发路8号",
        media_url="https://example.org/photo.jpg",
        first_name="三",
        last_name="张",
        email="zhang@example.org",
        **{"attribute[request_type]": "report", "jurisdiction_id": "sz.gov.cn"},
        **NANSHAN_POINT,
    )
    assert status == 201, created
    assert_valid("post_service_request", created)
    assert isinstance(created, list)
    request_id = created[0]["service_request_id"]
    assert request_id.startswith("SZ")
    assert "南山区粤海街道办事处" in created[0]["service_notice"]

    response = client.get(f"{BASE}/requests/{request_id}.json")
    assert response.status_code == 200
    [request] = response.json()
    assert_valid("service_requests", [request])
    assert request["service_request_id"] == request_id
    assert request["status"] == "open"
    assert request["service_code"] == "noise"
    assert request["service_name"] == "噪音扰民"
    assert request["agency_responsible"] == "南山区粤海街道办事处"
    assert request["address"] == "科技园科发路8号, 粤海街道, 南山区, 深圳市"
    assert (request["lat"], request["long"]) == (22.54, 113.953)
    assert request["media_url"] == "https://example.org/photo.jpg"
    assert request["requested_datetime"].endswith("+08:00")
    assert request["expected_datetime"].endswith("+08:00")
    assert request["status_notes"] == "已派发至南山区粤海街道办事处"

    ticket = client.get(f"/api/v1/tickets/{request_id}", headers=ADMIN_HEADERS).json()
    assert ticket["state"] == "dispatched"
    assert ticket["street"] == "粤海街道"


def test_json_body_and_address_string_only(client: TestClient) -> None:
    response = client.post(
        f"{BASE}/requests.json",
        json={
            "api_key": API_KEY,
            "service_code": "road",
            "address_string": "宝安区建安一路88号",
            "description": "路面有个大坑",
            "attribute": {"urgent": "true"},
        },
    )
    assert response.status_code == 201, response.json()
    [created] = response.json()
    [request] = client.get(f"{BASE}/requests/{created['service_request_id']}.json").json()
    assert_valid("service_requests", [request])
    assert request["address"].startswith("宝安区建安一路88号")
    assert request["lat"] is None and request["long"] is None


@pytest.mark.parametrize(
    ("fields", "status", "text"),
    [
        ({"api_key": ""}, 403, "api_key was not provided"),
        ({"api_key": "wrong"}, 403, "Invalid api_key"),
        ({"service_code": ""}, 400, "service_code was not provided"),
        ({"service_code": "flying_cars"}, 404, "flying_cars"),
        ({"lat": "", "long": ""}, 400, "a location is required"),
        ({"lat": "23.13", "long": "113.26"}, 400, "outside Shenzhen"),  # Guangzhou
        ({"attribute[district]": "天河区"}, 400, "attribute[district] must be one of"),
        ({"attribute[colour]": "red"}, 400, "unknown attribute 'colour'"),
        ({"address_id": "123", "lat": "", "long": ""}, 400, "address_id is not supported"),
    ],
)
def test_bad_requests_get_open311_errors(
    client: TestClient, fields: dict[str, str], status: int, text: str
) -> None:
    form = {"api_key": API_KEY, "service_code": "noise", "description": "噪音", **NANSHAN_POINT}
    form.update(fields)
    response = client.post(f"{BASE}/requests.json", data=form)
    assert_error(response.status_code, response.json(), status, text)


def test_a_key_issued_by_an_admin_works(client: TestClient) -> None:
    issued = client.post(
        "/api/v1/admin/tokens",
        json={"kind": "open311", "label": "district app"},
        headers=ADMIN_HEADERS,
    )
    assert issued.status_code == 201
    response = client.post(
        f"{BASE}/requests.json",
        data={
            "api_key": issued.json()["token"],
            "service_code": "streetlight",
            "description": "路灯不亮",
            **NANSHAN_POINT,
        },
    )
    assert response.status_code == 201, response.json()


def test_query_filters_and_closed_status(client: TestClient) -> None:
    _, noise = post_request(client, service_code="noise", description="打桩", **NANSHAN_POINT)
    _, road = post_request(client, service_code="road", description="坑", **NANSHAN_POINT)
    noise_id = noise[0]["service_request_id"]  # type: ignore[index]
    road_id = road[0]["service_request_id"]  # type: ignore[index]

    def ids(**params: str) -> list[str]:
        response = client.get(f"{BASE}/requests.json", params=params)
        assert response.status_code == 200, response.json()
        assert_valid("service_requests", response.json())
        return [item["service_request_id"] for item in response.json()]

    assert ids() == [road_id, noise_id]  # newest first
    assert ids(service_code="road") == [road_id]
    assert ids(service_request_id=f"{noise_id},{road_id}", service_code="road") == [
        road_id,
        noise_id,
    ]  # ids override the other filters
    assert ids(status="closed") == []

    for action, note in (("accept", None), ("resolve", "已责令工地夜间停工")):
        moved = client.post(
            f"/api/v1/tickets/{noise_id}/transitions",
            json={"action": action, "note": note},
            headers=ADMIN_HEADERS,
        )
        assert moved.status_code == 200, moved.json()
    assert ids(status="closed") == [noise_id]
    assert ids(status="open") == [road_id]
    [closed] = client.get(f"{BASE}/requests/{noise_id}.json").json()
    assert closed["status"] == "closed"
    assert closed["status_notes"] == "已责令工地夜间停工"

    assert ids(start_date="2000-01-01T00:00:00Z", end_date="2000-02-01T00:00:00+08:00") == []


@pytest.mark.parametrize(
    ("params", "text"),
    [
        ({"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"}, "90 days"),
        ({"start_date": "yesterday"}, "start_date must be a w3 datetime"),
        ({"end_date": "2026-01-01T00:00:00"}, "must include a time zone"),
        ({"status": "pending"}, "status must be open or closed"),
    ],
)
def test_bad_queries_get_open311_errors(
    client: TestClient, params: dict[str, str], text: str
) -> None:
    response = client.get(f"{BASE}/requests.json", params=params)
    assert_error(response.status_code, response.json(), 400, text)


def test_unknown_request_id(client: TestClient) -> None:
    response = client.get(f"{BASE}/requests/SZ20000101-000001.json")
    assert_error(response.status_code, response.json(), 404, "SZ20000101-000001")


def test_tokens_and_idempotent_retries(client: TestClient) -> None:
    form = {"api_key": API_KEY, "service_code": "noise", "description": "打桩", **NANSHAN_POINT}
    headers = {"Idempotency-Key": "client-42-request-7"}
    first = client.post(f"{BASE}/requests.json", data=form, headers=headers)
    again = client.post(f"{BASE}/requests.json", data=form, headers=headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json() == again.json()
    response = client.get(f"{BASE}/tokens/client-42-request-7.json")
    assert response.status_code == 200
    assert_valid("token_lookup", response.json())
    assert response.json() == [
        {
            "service_request_id": first.json()[0]["service_request_id"],
            "token": "client-42-request-7",
        }
    ]
    missing = client.get(f"{BASE}/tokens/nope.json")
    assert_error(missing.status_code, missing.json(), 404, "token 'nope' was not found")


def test_framework_errors_under_open311_use_the_spec_format(client: TestClient) -> None:
    response = client.get(f"{BASE}/no-such-thing.json")
    assert_error(response.status_code, response.json(), 404, "no Open311 resource")
    response = client.delete(f"{BASE}/services.json")
    assert_error(response.status_code, response.json(), 405, "Method Not Allowed")
    response = client.post(
        f"{BASE}/requests.json", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert_error(response.status_code, response.json(), 400, "not valid JSON")
    response = client.post(
        f"{BASE}/requests.json", content=b"x", headers={"content-type": "text/plain"}
    )
    assert_error(response.status_code, response.json(), 400, "x-www-form-urlencoded")


def test_other_paths_keep_fastapis_errors(client: TestClient) -> None:
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not Found"}


def test_discovery_points_at_the_endpoint(client: TestClient) -> None:
    body = client.get("/open311/discovery.json").json()
    [endpoint] = body["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"].endswith("/open311/v2")
