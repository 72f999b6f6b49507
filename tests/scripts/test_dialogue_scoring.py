"""scripts/dialogue_scoring.py: how a played conversation is compared with its expected ticket."""

from typing import Any

import pytest

from scripts.dialogue_cases import Conversation, StrayWords
from scripts.dialogue_scoring import Exchange, Observed, Result, compare, summarise

STRAY = StrayWords(
    place_words=["对的", "提交", "yes", "submit"], commands=["确认提交", "yes, submit"]
)
REPORT = "粤海街道科技园这边有个工地每天晚上十一点还在打桩"


def conversation(**overrides: Any) -> Conversation:
    data: dict[str, Any] = {
        "id": "noise",
        "split": "train",
        "patterns": ["happy_path"],
        "turns": [REPORT, "对的，提交吧"],
        "ticket": {
            "service_code": "noise",
            "district": "南山区",
            "street": "粤海街道",
            "address_contains": ["科技园"],
            "description_contains": ["打桩"],
        },
    }
    return Conversation.model_validate(data | overrides)


def ticket(**overrides: Any) -> dict[str, Any]:
    filed = {
        "ticket_no": "SZ20261201-000001",
        "service_code": "noise",
        "request_type": "complaint",
        "description": REPORT,
        "district": "南山区",
        "street": "粤海街道",
        "community": None,
        "address": "科技园",
        "urgent": False,
        "contact_preference": "chat",
    }
    return filed | overrides


def observed(*tickets: dict[str, Any], handoff: bool = False, replies: Any = ()) -> Observed:
    exchanges = [Exchange(citizen="hi", replies=list(replies))]
    return Observed(exchanges=exchanges, tickets=list(tickets), handoff=handoff)


def reply(text: str, button: str) -> dict[str, Any]:
    return {"text": text, "buttons": [{"title": button, "payload": "/affirm"}]}


def kinds(conv: Conversation, seen: Observed, **kwargs: Any) -> list[str]:
    return [difference.kind for difference in compare(conv, seen, stray=STRAY, **kwargs)]


def test_the_expected_ticket_passes() -> None:
    assert compare(conversation(), observed(ticket()), stray=STRAY) == []


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("service_code", "streetlight"),
        ("district", "福田区"),
        ("street", "沙河街道"),
        ("contact_preference", "phone"),
        ("urgent", True),
    ],
)
def test_each_compared_field_must_match_exactly(field: str, value: Any) -> None:
    assert kinds(conversation(), observed(ticket(**{field: value}))) == [field]


def test_fields_not_given_are_not_compared_and_contains_is_case_blind() -> None:
    conv = conversation(
        ticket={"service_code": "noise", "district": "南山区", "description_contains": ["PILING"]}
    )
    filed = ticket(street="沙河街道", description="piling at night", address="x")
    assert compare(conv, observed(filed), stray=STRAY) == []


def test_missing_words_are_named() -> None:
    [difference] = compare(conversation(), observed(ticket(description="工地很吵")), stray=STRAY)
    assert difference.kind == "description" and "打桩" in difference.detail


def test_a_command_stored_as_the_address_or_the_description_is_a_stray_word() -> None:
    conv = conversation(ticket={"service_code": "noise", "district": "南山区"})
    assert kinds(conv, observed(ticket(address="科技园 对的，提交吧"))) == ["stray words"]
    assert kinds(conv, observed(ticket(address="Science Park yes, SUBMIT"))) == ["stray words"]
    assert kinds(conv, observed(ticket(description="确认提交。"))) == ["stray words"]
    assert kinds(conv, observed(ticket(description="Yes,  submit!"))) == ["stray words"]


def test_a_description_may_mention_a_command_word_among_its_own() -> None:
    conv = conversation(ticket={"service_code": "noise", "district": "南山区"})
    assert (
        compare(conv, observed(ticket(description="我已经提交过材料了还没人管")), stray=STRAY) == []
    )


def test_absent_words_are_looked_for_in_every_text_field() -> None:
    conv = conversation(ticket={"service_code": "noise", "district": "南山区", "absent": ["路灯"]})
    assert kinds(conv, observed(ticket(description="路灯坏了；工地半夜施工"))) == ["stray words"]


def test_ticket_none_wants_no_ticket_and_the_handoff_flag_is_compared() -> None:
    conv = conversation(ticket="none", handoff=True)
    assert conv.ticket is None
    assert compare(conv, observed(handoff=True), stray=STRAY) == []
    assert kinds(conv, observed(handoff=False)) == ["handoff"]
    assert kinds(conv, observed(ticket(), handoff=True)) == ["unexpected ticket"]
    assert kinds(conversation(), observed(ticket(), handoff=True)) == ["handoff"]


def test_no_ticket_and_several_tickets_are_failures() -> None:
    assert kinds(conversation(), observed()) == ["no ticket"]
    second = ticket(ticket_no="SZ20261201-000002")
    assert kinds(conversation(), observed(ticket(), second)) == ["several tickets"]


def test_a_run_error_or_a_missing_button_fails_even_with_the_right_ticket() -> None:
    seen = Observed(exchanges=[], tickets=[ticket()], handoff=False, error="ReadTimeout")
    assert kinds(conversation(), seen) == ["run error"]
    seen = Observed(exchanges=[], tickets=[ticket()], handoff=False, off_script="no button")
    assert kinds(conversation(), seen) == ["off script"]


def test_turns_used_stop_at_the_filing() -> None:
    exchanges = [Exchange(citizen=str(n), replies=[]) for n in range(3)]
    assert Observed(exchanges=exchanges, tickets=[], handoff=False).turns_used == 3
    filed = Observed(exchanges=exchanges, tickets=[], handoff=False, filed_after=2)
    assert filed.turns_used == 2


def test_english_conversations_need_replies_without_chinese_except_place_names() -> None:
    conv = conversation(language="en")
    english = reply("Please check: Place: 南山区粤海街道 Science Park", "Submit")
    chinese_button = reply("Please check", "确认提交")
    allowed = ["南山区", "粤海街道"]
    assert kinds(conv, observed(ticket(), replies=[english]), allowed_chinese=allowed) == []
    assert kinds(conv, observed(ticket(), replies=[english])) == ["language"]
    mixed = [english, chinese_button]
    assert kinds(conv, observed(ticket(), replies=mixed), allowed_chinese=allowed) == ["language"]
    filed = reply("Filed. Department: 南山区粤海街道办事处", "Status")
    department = ticket(department="南山区粤海街道办事处")
    assert kinds(conv, observed(department, replies=[filed])) == []
    assert kinds(conv, observed(ticket(), replies=[filed])) == ["language"]
    # Chinese replies are fine in a Chinese conversation
    assert kinds(conversation(), observed(ticket(), replies=[chinese_button])) == []


def test_summary_counts_shares_per_split_turns_and_failure_kinds() -> None:
    good = conversation(min_turns=1)
    held = conversation(id="held", split="heldout", patterns=["cancel"])
    results = [
        Result(good, observed(ticket())),
        Result(held, observed(ticket()), compare(held, observed(), stray=STRAY)),
    ]
    summary = summarise(results)
    assert summary["overall"] == {"passed": 1, "total": 2, "share": 0.5}
    assert summary["train"]["share"] == 1.0 and summary["heldout"]["share"] == 0.0
    assert summary["turns_mean"] == 1 and summary["turns_over_minimum_mean"] == 0
    assert summary["failure_kinds"] == {"no ticket": 1}
    assert summary["failed_patterns"] == {"cancel": 1}
