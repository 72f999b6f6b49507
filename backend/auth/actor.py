"""`Actor`: who does something to a ticket, and what they may see and do."""

from dataclasses import dataclass

from storage.models import ActorKind, StaffRole


@dataclass(frozen=True)
class ChatRef:
    """One chat on one channel (a Telegram chat, a web chat session), as the bot names it."""

    channel: str
    chat_id: str

    @property
    def label(self) -> str:
        """The chat as "telegram:1001", in explanations and ratings."""
        return f"{self.channel}:{self.chat_id}"


@dataclass(frozen=True)
class Actor:
    """A staff member, the citizen (through the bot), an Open311 client or the system itself.

    A citizen actor with a `chat` speaks from that chat; without one it is the bot acting for
    nobody in particular (it may file tickets and look places up, not read a ticket).
    """

    kind: ActorKind
    id: str | None = None
    role: StaffRole | None = None
    department_id: int | None = None
    chat: ChatRef | None = None

    @classmethod
    def system(cls) -> "Actor":
        """The platform acting on its own (timers, automatic reopen/close)."""
        return cls(kind=ActorKind.system, id="system")

    @classmethod
    def citizen(cls, *, chat: ChatRef | None = None) -> "Actor":
        """The citizen, speaking through the bot or the web chat from `chat`."""
        return cls(kind=ActorKind.citizen, id=chat.label if chat else None, chat=chat)

    @property
    def is_staff(self) -> bool:
        return self.kind == ActorKind.staff

    @property
    def is_admin(self) -> bool:
        return self.is_staff and self.role == StaffRole.admin

    @property
    def is_department_staff(self) -> bool:
        return self.is_staff and self.role == StaffRole.department

    @property
    def sees_all_tickets(self) -> bool:
        """Admins, operators and the system see every ticket; department staff only theirs."""
        return self.kind == ActorKind.system or (
            self.is_staff and self.role in (StaffRole.admin, StaffRole.operator)
        )

    @property
    def label(self) -> str:
        """How the actor is named in explanations, e.g. "staff:wang"."""
        return f"{self.kind}:{self.id}" if self.id else str(self.kind)
