"""The dialogue evaluation files its own ticket when offered another conversation's (issue 13)."""

from scripts.dialogue_cases import Press
from scripts.eval_dialogue import unexpected_offer

OFFER = [
    {
        "text": "附近已有相同问题正在办理：SZ20261130-000001 噪音扰民 … 要关注这个工单吗？",
        "buttons": [
            {"title": "关注这个工单", "payload": "/follow_ticket"},
            {"title": "仍然新建", "payload": "/file_new"},
        ],
    }
]
READBACK = [{"text": "请核对", "buttons": [{"title": "确认提交", "payload": "/affirm"}]}]


def test_an_unexpected_offer_is_answered_with_file_new() -> None:
    assert unexpected_offer(OFFER, Press(press="确认提交")) == "仍然新建"
    assert unexpected_offer(OFFER, "对的") == "仍然新建"
    assert unexpected_offer(OFFER, None) == "仍然新建"


def test_a_script_that_answers_the_offer_itself_is_left_alone() -> None:
    assert unexpected_offer(OFFER, Press(press="关注这个工单")) is None
    assert unexpected_offer(READBACK, Press(press="确认提交")) is None
