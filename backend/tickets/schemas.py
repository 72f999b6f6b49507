"""API shapes of tickets, their history, transitions and ratings."""

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field, model_validator

from backend.inputs import HttpUrlText, RequiredText, RowId, Text
from backend.tickets.drafts import MediaDraft, TicketDraft
from backend.tickets.ratings import RatingInput
from backend.tickets.workflow import Action
from storage.models import (
    Channel,
    ContactPreference,
    Rating,
    RequestType,
    SubscriberRole,
    Ticket,
    TicketEvent,
    TicketSource,
    TicketState,
)

Score = Annotated[int, Field(ge=1, le=3, description="1 不满意 / 2 基本满意 / 3 满意")]


class MediaIn(BaseModel):
    """A photo or file: the channel's file id or a URL."""

    file_id: Text | None = Field(default=None, max_length=255)
    url: HttpUrlText | None = Field(default=None, max_length=1024)
    kind: Text = Field(default="photo", max_length=16)

    @model_validator(mode="after")
    def _one_reference(self) -> "MediaIn":
        if not self.file_id and not self.url:
            raise ValueError("media needs a file_id or a url")
        return self


class TicketIn(BaseModel):
    """A new ticket (工单) as the bot or a staff member submits it."""

    service_code: Text = Field(max_length=32, examples=["noise"])
    request_type: RequestType = RequestType.complaint
    description: RequiredText = Field(
        min_length=1, max_length=5000, examples=["工地每天晚上十一点还在打桩"]
    )
    district: Text | None = Field(default=None, max_length=32, examples=["南山区"])
    street: Text | None = Field(default=None, max_length=32, examples=["粤海街道"])
    community: Text | None = Field(default=None, max_length=64)
    address: Text | None = Field(default=None, max_length=255, examples=["科技园"])
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    urgent: bool = False
    contact_preference: ContactPreference = ContactPreference.chat
    phone: Text | None = Field(default=None, max_length=32)
    channel: Channel | None = None
    chat_id: Text | None = Field(default=None, max_length=128)
    media: list[MediaIn] = Field(default_factory=list, max_length=20)
    caller_announces: bool = Field(
        default=False,
        description="the caller tells the citizen the ticket number, department and time limit "
        "from this answer; the dispatch at creation is then not pushed to the chat again",
    )

    def to_draft(self, *, source: TicketSource) -> TicketDraft:
        return TicketDraft(
            service_code=self.service_code,
            description=self.description,
            request_type=self.request_type,
            district=self.district,
            street=self.street,
            community=self.community,
            address=self.address,
            lat=self.lat,
            lon=self.lon,
            urgent=self.urgent,
            contact_preference=self.contact_preference,
            phone=self.phone,
            channel=self.channel,
            chat_id=self.chat_id,
            media=tuple(MediaDraft(file_id=m.file_id, url=m.url, kind=m.kind) for m in self.media),
            source=source,
            caller_announces=self.caller_announces,
        )


class EventOut(BaseModel):
    """One step of a ticket's history."""

    at: datetime
    action: str
    from_state: str | None
    to_state: str | None
    note: str | None
    actor_kind: str
    actor_id: str | None = None
    public: bool

    @classmethod
    def of(cls, event: TicketEvent, *, with_actor: bool) -> "EventOut":
        return cls(
            at=event.at,
            action=event.action,
            from_state=event.from_state,
            to_state=event.to_state,
            note=event.note,
            actor_kind=event.actor_kind,
            actor_id=event.actor_id if with_actor else None,
            public=event.public,
        )


class TicketOut(BaseModel):
    """A ticket with its history (the public part for citizens, all of it for staff)."""

    ticket_no: str = Field(examples=["SZ20261129-000123"])
    state: TicketState
    service_code: str
    request_type: str
    description: str
    district: str | None
    street: str | None
    community: str | None
    address: str | None
    lat: float | None
    lon: float | None
    urgent: bool
    department: str | None = Field(description="name of the responsible department")
    department_id: int | None
    routing_explanation: str
    contact_preference: str
    reopen_count: int
    supervision: bool
    merged_into: str | None
    co_reporters: int = Field(
        description="chats following the ticket besides its reporter (co-reporters, merged)"
    )
    contact_due: datetime | None
    resolve_due: datetime | None
    first_contact_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    created_at: datetime
    updated_at: datetime
    allowed_actions: list[str]
    history: list[EventOut]

    @classmethod
    def of(cls, ticket: Ticket, *, staff_view: bool, allowed: list[Action]) -> "TicketOut":
        events = [e for e in ticket.events if staff_view or e.public]
        return cls(
            ticket_no=ticket.ticket_no,
            state=TicketState(ticket.state),
            service_code=ticket.service_code,
            request_type=ticket.request_type,
            description=ticket.description,
            district=ticket.district,
            street=ticket.street,
            community=ticket.community,
            address=ticket.address,
            lat=ticket.lat,
            lon=ticket.lon,
            urgent=ticket.urgent,
            department=ticket.department.name if ticket.department else None,
            department_id=ticket.department_id,
            routing_explanation=ticket.routing_explanation,
            contact_preference=ticket.contact_preference,
            reopen_count=ticket.reopen_count,
            supervision=ticket.supervision,
            merged_into=ticket.merged_into.ticket_no if ticket.merged_into else None,
            co_reporters=sum(1 for s in ticket.subscribers if s.role != SubscriberRole.reporter),
            contact_due=ticket.contact_due,
            resolve_due=ticket.resolve_due,
            first_contact_at=ticket.first_contact_at,
            resolved_at=ticket.resolved_at,
            closed_at=ticket.closed_at,
            created_at=ticket.created_at,
            updated_at=ticket.updated_at,
            allowed_actions=[action.value for action in allowed],
            history=[EventOut.of(e, with_actor=staff_view) for e in events],
        )


class TicketSummary(BaseModel):
    """A line in a list of tickets."""

    ticket_no: str
    state: TicketState
    service_code: str
    district: str | None
    street: str | None
    department: str | None
    urgent: bool
    resolve_due: datetime | None
    created_at: datetime

    @classmethod
    def of(cls, ticket: Ticket) -> "TicketSummary":
        return cls(
            ticket_no=ticket.ticket_no,
            state=TicketState(ticket.state),
            service_code=ticket.service_code,
            district=ticket.district,
            street=ticket.street,
            department=ticket.department.name if ticket.department else None,
            urgent=ticket.urgent,
            resolve_due=ticket.resolve_due,
            created_at=ticket.created_at,
        )


class TransitionIn(BaseModel):
    """A workflow action; `department_id` + `reason` dispatch by hand (人工派单)."""

    action: Action
    note: Text | None = Field(default=None, max_length=5000)
    target_ticket_no: Text | None = Field(
        default=None, max_length=64, description="merge: the main ticket"
    )
    department_id: RowId | None = Field(default=None, description="dispatch: chosen by hand")
    reason: Text | None = Field(default=None, max_length=1000)


class NoteIn(BaseModel):
    """A note on the ticket; public notes are sent to the citizen."""

    note: RequiredText = Field(min_length=1, max_length=5000)
    public: bool = False


class RatingIn(BaseModel):
    """The citizen's rating of a resolved ticket."""

    score: Score
    speed: Score | None = None
    result: Score | None = None
    attitude: Score | None = None
    comment: Text | None = Field(default=None, max_length=2000)

    def to_input(self) -> RatingInput:
        return RatingInput(
            score=self.score,
            speed=self.speed,
            result=self.result,
            attitude=self.attitude,
            comment=self.comment,
        )


class RatingOut(BaseModel):
    """A stored rating and the ticket's state after it."""

    ticket_no: str
    round: int
    score: int
    speed: int | None
    result: int | None
    attitude: int | None
    comment: str | None
    state: TicketState
    supervision: bool

    @classmethod
    def of(cls, rating: Rating, ticket: Ticket) -> "RatingOut":
        return cls(
            ticket_no=ticket.ticket_no,
            round=rating.round,
            score=rating.score,
            speed=rating.speed,
            result=rating.result,
            attitude=rating.attitude,
            comment=rating.comment,
            state=TicketState(ticket.state),
            supervision=ticket.supervision,
        )
