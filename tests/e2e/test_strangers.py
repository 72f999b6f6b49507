"""Rasa, its channel and the action server, as run by `make run`, answer strangers nothing."""

import httpx
import pytest

from tests.e2e.live import Platform, say

pytestmark = pytest.mark.e2e


def test_rasa_http_api_wants_the_token(platform: Platform, web_session: httpx.Client) -> None:
    say(platform, web_session, "你好")  # a conversation worth stealing exists
    rasa = platform.rasa
    for sender in ("telegram:12345", "web:anyone"):
        tracker = httpx.get(f"{rasa.rasa_url}/conversations/{sender}/tracker", timeout=10)
        assert tracker.status_code in (401, 403), tracker.text
    parse = httpx.post(f"{rasa.rasa_url}/model/parse", json={"text": "你好"}, timeout=10)
    assert parse.status_code in (401, 403)
    allowed = httpx.get(
        f"{rasa.rasa_url}/conversations/web:x/tracker", params={"token": rasa.rasa_token}
    )
    assert allowed.status_code == 200


def test_nobody_talks_to_rasa_as_a_citizen_without_the_token(platform: Platform) -> None:
    body = {"sender": "telegram:12345", "message": "我的投诉怎么样了"}
    rasa = platform.rasa.rasa_url
    refused = httpx.post(f"{rasa}/webhooks/suban/webhook", json=body, timeout=30)
    assert refused.status_code == 401
    wrong = httpx.post(
        f"{rasa}/webhooks/suban/webhook",
        json=body,
        headers={"Authorization": "Bearer not-the-token"},
        timeout=30,
    )
    assert wrong.status_code == 401
    # Rasa's own REST channel, open to anyone, is not served at all.
    assert httpx.post(f"{rasa}/webhooks/rest/webhook", json=body, timeout=30).status_code == 404


def test_the_action_server_runs_nothing_for_a_stranger(platform: Platform) -> None:
    actions = platform.rasa.action_server_url
    forged = {
        "next_action": "action_check_status",
        "sender_id": "telegram:12345",
        "tracker": {"sender_id": "telegram:12345", "slots": {}, "events": []},
        "domain": {},
        "version": "3.6.2",
    }
    assert httpx.post(f"{actions}/webhook", json=forged, timeout=30).status_code == 401
    assert httpx.get(f"{actions}/actions", timeout=30).status_code == 401
    assert httpx.get(f"{actions}/health", timeout=30).status_code == 200
