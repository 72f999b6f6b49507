"""The thinnest end-to-end path: web chat → platform → real Rasa → greeting reply."""

import httpx
import pytest

from tests.e2e.live import Platform, say

pytestmark = pytest.mark.e2e


def test_greeting_reaches_rasa_and_comes_back(
    platform: Platform, web_session: httpx.Client
) -> None:
    replies = say(platform, web_session, "你好")
    assert replies, "the bot said nothing"
    assert "速办" in replies[0]["text"]


def test_healthz_is_green_when_everything_runs(platform: Platform) -> None:
    response = httpx.get(f"{platform.url}/healthz", timeout=10)
    assert response.status_code == 200, response.text
    assert response.json()["down"] == []
