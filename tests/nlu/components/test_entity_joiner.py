"""EntityJoiner: adjacent pieces of one rating phrase become one entity over the citizen's text.

Runs in the Rasa runtime (`make test` calls `.venv-rasa/bin/python -m pytest tests/nlu/components`).
"""

from typing import Any

from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from nlu.components.entity_joiner import EntityJoiner, joined


def entity(kind: str, text: str, start: int, end: int, extractor: str = "DIET") -> dict[str, Any]:
    return {
        "entity": kind,
        "start": start,
        "end": end,
        "value": text[start:end],
        "extractor": extractor,
    }


def test_pieces_across_a_space_or_nothing_are_joined() -> None:
    english, chinese = "not satisfied", "基本满意"

    assert joined([entity("rating", english, 0, 3), entity("rating", english, 4, 13)], english,
                  {"rating"}) == [entity("rating", english, 0, 13)]  # fmt: skip
    assert joined([entity("rating", chinese, 0, 2), entity("rating", chinese, 2, 4)], chinese,
                  {"rating"}) == [entity("rating", chinese, 0, 4)]  # fmt: skip


def test_other_types_words_between_and_other_extractors_stay_apart() -> None:
    roads = "深南大道和新洲路"
    places = "南山区粤海街道"
    rating = "satisfied, not satisfied"
    two_extractors = [entity("rating", rating, 0, 9), entity("rating", rating, 11, 14, "Regex")]

    assert len(joined([entity("road", roads, 0, 4), entity("road", roads, 5, 8)], roads,
                      {"road", "rating"})) == 2  # fmt: skip
    assert len(joined([entity("district", places, 0, 3), entity("street", places, 3, 7)],
                      places, {"rating"})) == 2  # fmt: skip
    assert len(joined([entity("rating", rating, 0, 9), entity("rating", rating, 11, 24)],
                      rating, {"rating"})) == 2  # fmt: skip
    assert joined(two_extractors, rating, {"rating"}) == two_extractors


def test_the_component_rewrites_the_messages_entities() -> None:
    text = "very satisfied"
    message = Message(
        data={TEXT: text, ENTITIES: [entity("rating", text, 0, 4), entity("rating", text, 5, 14)]}
    )

    EntityJoiner(EntityJoiner.get_default_config()).process([message])

    assert [e["value"] for e in message.get(ENTITIES)] == ["very satisfied"]


def test_a_negation_left_out_by_diet_is_taken_in() -> None:
    config = {**EntityJoiner.get_default_config(), "negations": ["not", "n't", "不"]}
    texts = ["I am not satisfied", "I'm not  satisfied at all", "cannot satisfied", "我是满意的"]
    messages = []
    for text in texts:
        start = text.index("satisfied") if "satisfied" in text else text.index("满意")
        end = start + (9 if "satisfied" in text else 2)
        messages.append(Message(data={TEXT: text, ENTITIES: [entity("rating", text, start, end)]}))

    EntityJoiner(config).process(messages)

    assert [m.get(ENTITIES)[0]["value"] for m in messages] == [
        "not satisfied",
        "not satisfied",
        "satisfied",
        "满意",
    ]
