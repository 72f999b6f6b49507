"""`Actor`: who does something to a ticket, and what they may see and do."""

from dataclasses import dataclass

from storage.models import ActorKind, StaffRole, Ticket


@dataclass(frozen=True)
class Actor:
    """A staff member, the citizen (through the bot), an Open311 client or the system itself."""

    kind: ActorKind
    id: str | None = None
    role: StaffRole | None = None
    department_id: int | None = None

    @classmethod
    def system(cls) -> "Actor":
        """The platform acting on its own (timers, automatic reopen/close)."""
        return cls(kind=ActorKind.system, id="system")

    @classmethod
    def citizen(cls, *, id: str | None = None) -> "Actor":
        """The citizen, speaking through the bot or the web chat."""
        return cls(kind=ActorKind.citizen, id=id)

    @property
    def is_staff(self) -> bool:
        return self.kind == ActorKind.staff

    @property
    def is_admin(self) -> bool:
        return self.is_staff and self.role == StaffRole.admin

    @property
    def sees_all_tickets(self) -> bool:
        """Admins, operators and the system see every ticket; department staff only theirs."""
        return self.kind == ActorKind.system or (
            self.is_staff and self.role in (StaffRole.admin, StaffRole.operator)
        )

    def may_see(self, ticket: Ticket) -> bool:
        """Department staff see only their department's tickets; other actors are not staff."""
        if self.is_staff and self.role == StaffRole.department:
            return ticket.department_id is not None and ticket.department_id == self.department_id
        return True

    @property
    def label(self) -> str:
        """How the actor is named in explanations, e.g. "staff:wang"."""
        return f"{self.kind}:{self.id}" if self.id else str(self.kind)
