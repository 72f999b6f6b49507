"""Reading the citizen's messages into the report, one turn of the complaint form at a time.

`start_report` reads the first message (category from the intent, the whole text as the
description, the place, contact preference, urgency); `continue_report` reads the answer to
the question just asked. Both return slot changes and say what needs saying.
"""

import uuid
from typing import Any, Dict, List, Optional

from rasa_sdk.executor import CollectingDispatcher

from actions.backend_client import BackendClient
from actions.complaint_draft import cleared
from actions.conversation import Utterance
from actions.corrections import (
    contact_in,
    correction_while_asked,
    description_change,
    find_corrections,
    modify_field_in,
    repeats_the_place,
    repeats_the_report,
    settled,
    slots_of_field,
    within_known_area,
)
from actions.form_replies import (
    DONE_MODIFYING,
    keep_on_new_subject,
    new_subject_text,
    no_more_detail,
    retold_report,
    subject_category,
)
from actions.messages import (
    district_names,
    district_title,
    intent_payload,
    load_data,
    say,
    text,
)
from actions.places import PLACE_LEVELS, address_in, place_changes, place_in
from actions.replies import confirms, reply_kind, starts_dont_know
from actions.urgency import warn_if_urgent

# Intents that interrupt the form: it pauses, a rule answers, and the form resumes.
INTERRUPTIONS = frozenset(
    {
        "check_status",
        "request_human",
        "cancel",
        "greet",
        "bot_challenge",
        "rate",
        "EXTERNAL_ticket_event",
    }
)
INTERRUPTION_CONFIDENCE = 0.6


def is_interruption(utterance: Utterance) -> bool:
    """Does this message ask for something else than answering the form?"""
    if utterance.intent not in INTERRUPTIONS:
        return False
    if utterance.is_payload:
        return True
    if utterance.intent == "request_human" and says_unknown(utterance.text):
        return False  # "具体门牌我说不上来" answers the question; it asks for nobody
    return utterance.confidence >= INTERRUPTION_CONFIDENCE


def says_unknown(typed: str) -> bool:
    """Does the text say the citizen does not know (lexicon unknown_words)?"""
    lowered = typed.lower()
    return any(str(word).lower() in lowered for word in load_data("lexicon")["unknown_words"])


def is_description(report: str) -> bool:
    """Is the text more than a bare "我要投诉"? (lexicon.yml: generic_openings)"""
    lexicon = load_data("lexicon")
    rest = report.lower()
    for opening in sorted(lexicon["generic_openings"], key=len, reverse=True):
        rest = rest.replace(str(opening).lower(), "")
    rest = "".join(ch for ch in rest if ch.isalnum())
    return len(rest) >= int(lexicon["min_description_chars"])


def request_type_of(report: str) -> str:
    """complaint, or the kind the text names (举报 → report, 求助 → help, …)."""
    for request_type, words in load_data("lexicon")["request_type_words"].items():
        if any(word in report for word in words):
            return str(request_type)
    return "complaint"


def district_buttons() -> List[Dict[str, str]]:
    """One button per district."""
    return [
        {"title": district_title(name), "payload": intent_payload("inform", {"district": name})}
        for name in district_names()
    ]


def add_photo(utterance: Utterance, values: Dict[str, Any]) -> Optional[List[str]]:
    """The photo list with the photo this message carries, or None when it carries none."""
    photo = utterance.entity("photo_file_id") or utterance.entity("photo_url")
    if not photo:
        return None
    photos = list(values.get("photo") or [])
    if photo not in photos:
        photos.append(photo)
    return photos


def fresh_report() -> Dict[str, Any]:
    """An empty report with a new form instance id; photos sent just before it are kept."""
    changes = cleared(keep=("photo",))
    changes["form_instance_id"] = uuid.uuid4().hex
    changes["contact_preference"] = "chat"
    changes["request_type"] = "complaint"
    changes["description_before"] = None
    return changes


async def start_report(
    *,
    client: BackendClient,
    dispatcher: CollectingDispatcher,
    utterance: Utterance,
    values: Dict[str, Any],
) -> Dict[str, Any]:
    """A fresh report from the message that started the form: fill all it already answers."""
    changes = fresh_report()
    if utterance.intent == "affirm" and values.get("pending_inquiry"):
        # The citizen accepted to turn an unanswered question into an inquiry ticket.
        changes.update(
            request_type="inquiry",
            service_code="other",
            description=values["pending_inquiry"],
            pending_inquiry=None,
            inquiry_offered=False,
        )
        return changes
    changes["inquiry_offered"] = False
    report = utterance.free_text
    changes["request_type"] = request_type_of(report)
    changes["service_code"] = utterance.category
    if utterance.category and is_description(report):
        changes["description"] = report
    changes.update(place_changes({}, await place_in(client, utterance)))
    contact = contact_in(utterance)
    if contact:
        changes["contact_preference"], changes["phone"] = contact
    changes.update(await warn_if_urgent(client, dispatcher, report, {}))
    return changes


async def continue_report(
    *,
    client: BackendClient,
    dispatcher: CollectingDispatcher,
    utterance: Utterance,
    values: Dict[str, Any],
    requested: str,
) -> Dict[str, Any]:
    """Slot changes from the answer to `requested`; a slot set to None is asked again."""
    photos = add_photo(utterance, values)
    if photos is not None:
        say(dispatcher, "photo_received")
        return {"photo": photos}
    handler = _HANDLERS.get(requested)
    if handler is None:
        return {requested: None}
    report = new_subject_text(utterance) or retold_report(utterance, values)
    if report is not None:
        return await new_subject(client, dispatcher, utterance, values, report, requested)
    corrected = await correction_while_asked(
        client=client, utterance=utterance, values=values, requested=requested
    )
    if corrected:
        say(dispatcher, "correction_applied")
        return {requested: None, **corrected}
    kind = reply_kind(utterance)
    if kind is None and requested in _DONT_KNOW_PREFIX_SLOTS and starts_dont_know(utterance):
        kind = "dont_know"  # "就这些了，没别的", "I don't know the exact address"
    if kind == "modify" and requested not in ("confirmed", "modify_field"):
        return {requested: None}  # "修改" is no answer: ask again, then read back as usual
    if kind in ("affirm", "deny", "dont_know") and requested != "confirmed":
        if not (requested == "modify_field" and utterance.is_payload and kind == "deny"):
            return no_more_detail(
                dispatcher=dispatcher, requested=requested, kind=kind, values=values
            )
        return {"modify_field": None}  # 修改 tapped twice: still asking what to change
    return await handler(client, dispatcher, utterance, values)


# The questions before "where exactly?": a change of subject there goes on to ask it.
_BEFORE_THE_ADDRESS = frozenset({"description", "service_code", "district"})
# Questions where an answer that starts with "I don't know" (and names no place or phone) is a
# don't-know; not the description, where "不清楚是谁，每天半夜…" is a report.
_DONT_KNOW_PREFIX_SLOTS = frozenset({"district", "address", "contact_preference", "phone"})


async def new_subject(
    client: BackendClient,
    dispatcher: CollectingDispatcher,
    utterance: Utterance,
    values: Dict[str, Any],
    report: str,
    requested: str,
) -> Dict[str, Any]:
    """Start the report again from "哦不对，我要说的是…", keeping what still applies."""
    say(dispatcher, "subject_changed")
    category = subject_category(utterance, report)
    retold = Utterance(text=report, intent=category, confidence=utterance.confidence)
    changes = await start_report(
        client=client, dispatcher=dispatcher, utterance=retold, values=values
    )
    changes["description"] = report
    changes["form_instance_id"] = values.get("form_instance_id") or changes["form_instance_id"]
    changes["photo"] = values.get("photo")
    named_place = {level: changes[level] for level in PLACE_LEVELS if changes.get(level)}
    new_contact = contact_in(retold) is not None
    changes.update(keep_on_new_subject(values, new_place=named_place, new_contact=new_contact))
    if named_place and requested not in _BEFORE_THE_ADDRESS:
        # Asked where exactly already: the street the new subject names is the answer, as in
        # a place correction (corrections.settled).
        changes = settled(values, changes)
    return changes


async def _description(
    client: BackendClient,
    dispatcher: CollectingDispatcher,
    utterance: Utterance,
    values: Dict[str, Any],
) -> Dict[str, Any]:
    report = utterance.free_text
    if not report:
        # A channel payload (e.g. a location pin) while we wait for the description.
        return place_changes(values, await place_in(client, utterance)) or {"description": None}
    if values.get("description_before"):
        changed = description_change(utterance, values)
        if changed:
            return changed
    if len("".join(ch for ch in report if ch.isalnum())) < 2:
        say(dispatcher, "description_too_short")
        return {"description": None}
    changes: Dict[str, Any] = {"description": report, "description_before": None}
    contact = contact_in(utterance)
    if contact and values.get("contact_preference") != "phone":
        changes["contact_preference"], changes["phone"] = contact
    if values.get("service_code") in (None, "other") and utterance.category:
        changes["service_code"] = utterance.category
    if not values.get("district") and values.get("request_type") != "inquiry":
        changes.update(place_changes(values, await place_in(client, utterance)))
    changes.update(await warn_if_urgent(client, dispatcher, report, values))
    return changes


async def _service_code(
    client: BackendClient,
    dispatcher: CollectingDispatcher,
    utterance: Utterance,
    values: Dict[str, Any],
) -> Dict[str, Any]:
    if utterance.category:
        return {"service_code": utterance.category}
    say(dispatcher, "category_unknown")
    return {"service_code": "other"}


async def _district(
    client: BackendClient,
    dispatcher: CollectingDispatcher,
    utterance: Utterance,
    values: Dict[str, Any],
) -> Dict[str, Any]:
    place = await address_in(client, utterance)
    if not place.district:
        say(dispatcher, "district_not_found", buttons=district_buttons())
        return {"district": None}
    return place_changes(values, place)


async def _address(
    client: BackendClient,
    dispatcher: CollectingDispatcher,
    utterance: Utterance,
    values: Dict[str, Any],
) -> Dict[str, Any]:
    answer = utterance.free_text
    if utterance.intent == "deny" or (answer and says_unknown(answer)):
        return {"address": text("address_unknown")}
    place = within_known_area(values, await address_in(client, utterance))
    return place_changes(values, place) or {"address": values.get("address")}


async def _contact_preference(
    client: BackendClient,
    dispatcher: CollectingDispatcher,
    utterance: Utterance,
    values: Dict[str, Any],
) -> Dict[str, Any]:
    contact = contact_in(utterance)
    if not contact:
        say(dispatcher, "contact_not_understood")
        return {"contact_preference": None}
    preference, phone = contact
    return {"contact_preference": preference, "phone": phone}


async def _phone(
    client: BackendClient,
    dispatcher: CollectingDispatcher,
    utterance: Utterance,
    values: Dict[str, Any],
) -> Dict[str, Any]:
    phone = utterance.phone()
    if phone:
        return {"phone": phone}
    contact = contact_in(utterance)
    if contact and contact[0] != "phone":
        return {"contact_preference": contact[0], "phone": None}
    if utterance.intent == "deny":
        return {"contact_preference": "chat", "phone": None}
    say(dispatcher, "phone_invalid")
    return {"phone": None}


async def _modify_field(
    client: BackendClient,
    dispatcher: CollectingDispatcher,
    utterance: Utterance,
    values: Dict[str, Any],
) -> Dict[str, Any]:
    corrections = await find_corrections(client=client, utterance=utterance, values=values)
    if corrections:
        say(dispatcher, "correction_applied")
        return {**corrections, **DONE_MODIFYING}
    field = modify_field_in(utterance)
    if field:
        return {**clear_field(field, values), **DONE_MODIFYING}
    if confirms(utterance):  # "没啥要改的，直接报吧"
        return {**DONE_MODIFYING, "confirmed": True}
    return {"modify_field": None}


async def _follow_duplicate(
    client: BackendClient,
    dispatcher: CollectingDispatcher,
    utterance: Utterance,
    values: Dict[str, Any],
) -> Dict[str, Any]:
    # Follow / new are read by actions/duplicates.py; anything else asks the offer again.
    say(dispatcher, "duplicate_offer_unclear")
    return {"follow_duplicate": None}


def clear_field(field: str, values: Dict[str, Any]) -> Dict[str, Any]:
    """Empty a field to ask it again; the description is kept aside, never dropped."""
    changes: Dict[str, Any] = {slot: None for slot in slots_of_field(field)}
    if field == "description" and values.get("description"):
        changes["description_before"] = values["description"]
    return changes


async def _confirmed(
    client: BackendClient,
    dispatcher: CollectingDispatcher,
    utterance: Utterance,
    values: Dict[str, Any],
) -> Dict[str, Any]:
    kind = reply_kind(utterance)
    if kind == "affirm":
        return {"confirmed": True}
    if repeats_the_place(utterance, values) or repeats_the_report(utterance, values):
        return {"confirmed": None}  # the place answer or the report sent twice: nothing changes
    corrections = await find_corrections(client=client, utterance=utterance, values=values)
    if corrections:
        say(dispatcher, "correction_applied")
        return {**corrections, "confirmed": None}
    field = modify_field_in(utterance)
    if field and not utterance.is_payload:
        return {**clear_field(field, values), "confirmed": None}
    if confirms(utterance):  # "是的就这样帮我报上去", "Yes, that is all correct"
        return {"confirmed": True}
    if kind in ("deny", "modify") or utterance.intent == "deny":
        return {"modifying": True, "modify_field": None, "confirmed": None}
    say(dispatcher, "readback_unclear")
    return {"confirmed": None}


_HANDLERS = {
    "description": _description,
    "service_code": _service_code,
    "district": _district,
    "address": _address,
    "contact_preference": _contact_preference,
    "phone": _phone,
    "modify_field": _modify_field,
    "follow_duplicate": _follow_duplicate,
    "confirmed": _confirmed,
}
