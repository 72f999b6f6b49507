"""Danger signs in a report (紧急情况): gas, fire, explosion, someone hurt or drowning, live
wire, collapse, open manhole, burst pipe, crime.

The words come from the platform (`GET /api/v1/catalogue/urgent`, the same list that flags a
ticket urgent), so the bot's advice and the ticket's flag never disagree. The answer is kept
for `CACHE_SECONDS`; when the platform cannot be reached the last answer is used, also after
a restart (it is saved next to the pending reports), and the platform is asked again after
`RETRY_SECONDS`. The advice texts are messages.yml `urgent_<kind>`.
"""

import json
import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from rasa_sdk.executor import CollectingDispatcher

from actions import backend_client
from actions.backend_client import BackendClient, BackendRejected, BackendUnavailable
from actions.config import get_settings
from actions.messages import say

log = logging.getLogger(__name__)

CACHE_SECONDS = 300.0
RETRY_SECONDS = 30.0
Kinds = Tuple[Tuple[str, Tuple[str, ...]], ...]


@dataclass
class _Cache:
    kinds: Optional[Kinds] = None
    fresh_until: float = 0.0


_cache = _Cache()


def parse_kinds(body: object) -> Kinds:
    """The kinds of a `/api/v1/catalogue/urgent` answer; ValueError when it is malformed."""
    if not isinstance(body, dict) or not isinstance(body.get("kinds"), list):
        raise ValueError("no kinds list")
    kinds = []
    for item in body["kinds"]:
        kind, words = item.get("kind"), item.get("keywords")
        if not isinstance(kind, str) or not isinstance(words, list) or not words:
            raise ValueError(f"malformed kind {item!r}")
        kinds.append((kind, tuple(str(word).lower() for word in words if str(word).strip())))
    return tuple(kinds)


def saved_path() -> Path:
    """Where the last answer is kept across restarts."""
    return get_settings().pending_db_path.parent / "urgent_kinds.json"


def _load_saved() -> Optional[Kinds]:
    try:
        return parse_kinds(json.loads(saved_path().read_text(encoding="utf-8")))
    except (OSError, ValueError) as exc:
        log.warning("no saved urgent words to fall back on: %s", exc)
        return None


def _save(body: object) -> None:
    try:
        path = saved_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(body, ensure_ascii=False), encoding="utf-8")
    except OSError as exc:
        log.warning("could not save the urgent words: %s", exc)


async def known_kinds(client: Optional[BackendClient] = None) -> Kinds:
    """The urgent kinds and their words: cached, fetched, or the last known ones."""
    now = time.monotonic()
    if _cache.kinds is not None and now < _cache.fresh_until:
        return _cache.kinds
    try:
        body = await (client or backend_client.get_backend()).urgent_kinds()
        _cache.kinds = parse_kinds(body)
        _cache.fresh_until = now + CACHE_SECONDS
        _save(body)
    except (BackendUnavailable, BackendRejected, ValueError) as exc:
        log.warning("urgent words not fetched, using the last known ones: %s", exc)
        if _cache.kinds is None:
            _cache.kinds = _load_saved()
        _cache.fresh_until = now + RETRY_SECONDS
    return _cache.kinds or ()


def kinds_in(text: str, kinds: Kinds) -> List[str]:
    """The kinds of danger the text names, in the platform's order."""
    lowered = text.lower()
    return [kind for kind, words in kinds if any(word in lowered for word in words)]


async def urgent_kinds(text: str, *, client: Optional[BackendClient] = None) -> List[str]:
    """The kinds of danger the text names, or [] when none (or none are known)."""
    if not text:
        return []
    return kinds_in(text, await known_kinds(client))


def forget_cache() -> None:
    """Drop the cached answer (tests)."""
    _cache.kinds = None
    _cache.fresh_until = 0.0


async def warn_if_urgent(
    client: BackendClient, dispatcher: CollectingDispatcher, report: str, values: Dict[str, Any]
) -> Dict[str, Any]:
    """Tell the citizen at once whom to call when the text names a danger; flag the report."""
    if values.get("urgent") or not report:
        return {}
    kinds = await urgent_kinds(report, client=client)
    for kind in kinds:
        say(dispatcher, f"urgent_{kind}")
    return {"urgent": True} if kinds else {}
