"""Who the citizen is and what they just said, read from a rasa-sdk tracker."""

import re
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple

from rasa_sdk import Tracker

from actions.messages import category_codes

DEFAULT_CHANNEL = "web"
TICKET_NO = re.compile(r"SZ\d{8}-\d{6}", re.IGNORECASE)
PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


def channel_and_chat(sender_id: str) -> Tuple[str, str]:
    """Split a conversation id `"{channel}:{chat_id}"` on its first colon.

    An id without a colon (e.g. `rasa shell`'s "default") is taken as a web chat id.
    """
    channel, sep, chat_id = sender_id.partition(":")
    if not sep or not channel or not chat_id:
        return DEFAULT_CHANNEL, sender_id
    return channel, chat_id


@dataclass(frozen=True)
class Utterance:
    """The citizen's latest message: text, intent, confidence, entities, metadata."""

    text: str = ""
    intent: Optional[str] = None
    confidence: float = 0.0
    entities: List[Dict[str, Any]] = field(default_factory=list)
    metadata: Dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_tracker(cls, tracker: Tracker) -> "Utterance":
        """Read the latest user message of a tracker."""
        latest = tracker.latest_message or {}
        intent = latest.get("intent") or {}
        return cls(
            text=str(latest.get("text") or "").strip(),
            intent=intent.get("name"),
            confidence=float(intent.get("confidence") or 0.0),
            entities=list(latest.get("entities") or []),
            metadata=dict(latest.get("metadata") or {}),
        )

    @property
    def is_payload(self) -> bool:
        """A button tap or channel payload (`/intent{...}`), not typed text."""
        return self.text.startswith("/")

    @property
    def free_text(self) -> str:
        """The typed text, or "" for a payload."""
        return "" if self.is_payload else self.text

    @property
    def category(self) -> Optional[str]:
        """The service code when the intent is a category intent."""
        return self.intent if self.intent in category_codes() else None

    def entity(self, name: str) -> Optional[str]:
        """The value of the first entity of that type, as text."""
        for entity in self.entities:
            if entity.get("entity") == name and entity.get("value") not in (None, ""):
                return str(entity["value"]).strip()
        return None

    def entity_values(self, name: str) -> List[str]:
        """Every value of that entity type, in order."""
        return [
            str(entity["value"]).strip()
            for entity in self.entities
            if entity.get("entity") == name and entity.get("value") not in (None, "")
        ]

    def phone(self) -> Optional[str]:
        """A mainland mobile number in the entities or the text."""
        value = self.entity("phone")
        candidate = value if value else self.free_text
        match = PHONE.search(candidate.replace(" ", "").replace("-", ""))
        return match.group(0) if match else None

    def ticket_no(self) -> Optional[str]:
        """A ticket number (SZ20261129-000123) in the entities or the text."""
        for name in ("ticket_no", "ticket_id"):
            value = self.entity(name)
            if value:
                return value.upper()
        match = TICKET_NO.search(self.text)
        return match.group(0).upper() if match else None
