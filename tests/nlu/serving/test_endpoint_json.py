"""nlu.endpoint_json: what Rasa posts to the action server reads back the same, and the session
keeps Rasa's headers and time-out."""

import json
import math

import pytest
from rasa.core.constants import DEFAULT_REQUEST_TIMEOUT
from rasa.utils.endpoints import EndpointConfig

from nlu import endpoint_json

STATE = {
    "next_action": "validate_complaint_form",
    "sender_id": "web:abc/def",
    "tracker": {
        "latest_message": {"text": "路灯坏了 “一个多礼拜” \\ 😀", "intent": {"confidence": 0.9731}},
        "events": [
            {"event": "slot", "name": "phone", "value": None, "timestamp": 1764576000.123456}
        ],
        "slots": {"urgent": False, "photo": [], "count": 3},
    },
}


def test_the_json_reads_back_the_same_as_the_standard_librarys() -> None:
    text = endpoint_json.dumps(STATE)
    assert json.loads(text) == json.loads(json.dumps(STATE)) == STATE
    assert text.isascii()  # non-ASCII escaped, as json.dumps writes it
    assert "web:abc/def" in text


def test_nan_and_big_integers_read_back_as_the_standard_library_writes_them() -> None:
    back = json.loads(endpoint_json.dumps({"confidence": float("nan"), "big": 2**70}))
    assert math.isnan(back["confidence"]) and back["big"] == 2**70


async def test_the_session_encodes_with_ujson_and_keeps_rasas_settings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(EndpointConfig, "session", EndpointConfig.session)
    endpoint_json.install()
    config = EndpointConfig(url="http://127.0.0.1:1/webhook", headers={"Authorization": "Bearer t"})
    async with config.session() as session:
        assert session.json_serialize is endpoint_json.dumps
        assert session.headers["Authorization"] == "Bearer t"
        assert session.timeout.total == DEFAULT_REQUEST_TIMEOUT
