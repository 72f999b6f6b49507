"""Rasa (or its action server) down: the citizen hears "busy" once, the message is kept in the
database, and the release job answers it when Rasa is back — nothing dropped."""

from sqlalchemy.orm import Session, sessionmaker
from time_machine import TimeMachineFixture

from bot.delivery.store import chat_updates
from bot.gate import InboundGate, Outcome, polled_release
from bot.texts import bot_text
from bot.throttle import RateLimits
from tests.bot.rasa_double import RasaDouble
from tests.bot.test_gate import held_rows

BUSY_RETRY = 5.0


def gate(session_factory: sessionmaker[Session], *, chat: str = "100/second") -> InboundGate:
    limits = RateLimits(chat=chat, address="100/second", photo="1/second")
    return InboundGate(
        limits=limits,
        session_factory=session_factory,
        held_per_address_max=20,
        busy_retry_seconds=BUSY_RETRY,
    )


async def test_rasa_down_keeps_every_message_and_answers_them_when_back(
    session_factory: sessionmaker[Session],
    frozen_clock: TimeMachineFixture,
    rasa: RasaDouble,
) -> None:
    entrance = gate(session_factory)
    client = rasa.client()
    rasa.down = True
    said = [
        await entrance.converse(rasa=client, channel="web", chat_id="s1", text=text)
        for text in ("路灯坏了", "在科技园")
    ]
    assert [a.outcome for a in said] == [Outcome.busy, Outcome.busy]
    assert [a.first_hold for a in said] == [True, False]
    assert [r.text for r in said[0].replies] == [bot_text("busy")]
    assert held_rows(session_factory) == [("s1", "路灯坏了\n在科技园")]

    release = {"web": polled_release(rasa=client, session_factory=session_factory)}
    frozen_clock.shift(BUSY_RETRY)
    assert await entrance.release_due(releasers=release) == 0  # still down: kept again
    assert held_rows(session_factory) == [("s1", "路灯坏了\n在科技园")]

    rasa.down = False
    assert await entrance.release_due(releasers=release) == 0  # not due before the retry time
    frozen_clock.shift(BUSY_RETRY)
    assert await entrance.release_due(releasers=release) == 1
    assert rasa.texts == ["路灯坏了\n在科技园"]
    assert held_rows(session_factory) == []
    with session_factory() as session:
        stored = chat_updates(session=session, channel="web", chat_id="s1", after=0)
    assert [item.reply.text for item in stored] == ["收到：路灯坏了\n在科技园"]


async def test_an_empty_answer_from_rasa_is_busy_not_silence(
    session_factory: sessionmaker[Session],
    frozen_clock: TimeMachineFixture,
    rasa: RasaDouble,
) -> None:
    """The REST channel answers `200 []` when the action server is down."""
    rasa.reply_to = lambda text: []
    admission = await gate(session_factory).converse(
        rasa=rasa.client(), channel="telegram", chat_id="9", text="投诉噪音"
    )
    assert admission.outcome is Outcome.busy
    assert held_rows(session_factory) == [("9", "投诉噪音")]


async def test_a_failed_release_is_put_back_before_newer_messages(
    session_factory: sessionmaker[Session],
    frozen_clock: TimeMachineFixture,
    rasa: RasaDouble,
) -> None:
    entrance = gate(session_factory)
    client = rasa.client()
    rasa.down = True
    await entrance.converse(rasa=client, channel="web", chat_id="s1", text="一")
    await entrance.converse(rasa=client, channel="web", chat_id="s2", text="甲")
    frozen_clock.shift(BUSY_RETRY)
    tried: list[str] = []

    async def release(held) -> None:  # type: ignore[no-untyped-def]
        tried.append(held.chat_id)
        await polled_release(rasa=client, session_factory=session_factory)(held)

    # While Rasa is down a round stops at the first failure instead of trying every chat.
    assert await entrance.release_due(releasers={"web": release}) == 0
    assert len(tried) == 1
    # A message sent while the first is being retried lands after it.
    await entrance.converse(rasa=client, channel="web", chat_id="s1", text="二")
    assert held_rows(session_factory) == [("s1", "一\n二"), ("s2", "甲")]


async def test_over_the_rate_limit_a_kept_message_is_joined_not_replaced(
    session_factory: sessionmaker[Session],
    frozen_clock: TimeMachineFixture,
    rasa: RasaDouble,
) -> None:
    entrance = gate(session_factory, chat="1/minute")
    client = rasa.client()
    rasa.down = True
    first = await entrance.converse(rasa=client, channel="web", chat_id="s1", text="一")
    second = await entrance.converse(rasa=client, channel="web", chat_id="s1", text="二")
    assert (first.outcome, second.outcome) == (Outcome.busy, Outcome.held)
    assert held_rows(session_factory) == [("s1", "一\n二")]
