"""The language the actions answer in (回复语言): the citizen's, as the platform decided it.

The platform detects it from the citizen's own text and sends it in each message's metadata
(`language`); `action_set_language` keeps it in the `language` slot so Rasa's responses follow
it too. For the duration of one action call, `current()` is that language: the action server
sets it from the tracker it receives (actions/server.py), so `messages.say/text/labels` need
no argument at their many call sites.
"""

from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Dict, Iterator, Mapping, Optional

DEFAULT = "zh"
SUPPORTED = ("zh", "en")
SLOT = "language"

_current: ContextVar[str] = ContextVar("suban_language", default=DEFAULT)


def supported(value: Any) -> Optional[str]:
    """The value when it names a supported language, else None."""
    return value if isinstance(value, str) and value in SUPPORTED else None


def from_tracker_state(tracker: Mapping[str, Any]) -> str:
    """The language of a tracker as JSON (the action server's request body): the latest
    message's metadata first (this very turn), then the slot, then the default."""
    latest: Dict[str, Any] = tracker.get("latest_message") or {}
    metadata: Dict[str, Any] = latest.get("metadata") or {}
    slots: Dict[str, Any] = tracker.get("slots") or {}
    return supported(metadata.get(SLOT)) or supported(slots.get(SLOT)) or DEFAULT


def current() -> str:
    """The language of the action call in progress."""
    return _current.get()


def set_current(language: Optional[str]) -> None:
    """Answer in this language for the rest of the action call (the default when unknown)."""
    _current.set(supported(language) or DEFAULT)


@contextmanager
def speaking(language: str) -> Iterator[None]:
    """Answer in `language` inside the block (tests, and any code outside a server call)."""
    token = _current.set(supported(language) or DEFAULT)
    try:
        yield
    finally:
        _current.reset(token)
