"""API shapes of the live takeover (转人工)."""

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from backend.handoff.filing import TicketCorrection
from backend.handoff.queries import ConversationSummary, Transcript, TranscriptEntry
from backend.inputs import RequiredText, RowId, Text
from backend.tickets.drafts import TicketDraft
from backend.tickets.schemas import TicketIn, TicketSummary
from storage.models import Message, TicketSource


class ConversationSummaryOut(BaseModel):
    """A conversation in the list: who answers it, why it waits, for how long."""

    id: int
    channel: str
    chat_id: str
    state: str = Field(description="bot | waiting | held")
    reason: str | None = Field(
        description="asked | misunderstood | urgent | angry | operator (null with the bot)"
    )
    reason_detail: str | None
    waiting_since: datetime | None
    waiting_seconds: int | None
    queue_position: int | None = Field(description="1 = longest waiting; only while waiting")
    holder: str | None = Field(description="the operator holding it (username)")
    held_since: datetime | None
    last_operator_at: datetime | None
    last_message_at: datetime
    last_text: str | None

    @classmethod
    def of(cls, summary: ConversationSummary) -> "ConversationSummaryOut":
        return cls.model_validate(summary, from_attributes=True)


class DeliveryOut(BaseModel):
    """Whether a message to the citizen arrived."""

    state: str = Field(description="queued (also while retrying) | sent | failed")
    attempts: int
    last_error: str | None
    delivered_at: datetime | None


class TranscriptMessageOut(BaseModel):
    """One message of a transcript."""

    id: int
    role: str = Field(description="citizen | bot | operator | system")
    text: str
    at: datetime
    nlu: dict[str, Any] | None = Field(
        description="citizen's messages: intent, confidence, entities (a hint while held)"
    )
    staff_id: str | None
    delivery: DeliveryOut | None

    @classmethod
    def of(cls, entry: TranscriptEntry) -> "TranscriptMessageOut":
        return cls.model_validate(entry, from_attributes=True)


class TranscriptOut(BaseModel):
    """A chat's conversation, its messages and the tickets the chat follows."""

    conversation: ConversationSummaryOut
    messages: list[TranscriptMessageOut]
    tickets: list[TicketSummary]

    @classmethod
    def of(cls, transcript: Transcript) -> "TranscriptOut":
        return cls(
            conversation=ConversationSummaryOut.of(transcript.conversation),
            messages=[TranscriptMessageOut.of(m) for m in transcript.messages],
            tickets=[TicketSummary.of(t) for t in transcript.tickets],
        )


class OperatorMessageIn(BaseModel):
    """What the operator writes to the citizen."""

    text: RequiredText = Field(min_length=1, max_length=4000)


class ReleaseIn(BaseModel):
    """Handing back to the bot, with an optional note kept in the transcript."""

    note: Text | None = Field(default=None, max_length=2000)


class QueuedMessageOut(BaseModel):
    """A message queued for the citizen."""

    id: int
    role: str
    text: str
    at: datetime
    staff_id: str | None
    outbox_event_id: int | None

    @classmethod
    def of(cls, message: Message) -> "QueuedMessageOut":
        return cls.model_validate(message, from_attributes=True)


class TicketForCitizenIn(TicketIn):
    """A ticket the operator files for the chat's citizen (channel and chat come from the URL).

    `message_id`: the citizen's message it is about; when the NLU predicted another category
    for it, the pair is kept as a labelled example.
    """

    message_id: RowId | None = None

    def draft(self) -> TicketDraft:
        return self.to_draft(source=TicketSource.chat)


class TicketCorrectionIn(BaseModel):
    """What the operator corrects; fields left out stay as they are."""

    service_code: Text | None = Field(default=None, max_length=32)
    district: Text | None = Field(default=None, max_length=32)
    street: Text | None = Field(default=None, max_length=32)
    address: Text | None = Field(default=None, max_length=255)
    description: Text | None = Field(default=None, max_length=5000)
    reason: Text | None = Field(default=None, max_length=500)
    message_id: RowId | None = Field(
        default=None, description="the citizen's message the NLU misread (default: the latest)"
    )

    def correction(self) -> TicketCorrection:
        return TicketCorrection(
            service_code=self.service_code,
            district=self.district,
            street=self.street,
            address=self.address,
            description=self.description,
            reason=self.reason,
        )
