"""Urgent advice comes from the platform's one list of urgent words (issue 10)."""

import json
from pathlib import Path

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions import urgency
from actions.messages import message
from actions.validate_complaint_form import ValidateComplaintForm
from tests.actions.conftest import make_tracker, slot_events, texts
from tests.actions.fake_platform import FakePlatform, urgent_kinds_body

EVERY_KEYWORD = [
    (item["kind"], word) for item in urgent_kinds_body()["kinds"] for word in item["keywords"]
]


@pytest.mark.parametrize(("kind", "word"), EVERY_KEYWORD)
async def test_every_urgent_keyword_of_the_platform_yields_its_advice(
    platform: FakePlatform, kind: str, word: str
) -> None:
    kinds = await urgency.urgent_kinds(f"报告一下：{word}，快来人", client=platform.client())
    assert kind in kinds
    assert message(f"urgent_{kind}")["text"]


@pytest.mark.parametrize(
    ("report", "number"),
    [("海边有人溺水了", "110"), ("小区里煤气罐爆炸了", "119"), ("路口有个井盖丢失了", "120")],
)
async def test_dangers_only_the_platform_knew_now_get_advice(
    platform: FakePlatform, report: str, number: str
) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(text=report, intent="other", slots={})
    events = await ValidateComplaintForm().run(dispatcher, tracker, {})
    assert slot_events(events)["urgent"] is True
    assert number in texts(dispatcher)[0]


async def test_the_words_are_fetched_once_and_cached(platform: FakePlatform) -> None:
    client = platform.client()
    await urgency.urgent_kinds("着火了", client=client)
    await urgency.urgent_kinds("打架了", client=client)
    assert len(platform.calls("/api/v1/catalogue/urgent")) == 1


async def test_when_the_platform_is_down_the_last_known_words_are_used(
    platform: FakePlatform, action_env: Path
) -> None:
    client = platform.client()
    assert await urgency.urgent_kinds("着火了", client=client) == ["fire"]
    urgency.forget_cache()  # as after a restart
    platform.down = True
    assert await urgency.urgent_kinds("着火了", client=client) == ["fire"]
    saved = json.loads(urgency.saved_path().read_text(encoding="utf-8"))
    assert saved == urgent_kinds_body()


async def test_with_the_platform_down_and_nothing_known_no_advice_and_no_error(
    platform: FakePlatform,
) -> None:
    platform.down = True
    assert await urgency.urgent_kinds("着火了", client=platform.client()) == []


def test_a_malformed_answer_is_refused() -> None:
    with pytest.raises(ValueError):
        urgency.parse_kinds({"kinds": [{"kind": "fire"}]})
