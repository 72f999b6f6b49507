"""Departments (承办单位) that handle tickets, with their supervising parent for escalation."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.models.base import Base, utcnow
from storage.models.enums import DepartmentLevel, check_in


class Department(Base):
    """A city bureau, district bureau or street office; `parent` supervises it (督办)."""

    __tablename__ = "departments"
    __table_args__ = (CheckConstraint(check_in("level", DepartmentLevel), name="level"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(128), unique=True)
    name: Mapped[str] = mapped_column(String(128), unique=True)
    level: Mapped[str] = mapped_column(String(16))
    district: Mapped[str | None] = mapped_column(String(32))
    street: Mapped[str | None] = mapped_column(String(32))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"), index=True)
    phone: Mapped[str | None] = mapped_column(String(32))
    active: Mapped[bool] = mapped_column(default=True)
    # a Telegram chat told about this department's reminders and escalations (optional)
    telegram_chat_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    parent: Mapped["Department | None"] = relationship(remote_side=[id])
