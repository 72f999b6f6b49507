"""Urgent and angry wording as reasons to call a person in; the hand-back's Rasa reset."""

import pytest

from backend.handoff.hand_back import reset_events
from backend.handoff.triggers import load_triggers, reason_in_text, reason_label
from storage.models import HandoffReason


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("楼道里有很浓的煤气味", HandoffReason.urgent),
        ("着火了，你们这个什么破系统", HandoffReason.urgent),  # urgent wins over angry
        ("你们到底管不管？气死我了", HandoffReason.angry),
        ("工地晚上打桩太吵了", None),
        ("垃圾桶满了没人清理", None),  # 垃圾 alone is a category, not anger
    ],
)
def test_the_reason_a_message_calls_a_person_in(text: str, reason: HandoffReason | None) -> None:
    assert reason_in_text(text=text) == reason


def test_every_reason_has_a_label_and_the_lexicon_loads() -> None:
    assert load_triggers().angry
    assert {reason_label(reason) for reason in HandoffReason} >= {"紧急情况", "市民情绪激动"}


def test_the_reset_deactivates_the_form_and_puts_slots_back_to_their_initial_values() -> None:
    domain = {
        "slots": {
            "description": {"type": "text"},
            "handed_off": {"type": "bool", "initial_value": False},
            "requested_slot": {"type": "any"},
        }
    }
    assert reset_events(domain=domain) == [
        {"event": "active_loop", "name": None},
        {"event": "slot", "name": "description", "value": None},
        {"event": "slot", "name": "handed_off", "value": False},
        {"event": "slot", "name": "requested_slot", "value": None},
    ]
