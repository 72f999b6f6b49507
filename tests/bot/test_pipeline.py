"""The inbound pipeline decides the language, keeps it on the chat and tells Rasa."""

from sqlalchemy.orm import Session, sessionmaker

from backend.citizens.language import chat_language
from bot.pipeline import handle_inbound
from bot.texts import bot_text
from tests.bot.rasa_double import RasaDouble


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
