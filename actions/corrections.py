"""Free-text corrections at the read-back (更正).

For example “不对，是在福田区”, “地址改成建安一路”, “我要匿名”, “补充：晚上更吵”.
"""

from typing import Any, Dict, List, Optional, Tuple

from actions.backend_client import BackendClient
from actions.conversation import Utterance
from actions.messages import labels, load_data
from actions.places import place_changes, place_in

CONTACT_PREFERENCES = ("chat", "phone", "anonymous")
# A category intent this sure, with no place in the text, changes the category.
CATEGORY_CHANGE_CONFIDENCE = 0.7


def contact_in(utterance: Utterance) -> Optional[Tuple[str, Optional[str]]]:
    """(preference, phone) the message asks for, or None when it says nothing about contact."""
    phone = utterance.phone()
    if phone:
        return "phone", phone
    value = utterance.entity("contact")
    if value in CONTACT_PREFERENCES:
        return value, None
    words = load_data("lexicon")["contact_words"]
    for preference in ("anonymous", "phone", "chat"):
        if any(word in utterance.free_text for word in words[preference]):
            return preference, None
    return None


def slots_of_field(field: str) -> List[str]:
    """The slots a read-back field stands for (labels.yml: modify_fields)."""
    return list(labels()["modify_fields"][field]["slots"])


def modify_field_in(utterance: Utterance) -> Optional[str]:
    """The field the citizen wants to change (a button's entity, or a word like 地址)."""
    fields = labels()["modify_fields"]
    value = utterance.entity("modify_field")
    if value in fields:
        return value
    typed = utterance.free_text
    if not typed:
        return None
    for field, words in labels()["modify_words"].items():
        if any(word in typed for word in words):
            return str(field)
    return None


def description_change(utterance: Utterance, values: Dict[str, Any]) -> Dict[str, Any]:
    """“补充：…” adds to the description; “描述改成…” replaces it."""
    typed = utterance.free_text
    lexicon = load_data("lexicon")
    for prefix in lexicon["description_replace"]:
        if typed.startswith(prefix):
            new = typed[len(prefix) :].lstrip("：:，, ")
            return {"description": new} if new else {}
    for prefix in lexicon["description_append"]:
        if typed.startswith(prefix):
            extra = typed[len(prefix) :].lstrip("：:，, ")
            if extra:
                return {"description": f"{values.get('description') or ''}\n补充：{extra}".strip()}
    return {}


async def find_corrections(
    *, client: BackendClient, utterance: Utterance, values: Dict[str, Any]
) -> Dict[str, Any]:
    """Slot changes a free-text correction asks for ({} when it asks for none)."""
    if utterance.is_payload and not utterance.entities:
        return {}
    changes = description_change(utterance, values)
    if changes:
        return changes
    if values.get("request_type") != "inquiry":
        changes.update(place_changes(values, await place_in(client, utterance)))
    contact = contact_in(utterance)
    if contact and (contact[0], contact[1]) != (
        values.get("contact_preference"),
        values.get("phone"),
    ):
        changes["contact_preference"], changes["phone"] = contact
    category = utterance.category
    if (
        not changes
        and category
        and category != values.get("service_code")
        and utterance.confidence >= CATEGORY_CHANGE_CONFIDENCE
    ):
        changes["service_code"] = category
    return changes
