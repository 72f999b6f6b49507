"""Errors of the hand-over rules; each maps to HTTP once in backend.api.errors."""

from backend.errors import Conflict, Forbidden, NotFound


class ConversationNotFound(NotFound):
    """The chat has no conversation (or none this staff member may see)."""


class HeldByOther(Conflict):
    """Another operator holds the conversation; `holder` names them."""

    def __init__(self, holder: str) -> None:
        super().__init__(f"the conversation is held by {holder}", holder=holder)
        self.holder = holder


class NotHolder(Forbidden):
    """Only the operator holding the conversation may write in it or hand it back."""

    def __init__(self, holder: str | None) -> None:
        who = f"it is held by {holder}" if holder else "nobody holds it; claim it first"
        super().__init__(f"only the holder may do this: {who}", holder=holder)
        self.holder = holder


class TakeoverForbidden(Forbidden):
    """Department staff do not take over chats (operators and admins do)."""
