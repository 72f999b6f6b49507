"""The NLU training data (训练数据) and held-out split keep the shape the model relies on.

Plain YAML checks, no Rasa needed: coverage per intent, place annotations, the held-out split
kept apart from training, domain and data agreeing, regexes and canonical entity values.
"""

import re
from collections import Counter, defaultdict
from functools import cache
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
NLU = ROOT / "nlu"
CATEGORY_FILES = sorted((NLU / "data" / "nlu" / "categories").glob("*.yml"))
PLACE_ENTITIES = {"district", "street", "community", "road", "landmark", "address"}
ENGLISH_CATEGORIES = [
    "noise", "sanitation", "road", "streetlight", "traffic_parking",
    "water_supply", "drainage", "gas", "property", "labor",
]  # fmt: skip
ANNOTATION = re.compile(r"\[(?P<text>[^\]]+)\](?:\((?P<name>\w+)\)|\{(?P<json>[^}]+)\})")
MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


def read_yaml(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def examples_of(paths: list[Path]) -> dict[str, list[str]]:
    """Intent -> annotated examples, from Rasa NLU YAML files."""
    found: dict[str, list[str]] = defaultdict(list)
    for path in paths:
        for block in read_yaml(path).get("nlu", []):
            if "intent" in block:
                lines = block["examples"].splitlines()
                found[block["intent"]] += [line[2:].strip() for line in lines if line.strip()]
    return found


@cache
def training() -> dict[str, list[str]]:
    return examples_of(sorted((NLU / "data" / "nlu").rglob("*.yml")))


@cache
def held_out() -> dict[str, list[str]]:
    return examples_of([NLU / "tests" / "nlu_test.yml"])


def category_intents() -> list[str]:
    return sorted(examples_of(CATEGORY_FILES))


def entities_in(example: str) -> list[str]:
    names = []
    for match in ANNOTATION.finditer(example):
        name = match["name"] or yaml.safe_load("{" + match["json"] + "}")["entity"]
        names.append(name)
    return names


def plain(example: str) -> str:
    return ANNOTATION.sub(lambda match: match["text"], example)


def top_level(intent: str) -> str:
    return intent.split("/")[0]


def test_there_are_nineteen_service_categories() -> None:
    assert len(category_intents()) == 19
    assert "other" in category_intents()


@pytest.mark.parametrize("intent", category_intents())
def test_each_category_has_45_examples_with_places_in_at_least_40_percent(intent: str) -> None:
    examples = training()[intent]
    with_place = [e for e in examples if PLACE_ENTITIES & set(entities_in(e))]
    assert len(examples) >= 45
    assert len(with_place) >= 0.4 * len(examples)


@pytest.mark.parametrize("intent", ENGLISH_CATEGORIES)
def test_common_categories_have_english_examples(intent: str) -> None:
    english = [e for e in training()[intent] if re.fullmatch(r"[\x00-\x7f]+", plain(e))]
    assert len(english) >= 3


def test_every_mobile_number_in_the_data_is_annotated_as_phone() -> None:
    for examples in [*training().values(), *held_out().values()]:
        for example in examples:
            annotated = {m["text"] for m in ANNOTATION.finditer(example) if m["name"] == "phone"}
            assert set(MOBILE.findall(plain(example))) <= annotated, example


def test_held_out_split_covers_every_intent_with_enough_examples() -> None:
    counts = Counter()
    for intent, examples in held_out().items():
        counts[top_level(intent)] += len(examples)
    for intent in {top_level(i) for i in training()}:
        assert counts[intent] >= (10 if intent in category_intents() else 5), intent


def test_held_out_examples_never_appear_in_training() -> None:
    seen = {plain(e) for examples in training().values() for e in examples}
    copied = [plain(e) for ex in held_out().values() for e in ex if plain(e) in seen]
    assert copied == []


def test_held_out_split_lives_outside_the_training_folder() -> None:
    assert not list((NLU / "data").rglob("nlu_test.yml"))


def test_domain_declares_every_intent_and_entity_the_data_uses() -> None:
    domain = read_yaml(NLU / "domain" / "nlu.yml")
    intents = {i if isinstance(i, str) else next(iter(i)) for i in domain["intents"]}
    used_intents = {top_level(i) for i in [*training(), *held_out()]}
    used_entities = {
        name
        for examples in [*training().values(), *held_out().values()]
        for e in examples
        for name in entities_in(e)
    }
    assert used_intents == intents
    assert used_entities <= set(domain["entities"])
    assert {"faq": {"is_retrieval_intent": True}} in domain["intents"]


def test_each_faq_question_has_six_examples_and_an_answer() -> None:
    responses = read_yaml(NLU / "domain" / "faq.yml")["responses"]
    questions = {i: e for i, e in training().items() if i.startswith("faq/")}
    assert len(questions) >= 8
    assert all(len(examples) >= 6 for examples in questions.values())
    assert {f"utter_{q}" for q in questions} == set(responses)
    assert all(r[0]["text"].strip() for r in responses.values())


def regexes() -> dict[str, re.Pattern[str]]:
    blocks = read_yaml(NLU / "data" / "nlu" / "regex.yml")["nlu"]
    return {b["regex"]: re.compile(b["examples"].splitlines()[0][2:]) for b in blocks}


def test_phone_regex_finds_mobiles_but_not_longer_digit_runs() -> None:
    phone = regexes()["phone"]
    assert phone.search("留电话 13812345678").group() == "13812345678"
    assert phone.search("卡号138123456789") is None
    assert phone.search("座机12345678901") is None


def test_ticket_regex_matches_the_ticket_number_format() -> None:
    ticket = regexes()["ticket_id"]
    assert ticket.search("查一下SZ20261129-000123").group() == "SZ20261129-000123"
    assert ticket.search("SZ2026112-000123") is None


def synonym_values() -> dict[str, str]:
    blocks = read_yaml(NLU / "data" / "nlu" / "synonyms.yml")["nlu"]
    return {
        line[2:].strip(): block["synonym"]
        for block in blocks
        for line in block["examples"].splitlines()
        if line.strip()
    }


@pytest.mark.parametrize(
    ("entity", "values"),
    [
        ("contact", {"chat", "phone", "anonymous"}),
        ("rating", {"satisfied", "basically_satisfied", "dissatisfied"}),
    ],
)
def test_annotated_contact_and_rating_map_to_canonical_values(entity: str, values: set) -> None:
    synonyms = synonym_values()
    for examples in [*training().values(), *held_out().values()]:
        for example in examples:
            for match in ANNOTATION.finditer(example):
                if match["name"] == entity:
                    assert synonyms.get(match["text"].lower(), match["text"]) in values, example
