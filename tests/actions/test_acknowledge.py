"""A plain yes outside a report: after the ticket number a polite close, else an invitation."""

from rasa_sdk.executor import CollectingDispatcher

from actions import language
from actions.acknowledge import Acknowledge
from actions.messages import text
from tests.actions.conftest import make_tracker, texts


async def test_a_yes_after_the_ticket_number_names_the_ticket(
    dispatcher: CollectingDispatcher,
) -> None:
    tracker = make_tracker(text="好的", intent="affirm", slots={"last_ticket_no": "SZ1"})
    assert await Acknowledge().run(dispatcher, tracker, {}) == []
    assert texts(dispatcher) == [text("ticket_acknowledged", ticket_no="SZ1")]


async def test_a_yes_after_the_ticket_number_in_english(dispatcher: CollectingDispatcher) -> None:
    tracker = make_tracker(text="ok", intent="affirm", slots={"last_ticket_no": "SZ1"})
    with language.speaking("en"):
        await Acknowledge().run(dispatcher, tracker, {})
    assert "ticket SZ1" in texts(dispatcher)[0]


async def test_a_yes_with_no_ticket_invites_a_report(dispatcher: CollectingDispatcher) -> None:
    await Acknowledge().run(dispatcher, make_tracker(text="好的", intent="affirm"), {})
    assert texts(dispatcher) == [text("how_can_i_help")]
