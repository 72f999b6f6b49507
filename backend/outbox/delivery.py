"""The contract between the outbox dispatcher and whoever sends messages to citizens.

The composition root registers an async `deliver(message) -> DeliveryResult` (the bot's sender)
as `app.state.outbox_deliverer`; the platform never imports the bot. Delivery is at least once:
the same `OutboxMessage.dedupe_key` may arrive again after a crash or a retry, and the deliverer
drops repeats it has already sent.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

DIRECT_TEXT_KINDS = frozenset(
    {"operator_message", "operator_joined", "released", "ticket_filed", "department_alert"}
)
"""Events whose `payload["text"]` is sent to the chat as written (an operator's message, the
hand-over notices), without asking Rasa: the bot must not speak for a person."""


@dataclass(frozen=True, slots=True)
class OutboxMessage:
    """One outbox event handed to the deliverer (a detached copy, not a database row)."""

    id: int
    dedupe_key: str
    kind: str
    ticket_no: str | None
    channel: str | None
    chat_id: str | None
    payload: dict[str, Any] = field(default_factory=dict)
    attempt: int = 1

    @property
    def sender_id(self) -> str | None:
        """The Rasa conversation id `"{channel}:{chat_id}"`, when the event has a target chat."""
        if self.channel is None or self.chat_id is None:
            return None
        return f"{self.channel}:{self.chat_id}"

    @property
    def direct_text(self) -> str | None:
        """The text to send as written, for the direct kinds; None when Rasa words it."""
        if self.kind not in DIRECT_TEXT_KINDS:
            return None
        return str(self.payload.get("text") or "") or None


class DeliveryOutcome(StrEnum):
    """What happened to one delivery attempt."""

    delivered = "delivered"
    retry = "retry"
    unreachable = "unreachable"


@dataclass(frozen=True, slots=True)
class DeliveryResult:
    """The deliverer's answer: delivered, try again later, or the target can never be reached."""

    outcome: DeliveryOutcome
    error: str | None = None

    @classmethod
    def delivered(cls) -> "DeliveryResult":
        """The citizen got it (or had already got it under this dedupe key)."""
        return cls(DeliveryOutcome.delivered)

    @classmethod
    def retry(cls, error: str) -> "DeliveryResult":
        """A passing failure (network, rate limit, Rasa down): try again with backoff."""
        return cls(DeliveryOutcome.retry, error)

    @classmethod
    def unreachable(cls, error: str) -> "DeliveryResult":
        """The chat cannot be reached (bot blocked, chat gone): give up on this event now."""
        return cls(DeliveryOutcome.unreachable, error)


Deliver = Callable[[OutboxMessage], Awaitable[DeliveryResult]]
"""The async callable that sends one outbox message to its citizen."""
