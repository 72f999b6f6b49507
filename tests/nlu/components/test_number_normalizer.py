"""NumberNormalizer: number tokens become placeholders, the text and offsets stay.

Runs in the Rasa runtime (`make test` calls `.venv-rasa/bin/python -m pytest tests/nlu/components`).
"""

from pathlib import Path

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.tokenizers.jieba_tokenizer import JiebaTokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu.components.number_normalizer import NumberNormalizer, number_spans


@pytest.fixture(scope="module")
def tokenizer() -> JiebaTokenizer:
    return JiebaTokenizer({**JiebaTokenizer.get_default_config()}, None, None)


@pytest.fixture
def normalizer(tmp_path: Path) -> NumberNormalizer:
    return NumberNormalizer.create(
        {}, LocalModelStorage(tmp_path), Resource("n"), ExecutionContext(GraphSchema({}), "t")
    )


def tokens_of(tokenizer: JiebaTokenizer, normalizer: NumberNormalizer, text: str) -> Message:
    message = Message(data={TEXT: text})
    tokenizer.process([message])
    normalizer.process([message])
    return message


@pytest.mark.parametrize(
    ("text", "found", "placeholder"),
    [
        ("电话13812345678请回电", "13812345678", "zzphoneno"),
        ("号码 138-1234-5678", "138-1234-5678", "zzphoneno"),
        ("座机0755-83456789", "0755-83456789", "zzphoneno"),
        ("身份证44030519900101123X丢了", "44030519900101123X", "zzidcardno"),
        ("车牌粤B12345停在消防通道", "粤B12345", "zzplateno"),
        ("车牌粤B·D12345", "粤B·D12345", "zzplateno"),
        ("建安一路88号门口", "88", "zzhouseno"),
        ("桃源村三期12栋", "12", "zzhouseno"),
        ("查一下SZ20261129-000123", "SZ20261129-000123", "zzticketno"),
        ("订单号2026112912", "2026112912", "zznumber"),
    ],
)
def test_finds_each_kind(text: str, found: str, placeholder: str) -> None:
    spans = number_spans(text)

    assert [(text[s.start : s.end], s.placeholder) for s in spans] == [(found, placeholder)]


def test_small_numbers_and_times_are_left_alone() -> None:
    assert number_spans("已经三天了，每天晚上11点还在施工，2个小时") == []


def test_tokens_get_placeholders_text_and_offsets_stay(
    tokenizer: JiebaTokenizer, normalizer: NumberNormalizer
) -> None:
    text = "隔壁工地半夜施工，我电话13812345678，请打电话联系我"
    message = tokens_of(tokenizer, normalizer, text)
    tokens = message.get(TOKENS_NAMES[TEXT])

    assert message.get(TEXT) == text
    assert "zzphoneno" in [t.text for t in tokens]
    assert not any(ch.isdigit() for t in tokens for ch in t.lemma)
    phone = next(t for t in tokens if t.text == "zzphoneno")
    assert text[phone.start : phone.end] in "13812345678"
    assert [t.text for t in tokens if t.text != "zzphoneno"][:3] == ["隔壁", "工地", "半夜"]


def test_same_placeholder_for_different_numbers(
    tokenizer: JiebaTokenizer, normalizer: NumberNormalizer
) -> None:
    first = tokens_of(tokenizer, normalizer, "我的手机号是13812345678")
    second = tokens_of(tokenizer, normalizer, "我的手机号是15999990000")

    assert [t.lemma for t in first.get(TOKENS_NAMES[TEXT])] == [
        t.lemma for t in second.get(TOKENS_NAMES[TEXT])
    ]


def test_training_data_is_normalised_too(
    tokenizer: JiebaTokenizer, normalizer: NumberNormalizer
) -> None:
    example = Message(data={TEXT: "车牌粤B12345乱停", "intent": "traffic_parking"})
    data = TrainingData([example])
    tokenizer.process_training_data(data)

    normalizer.process_training_data(data)

    assert "zzplateno" in [t.text for t in example.get(TOKENS_NAMES[TEXT])]


def test_messages_without_tokens_pass(normalizer: NumberNormalizer) -> None:
    message = Message(data={TEXT: "13812345678"})

    normalizer.process([message])

    assert message.get(TEXT) == "13812345678"
