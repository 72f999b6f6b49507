"""Replies inside the complaint form that are not data: "no more detail", questions, greetings,
and a change of subject ("哦不对，我要说的是噪音…").

`no_more_detail` says what "好的 / 不知道 / 就这些 / 不用" means for the slot being asked: the
form moves on, keeping what it has, and never stores the words themselves.
"""

from typing import Any, Dict, Optional

from rasa_sdk.executor import CollectingDispatcher

from actions.answer_inquiry import faq_answer
from actions.config import get_settings
from actions.conversation import Utterance
from actions.corrections import (
    CATEGORY_CHANGE_CONFIDENCE,
    category_change,
    category_named_in,
    names_the_place_as_wrong,
    strip_fillers,
    strip_openings,
)
from actions.messages import load_data, say, text

DONE_MODIFYING = {"modifying": False, "modify_field": None, "confirmed": None}


def no_more_detail(
    *, dispatcher: CollectingDispatcher, requested: str, kind: str, values: Dict[str, Any]
) -> Dict[str, Any]:
    """Slot changes for an affirmation, denial or don't-know answer to the slot asked."""
    if requested == "description":
        before = values.get("description_before")
        if before:
            say(dispatcher, "description_kept")
            return {"description": before, "description_before": None}
        return {"description": text("description_not_given")}
    if requested == "address":
        return {"address": values.get("address") or text("address_unknown")}
    if requested == "service_code":
        say(dispatcher, "category_unknown")
        return {"service_code": "other"}
    if requested == "contact_preference":
        return {"contact_preference": "chat", "phone": None}
    if requested == "phone":
        return {"contact_preference": "chat", "phone": None}
    if requested == "modify_field":
        return dict(DONE_MODIFYING)
    return {requested: None}  # asked again (district: the buttons say how to answer)


def answer_question(dispatcher: CollectingDispatcher, latest: Dict[str, Any]) -> None:
    """Answer a question asked in the middle of the form from the FAQ, or say it is noted."""
    settings = get_settings()
    answer = faq_answer(
        latest, threshold=settings.faq_threshold, intent_min=settings.faq_intent_min
    )
    if answer is not None:
        dispatcher.utter_message(**answer)
    else:
        say(dispatcher, "question_in_form")


def new_subject_text(utterance: Utterance) -> Optional[str]:
    """The new report when the message changes the subject ("哦不对，我要说的是…"), else None."""
    typed = utterance.free_text
    if not typed:
        return None
    lexicon = load_data("lexicon")
    rest = strip_openings(typed, lexicon["subject_change_openings"])
    if rest is None:
        return None
    content = "".join(ch for ch in rest if ch.isalnum())
    if len(content) < int(lexicon["min_description_chars"]):
        return None
    return rest


def retold_report(utterance: Utterance, values: Dict[str, Any]) -> Optional[str]:
    """The new report when a correction changes the category and tells the new problem
    ("等一下，我要反映的不是这个，是那边一排小贩把摊子摆到了马路上"), else None.

    The old description was about the old problem, so the report starts again with the new
    words, as after "我要说的是…". A bare "不是路灯，是噪音" only changes the category; so
    does a message that says no correction (no cue, no leading "不对/sorry"), or one the NLU
    does not read as a report of the new problem ("其实是福田区车公庙地铁站的B口": a place).
    """
    typed = utterance.free_text
    current = values.get("service_code")
    if not typed or not current:
        return None
    lexicon = load_data("lexicon")
    lowered = typed.lower()
    if names_the_place_as_wrong(typed):
        return None
    rest = strip_fillers(typed)
    if rest == typed.strip() and not any(
        str(cue).lower() in lowered for cue in lexicon["category_change_cues"]
    ):
        return None
    category = category_change(utterance, values)
    if category is None and utterance.confidence >= CATEGORY_CHANGE_CONFIDENCE:
        category = utterance.category
    if category in (None, "other", current) or utterance.category != category:
        return None  # not read as a report of the new problem: a place or other correction
    markers = [str(marker) for marker in lexicon["category_change_markers"]]
    cut = max(
        (lowered.rfind(m.lower()) + len(m) for m in markers if m.lower() in lowered), default=-1
    )
    story = (typed[cut:] if cut >= 0 else rest).strip(" ，,。.：:")
    words = [*lexicon["category_words"].get(category, []), *lexicon["subject_change_openings"]]
    content = story.lower()
    for word in sorted((str(w).lower() for w in words), key=len, reverse=True):
        content = content.replace(word, "")
    content = "".join(ch for ch in content if ch.isalnum())
    return story if len(content) >= int(lexicon["min_retold_chars"]) else None


def subject_category(utterance: Utterance, report: str) -> Optional[str]:
    """The category of the new subject: the NLU's, else the one its words name."""
    if utterance.category not in (None, "other"):
        return utterance.category
    return category_named_in(report) or utterance.category


def keep_on_new_subject(
    values: Dict[str, Any], *, new_place: Dict[str, Any], new_contact: bool
) -> Dict[str, Any]:
    """What still applies from the old report: its place and how to reply, unless the new
    message names them."""
    kept: Dict[str, Any] = {}
    if not new_contact:
        kept.update({slot: values.get(slot) for slot in ("contact_preference", "phone")})
    if not new_place:
        kept.update({slot: values.get(slot) for slot in ("district", "street", "community")})
        kept["address"] = values.get("address")
    return {slot: value for slot, value in kept.items() if value is not None}
