"""The inbox of real messages for the admins' NLU review.

Inbound citizen messages with what the NLU made of them, minus those sent while an operator
held the chat (the bot never answered them), those already in the training data and those an
admin already decided on; identical and near-identical texts collapsed with a count; the most
useful to review first.
"""

import hashlib
import math
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from rapidfuzz import fuzz, process
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.nluloop.config import loop_config
from backend.nluloop.training_data import Example, fold
from backend.privacy.masking import mask_personal_data
from storage.models import (
    Conversation,
    Message,
    MessageDirection,
    MessageRole,
    NluCorrection,
    NluInboxDecision,
    TicketEvent,
    TicketState,
)

# the key a held chat's message carries in its `nlu` (backend/handoff/relay.py)
HELD_KEY = "while_held"
RETURN_ACTIONS = {"correct", "return"}


@dataclass(frozen=True)
class InboxFilter:
    """What the admin asks for; every flag set must hold."""

    low_confidence: bool = False
    fallback: bool = False
    corrected: bool = False
    rerouted: bool = False
    intent: str | None = None
    since: datetime | None = None
    until: datetime | None = None


@dataclass
class InboxItem:
    """A message (the group's first) and how many near-identical ones it stands for."""

    id: int
    text: str
    intent: str | None
    confidence: float
    entities: list[dict[str, Any]]
    count: int = 1
    corrected: bool = False
    rerouted: bool = False
    corrected_intent: str | None = None
    score: float = 0.0
    folded: str = field(default="", repr=False)


def masked_fold(text: str) -> str:
    """The form inbox texts are compared and decisions kept in: masked, then folded."""
    return fold(mask_personal_data(text))


def inbox(
    *,
    session: Session,
    examples: list[Example],
    wanted: InboxFilter,
    show_personal_data: bool,
    limit: int = 50,
) -> list[InboxItem]:
    """The inbox, most useful first; texts masked unless `show_personal_data` (admins)."""
    config = loop_config()
    items = _candidates(session=session, wanted=wanted, scan=config.inbox_scan_limit)
    decided = list(session.scalars(select(NluInboxDecision.text)))
    trained = [fold(e.text) for e in examples]
    trained_set = set(trained)
    kept = []
    for item in items:
        if item.folded in trained_set:
            continue
        if _near(item.folded, trained, config.near_duplicate_ratio) or _near(
            item.folded, decided, config.near_duplicate_ratio
        ):
            continue
        kept.append(item)
    groups = _collapse(kept, ratio=config.near_duplicate_ratio)
    for item in groups:
        item.score = _usefulness(item, low=config.low_confidence, fallback=config.fallback_intent)
        if not show_personal_data:
            item.text = mask_personal_data(item.text)
    groups.sort(key=lambda item: (-item.score, -item.id))
    return groups[:limit]


def _near(text: str, texts: list[str], ratio: float) -> bool:
    return (
        bool(texts)
        and process.extractOne(text, texts, scorer=fuzz.ratio, score_cutoff=ratio) is not None
    )


def _candidates(*, session: Session, wanted: InboxFilter, scan: int) -> list[InboxItem]:
    query = (
        select(Message, Conversation.ticket_id)
        .join(Conversation, Message.conversation_id == Conversation.id)
        .where(Message.direction == MessageDirection.inbound)
        .where(Message.role == MessageRole.citizen)
        .where(Message.nlu.is_not(None))
        .order_by(Message.id.desc())
        .limit(scan)
    )
    if wanted.since:
        query = query.where(Message.at >= wanted.since)
    if wanted.until:
        query = query.where(Message.at < wanted.until)
    rows = session.execute(query).all()
    corrections = _corrections(session=session, message_ids=[m.id for m, _ in rows])
    returned = _returned_tickets(session=session, ticket_ids={t for _, t in rows if t})
    config = loop_config()
    items = []
    for message, ticket_id in rows:
        nlu = message.nlu or {}
        if nlu.get(HELD_KEY) or not message.text.strip():
            continue
        intent, confidence = _intent_of(nlu)
        item = InboxItem(
            id=message.id,
            text=message.text,
            intent=intent,
            confidence=confidence,
            entities=_entities(nlu),
            corrected=message.id in corrections,
            corrected_intent=corrections.get(message.id),
            rerouted=ticket_id in returned,
            folded=masked_fold(message.text),
        )
        if _matches(item, wanted, low=config.low_confidence, fallback=config.fallback_intent):
            items.append(item)
    return items


def _intent_of(nlu: dict[str, Any]) -> tuple[str | None, float]:
    """Intent and confidence as the bot stores them (bot/pipeline.py: flat), or as Rasa parses
    them (`{"intent": {"name", "confidence"}}`)."""
    intent = nlu.get("intent")
    if isinstance(intent, dict):
        return intent.get("name"), float(intent.get("confidence") or 0.0)
    return (str(intent) if intent else None), float(nlu.get("confidence") or 0.0)


def _entities(nlu: dict[str, Any]) -> list[dict[str, Any]]:
    """The predicted spans as an example can take them (the console's form starts from them):
    each once, though several extractors found it, and none overlapping, the longer kept."""
    keys = ("start", "end", "entity", "value")
    spans = [
        {key: entity.get(key) for key in keys}
        for entity in nlu.get("entities") or []
        if isinstance(entity, dict)
        and isinstance(entity.get("start"), int)
        and isinstance(entity.get("end"), int)
    ]
    kept: list[dict[str, Any]] = []
    for span in sorted(spans, key=lambda e: (e["start"] - e["end"], e["start"])):
        if all(span["end"] <= k["start"] or span["start"] >= k["end"] for k in kept):
            kept.append(span)
    return sorted(kept, key=lambda e: e["start"])


def _matches(item: InboxItem, wanted: InboxFilter, *, low: float, fallback: str) -> bool:
    return not (
        (wanted.low_confidence and item.confidence >= low)
        or (wanted.fallback and item.intent != fallback)
        or (wanted.corrected and not item.corrected)
        or (wanted.rerouted and not item.rerouted)
        or (wanted.intent and item.intent != wanted.intent)
    )


def _corrections(*, session: Session, message_ids: list[int]) -> dict[int, str | None]:
    found: dict[int, str | None] = {}
    for start in range(0, len(message_ids), 500):
        chunk = message_ids[start : start + 500]
        rows = session.execute(
            select(NluCorrection.message_id, NluCorrection.corrected_intent).where(
                NluCorrection.message_id.in_(chunk)
            )
        )
        found.update({message_id: intent for message_id, intent in rows if message_id})
    return found


def _returned_tickets(*, session: Session, ticket_ids: set[int]) -> set[int]:
    """Tickets a department returned or an operator re-routed: the NLU was likely wrong."""
    if not ticket_ids:
        return set()
    ids = sorted(ticket_ids)
    found: set[int] = set()
    for start in range(0, len(ids), 500):
        rows = session.scalars(
            select(TicketEvent.ticket_id).where(
                TicketEvent.ticket_id.in_(ids[start : start + 500]),
                (TicketEvent.to_state == TicketState.returned)
                | TicketEvent.action.in_(RETURN_ACTIONS),
            )
        )
        found.update(rows)
    return found


def _collapse(items: list[InboxItem], *, ratio: float) -> list[InboxItem]:
    """Greedy grouping, newest first: a text joins the first group it is near-identical to."""
    groups: list[InboxItem] = []
    by_text: dict[str, InboxItem] = {}
    for item in items:
        group = by_text.get(item.folded)
        if group is None and groups:
            match = process.extractOne(
                item.folded, [g.folded for g in groups], scorer=fuzz.ratio, score_cutoff=ratio
            )
            group = groups[match[2]] if match else None
        if group is None:
            groups.append(item)
            by_text[item.folded] = item
            continue
        group.count += 1
        group.corrected = group.corrected or item.corrected
        group.corrected_intent = group.corrected_intent or item.corrected_intent
        group.rerouted = group.rerouted or item.rerouted
        group.confidence = min(group.confidence, item.confidence)
    return groups


def _usefulness(item: InboxItem, *, low: float, fallback: str) -> float:
    """Signs the NLU was wrong (an operator's correction, a returned ticket, the fallback, low
    confidence), weighted by how often the text came."""
    signal = 1.0 - item.confidence
    signal += 3.0 if item.corrected else 0.0
    signal += 2.0 if item.rerouted else 0.0
    signal += 1.0 if item.intent == fallback else 0.0
    signal += 0.5 if item.confidence < low else 0.0
    return signal * (1.0 + math.log(item.count))


def decide(*, session: Session, text: str, decision: str, staff_id: str) -> None:
    """Leave this text and its near-identical twins out of the inbox from now on."""
    folded = masked_fold(text)
    key = hashlib.sha256(folded.encode()).hexdigest()
    if session.scalar(select(NluInboxDecision.id).where(NluInboxDecision.text_key == key)):
        return
    session.add(NluInboxDecision(text_key=key, text=folded, decision=decision, staff_id=staff_id))
    session.flush()
