"""`action_cancel_complaint`: the citizen cancels the report being taken (取消)."""

from typing import List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.messages import say
from actions.submit_complaint import reset_events


class CancelComplaint(Action):
    """Stops the complaint form and forgets the draft."""

    def name(self) -> Text:
        return "action_cancel_complaint"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        say(dispatcher, "complaint_cancelled")
        return [ActiveLoop(None), *reset_events()]
