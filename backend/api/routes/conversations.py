"""`/api/v1/conversations`: the bot flags a chat; operators list, claim, answer, hand back.

Staff bearer tokens; the takeover routes are for operators and admins (department staff 403).
"""

from typing import Annotated

from fastapi import APIRouter, Query

from backend.api.auth import CitizenSideDep, StaffDep
from backend.api.deps import SessionDep, SettingsDep
from backend.conversations.schemas import NeedsHumanOut, NeedsHumanRequest
from backend.handoff.filing import correct_ticket, file_for_citizen
from backend.handoff.queries import chat_summary, list_conversations, parse_state, transcript
from backend.handoff.relay import send_operator_message, take_queue_position
from backend.handoff.schemas import (
    ConversationSummaryOut,
    OperatorMessageIn,
    QueuedMessageOut,
    ReleaseIn,
    TicketCorrectionIn,
    TicketForCitizenIn,
    TranscriptOut,
)
from backend.handoff.service import claim, release, request_human
from backend.tickets.schemas import TicketSummary
from storage.models import Channel, HandoffReason, utcnow

router = APIRouter(prefix="/api/v1/conversations", tags=["conversations"])
corrections = APIRouter(prefix="/api/v1/tickets", tags=["conversations"])


@router.post("/{channel}/{chat_id}/needs-human", response_model=NeedsHumanOut)
def post_needs_human(
    channel: Channel,
    chat_id: str,
    body: NeedsHumanRequest,
    session: SessionDep,
    actor: CitizenSideDep,
) -> NeedsHumanOut:
    """Mark the chat's conversation as waiting for a human operator (转人工).

    `queue_position` is the citizen's place in the queue when this call starts the wait: the
    caller tells the citizen (the platform then does not send its own queue notice)."""
    conversation = request_human(
        session=session,
        channel=channel,
        chat_id=chat_id,
        reason=HandoffReason(body.kind),
        detail=body.reason,
    )
    position = take_queue_position(session=session, conversation=conversation, now=utcnow())
    return NeedsHumanOut.of_queue(conversation, queue_position=position)


@router.get("", response_model=list[ConversationSummaryOut])
def get_conversations(
    session: SessionDep,
    actor: StaffDep,
    state: Annotated[
        str | None,
        Query(description="waiting | held | active (waiting or held, the default) | all"),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[ConversationSummaryOut]:
    """Conversations with reason, waiting time and holder, newest activity first.

    Operators and admins see all; department staff only waiting or held chats following a
    ticket of their department.
    """
    summaries = list_conversations(
        session=session, actor=actor, state=parse_state(state), limit=limit
    )
    return [ConversationSummaryOut.of(summary) for summary in summaries]


@router.get("/{channel}/{chat_id}", response_model=TranscriptOut)
def get_transcript(
    channel: Channel, chat_id: str, session: SessionDep, actor: StaffDep
) -> TranscriptOut:
    """The chat's conversation: messages (citizen ones with the NLU's intent, confidence and
    entities; sent ones with their delivery), state, holder, and the citizen's tickets."""
    return TranscriptOut.of(
        transcript(session=session, channel=channel, chat_id=chat_id, actor=actor)
    )


@router.post("/{channel}/{chat_id}/claim", response_model=ConversationSummaryOut)
def post_claim(
    channel: Channel, chat_id: str, session: SessionDep, settings: SettingsDep, actor: StaffDep
) -> ConversationSummaryOut:
    """Take over the chat (the bot goes silent for it); 409 naming the holder if someone else
    holds it. A chat nobody flagged may be claimed too."""
    claim(
        session=session,
        channel=channel,
        chat_id=chat_id,
        actor=actor,
        timeout=settings.handoff_claim_timeout,
    )
    return ConversationSummaryOut.of(
        chat_summary(session=session, channel=channel, chat_id=chat_id)
    )


@router.post("/{channel}/{chat_id}/messages", response_model=QueuedMessageOut, status_code=202)
def post_message(
    channel: Channel, chat_id: str, body: OperatorMessageIn, session: SessionDep, actor: StaffDep
) -> QueuedMessageOut:
    """Send a message to the citizen on their channel (queued in the outbox: 202); only the
    holder may (403 otherwise). Its delivery shows in the transcript."""
    message = send_operator_message(
        session=session, channel=channel, chat_id=chat_id, actor=actor, text=body.text
    )
    return QueuedMessageOut.of(message)


@router.post("/{channel}/{chat_id}/release", response_model=ConversationSummaryOut)
def post_release(
    channel: Channel, chat_id: str, body: ReleaseIn, session: SessionDep, actor: StaffDep
) -> ConversationSummaryOut:
    """Hand the chat back to the bot, with an optional note kept in the transcript."""
    release(session=session, channel=channel, chat_id=chat_id, actor=actor, note=body.note)
    return ConversationSummaryOut.of(
        chat_summary(session=session, channel=channel, chat_id=chat_id)
    )


@router.post("/{channel}/{chat_id}/tickets", response_model=TicketSummary, status_code=201)
def post_ticket_for_citizen(
    channel: Channel, chat_id: str, body: TicketForCitizenIn, session: SessionDep, actor: StaffDep
) -> TicketSummary:
    """The holder files a ticket for the chat's citizen, who follows it and is told its number."""
    ticket = file_for_citizen(
        session=session,
        channel=channel,
        chat_id=chat_id,
        actor=actor,
        draft=body.draft(),
        message_id=body.message_id,
    )
    return TicketSummary.of(ticket)


@corrections.patch("/{ticket_no}/correction", response_model=TicketSummary)
def patch_ticket_correction(
    ticket_no: str, body: TicketCorrectionIn, session: SessionDep, actor: StaffDep
) -> TicketSummary:
    """Correct category, place or description of a ticket not yet accepted (operators and
    admins); a new category or place routes it again. Kept as a labelled NLU example."""
    ticket = correct_ticket(
        session=session,
        ticket_no=ticket_no,
        actor=actor,
        correction=body.correction(),
        message_id=body.message_id,
    )
    return TicketSummary.of(ticket)
