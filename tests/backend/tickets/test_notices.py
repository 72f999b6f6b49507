"""Notices in the follower's language: the English file mirrors the Chinese one."""

import string

import pytest
import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.auth.actor import Actor
from backend.citizens.language import remember_language
from backend.tickets.notices import notices_file
from backend.tickets.service import create_ticket
from storage.models import ChannelIdentity, OutboxEvent
from tests.backend.tickets.conftest import noise_draft

CITIZEN = Actor.citizen()


def fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def notices(language: str) -> dict[str, str]:
    return yaml.safe_load(notices_file(language).read_text(encoding="utf-8"))


def test_english_notices_have_exactly_the_chinese_kinds() -> None:
    assert set(notices("en")) == set(notices("zh"))


@pytest.mark.parametrize("kind", sorted(notices("zh")))
def test_english_notice_has_the_same_placeholders(kind: str) -> None:
    assert fields(notices("en")[kind]) == fields(notices("zh")[kind])


def test_a_language_we_do_not_have_reads_chinese() -> None:
    assert notices_file("fr") == notices_file("zh")


def test_each_follower_hears_the_notice_in_its_own_language(session: Session) -> None:
    remember_language(session=session, channel="telegram", chat_id="2002", text="noise at night")
    english = create_ticket(session=session, draft=noise_draft(chat_id="2002"), actor=CITIZEN)
    chinese = create_ticket(session=session, draft=noise_draft(chat_id="2003"), actor=CITIZEN)

    def notice(ticket_id: int) -> str:
        row = session.scalars(select(OutboxEvent).where(OutboxEvent.ticket_id == ticket_id)).one()
        return str(row.payload["text"])

    english_text, chinese_text = notice(english.ticket.id), notice(chinese.ticket.id)
    assert english_text.startswith(f"Your ticket {english.ticket.ticket_no} (Noise nuisance)")
    assert "南山区粤海街道办事处" in english_text  # the department's own name
    assert chinese_text.startswith(f"您的工单 {chinese.ticket.ticket_no}（噪音扰民）")
    languages = session.scalars(
        select(ChannelIdentity.language).where(ChannelIdentity.chat_id.in_(["2002", "2003"]))
    )
    assert sorted(languages) == ["en", "zh"]
