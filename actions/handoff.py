"""Handing over to a human operator (转人工): on request, or after two misunderstandings."""

import logging
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import backend_client
from actions.conversation import channel_and_chat
from actions.messages import say
from actions.urgency import urgent_kinds

log = logging.getLogger(__name__)

FALLBACK_INTENT = "nlu_fallback"


@dataclass(frozen=True)
class Flagged:
    """The platform was told; `position` is the place in the queue to tell the citizen (None
    when the chat was already waiting and told, or held by an operator)."""

    position: Optional[int]


async def mark_needs_human(tracker: Tracker, *, reason: str, kind: str) -> Optional[Flagged]:
    """Flag the conversation for an operator; None when the platform could not be told."""
    channel, chat_id = channel_and_chat(tracker.sender_id)
    try:
        position = await backend_client.get_backend().mark_needs_human(
            channel=channel, chat_id=chat_id, reason=reason, kind=kind
        )
    except Exception:
        log.exception("marking %s as needing a human failed", tracker.sender_id)
        return None
    return Flagged(position=position)


def say_handed_over(dispatcher: CollectingDispatcher, flagged: Flagged, *, key: str) -> None:
    """One notice holding the place in the queue (the platform sends none of its own then)."""
    if flagged.position is None:
        say(dispatcher, "handoff_already")
    else:
        say(dispatcher, key, position=flagged.position)


def user_events(events: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """The citizen's messages, oldest first."""
    return [event for event in events if event.get("event") == "user"]


def intent_of(event: Dict[str, Any]) -> Optional[str]:
    """The intent NLU gave a user event."""
    return ((event.get("parse_data") or {}).get("intent") or {}).get("name")


def misunderstood_twice(events: List[Dict[str, Any]]) -> bool:
    """Were the last two messages both below the NLU confidence threshold?"""
    said = user_events(events)[-2:]
    return len(said) == 2 and all(intent_of(event) == FALLBACK_INTENT for event in said)


class Handoff(Action):
    """The citizen asked for a person: mark the conversation and say so."""

    def name(self) -> Text:
        return "action_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        text = (tracker.latest_message or {}).get("text") or ""
        flagged = await mark_needs_human(
            tracker, reason=f"市民要求转人工：{text}"[:500], kind="asked"
        )
        if flagged is not None:
            say_handed_over(dispatcher, flagged, key="handoff_done")
            return [SlotSet("handed_off", True)]
        say(dispatcher, "handoff_failed")
        return []


class HandleFallback(Action):
    """After `utter_default` (please rephrase): the second time in a row, call in a person."""

    def name(self) -> Text:
        return "action_handle_fallback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        said = str((tracker.latest_message or {}).get("text") or "")
        for kind in await urgent_kinds(said):
            # Not understood, but it names a danger: say whom to call all the same.
            say(dispatcher, f"urgent_{kind}")
        if not misunderstood_twice(tracker.events) or tracker.get_slot("handed_off"):
            return []
        texts = " / ".join(
            str(event.get("text") or "") for event in user_events(tracker.events)[-2:]
        )
        flagged = await mark_needs_human(
            tracker, reason=f"连续两次未能理解：{texts}"[:500], kind="misunderstood"
        )
        if flagged is not None:
            say_handed_over(dispatcher, flagged, key="fallback_handoff")
            return [SlotSet("handed_off", True)]
        return []
