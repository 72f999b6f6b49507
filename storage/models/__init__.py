"""All mapped classes; importing this package registers every table on `Base.metadata`."""

from storage.models.base import Base, utcnow
from storage.models.canned import CannedReply
from storage.models.catalogue import ServiceCategory
from storage.models.channels import ChatUpload, HeldMessage, OutboundMessage, TelegramUpdate
from storage.models.citizens import ChannelIdentity, Citizen
from storage.models.clusters import ClusterMember, ClusterRun, TicketCluster
from storage.models.conversations import Conversation, Message, NluCorrection
from storage.models.deadlines import AlertKind, Deadline, DeadlineAlert
from storage.models.departments import Department
from storage.models.enums import (
    ActorKind,
    Channel,
    ContactPreference,
    ConversationState,
    DepartmentLevel,
    HandoffReason,
    Language,
    MessageDirection,
    MessageRole,
    OutboxStatus,
    RequestType,
    StaffRole,
    SubscriberRole,
    TicketSource,
    TicketState,
)
from storage.models.nlu_models import NluInboxDecision, NluModel, NluTraining
from storage.models.outbox import OutboxEvent
from storage.models.ratings import Rating
from storage.models.routing import RoutingRule
from storage.models.staff import ApiToken, Open311ApiKey, StaffUser
from storage.models.stats import (
    StatsCount,
    StatsDirtyDay,
    StatsHandling,
    StatsHistogram,
    StatsRollupDay,
    StatsRollupMonth,
)
from storage.models.tickets import (
    Ticket,
    TicketCounter,
    TicketEvent,
    TicketMedia,
    TicketSubscriber,
)

__all__ = [
    "ActorKind",
    "AlertKind",
    "ApiToken",
    "Base",
    "CannedReply",
    "Channel",
    "ChannelIdentity",
    "ChatUpload",
    "Citizen",
    "ClusterMember",
    "ClusterRun",
    "ContactPreference",
    "Conversation",
    "ConversationState",
    "Deadline",
    "DeadlineAlert",
    "Department",
    "DepartmentLevel",
    "HandoffReason",
    "HeldMessage",
    "Language",
    "Message",
    "MessageDirection",
    "MessageRole",
    "NluCorrection",
    "NluInboxDecision",
    "NluModel",
    "NluTraining",
    "Open311ApiKey",
    "OutboundMessage",
    "OutboxEvent",
    "OutboxStatus",
    "Rating",
    "RequestType",
    "RoutingRule",
    "ServiceCategory",
    "StaffRole",
    "StaffUser",
    "StatsCount",
    "StatsDirtyDay",
    "StatsHandling",
    "StatsHistogram",
    "StatsRollupDay",
    "StatsRollupMonth",
    "SubscriberRole",
    "TelegramUpdate",
    "Ticket",
    "TicketCluster",
    "TicketCounter",
    "TicketEvent",
    "TicketMedia",
    "TicketSource",
    "TicketState",
    "TicketSubscriber",
    "utcnow",
]
