"""Closed vocabularies stored as short strings (checked by the database, typed in Python)."""

from enum import StrEnum


class Channel(StrEnum):
    """Where a citizen talks to us (渠道)."""

    telegram = "telegram"
    web = "web"


class Language(StrEnum):
    """The language a citizen writes in and is answered in (zh is the default)."""

    zh = "zh"
    en = "en"


class MessageDirection(StrEnum):
    """Whether a message came from the citizen or went to them."""

    inbound = "inbound"
    outbound = "outbound"


class MessageRole(StrEnum):
    """Who speaks in a conversation's transcript."""

    citizen = "citizen"
    bot = "bot"
    operator = "operator"
    system = "system"  # hand-over events and operators' notes, never sent to the citizen


class ConversationState(StrEnum):
    """Who answers the citizen: the bot, nobody yet (waiting for a person), or one operator."""

    bot = "bot"
    waiting = "waiting"
    held = "held"


class HandoffReason(StrEnum):
    """Why a conversation waits for a person (转人工原因)."""

    asked = "asked"  # the citizen asked for a person
    misunderstood = "misunderstood"  # the bot did not understand twice in a row
    urgent = "urgent"  # urgent words (gas, fire, someone hurt)
    angry = "angry"  # angry wording
    operator = "operator"  # an operator stepped in on their own


class DepartmentLevel(StrEnum):
    """The administrative level a department works at (市 / 区 / 街道)."""

    city = "city"
    district = "district"
    street = "street"


class TicketState(StrEnum):
    """The states of a ticket (工单状态)."""

    received = "received"
    dispatched = "dispatched"
    accepted = "accepted"
    resolved = "resolved"
    closed = "closed"
    returned = "returned"
    reopened = "reopened"
    merged = "merged"
    cancelled = "cancelled"


class RequestType(StrEnum):
    """What the citizen wants: complaint 投诉, report 举报, help 求助, inquiry 咨询, …"""

    complaint = "complaint"
    report = "report"
    help = "help"
    inquiry = "inquiry"
    suggestion = "suggestion"
    praise = "praise"


class ContactPreference(StrEnum):
    """How the citizen wants to be contacted back."""

    chat = "chat"
    phone = "phone"
    anonymous = "anonymous"


class TicketSource(StrEnum):
    """The intake a ticket came through."""

    chat = "chat"
    api = "api"
    open311 = "open311"
    proactive = "proactive"  # 未诉先办: opened by a supervisor from a cluster of reports


class SubscriberRole(StrEnum):
    """Why a chat follows a ticket: it filed it, chose to follow it, or its ticket was merged."""

    reporter = "reporter"
    co_reporter = "co_reporter"
    merged = "merged"


class ActorKind(StrEnum):
    """Who did something to a ticket."""

    citizen = "citizen"
    staff = "staff"
    system = "system"
    open311 = "open311"


class OutboxStatus(StrEnum):
    """Delivery state of an outbox event."""

    pending = "pending"
    delivered = "delivered"
    failed = "failed"
    dead = "dead"


class StaffRole(StrEnum):
    """What a staff user may do: everything, every ticket, or their department's tickets."""

    admin = "admin"
    operator = "operator"
    department = "department"


def check_in(column: str, values: type[StrEnum]) -> str:
    """SQL for a CHECK constraint that keeps `column` inside the enum's values."""
    listed = ", ".join(f"'{member.value}'" for member in values)
    return f"{column} IN ({listed})"
