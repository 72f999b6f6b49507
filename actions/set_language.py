"""`action_set_language`: the `language` slot follows the language the platform detected.

Run by Rasa's slot extraction after every user message (the slot's custom mapping in
nlu/domain/language.yml). A message without a language in its metadata (e.g. a typed
`rasa shell` line, or a trigger from the platform) leaves the slot as it is.
"""

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.language import SLOT, supported


class SetLanguage(Action):
    """Copies `metadata.language` of the latest message into the `language` slot."""

    def name(self) -> Text:
        return "action_set_language"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        metadata: Dict[str, Any] = (tracker.latest_message or {}).get("metadata") or {}
        language = supported(metadata.get(SLOT))
        if language is None or language == tracker.get_slot(SLOT):
            return []
        return [SlotSet(SLOT, language)]
