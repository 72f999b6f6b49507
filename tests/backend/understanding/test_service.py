"""Understanding a text: act from the intent, category for reports, place never invented."""

from typing import Any

import httpx
import pytest

from backend.errors import Unavailable
from backend.rasa.client import RasaClient
from backend.understanding import act_of, resolve_location, understand, understanding_of


def rasa_answering(parse: dict[str, Any]) -> RasaClient:
    def handler(request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/model/parse"
        return httpx.Response(200, json=parse)

    http = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    return RasaClient(http=http, base_url="http://rasa")


def parse_of(text: str, intent: str, confidence: float, entities: list[dict[str, Any]]) -> dict:
    return {
        "text": text,
        "intent": {"name": intent, "confidence": confidence},
        "entities": entities,
    }


@pytest.mark.parametrize(
    ("intent", "act"),
    [
        ("noise", "report"),
        ("other", "report"),
        ("inquiry", "inquiry"),
        ("faq", "inquiry"),
        ("faq/residence_permit", "inquiry"),
        ("check_status", "check_status"),
        ("request_human", "request_human"),
        ("cancel", "cancel"),
        ("nlu_fallback", "other"),
        ("out_of_scope", "other"),
        ("bot_challenge", "other"),
        ("inform", "other"),
        (None, "other"),
    ],
)
def test_acts(intent: str | None, act: str) -> None:
    assert act_of(intent) == act


async def test_a_rich_report() -> None:
    text = "粤海街道科技园这边有个工地每天晚上十一点还在打桩"
    entities = [
        {"entity": "street", "value": "粤海街道", "start": 0, "end": 4, "extractor": "DIET"},
        {"entity": "landmark", "value": "科技园", "start": 4, "end": 7, "extractor": "DIET"},
    ]
    result = await understand(
        rasa=rasa_answering(parse_of(text, "noise", 0.97, entities)), text=text
    )
    assert result.to_dict() == {
        "act": "report",
        "intent": "noise",
        "confidence": 0.97,
        "service_code": "noise",
        "location": {
            "district": "南山区",
            "street": "粤海街道",
            "community": None,
            "address": "科技园",
        },
        "entities": entities,
    }


async def test_no_place_in_the_text_means_no_district() -> None:
    text = "楼下烧烤店的油烟太大了"
    result = await understand(
        rasa=rasa_answering(parse_of(text, "air_pollution", 0.9, [])), text=text
    )
    assert result.location == {"district": None, "street": None, "community": None, "address": None}


def test_understanding_of_a_parse_needs_no_server() -> None:
    # The endpoint's logic on Rasa's parse alone (the NLU evaluation runs it offline).
    text = "宝安这边新桥街道有个坑"
    entities = [
        {"entity": "district", "value": "宝安", "start": 0, "end": 2, "extra": "dropped"},
        {"entity": "street", "value": "新桥街道", "start": 4, "end": 8},
    ]
    result = understanding_of(text=text, parse=parse_of(text, "road", 0.8, entities))
    assert (result.act, result.service_code, result.confidence) == ("report", "road", 0.8)
    assert result.location["district"] == "宝安区"
    assert result.location["street"] == "新桥街道"
    assert all("extra" not in entity for entity in result.entities)


def test_understanding_of_a_parse_without_intent_or_place() -> None:
    result = understanding_of(text="嗯", parse={"text": "嗯"})
    assert (result.act, result.intent, result.confidence) == ("other", None, 0.0)
    assert result.service_code is None
    assert result.location == {"district": None, "street": None, "community": None, "address": None}
    assert result.entities == []


def test_an_entity_fills_a_level_only_with_a_known_name() -> None:
    # "Nanshan" is an alias the gazetteer knows; "火星区" is not a district.
    known = resolve_location(
        text="it is in Nanshan", entities=[{"entity": "district", "value": "Nanshan"}]
    )
    assert known["district"] == "南山区"
    unknown = resolve_location(
        text="在火星区", entities=[{"entity": "district", "value": "火星区"}]
    )
    assert unknown["district"] is None


def test_the_resolver_wins_over_a_stray_entity() -> None:
    location = resolve_location(
        text="不对，是在福田区", entities=[{"entity": "district", "value": "南山区"}]
    )
    assert location["district"] == "福田区"


async def test_rasa_down_is_unavailable() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    rasa = RasaClient(
        http=httpx.AsyncClient(transport=httpx.MockTransport(refuse)), base_url="http://rasa"
    )
    with pytest.raises(Unavailable, match="Rasa"):
        await understand(rasa=rasa, text="你好")
