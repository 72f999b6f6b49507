"""The admins' NLU loop: trainings, the models they made (with metrics) and inbox decisions.

One training at a time and one active model are decided in the database: `open_slot` and
`active_slot` are 1 on the single open training / active model and NULL elsewhere, under a
unique index (NULLs never collide, on SQLite and PostgreSQL alike).
"""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, utcnow


class NluModel(Base):
    """A trained model file, who trained it, on which data, and how it scored."""

    __tablename__ = "nlu_models"
    __table_args__ = (UniqueConstraint("active_slot"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    file_name: Mapped[str] = mapped_column(String(255), unique=True)  # under the models dir
    trained_by: Mapped[str] = mapped_column(String(64))
    data_hash: Mapped[str | None] = mapped_column(String(64))
    git_commit: Mapped[str | None] = mapped_column(String(40))
    # intent_macro_f1, entity_f1, per_intent {intent: f1}, predictions [{text, gold, predicted}]
    metrics: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    active_slot: Mapped[int | None] = mapped_column()
    activated_at: Mapped[datetime | None] = mapped_column()
    activated_by: Mapped[str | None] = mapped_column(String(64))
    override_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def active(self) -> bool:
        return self.active_slot == 1


class NluTraining(Base):
    """One background `rasa train`: its state, progress, the end of its log, its model."""

    __tablename__ = "nlu_trainings"
    __table_args__ = (UniqueConstraint("open_slot"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    state: Mapped[str] = mapped_column(String(16), default="queued")
    progress: Mapped[float] = mapped_column(default=0.0)
    log_tail: Mapped[str] = mapped_column(Text, default="")
    open_slot: Mapped[int | None] = mapped_column(default=1)
    requested_by: Mapped[str] = mapped_column(String(64))
    model_id: Mapped[int | None] = mapped_column(ForeignKey("nlu_models.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column()


class NluInboxDecision(Base):
    """An inbox text an admin discarded or turned into an example: left out of the inbox."""

    __tablename__ = "nlu_inbox_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    text_key: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 of `text`
    text: Mapped[str] = mapped_column(Text)  # masked and folded (training_data.fold)
    decision: Mapped[str] = mapped_column(String(16))  # discarded | added
    staff_id: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(default=utcnow)
