"""The questions of the complaint form, one `action_ask_<slot>` each (texts in messages.yml)."""

from abc import ABC, abstractmethod
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.complaint_turns import district_buttons
from actions.messages import category_name, intent_payload, labels, say


class AskSlot(Action, ABC):
    """Asks for one slot with the message `ask_<slot>` and `buttons()`."""

    @property
    @abstractmethod
    def slot(self) -> str:
        """The slot this action asks for."""

    def name(self) -> Text:
        return f"action_ask_{self.slot}"

    def buttons(self) -> List[Dict[str, str]]:
        """Buttons besides the message's own (none by default)."""
        return []

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        say(dispatcher, f"ask_{self.slot}", buttons=self.buttons())
        return []


class AskDescription(AskSlot):
    """问题描述; after 修改, with the description being changed shown (it is kept aside)."""

    slot = "description"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        old = tracker.get_slot("description_before")
        if old:
            say(dispatcher, "ask_description_change", old=old)
            return []
        return await super().run(dispatcher, tracker, domain)


class AskServiceCode(AskSlot):
    """问题类别: the common categories as buttons (their intent payloads)."""

    slot = "service_code"

    def buttons(self) -> List[Dict[str, str]]:
        return [
            {"title": category_name(code), "payload": intent_payload(code)}
            for code in labels()["category_buttons"]
        ]


class AskDistrict(AskSlot):
    """区: the ten districts as buttons."""

    slot = "district"

    def buttons(self) -> List[Dict[str, str]]:
        return district_buttons()


class AskAddress(AskSlot):
    """具体地址."""

    slot = "address"


class AskContactPreference(AskSlot):
    """联系方式: reply in this chat, by phone, or anonymous."""

    slot = "contact_preference"


class AskPhone(AskSlot):
    """手机号码."""

    slot = "phone"


class AskModifyField(AskSlot):
    """要修改的项目: one button per field."""

    slot = "modify_field"

    def buttons(self) -> List[Dict[str, str]]:
        fields: Dict[str, Any] = labels()["modify_fields"]
        return [
            {"title": spec["title"], "payload": intent_payload("inform", {"modify_field": field})}
            for field, spec in fields.items()
        ]
