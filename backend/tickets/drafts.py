"""What a caller hands in to create a ticket (validated upstream by the API schemas)."""

from dataclasses import dataclass, field

from storage.models import Channel, ContactPreference, RequestType, TicketSource


@dataclass(frozen=True)
class MediaDraft:
    """An attachment: a channel file id (Telegram) or a URL."""

    file_id: str | None = None
    url: str | None = None
    kind: str = "photo"


@dataclass(frozen=True)
class TicketDraft:
    """A new ticket as the citizen described it."""

    service_code: str
    description: str
    request_type: RequestType = RequestType.complaint
    district: str | None = None
    street: str | None = None
    community: str | None = None
    address: str | None = None
    lat: float | None = None
    lon: float | None = None
    urgent: bool = False
    contact_preference: ContactPreference = ContactPreference.chat
    phone: str | None = None
    channel: Channel | None = None
    chat_id: str | None = None
    media: tuple[MediaDraft, ...] = field(default_factory=tuple)
    source: TicketSource = TicketSource.api
    # The caller tells the citizen the number, department and time limit in its own answer
    # (the chat's filing message): the dispatch at creation is then not pushed a second time.
    caller_announces: bool = False
