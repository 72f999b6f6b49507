"""Adding an example: masked, validated, written into reviewed/<intent>.yml in Rasa's format,
with a warning for near-identical texts under other intents."""

from pathlib import Path

import pytest
import yaml

from backend.nluloop.errors import ExampleConflict, InvalidExample
from backend.nluloop.examples import add_example
from backend.nluloop.runner import TrainingPlan
from backend.nluloop.training_data import (
    Entity,
    NluPaths,
    annotate,
    parse_annotated,
    training_examples,
)
from backend.nluloop.validation import validate_data


def span(text: str, part: str, entity: str) -> Entity:
    start = text.index(part)
    return Entity(start, start + len(part), entity, part)


def test_an_annotated_example_lands_in_its_intents_reviewed_file(nlu_copy: NluPaths) -> None:
    text = "福田区莲花街道的路灯一到晚上就一闪一闪的"
    added = add_example(
        paths=nlu_copy,
        text=text,
        intent="streetlight",
        entities=[span(text, "福田区", "district"), span(text, "莲花街道", "street")],
    )
    assert added.path == nlu_copy.data / "reviewed" / "streetlight.yml"
    document = yaml.safe_load(added.path.read_text(encoding="utf-8"))
    assert document["version"] == "3.1"
    [block] = document["nlu"]
    assert block["intent"] == "streetlight"
    assert block["examples"] == "- [福田区](district)[莲花街道](street)的路灯一到晚上就一闪一闪的\n"
    found = [e for e in training_examples(nlu_copy) if e.path == added.path]
    assert [(e.text, e.intent) for e in found] == [(text, "streetlight")]
    assert [(e.entity, e.value) for e in found[0].entities] == [
        ("district", "福田区"),
        ("street", "莲花街道"),
    ]


def test_a_second_example_is_appended_and_the_first_kept(nlu_copy: NluPaths) -> None:
    add_example(paths=nlu_copy, text="路灯不亮了快来修一下吧", intent="streetlight", entities=[])
    add_example(paths=nlu_copy, text="小区门口那盏灯坏了好几天", intent="streetlight", entities=[])
    path = nlu_copy.data / "reviewed" / "streetlight.yml"
    lines = yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"][0]["examples"].splitlines()
    assert lines == ["- 路灯不亮了快来修一下吧", "- 小区门口那盏灯坏了好几天"]


def test_personal_data_is_masked_and_spans_move_along(nlu_copy: NluPaths) -> None:
    text = "我叫张三，电话13812345678，南山区的路灯坏了"
    added = add_example(
        paths=nlu_copy, text=text, intent="streetlight", entities=[span(text, "南山区", "district")]
    )
    assert "13812345678" not in added.text and "张三" not in added.text
    assert "[" not in added.text  # masks get full-width brackets: Rasa reads [..] as a label
    [entity] = added.entities
    assert added.text[entity.start : entity.end] == "南山区"
    written = added.path.read_text(encoding="utf-8")
    assert "13812345678" not in written and "[南山区](district)" in written


def test_an_entity_over_personal_data_is_refused(nlu_copy: NluPaths) -> None:
    text = "我的电话13812345678，路灯坏了"
    with pytest.raises(InvalidExample, match="personal data"):
        add_example(
            paths=nlu_copy,
            text=text,
            intent="streetlight",
            entities=[span(text, "13812345678", "phone")],
        )


def test_a_near_identical_text_under_another_intent_is_warned_about(nlu_copy: NluPaths) -> None:
    added = add_example(paths=nlu_copy, text="油烟扰民", intent="noise", entities=[])
    assert [(d.text, d.intent) for d in added.near_duplicates] == [("油烟扰民", "air_pollution")]
    assert added.path.exists()  # a warning, not a refusal


@pytest.mark.parametrize(
    ("intent", "entities", "message"),
    [
        ("no_such_intent", [], "unknown intent"),
        ("send_photo", [], "unknown intent"),
        ("streetlight", [Entity(3, 99, "district", "x")], "outside"),
        ("streetlight", [Entity(0, 2, "colour", "路灯")], "unknown entity"),
        ("streetlight", [Entity(0, 2, "road", "路灯"), Entity(1, 3, "road", "灯坏")], "overlap"),
    ],
)
def test_invalid_examples_are_refused_and_nothing_is_written(
    nlu_copy: NluPaths, intent: str, entities: list[Entity], message: str
) -> None:
    with pytest.raises(InvalidExample, match=message):
        add_example(paths=nlu_copy, text="路灯坏了好几天", intent=intent, entities=entities)
    assert not (nlu_copy.data / "reviewed").exists()


def test_a_held_out_text_or_a_present_example_is_a_conflict(nlu_copy: NluPaths) -> None:
    held_out = "对面新开的酒吧驻唱声音大得离谱"
    with pytest.raises(ExampleConflict, match="held-out"):
        add_example(paths=nlu_copy, text=held_out, intent="noise", entities=[])
    with pytest.raises(ExampleConflict, match="already"):
        add_example(paths=nlu_copy, text="油烟扰民", intent="air_pollution", entities=[])


def test_annotation_round_trips_synonym_values() -> None:
    entities = (Entity(0, 2, "district", "南山区"), Entity(2, 4, "street", "粤海街道"))
    line = annotate("南山粤海这边太吵了", entities)
    assert line == (
        '[南山]{"entity": "district", "value": "南山区"}'
        '[粤海]{"entity": "street", "value": "粤海街道"}这边太吵了'
    )
    assert parse_annotated(line) == ("南山粤海这边太吵了", entities)


def test_the_repository_data_is_read_as_plain_texts_with_spans() -> None:
    examples = training_examples(NluPaths(Path(__file__).resolve().parents[3] / "nlu"))
    assert len(examples) > 1000
    assert not [e.text for e in examples if "](" in e.text or "]{" in e.text]
    for example in examples:
        for entity in example.entities:
            assert 0 <= entity.start < entity.end <= len(example.text)


REPO = Path(__file__).resolve().parents[3]
RASA = REPO / ".venv-rasa" / "bin" / "rasa"


@pytest.mark.rasa
@pytest.mark.skipif(not RASA.exists(), reason="no Rasa runtime at .venv-rasa")
def test_rasa_validates_the_data_with_a_reviewed_example(nlu_copy: NluPaths) -> None:
    """`rasa data validate` accepts the written file (about 30 s on two cores)."""
    text = "我叫王五，[福田区]莲花街道的路灯一到晚上就一闪一闪的"
    add_example(
        paths=nlu_copy,
        text=text,
        intent="streetlight",
        entities=[span(text, "莲花街道", "street")],
    )
    plan = TrainingPlan(
        repo_root=REPO,
        rasa_python=REPO / ".venv-rasa" / "bin" / "python",
        config=REPO / "config.yml",
        nlu=nlu_copy,
        models_dir=nlu_copy.root / "models",
        scripts_dir=REPO / "scripts",
    )
    result = validate_data(plan)
    assert result.passed, result.findings
