"""The inbound pipeline: one Rasa call per message with the platform's reading of the place
passed along; the language decided, kept on the chat and told to Rasa."""

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from backend.citizens.language import chat_language
from backend.rasa.client import TURN_PATH
from bot.pipeline import LOCATE_CHARS, handle_inbound, located_metadata
from bot.texts import bot_text
from storage.models import Message
from tests.bot.rasa_double import RasaDouble


async def test_a_message_costs_one_rasa_call_and_keeps_what_the_nlu_understood(
    rasa: RasaDouble, session_factory: sessionmaker[Session]
) -> None:
    rasa.nlu_of = lambda text: {"intent": {"name": "noise", "confidence": 0.8}, "entities": []}
    replies = await handle_inbound(
        rasa=rasa.client(),
        channel="web",
        chat_id="p1",
        text="工地打桩",
        session_factory=session_factory,
    )
    assert [reply.text for reply in replies] == ["收到：工地打桩"]
    assert rasa.paths == [TURN_PATH]
    with session_factory() as session:
        [citizen] = session.scalars(select(Message).where(Message.role == "citizen")).all()
    assert citizen.nlu is not None and citizen.nlu["intent"] == "noise"


async def test_the_place_goes_to_rasa_with_the_message(rasa: RasaDouble) -> None:
    await handle_inbound(
        rasa=rasa.client(), channel="web", chat_id="p2", text="粤海街道科技园这边很吵"
    )
    located = rasa.messages[0]["metadata"]["located"]
    assert located["text"] == "粤海街道科技园这边很吵"
    assert (located["place"]["district"], located["place"]["street"]) == ("南山区", "粤海街道")


def test_a_long_message_is_read_for_its_place_as_far_as_the_actions_read() -> None:
    located = located_metadata("福田区" + "很" * 6000)["located"]
    assert len(located["text"]) == LOCATE_CHARS
    assert located["place"]["district"] == "福田区"


async def test_the_language_goes_to_rasa_and_stays_with_the_chat(
    rasa: RasaDouble, session_factory: sessionmaker[Session]
) -> None:
    client = rasa.client()

    async def say(text: str) -> list[str]:
        replies = await handle_inbound(
            rasa=client, channel="web", chat_id="p-1", text=text, session_factory=session_factory
        )
        return [reply.text or "" for reply in replies]

    await say("the bins near my home are overflowing")
    await say("13812345678")
    await say("/affirm")
    blank = await say("\u0007  ")
    await say("路灯坏了")

    assert [m["metadata"]["language"] for m in rasa.messages] == ["en", "en", "en", "zh"]
    assert blank == [bot_text("blank_message", language="en")]
    with session_factory() as session:
        assert chat_language(session=session, channel="web", chat_id="p-1") == "zh"


async def test_when_rasa_is_down_the_apology_is_in_the_chats_language(
    rasa: RasaDouble, session_factory: sessionmaker[Session]
) -> None:
    rasa.down = True

    replies = await handle_inbound(
        rasa=rasa.client(),
        channel="web",
        chat_id="p-2",
        text="is anyone there?",
        session_factory=session_factory,
    )

    assert [reply.text for reply in replies] == [bot_text("rasa_unavailable", language="en")]
