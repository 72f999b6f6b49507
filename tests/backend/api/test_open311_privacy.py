"""Open311 reads publish what a city would: masked texts, no chat, contact or private data."""

import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from backend.settings import Settings
from tests.backend.open311.schema import assert_valid
from tests.conftest import ADMIN_HEADERS, SERVICE_HEADERS

API_KEY = "open311-test-key"
BASE = "/open311/v2"
CHAT_ID = "web-session-7f3a9c"
DESCRIPTION = (
    "我叫张伟，电话13800138000，身份证440305199001011234。"
    "科技园12栋楼下每天晚上23:00以后粤B·D12345这辆车停在消防通道"
)
MASKED = (
    "我叫[姓名]，电话[电话]，身份证[身份证号]。"
    "科技园12栋楼下每天晚上23:00以后[车牌]这辆车停在消防通道"
)
PRIVATE_NOTE = "内部：车主是物业经理的亲戚"
PUBLIC_NOTE = "已联系车主，车主王先生电话13912345678承诺挪车"


@pytest.fixture
def client(app_settings: Settings) -> Iterator[TestClient]:
    from suban.app import create_app

    settings = app_settings.model_copy(update={"open311_api_keys": API_KEY})
    with TestClient(create_app(settings)) as client:
        yield client


def chat_ticket(client: TestClient) -> str:
    body = {
        "service_code": "traffic_parking",
        "description": DESCRIPTION,
        "district": "南山区",
        "street": "粤海街道",
        "address": "科技园12栋",
        "contact_preference": "phone",
        "phone": "13800138000",
        "channel": "web",
        "chat_id": CHAT_ID,
    }
    response = client.post("/api/v1/tickets", json=body, headers=SERVICE_HEADERS)
    assert response.status_code == 201, response.text
    no = response.json()["ticket_no"]
    for note, public in ((PRIVATE_NOTE, False), (PUBLIC_NOTE, True)):
        added = client.post(
            f"/api/v1/tickets/{no}/notes",
            json={"note": note, "public": public},
            headers=ADMIN_HEADERS,
        )
        assert added.status_code == 201
    return no


def assert_published_safely(raw: str) -> None:
    for secret in (
        CHAT_ID,
        "13800138000",
        "13912345678",
        "440305199001011234",
        "张伟",
        "粤B",
        PRIVATE_NOTE,
        "zhang@example.org",
        "13700137000",
    ):
        assert secret not in raw


def test_a_chat_ticket_is_published_masked(client: TestClient) -> None:
    no = chat_ticket(client)
    one = client.get(f"{BASE}/requests/{no}.json")
    listed = client.get(f"{BASE}/requests.json")
    for response in (one, listed):
        assert response.status_code == 200
        assert_valid("service_requests", response.json())
        assert_published_safely(response.text)
    [request] = one.json()
    assert request["description"] == MASKED
    # a public note is masked too (a name with no 我叫/我是 before it is not recognised)
    assert request["status_notes"] == "已联系车主，车主王先生电话[电话]承诺挪车"
    assert request["address"] == "科技园12栋, 粤海街道, 南山区, 深圳市"
    assert listed.json() == one.json()


def test_open311_contact_fields_are_never_read_back(client: TestClient) -> None:
    created = client.post(
        f"{BASE}/requests.json",
        data={
            "api_key": API_KEY,
            "service_code": "noise",
            "description": "我是李先生，手机13700137000，楼上装修太吵",
            "email": "zhang@example.org",
            "phone": "13700137000",
            "first_name": "三",
            "last_name": "张",
            "lat": "22.540",
            "long": "113.953",
        },
    )
    assert created.status_code == 201
    no = created.json()[0]["service_request_id"]
    response = client.get(f"{BASE}/requests/{no}.json")
    assert_published_safely(response.text)
    assert response.json()[0]["description"] == "我是[姓名]，手机[电话]，楼上装修太吵"
    assert not {"email", "phone", "first_name", "last_name"} & set(json.loads(response.text)[0])


def test_a_chat_tickets_filing_key_is_not_an_open311_token(client: TestClient) -> None:
    filed = client.post(
        "/api/v1/tickets",
        json={
            "service_code": "noise",
            "description": "打桩",
            "district": "南山区",
            "channel": "web",
            "chat_id": CHAT_ID,
        },
        headers={**SERVICE_HEADERS, "Idempotency-Key": "chat-0123456789abcdef"},
    )
    assert filed.status_code == 201
    response = client.get(f"{BASE}/tokens/chat-0123456789abcdef.json")
    assert response.status_code == 404
    assert filed.json()["ticket_no"] not in response.text
