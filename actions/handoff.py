"""Handing over to a human operator (转人工): on request, or after two misunderstandings."""

import logging
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import backend_client
from actions.acknowledge import acknowledge
from actions.conversation import Utterance, channel_and_chat
from actions.messages import say
from actions.replies import acknowledges
from actions.urgency import urgent_kinds

log = logging.getLogger(__name__)

FALLBACK_INTENT = "nlu_fallback"
FALLBACK_ACTION = "action_handle_fallback"


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


def answered_by_fallback(events: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """The citizen's messages that `action_handle_fallback` answered, oldest first (not those
    a form read although NLU was unsure of them: "没啥要改的，直接报吧" at the read-back)."""
    answered: List[Dict[str, Any]] = []
    latest: Optional[Dict[str, Any]] = None
    for event in events:
        if event.get("event") == "user":
            latest = event
        elif latest is not None and event.get("name") == FALLBACK_ACTION:
            answered.append(latest)
            latest = None
    return answered


def misunderstood_twice(events: List[Dict[str, Any]]) -> bool:
    """Was the message before this one (itself not understood) misunderstood too: below the
    NLU threshold, answered by the fallback, and no mere acknowledgement?"""
    said = user_events(events)
    if len(said) < 2 or intent_of(said[-1]) != FALLBACK_INTENT:
        return False
    previous = said[-2]
    return (
        intent_of(previous) == FALLBACK_INTENT
        and any(event is previous for event in answered_by_fallback(events))
        and not acknowledges(Utterance(text=str(previous.get("text") or "")))
    )


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
    """A message NLU was unsure of (the rule on `nlu_fallback`), or one the dialogue policies
    could not answer (RulePolicy's core fallback, config.yml): an acknowledgement ("好，报吧"
    after the ticket number) is answered politely; anything else gets "please rephrase", and
    the second NLU misunderstanding in a row calls in a person."""

    def name(self) -> Text:
        return FALLBACK_ACTION

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        latest = tracker.latest_message or {}
        said = str(latest.get("text") or "")
        # As Rasa's own core fallback: the policies could not go on from this message, so the
        # dialogue goes back to where it was before it.
        done: List[EventType] = (
            []
            if (latest.get("intent") or {}).get("name") == FALLBACK_INTENT
            else [UserUtteranceReverted()]
        )
        if acknowledges(Utterance(text=said)):
            acknowledge(dispatcher, tracker)
            return done
        say(dispatcher, "misunderstood")
        for kind in await urgent_kinds(said):
            # Not understood, but it names a danger: say whom to call all the same.
            say(dispatcher, f"urgent_{kind}")
        if not misunderstood_twice(tracker.events) or tracker.get_slot("handed_off"):
            return done
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
