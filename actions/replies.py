"""What kind of reply a short message is (确认, 否认, 取消, 修改, 不知道, 问候, 提问), not data.

A free-text slot (description, address, phone) must never take "对的，提交吧" or "不知道" as
its value. The NLU intent alone is not enough (short answers are often misclassified), so a
message is also matched against the phrases of lexicon.yml: when it is made only of reply
phrases and fillers, it is a reply of that kind whatever the intent says.
"""

import re
from functools import lru_cache
from typing import Dict, List, Optional, Tuple

from actions.conversation import Utterance
from actions.messages import load_data

# Kinds in priority order: "好的，不知道" does not know; "不对，取消" cancels.
REPLY_KINDS = ("cancel", "modify", "deny", "dont_know", "affirm", "greet")
# NLU intents that mean a reply kind, trusted on short texts (no entities) at this confidence.
INTENT_KINDS = {"affirm": "affirm", "deny": "deny", "cancel": "cancel", "greet": "greet"}
INTENT_CONFIDENCE = 0.8
SHORT_REPLY_CHARS = 6
QUESTION_INTENTS = frozenset({"faq", "inquiry"})
QUESTION_CONFIDENCE = 0.6
PLACE_ENTITIES = frozenset({"district", "street", "community", "road", "landmark", "address"})
_PUNCTUATION = re.compile(r"[\s,.!?;:~…，。！？；：、～“”\"'（）()【】\[\]-]+")
_QUESTION_MARK = re.compile(r"[?？]\s*$")


def normalised(text: str) -> str:
    """Lower case, without punctuation or spaces (between CJK words spaces mean nothing)."""
    return _PUNCTUATION.sub(" ", text.lower()).strip()


@lru_cache
def _phrases() -> Tuple[List[Tuple[str, str]], List[str], List[str]]:
    """(phrase, kind) longest first; fillers longest first; question phrases longest first."""
    lexicon = load_data("lexicon")
    pairs: List[Tuple[str, str]] = []
    for kind in REPLY_KINDS:
        pairs += [(normalised(str(p)), kind) for p in lexicon["reply_phrases"][kind]]
    pairs.sort(key=lambda pair: len(pair[0]), reverse=True)
    fillers = sorted((normalised(str(f)) for f in lexicon["reply_fillers"]), key=len, reverse=True)
    questions = sorted(
        (normalised(str(q)) for q in lexicon["question_phrases"]), key=len, reverse=True
    )
    return pairs, fillers, questions


def _consume(text: str, phrases: List[Tuple[str, str]], fillers: List[str]) -> Optional[List[str]]:
    """The kinds of the phrases that make up `text` entirely, or None when something is left.

    Greedy, longest phrase first, at the start of what is left; spaces separate words.
    """
    kinds: List[str] = []
    rest = text
    while rest:
        rest = rest.lstrip()
        if not rest:
            break
        for phrase, kind in phrases:
            if rest.startswith(phrase) and _word_ends(rest, len(phrase)):
                kinds.append(kind)
                rest = rest[len(phrase) :]
                break
        else:
            filler = next(
                (f for f in fillers if rest.startswith(f) and _word_ends(rest, len(f))), None
            )
            if filler is None:
                return None
            rest = rest[len(filler) :]
    return kinds


def _word_ends(text: str, end: int) -> bool:
    """Does a phrase ending at `end` end a word? (Latin words must not be cut: "no" ≠ "now".)"""
    if end >= len(text) or not text[end - 1].isascii():
        return True
    return not (text[end].isascii() and text[end].isalnum())


def lexicon_kind(text: str) -> Optional[str]:
    """The reply kind of a message made only of reply phrases and fillers, else None."""
    phrases, fillers, _ = _phrases()
    kinds = _consume(normalised(text), phrases, fillers)
    if not kinds:
        return None
    return next(kind for kind in REPLY_KINDS if kind in kinds)


@lru_cache
def _confirm_phrases() -> Tuple[List[Tuple[str, str]], List[str]]:
    """The reply phrases plus lexicon.yml's confirm_phrases (as affirm), and the fillers plus
    confirm_fillers: what a confirmation at the read-back may be made of."""
    pairs, fillers, _ = _phrases()
    lexicon = load_data("lexicon")
    pairs = pairs + [(normalised(str(p)), "affirm") for p in lexicon["confirm_phrases"]]
    fillers = fillers + [normalised(str(f)) for f in lexicon["confirm_fillers"]]
    return (
        sorted(pairs, key=lambda pair: len(pair[0]), reverse=True),
        sorted(fillers, key=len, reverse=True),
    )


def confirms(utterance: Utterance) -> bool:
    """Does a message that corrects nothing confirm the read-back? ("是的就这样帮我报上去",
    "Yes, that is all correct", "没啥要改的，直接报吧")

    Yes when it is made only of affirmations, "as it is" words and fillers, or when NLU is
    sure it is an affirmation and found nothing in it (no entities, no phone number).
    The caller has already looked for corrections.
    """
    if utterance.is_payload:
        return utterance.intent == "affirm"
    phrases, fillers = _confirm_phrases()
    kinds = _consume(normalised(utterance.text), phrases, fillers)
    if kinds:
        return "affirm" in kinds and not {"cancel", "deny", "modify"} & set(kinds)
    text = normalised(utterance.text)
    objecting = any(
        kind in ("cancel", "modify") or (kind == "deny" and len(phrase) > 1)
        for phrase, kind in phrases
        if phrase in text
    )
    return (
        utterance.intent == "affirm"
        and utterance.confidence >= INTENT_CONFIDENCE
        and not utterance.entities
        and utterance.phone() is None
        and not objecting
    )


@lru_cache
def _acknowledgement_phrases() -> List[Tuple[str, str]]:
    """The confirm phrases plus lexicon.yml's acknowledgements (as affirm), longest first."""
    pairs, _ = _confirm_phrases()
    extra = [(normalised(str(p)), "affirm") for p in load_data("lexicon")["acknowledgements"]]
    return sorted(pairs + extra, key=lambda pair: len(pair[0]), reverse=True)


def acknowledges(utterance: Utterance) -> bool:
    """Is a typed message only an acknowledgement ("好的", "收到", "好，报吧", "ok thanks",
    "谢谢")? Outside a report it asks for nothing and is no misunderstanding."""
    if utterance.is_payload or not any(ch.isalnum() for ch in utterance.text):
        return False
    _, fillers = _confirm_phrases()
    kinds = _consume(normalised(utterance.text), _acknowledgement_phrases(), fillers)
    return kinds is not None and set(kinds) <= {"affirm"}


def starts_dont_know(utterance: Utterance) -> bool:
    """Does a typed answer start with "I don't know" and name no place or phone number?
    ("就这些了，没别的", "I don't know the exact address")"""
    if utterance.is_payload or not utterance.text or utterance.phone() is not None:
        return False
    if any(entity.get("entity") in PLACE_ENTITIES for entity in utterance.entities):
        return False
    phrases, fillers, _ = _phrases()
    dont_know = [phrase for phrase, kind in phrases if kind == "dont_know"]
    rest = normalised(utterance.text)
    while rest:
        if any(rest.startswith(p) and _word_ends(rest, len(p)) for p in dont_know):
            return True
        filler = next((f for f in fillers if rest.startswith(f) and _word_ends(rest, len(f))), None)
        if filler is None:
            return False
        rest = rest[len(filler) :].lstrip()
    return False


def reply_kind(utterance: Utterance) -> Optional[str]:
    """cancel / deny / dont_know / affirm / greet when the message is such a reply, else None.

    A button's payload says it outright; typed text is matched against the lexicon, and the
    NLU intent is trusted only on a short text in which NLU found nothing (no entities).
    """
    if utterance.is_payload:
        return INTENT_KINDS.get(utterance.intent or "") if not utterance.entities else None
    kind = lexicon_kind(utterance.text)
    if kind:
        return kind
    content = "".join(ch for ch in utterance.text if ch.isalnum())
    if (
        utterance.intent in INTENT_KINDS
        and utterance.confidence >= INTENT_CONFIDENCE
        and not utterance.entities
        and len(content) <= SHORT_REPLY_CHARS
        and utterance.phone() is None
    ):
        return INTENT_KINDS[utterance.intent]
    return None


# Offer answers: the button payloads, and what each reply kind means for the offer.
OFFER_PAYLOADS = {"follow_ticket": "follow", "file_new": "new", "affirm": "follow", "deny": "new"}
OFFER_KINDS = {"affirm": "follow", "deny": "new", "dont_know": "new"}


@lru_cache
def _offer_phrases() -> List[Tuple[str, str]]:
    """The reply phrases and lexicon.yml's offer_phrases (follow / new), longest first."""
    pairs, _, _ = _phrases()
    offer = load_data("lexicon")["offer_phrases"]
    pairs = pairs + [(normalised(str(p)), kind) for kind in ("follow", "new") for p in offer[kind]]
    return sorted(pairs, key=lambda pair: len(pair[0]), reverse=True)


def offer_reply(utterance: Utterance) -> Optional[str]:
    """follow or new when the message answers the offer of a similar ticket, else None.

    A "no"/"new" anywhere files a new one ("不用关注", "好的，新建一个"): following is what
    the citizen must clearly want.
    """
    if utterance.is_payload:
        return OFFER_PAYLOADS.get(utterance.intent or "")
    _, fillers, _ = _phrases()
    kinds = _consume(normalised(utterance.text), _offer_phrases(), fillers)
    if kinds:
        meant = {OFFER_KINDS.get(kind, kind) for kind in kinds}
        for choice in ("new", "follow"):
            if choice in meant:
                return choice
        return None
    return OFFER_KINDS.get(reply_kind(utterance) or "")


def is_question(utterance: Utterance) -> bool:
    """Is the message a question to the bot rather than an answer? ("要多久？", "你是谁")"""
    if utterance.is_payload or not utterance.text:
        return False
    _, fillers, questions = _phrases()
    if _consume(normalised(utterance.text), [(q, "question") for q in questions], fillers):
        return True
    if utterance.intent not in QUESTION_INTENTS or utterance.confidence < QUESTION_CONFIDENCE:
        return False
    if any(entity.get("entity") in PLACE_ENTITIES for entity in utterance.entities):
        return False  # "在福田区哪里？" answers where, whatever the intent
    lowered = utterance.text.lower()
    words = load_data("lexicon")["question_words"]
    return bool(_QUESTION_MARK.search(utterance.text)) or any(
        str(word) in lowered for word in words
    )


def asks_where_a_place_is_due(utterance: Utterance) -> bool:
    """At "where exactly?", a message that ends in a question mark and names no place is a
    question ("我反映这个事，邻居会知道是我说的吗？"), whatever the NLU makes of it: the
    address never takes it."""
    if utterance.is_payload or not _QUESTION_MARK.search(utterance.text or ""):
        return False
    return not any(entity.get("entity") in PLACE_ENTITIES for entity in utterance.entities)


def kinds_by_phrase() -> Dict[str, str]:
    """Every reply phrase with its kind (for tests and the data check)."""
    phrases, _, _ = _phrases()
    return dict(phrases)
