"""Find or create the citizen behind a chat identity."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.errors import InvalidRequest
from storage.models import Channel, ChannelIdentity, Citizen, utcnow


def find_identity(*, session: Session, channel: str, chat_id: str) -> ChannelIdentity | None:
    """The identity of a chat, if it has been seen."""
    return session.scalar(
        select(ChannelIdentity).where(
            ChannelIdentity.channel == channel, ChannelIdentity.chat_id == chat_id
        )
    )


def get_or_create_identity(
    *, session: Session, channel: str, chat_id: str, display_name: str | None = None
) -> ChannelIdentity:
    """The chat's identity, created with a new citizen on first contact."""
    try:
        channel = Channel(channel)
    except ValueError as error:
        valid = ", ".join(item.value for item in Channel)
        raise InvalidRequest(f"unknown channel {channel!r}; use one of: {valid}") from error
    if not chat_id.strip():
        raise InvalidRequest("chat_id must not be empty")
    identity = find_identity(session=session, channel=channel, chat_id=chat_id)
    if identity is not None:
        identity.last_seen_at = utcnow()
        return identity
    citizen = Citizen(display_name=display_name)
    session.add(citizen)
    session.flush()
    identity = ChannelIdentity(
        citizen_id=citizen.id,
        channel=channel,
        chat_id=chat_id,
        display_name=display_name,
        reachable=True,
        last_seen_at=utcnow(),
    )
    session.add(identity)
    session.flush()
    return identity
