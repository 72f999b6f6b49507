"""Ratings (评价) citizens give a resolved ticket: one per following chat per handling round."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, utcnow


class Rating(Base):
    """1 不满意 / 2 基本满意 / 3 满意, optional aspect scores and a comment."""

    __tablename__ = "ratings"
    __table_args__ = (
        UniqueConstraint(
            "ticket_id", "round", "channel_identity_id", name="uq_ratings_ticket_round_identity"
        ),
        CheckConstraint("score BETWEEN 1 AND 3", name="score_range"),
        CheckConstraint("speed IS NULL OR speed BETWEEN 1 AND 3", name="speed_range"),
        CheckConstraint("result IS NULL OR result BETWEEN 1 AND 3", name="result_range"),
        CheckConstraint("attitude IS NULL OR attitude BETWEEN 1 AND 3", name="attitude_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    round: Mapped[int] = mapped_column()
    score: Mapped[int] = mapped_column()
    speed: Mapped[int | None] = mapped_column()
    result: Mapped[int | None] = mapped_column()
    attitude: Mapped[int | None] = mapped_column()
    comment: Mapped[str | None] = mapped_column(Text)
    channel_identity_id: Mapped[int | None] = mapped_column(ForeignKey("channel_identities.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
