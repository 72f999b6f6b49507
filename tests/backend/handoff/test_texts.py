"""The hand-over's texts: English beside Chinese, and each citizen told in their own language."""

import re

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.auth.actor import Actor
from backend.citizens.language import remember_language
from backend.conversations.service import record_exchange
from backend.handoff.service import claim, release
from backend.handoff.texts import TEXTS_FILE, handoff_text
from storage.models import ActorKind, OutboxEvent, StaffRole

WANG = Actor(kind=ActorKind.staff, id="wang", role=StaffRole.operator)
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def _texts(path: str) -> dict[str, str]:
    return yaml.safe_load((TEXTS_FILE.parent / path).read_text(encoding="utf-8"))


def test_english_texts_have_the_chinese_names_and_placeholders() -> None:
    chinese, english = _texts("texts.yml"), _texts("texts.en.yml")
    assert english.keys() == chinese.keys()
    for name, text in chinese.items():
        assert set(PLACEHOLDER.findall(english[name])) == set(PLACEHOLDER.findall(text)), name


def test_an_english_citizen_is_told_in_english_and_a_chinese_one_in_chinese(
    session: Session,
) -> None:
    for chat_id, said in (("en", "the lights are out"), ("zh", "路灯不亮")):
        remember_language(session=session, channel="web", chat_id=chat_id, text=said)
        record_exchange(
            session=session, channel="web", chat_id=chat_id, text=said, nlu=None, replies=[]
        )
    for chat_id in ("en", "zh"):
        claim(session=session, channel="web", chat_id=chat_id, actor=WANG)
        release(session=session, channel="web", chat_id=chat_id, actor=WANG)
    told = {
        (event.kind, event.payload.get("text")) for event in session.scalars(select(OutboxEvent))
    }
    for name in ("operator_joined", "released"):
        assert (name, handoff_text(name, language="en")) in told
        assert (name, handoff_text(name)) in told
