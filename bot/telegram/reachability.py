"""A citizen who blocked the bot is marked unreachable (and reachable again on unblocking)."""

from sqlalchemy.orm import Session

from backend.citizens.service import find_identity


def set_reachable(*, session: Session, channel: str, chat_id: str, reachable: bool) -> bool:
    """Set the chat identity's `reachable` flag; False when the chat was never recorded."""
    identity = find_identity(session=session, channel=channel, chat_id=chat_id)
    if identity is None:
        return False
    identity.reachable = reachable
    session.flush()
    return True
