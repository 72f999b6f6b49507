"""`/api/v1/conversations`: handoff flags from the bot, the operators' waiting list."""

from fastapi import APIRouter

from backend.api.auth import CitizenSideDep, StaffDep
from backend.api.deps import SessionDep
from backend.conversations.schemas import ConversationOut, NeedsHumanRequest
from backend.conversations.service import conversations_needing_human, mark_needs_human
from storage.models import Channel

router = APIRouter(prefix="/api/v1/conversations", tags=["conversations"])


@router.post("/{channel}/{chat_id}/needs-human", response_model=ConversationOut)
def post_needs_human(
    channel: Channel,
    chat_id: str,
    body: NeedsHumanRequest,
    session: SessionDep,
    actor: CitizenSideDep,
) -> ConversationOut:
    """Mark the chat's conversation as needing a human operator (转人工)."""
    conversation = mark_needs_human(
        session=session, channel=channel, chat_id=chat_id, reason=body.reason
    )
    return ConversationOut.of(conversation)


@router.get("", response_model=list[ConversationOut])
def get_conversations_needing_human(session: SessionDep, actor: StaffDep) -> list[ConversationOut]:
    """Conversations waiting for an operator, with their messages, the longest-waiting first.

    Operators and admins see all; department staff only chats following a ticket of theirs.
    """
    return [
        ConversationOut.of(conversation, with_messages=True)
        for conversation in conversations_needing_human(session=session, actor=actor)
    ]
