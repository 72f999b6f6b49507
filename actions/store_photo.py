"""`action_store_photo`: a photo sent before the report; kept for the next report."""

from typing import List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.complaint_turns import add_photo
from actions.conversation import Utterance
from actions.messages import say


class StorePhoto(Action):
    """Keeps the photo in the `photo` slot and asks what the problem is."""

    def name(self) -> Text:
        return "action_store_photo"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        photos = add_photo(Utterance.from_tracker(tracker), {"photo": tracker.get_slot("photo")})
        say(dispatcher, "photo_received_no_report")
        return [SlotSet("photo", photos)] if photos is not None else []
