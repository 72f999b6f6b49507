"""`action_announce_ticket_event`: progress of a ticket pushed by the platform (进展通知).

Runs on the external intent `EXTERNAL_ticket_event` (contracts.md): utters the platform's
Chinese `event_message` and, when the ticket was resolved (or a rating is overdue), asks for
a rating with 满意 / 基本满意 / 不满意.
"""

from typing import Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.conversation import Utterance
from actions.messages import intent_payload, message, say

RATING_EVENTS = frozenset({"resolved", "rating_reminder"})


def rating_buttons(ticket_no: str) -> List[Dict[str, str]]:
    """满意 / 基本满意 / 不满意 for one ticket: `/rate{"rating":"3","ticket_no":"SZ…"}`."""
    return [
        {
            "title": str(button["title"]),
            "payload": intent_payload(
                "rate", {"rating": str(button["score"]), "ticket_no": ticket_no}
            ),
        }
        for button in message("rating_buttons")
    ]


class AnnounceTicketEvent(Action):
    """Says what happened to the ticket; asks for a rating when it was resolved."""

    def name(self) -> Text:
        return "action_announce_ticket_event"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        utterance = Utterance.from_tracker(tracker)
        ticket_no = utterance.entity("ticket_no")
        kind = utterance.entity("event_kind")
        event_message = utterance.entity("event_message")
        if event_message:
            dispatcher.utter_message(text=event_message)
        if kind in RATING_EVENTS and ticket_no:
            say(dispatcher, "rating_prompt", buttons=rating_buttons(ticket_no))
            return [SlotSet("rating_ticket_no", ticket_no)]
        return []
