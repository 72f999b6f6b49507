"""The rate-limited way into the bot: over the limit the newest message is held, then handled."""

from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker
from time_machine import TimeMachineFixture

from bot.delivery.store import chat_updates
from bot.gate import InboundGate, Outcome, polled_release
from bot.held import Held
from bot.throttle import RateLimits
from storage.models import HeldMessage, utcnow
from tests.bot.rasa_double import RasaDouble

WAIT_FOR_WINDOW = 1.1  # the tests' limits are per second


def gate(
    session_factory: sessionmaker[Session], *, chat: str = "2/second", **changes
) -> InboundGate:  # type: ignore[no-untyped-def]
    limits = RateLimits(
        chat=chat,
        address=changes.pop("address", "100/second"),
        photo="1/second",
    )
    return InboundGate(
        limits=limits,
        session_factory=session_factory,
        held_per_address_max=changes.pop("held_per_address_max", 20),
    )


def held_rows(session_factory: sessionmaker[Session]) -> list[tuple[str, str]]:
    with session_factory() as session:
        rows = session.scalars(select(HeldMessage).order_by(HeldMessage.chat_id))
        return [(row.chat_id, row.text) for row in rows]


async def one_answered_one_held(
    session_factory: sessionmaker[Session],
    rasa: RasaDouble,
    clock: TimeMachineFixture,
    *,
    channel: str,
    chat_id: str,
) -> InboundGate:
    """A gate of 1 message a second that answered "一" and holds "二", and the window over."""
    entrance = gate(session_factory, chat="1/second")
    for text in ("一", "二"):
        await entrance.converse(rasa=rasa.client(), channel=channel, chat_id=chat_id, text=text)
    clock.shift(WAIT_FOR_WINDOW)
    return entrance


class Released:
    """A channel's release that records what it was handed."""

    def __init__(self) -> None:
        self.held: list[Held] = []

    async def __call__(self, held: Held) -> None:
        self.held.append(held)


async def test_over_the_limit_the_newest_message_is_held_and_the_citizen_told_once(
    session_factory: sessionmaker[Session],
    frozen_clock: TimeMachineFixture,
    rasa: RasaDouble,
) -> None:
    entrance = gate(session_factory)
    client = rasa.client()
    said = [
        await entrance.converse(rasa=client, channel="web", chat_id="s1", text=text)
        for text in ("一", "二", "三", "四")
    ]
    assert [a.outcome for a in said] == [Outcome.answered] * 2 + [Outcome.held] * 2
    assert [a.first_hold for a in said[2:]] == [True, False]
    assert "最后发的这条消息已经记下" in (said[2].replies[0].text or "")
    assert "最新的这条消息" in (said[3].replies[0].text or "")
    assert said[2].retry_after == 1
    assert rasa.texts == ["一", "二"]
    assert held_rows(session_factory) == [("s1", "四")]


async def test_a_held_message_is_released_once_when_the_window_allows(
    session_factory: sessionmaker[Session],
    frozen_clock: TimeMachineFixture,
    rasa: RasaDouble,
) -> None:
    entrance = gate(session_factory, chat="1/second")
    client = rasa.client()
    await entrance.converse(rasa=client, channel="web", chat_id="s1", text="一")
    await entrance.converse(rasa=client, channel="web", chat_id="s1", text="二", metadata={"k": 1})
    released = Released()
    assert await entrance.release_due(releasers={"web": released}) == 0  # not yet due
    frozen_clock.shift(WAIT_FOR_WINDOW)
    assert await entrance.release_due(releasers={"web": released}) == 1
    assert [(h.chat_id, h.text, h.meta) for h in released.held] == [("s1", "二", {"k": 1})]
    assert await entrance.release_due(releasers={"web": released}) == 0
    assert held_rows(session_factory) == []


async def test_a_held_message_survives_a_restart(
    session_factory: sessionmaker[Session],
    frozen_clock: TimeMachineFixture,
    rasa: RasaDouble,
) -> None:
    before = gate(session_factory, chat="1/minute")
    client = rasa.client()
    await before.converse(rasa=client, channel="telegram", chat_id=42, text="一")
    await before.converse(rasa=client, channel="telegram", chat_id=42, text="路灯坏了")
    with session_factory.begin() as session:  # as if its minute had passed during the restart
        session.execute(update(HeldMessage).values(due_at=utcnow() - timedelta(seconds=1)))
    after = gate(session_factory, chat="1/minute")  # a new process: fresh in-memory counters
    released = Released()
    assert await after.release_due(releasers={"telegram": released}) == 1
    assert [(h.channel, h.chat_id, h.text) for h in released.held] == [
        ("telegram", "42", "路灯坏了")
    ]


async def test_a_message_after_the_limit_lifts_comes_after_the_held_one(
    session_factory: sessionmaker[Session],
    frozen_clock: TimeMachineFixture,
    rasa: RasaDouble,
) -> None:
    entrance = await one_answered_one_held(
        session_factory, rasa, frozen_clock, channel="web", chat_id="s1"
    )
    client = rasa.client()
    answer = await entrance.converse(rasa=client, channel="web", chat_id="s1", text="三")
    assert answer.outcome is Outcome.answered
    assert rasa.texts == ["一", "二", "三"]
    assert [reply.text for reply in answer.replies] == ["收到：二", "收到：三"]
    assert held_rows(session_factory) == []


async def test_a_busy_address_holds_a_bounded_number_of_chats_then_refuses(
    session_factory: sessionmaker[Session],
    frozen_clock: TimeMachineFixture,
    rasa: RasaDouble,
) -> None:
    entrance = gate(session_factory, chat="100/second", address="2/second", held_per_address_max=2)
    client = rasa.client()
    outcomes = [
        (await entrance.converse(
            rasa=client, channel="web", chat_id=f"s{n}", text="你好", address="203.0.113.9"
        )).outcome
        for n in range(6)
    ]  # fmt: skip
    assert outcomes == [Outcome.answered] * 2 + [Outcome.held] * 2 + [Outcome.refused] * 2
    assert len(held_rows(session_factory)) == 2
    other = await entrance.converse(
        rasa=client, channel="web", chat_id="s9", text="你好", address="198.51.100.7"
    )
    assert other.outcome is Outcome.answered


async def test_the_web_chat_release_leaves_the_replies_for_the_page_to_poll(
    session_factory: sessionmaker[Session],
    frozen_clock: TimeMachineFixture,
    rasa: RasaDouble,
) -> None:
    entrance = await one_answered_one_held(
        session_factory, rasa, frozen_clock, channel="web", chat_id="s1"
    )
    client = rasa.client()
    release = polled_release(rasa=client, session_factory=session_factory)
    assert await entrance.release_due(releasers={"web": release}) == 1
    with session_factory() as session:
        stored = chat_updates(session=session, channel="web", chat_id="s1", after=0)
    assert [item.reply.text for item in stored] == ["收到：二"]
    assert rasa.texts == ["一", "二"]


async def test_a_channel_that_is_not_running_keeps_its_held_messages(
    session_factory: sessionmaker[Session],
    frozen_clock: TimeMachineFixture,
    rasa: RasaDouble,
) -> None:
    entrance = await one_answered_one_held(
        session_factory, rasa, frozen_clock, channel="telegram", chat_id="7"
    )
    assert await entrance.release_due(releasers={"web": Released()}) == 0
    assert held_rows(session_factory) == [("7", "二")]
