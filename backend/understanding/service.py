"""`understand`: one text through Rasa NLU and the place resolver."""

import logging
from dataclasses import asdict, dataclass, field
from typing import Any

from backend.errors import Unavailable
from backend.rasa.client import RasaClient, RasaUnavailable
from backend.understanding.acts import act_of
from backend.understanding.location import resolve_location

log = logging.getLogger(__name__)

_ENTITY_FIELDS = ("entity", "value", "start", "end", "confidence_entity", "extractor")


@dataclass(frozen=True)
class Understanding:
    """What a text means: the act, the NLU intent and its confidence, the category (for a
    report), the place, and the entities NLU found."""

    act: str
    intent: str | None
    confidence: float
    service_code: str | None
    location: dict[str, str | None]
    entities: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _entities(parse: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {key: entity[key] for key in _ENTITY_FIELDS if key in entity}
        for entity in parse.get("entities") or []
    ]


def understanding_of(*, text: str, parse: dict[str, Any]) -> Understanding:
    """What `text` means given Rasa's parse of it (pure: no I/O beyond the gazetteer)."""
    intent = parse.get("intent") or {}
    name = intent.get("name")
    act = act_of(name)
    entities = _entities(parse)
    return Understanding(
        act=act,
        intent=name,
        confidence=float(intent.get("confidence") or 0.0),
        service_code=name if act == "report" else None,
        location=resolve_location(text=text, entities=entities),
        entities=entities,
    )


async def understand(*, rasa: RasaClient, text: str) -> Understanding:
    """Parse `text`; `Unavailable` when Rasa does not answer."""
    try:
        parse = await rasa.parse(text=text)
    except RasaUnavailable as error:
        # Rasa's address is internal: it goes to the log, not to the caller.
        log.warning("understand: %s", error)
        raise Unavailable("the NLU service (Rasa) is not available") from error
    return understanding_of(text=text, parse=parse)
