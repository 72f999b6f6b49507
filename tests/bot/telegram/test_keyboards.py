"""Rasa buttons as inline keyboards; long payloads travel under a short id."""

import pytest

from backend.rasa.replies import Button
from bot.telegram.keyboards import CallbackPayloads, buttons_per_row, inline_keyboard


def test_a_payload_that_fits_is_its_own_callback_data() -> None:
    payloads = CallbackPayloads()
    payload = '/rate{"rating":"3","ticket_no":"SZ20261129-000123"}'
    assert payloads.encode(payload) == payload
    assert payloads.decode(payload) == payload


def test_a_long_payload_gets_a_short_id_that_decodes_back() -> None:
    payloads = CallbackPayloads()
    payload = '/inform{"address":"福田区华强北街道华强北路赛格广场东门附近"}'
    data = payloads.encode(payload)
    assert data.startswith("~") and len(data.encode()) <= 64
    assert payloads.encode(payload) == data  # stable
    assert payloads.decode(data) == payload


def test_a_forgotten_short_id_decodes_to_none() -> None:
    payloads = CallbackPayloads(max_entries=1)
    first = payloads.encode("/x" + "很长" * 40)
    payloads.encode("/y" + "很长" * 40)
    assert payloads.decode(first) is None


def test_a_payload_that_looks_like_a_short_id_is_mapped_too() -> None:
    payloads = CallbackPayloads()
    data = payloads.encode("~raw")
    assert data != "~raw"
    assert payloads.decode(data) == "~raw"


def test_max_entries_must_be_positive() -> None:
    with pytest.raises(ValueError):
        CallbackPayloads(max_entries=0)


@pytest.mark.parametrize(
    ("titles", "width"),
    [
        (["满意", "基本满意", "不满意"], 3),
        (["确认提交", "修改一下地址信息"], 2),
        (["我要修改问题的描述和发生地点"], 1),
    ],
)
def test_short_titles_share_a_row(titles: list[str], width: int) -> None:
    assert buttons_per_row([Button(title=t, payload="/x") for t in titles]) == width


def test_the_keyboard_keeps_the_buttons_order() -> None:
    buttons = [
        Button(title=d, payload=f'/inform{{"district":"{d}"}}')
        for d in ["福田", "罗湖", "南山", "盐田"]
    ]
    markup = inline_keyboard(buttons, payloads=CallbackPayloads())
    rows = [[key.text for key in row] for row in markup.inline_keyboard]
    assert rows == [["福田", "罗湖", "南山"], ["盐田"]]
    assert markup.inline_keyboard[0][2].callback_data == '/inform{"district":"南山"}'
