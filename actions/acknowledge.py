"""`action_acknowledge`: "好的 / 收到 / 好，报吧 / ok thanks" outside a report is a polite close.

Said after the ticket number, such a message only acknowledges it: the answer names the ticket
and says its progress will come here, rather than asking what the problem is, saying "sorry, I
did not understand" or calling in a person. With no ticket filed, it invites a report.
`action_handle_fallback` answers the same way when NLU was unsure of such a message.
"""

from typing import List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.messages import say

# The ticket filed last in this conversation (action_submit_complaint), emptied when a report
# is cancelled.
LAST_TICKET_SLOT = "last_ticket_no"


def acknowledge(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """The polite close: the ticket just filed, or an invitation to report."""
    ticket_no = tracker.get_slot(LAST_TICKET_SLOT)
    if ticket_no:
        say(dispatcher, "ticket_acknowledged", ticket_no=ticket_no)
    else:
        say(dispatcher, "how_can_i_help")


class Acknowledge(Action):
    """A plain yes outside a report."""

    def name(self) -> Text:
        return "action_acknowledge"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        acknowledge(dispatcher, tracker)
        return []
