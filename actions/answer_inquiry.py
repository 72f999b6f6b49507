"""Inquiries (咨询): answered from the FAQ when it matches well, else offered as a ticket."""

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import language
from actions.config import get_settings
from actions.messages import say

RETRIEVAL_INTENT = "faq"


def faq_intent_score(latest_message: Dict[str, Any]) -> float:
    """How FAQ-like NLU finds the message: the `faq` intent's score in the ranking."""
    for ranked in latest_message.get("intent_ranking") or []:
        if ranked.get("name") == RETRIEVAL_INTENT:
            return float(ranked.get("confidence") or 0.0)
    return 0.0


def faq_answer(
    latest_message: Dict[str, Any], *, threshold: float, intent_min: float
) -> Optional[Dict[str, Any]]:
    """The FAQ answer when it matches well, else None.

    Well means: the FAQ ResponseSelector is at least `threshold` sure of its answer, and NLU
    finds the question at least `intent_min` FAQ-like (the selector always picks some answer,
    confidently even for a question the FAQ does not cover, such as 公租房).
    Returns {"text": …} with the answer text, or {"response": "utter_faq/…"} to utter.
    """
    selector = (latest_message.get("response_selector") or {}).get(RETRIEVAL_INTENT) or {}
    response = selector.get("response") or {}
    if float(response.get("confidence") or 0.0) < threshold:
        return None
    if faq_intent_score(latest_message) < intent_min:
        return None
    for candidate in response.get("responses") or []:
        if candidate.get("text") and _in_language(candidate, language.current()):
            return {"text": candidate["text"]}
    utter_action = response.get("utter_action")
    return {"response": utter_action} if utter_action else None


def _in_language(candidate: Dict[str, Any], wanted: str) -> bool:
    """Is this response variation the one for `wanted`? (domain: a `language` slot condition;
    the variation without one is the default language's)."""
    said = [
        condition.get("value")
        for condition in candidate.get("condition") or []
        if condition.get("name") == language.SLOT
    ]
    return wanted in said if said else wanted == language.DEFAULT


class AnswerInquiry(Action):
    """Answers from the FAQ, or offers to file the question as an inquiry ticket."""

    def name(self) -> Text:
        return "action_answer_inquiry"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        latest = tracker.latest_message or {}
        settings = get_settings()
        answer = faq_answer(
            latest, threshold=settings.faq_threshold, intent_min=settings.faq_intent_min
        )
        if answer is not None:
            dispatcher.utter_message(**answer)
            return [SlotSet("inquiry_offered", False), SlotSet("pending_inquiry", None)]
        say(dispatcher, "inquiry_offer")
        return [
            SlotSet("pending_inquiry", str(latest.get("text") or "").strip() or None),
            SlotSet("inquiry_offered", True),
        ]


class DeclineInquiry(Action):
    """The citizen does not want the inquiry filed."""

    def name(self) -> Text:
        return "action_decline_inquiry"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        say(dispatcher, "inquiry_declined")
        return [SlotSet("inquiry_offered", False), SlotSet("pending_inquiry", None)]
