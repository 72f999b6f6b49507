"""The one list of urgent words: by kind, served to the bot, each kind with the bot's advice."""

from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient

from backend.catalogue.data import (
    CatalogueFileError,
    is_urgent_text,
    load_catalogue,
    parse_catalogue,
)
from tests.conftest import SERVICE_HEADERS

# The bot's texts, read as data (the platform never imports the actions).
MESSAGES = Path(__file__).resolve().parents[3] / "actions" / "data" / "messages.yml"


def test_every_urgent_kind_has_the_bots_advice() -> None:
    messages = yaml.safe_load(MESSAGES.read_text(encoding="utf-8"))
    kinds = [item.kind for item in load_catalogue().urgent_kinds]
    assert {"gas", "fire", "explosion", "drowning", "open_manhole", "crime"} <= set(kinds)
    for kind in kinds:
        assert messages[f"urgent_{kind}"]["text"], kind


@pytest.mark.parametrize(
    "text",
    [
        "有人溺水了",
        "煤气罐爆炸了",
        "路口井盖丢失",
        "两伙人在街上打架",
        "有人抢劫",
        "Smell gas here",
    ],
)
def test_dangers_the_bot_warns_about_flag_the_ticket(text: str) -> None:
    assert is_urgent_text(text=text)


def test_an_urgent_kind_without_keywords_is_refused() -> None:
    with pytest.raises(CatalogueFileError, match="urgent kind 'fire'"):
        parse_catalogue({"urgent_kinds": {"fire": {"keywords": []}}})


def test_the_bot_reads_the_urgent_words_by_kind(app_client: TestClient) -> None:
    answer = app_client.get("/api/v1/catalogue/urgent", headers=SERVICE_HEADERS)
    assert answer.status_code == 200
    kinds = {item["kind"]: item["keywords"] for item in answer.json()["kinds"]}
    assert "溺水" in kinds["drowning"] and "抢劫" in kinds["crime"]
    flat = app_client.get("/api/v1/catalogue", headers=SERVICE_HEADERS).json()["urgent_keywords"]
    assert sorted(flat) == sorted(word for words in kinds.values() for word in words)


def test_the_urgent_words_need_a_token(app_client: TestClient) -> None:
    assert app_client.get("/api/v1/catalogue/urgent").status_code == 401
