"""Replies from Rasa in a channel-neutral shape."""

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Button:
    """A choice offered to the citizen: a label and the payload sent back when tapped."""

    title: str
    payload: str


@dataclass(frozen=True)
class BotReply:
    """One message the bot says: text, optional buttons, optional image."""

    text: str | None = None
    buttons: tuple[Button, ...] = ()
    image: str | None = None
    custom: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_rasa(cls, message: dict[str, Any]) -> "BotReply":
        """Build a reply from one element of Rasa's REST/collecting channel output."""
        buttons = tuple(
            Button(title=str(b.get("title", "")), payload=str(b.get("payload", "")))
            for b in message.get("buttons") or ()
        )
        return cls(
            text=message.get("text"),
            buttons=buttons,
            image=message.get("image"),
            custom=message.get("custom") or {},
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly form for the web chat."""
        return {
            "text": self.text,
            "buttons": [{"title": b.title, "payload": b.payload} for b in self.buttons],
            "image": self.image,
            "custom": self.custom,
        }
