"""Routing rules (派单规则): (service, district, street) → department; NULL matches anything."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.models.base import Base, utcnow
from storage.models.departments import Department


class RoutingRule(Base):
    """One rule; the most specific matching rule wins, then the highest priority."""

    __tablename__ = "routing_rules"
    __table_args__ = (
        CheckConstraint("street IS NULL OR district IS NOT NULL", name="street_needs_district"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    service_code: Mapped[str | None] = mapped_column(
        ForeignKey("service_categories.service_code"), index=True
    )
    district: Mapped[str | None] = mapped_column(String(32))
    street: Mapped[str | None] = mapped_column(String(32))
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), index=True)
    priority: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)
    seed_key: Mapped[str | None] = mapped_column(String(160), unique=True)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    department: Mapped[Department] = relationship()
