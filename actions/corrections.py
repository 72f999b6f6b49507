"""Free-text corrections (更正), before and after 修改.

For example “不对，是在福田区”, “地点改成福田区华富街道”, “不是路灯，是噪音”, “我要匿名”,
“打电话联系我 139…”, “补充：晚上更吵”, “描述再加一句：…”, “描述改成…”.
"""

from typing import Any, Dict, Iterable, List, Optional, Tuple

from actions.backend_client import BackendClient
from actions.conversation import Utterance
from actions.messages import labels, load_data, text
from actions.places import Place, address_in, place_changes, place_in

CONTACT_PREFERENCES = ("chat", "phone", "anonymous")
# A category intent this sure, with no place in the text, changes the category.
CATEGORY_CHANGE_CONFIDENCE = 0.7
_SEPARATORS = "：:，,。 、"


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


def strip_fillers(typed: str) -> str:
    """The text without leading fillers ("哦不对，", "对了，"): lexicon subject_change_fillers."""
    fillers = sorted(load_data("lexicon")["subject_change_fillers"], key=len, reverse=True)
    rest = typed.strip()
    changed = True
    while changed and rest:
        changed = False
        for filler in fillers:
            if rest.lower().startswith(str(filler).lower()):
                rest = rest[len(str(filler)) :].lstrip()
                changed = True
                break
    return rest


def strip_openings(typed: str, openings: Iterable[str]) -> Optional[str]:
    """What follows one of the openings at the start (fillers aside), or None without one."""
    rest = strip_fillers(typed)
    for opening in sorted((str(o) for o in openings), key=len, reverse=True):
        if rest.lower().startswith(opening.lower()):
            return rest[len(opening) :].strip(_SEPARATORS)
    return None


def description_change(utterance: Utterance, values: Dict[str, Any]) -> Dict[str, Any]:
    """“补充：…”/“描述再加一句：…” adds to the description; “描述改成…” replaces it.

    The text added to is the current description, or the one being changed (after 修改).
    """
    typed = utterance.free_text
    lexicon = load_data("lexicon")
    new = strip_openings(typed, lexicon["description_replace"])
    if new:
        return {"description": new, "description_before": None}
    extra = strip_openings(typed, lexicon["description_append"])
    if extra:
        old = values.get("description") or values.get("description_before") or ""
        added = text("description_added", old=old, value=extra).strip() if old else extra
        return {"description": added, "description_before": None}
    return {}


def category_named_in(typed: str) -> Optional[str]:
    """The category a text names by its label or words (lexicon category_words), else None.

    When several are named, the last one wins ("不是路灯，是噪音" → noise).
    """
    named: List[Tuple[int, str]] = []
    words: Dict[str, List[str]] = {
        code: [name, *load_data("lexicon")["category_words"].get(code, [])]
        for code, name in labels()["categories"].items()
        if code != "other"
    }
    lowered = typed.lower()
    for code, names in words.items():
        positions = [lowered.rfind(str(word).lower()) for word in names]
        best = max(positions)
        if best >= 0:
            named.append((best, code))
    return max(named)[1] if named else None


# Words naming the place as what was wrong ("地点说错了"); 区 and 街道 are left out, being parts
# of place names.
_PLACE_FIELD_WORDS = ("地点", "地址", "位置", "place", "address", "location")


def names_the_place_as_wrong(typed: str) -> bool:
    """Does the text name the place, and not the category, as what was wrong ("地点说错了")?"""
    lowered = typed.lower()
    return any(word in lowered for word in _PLACE_FIELD_WORDS) and not any(
        str(word) in lowered for word in labels()["modify_words"]["category"]
    )


def category_change(utterance: Utterance, values: Dict[str, Any]) -> Optional[str]:
    """The category "不是路灯，是噪音" / "类别改成噪音" asks for, or None."""
    typed = utterance.free_text.lower()
    lexicon = load_data("lexicon")
    if not any(str(cue).lower() in typed for cue in lexicon["category_change_cues"]):
        return None
    markers = lexicon["category_change_markers"]
    cut = max(
        (typed.rfind(str(marker)) + len(str(marker)) for marker in markers if marker in typed),
        default=-1,
    )
    if cut < 0:
        return None
    if names_the_place_as_wrong(typed[:cut]):
        return None  # "地点说错了，其实是车公庙地铁站": the place is corrected, not the category
    # The category the report already has counts too ("应该算排水的问题" for a drainage report
    # confirms it); callers change only a different one.
    return category_named_in(typed[cut:])


def within_known_area(values: Dict[str, Any], place: Place) -> Place:
    """A place that names the district already known but no street refines the place below
    the street: "彩田路口" in 福田区华富街道 keeps 华富街道 (the resolver names only the district
    of a road that crosses several streets)."""
    if place.district and place.district == values.get("district") and not place.street:
        return Place(community=place.community, address=place.address)
    return place


async def place_correction(
    client: BackendClient, utterance: Utterance, values: Dict[str, Any]
) -> Dict[str, Any]:
    """Place changes the message asks for: "地点改成…" is read as an answer to "where?" (the
    citizen's words kept as the address detail); other texts by the place resolver."""
    if values.get("request_type") == "inquiry":
        return {}
    rest = strip_openings(utterance.free_text, load_data("lexicon")["place_change_openings"])
    if rest:
        place = await address_in(client, Utterance(text=rest, entities=utterance.entities))
        place = within_known_area(values, place)
        if place.district or place.street or place.community:
            return settled(values, place_changes(values, place))
        if place.address:
            return place_changes(values, place) if values.get("district") else {}
    place = await place_in(client, utterance)
    if place.address:
        place = within_known_area(values, place)  # "彩田路口" at the read-back keeps 华富街道
    return settled(values, place_changes(values, place))


def settled(values: Dict[str, Any], changes: Dict[str, Any]) -> Dict[str, Any]:
    """A corrected place that names the street (or community) but no detail is the citizen's
    whole answer to "where?": it is read back as said, the address noted as not given, rather
    than asked for again. A district alone is asked about (the street decides who handles it)."""
    merged = {**values, **changes}
    if (
        changes
        and merged.get("address") is None
        and (merged.get("street") or merged.get("community"))
    ):
        return {**changes, "address": text("address_not_given")}
    return changes


# Slots whose answer is a place or a phone number: an answer there is not read as a correction
# of the place ("应该是建安一路" answers "where?").
_PLACE_ANSWERS = ("district", "address", "phone")
# Openings that name the place outright ("地址改成…"), recognised at any other question.
_NAMED_PLACE = ("地点", "地址", "位置")


async def correction_while_asked(
    *, client: BackendClient, utterance: Utterance, values: Dict[str, Any], requested: str
) -> Dict[str, Any]:
    """A correction made while another question is asked ("补充：…", "不是路灯，是噪音",
    "地址改成…"): its changes ({} when the message is just the answer)."""
    if not utterance.free_text or requested in ("confirmed", "modify_field"):
        return {}
    if requested != "description" and values.get("description"):
        changes = description_change(utterance, values)
        if changes:
            return changes
    category = category_change(utterance, values)
    if category and category != values.get("service_code") and requested != "service_code":
        return {"service_code": category}
    openings = [
        str(o)
        for o in load_data("lexicon")["place_change_openings"]
        if str(o).startswith(_NAMED_PLACE)
    ]
    if requested not in _PLACE_ANSWERS and strip_openings(utterance.free_text, openings):
        return await place_correction(client, utterance, values)
    return {}


def repeats_the_place(utterance: Utterance, values: Dict[str, Any]) -> bool:
    """Is the message only the place already in the report ("龙岗区坂田街道华为基地南门" sent
    twice)? Read again as a correction, the resolver could only lose detail."""
    typed = "".join(ch for ch in utterance.free_text if ch.isalnum())
    if not typed or not values.get("address"):
        return False
    for level in ("address", "community", "street", "district"):
        value = "".join(ch for ch in str(values.get(level) or "") if ch.isalnum())
        if value:
            typed = typed.replace(value, "")
    return typed == ""


def repeats_the_report(utterance: Utterance, values: Dict[str, Any]) -> bool:
    """Is the message the report's description sent again (a double tap of the first message)?
    It changes nothing, and is no unclear answer to the read-back."""
    typed = "".join(ch for ch in utterance.free_text if ch.isalnum())
    described = "".join(ch for ch in str(values.get("description") or "") if ch.isalnum())
    return bool(typed) and typed == described


async def find_corrections(
    *, client: BackendClient, utterance: Utterance, values: Dict[str, Any]
) -> Dict[str, Any]:
    """Slot changes a free-text correction asks for ({} when it asks for none)."""
    if utterance.is_payload and not utterance.entities:
        return {}
    changes = description_change(utterance, values)
    if changes:
        return changes
    named = category_change(utterance, values)
    if named and named != values.get("service_code"):
        return {"service_code": named}
    changes.update(await place_correction(client, utterance, values))
    contact = contact_in(utterance)
    if contact and (contact[0], contact[1]) != (
        values.get("contact_preference"),
        values.get("phone"),
    ):
        changes["contact_preference"], changes["phone"] = contact
    if not changes and named:
        # The category it has, named ("不是路灯，是噪音" for a noise report): read back again,
        # whatever NLU makes of the words (路灯 → streetlight).
        return {"service_code": named}
    category = utterance.category
    if (
        not changes
        and category
        and category != values.get("service_code")
        and utterance.confidence >= CATEGORY_CHANGE_CONFIDENCE
    ):
        changes["service_code"] = category
    return changes
