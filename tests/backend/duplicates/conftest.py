"""Streetlight reports in 福田区华强北街道, filed through the real ticket service."""

from sqlalchemy.orm import Session

from backend.auth.actor import Actor
from backend.duplicates.matching import Report
from backend.tickets.drafts import TicketDraft
from backend.tickets.service import create_ticket
from storage.models import Channel, Ticket

LIGHT = "华强北路那边的路灯坏了好几天了，晚上一片黑"


def file_light(
    session: Session,
    *,
    chat_id: str | None = "3001",
    description: str = LIGHT,
    service_code: str = "streetlight",
    street: str = "华强北街道",
    lat: float | None = None,
    lon: float | None = None,
) -> Ticket:
    """A dispatched streetlight ticket from a Telegram chat."""
    draft = TicketDraft(
        service_code=service_code,
        description=description,
        district="福田区",
        street=street,
        lat=lat,
        lon=lon,
        channel=Channel.telegram if chat_id else None,
        chat_id=chat_id,
    )
    return create_ticket(session=session, draft=draft, actor=Actor.citizen()).ticket


def light_report(**changes: object) -> Report:
    """What a second citizen is about to file about the same light."""
    fields: dict[str, object] = {
        "service_code": "streetlight",
        "description": "华强北的路灯一直不亮，晚上很黑",
        "district": "福田区",
        "street": "华强北街道",
    }
    fields.update(changes)
    return Report(**fields)  # type: ignore[arg-type]
