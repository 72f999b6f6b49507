"""`action_ask_confirmed`: the read-back (核对) of the report before it is filed."""

from typing import List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.complaint_draft import form_values, readback_lines
from actions.messages import say


class AskConfirmed(Action):
    """Reads the report back with 确认提交 / 修改 / 取消."""

    def name(self) -> Text:
        return "action_ask_confirmed"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        say(dispatcher, "readback", lines=readback_lines(form_values(tracker)))
        return []
