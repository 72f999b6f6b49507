"""Service categories (诉求类别): the catalogue the admin can edit."""

from datetime import datetime

from sqlalchemy import CheckConstraint, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, utcnow
from storage.models.enums import DepartmentLevel, check_in


class ServiceCategory(Base):
    """One kind of demand, its default responsible level and time limits in hours."""

    __tablename__ = "service_categories"
    __table_args__ = (
        CheckConstraint(check_in("default_level", DepartmentLevel), name="default_level"),
        CheckConstraint("time_limit_hours > 0", name="time_limit_positive"),
        CheckConstraint("urgent_time_limit_hours > 0", name="urgent_time_limit_positive"),
    )

    service_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(64))
    name_en: Mapped[str] = mapped_column(String(128))
    description: Mapped[str] = mapped_column(Text, default="")
    group: Mapped[str] = mapped_column(String(64), default="")
    default_level: Mapped[str] = mapped_column(String(16))
    time_limit_hours: Mapped[int] = mapped_column()
    urgent_time_limit_hours: Mapped[int] = mapped_column()
    sort_order: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
