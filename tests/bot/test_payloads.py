"""Payloads the channels send to Rasa for photos and places (see contracts.md)."""

import pytest

from bot.payloads import intent_payload, photo_payload, place_payload


def test_photo_payloads_name_a_file_id_or_a_url() -> None:
    assert photo_payload(file_id="AgAD") == '/send_photo{"photo_file_id":"AgAD"}'
    assert photo_payload(url="http://x/chat/uploads/a.jpg") == (
        '/send_photo{"photo_url":"http://x/chat/uploads/a.jpg"}'
    )
    with pytest.raises(ValueError):
        photo_payload()
    with pytest.raises(ValueError):
        photo_payload(file_id="a", url="b")


def test_place_payloads_keep_chinese_readable_and_skip_a_missing_street() -> None:
    assert place_payload(district="南山区", street="粤海街道") == (
        '/inform{"district":"南山区","street":"粤海街道"}'
    )
    assert place_payload(district="大鹏新区", street=None) == '/inform{"district":"大鹏新区"}'


def test_an_intent_payload_starts_with_a_slash() -> None:
    assert intent_payload("/greet") == "/greet"
    with pytest.raises(ValueError):
        intent_payload("greet")
