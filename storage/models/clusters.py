"""类案 clusters: runs of the clustering job, the clusters each run found, and their tickets."""

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.models.base import Base, utcnow


class ClusterRun(Base):
    """One run of the clustering job over the recent tickets; the newest run is what staff see."""

    __tablename__ = "cluster_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    computed_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    window_start: Mapped[datetime] = mapped_column()
    window_end: Mapped[datetime] = mapped_column()

    clusters: Mapped[list["TicketCluster"]] = relationship(
        back_populates="run", order_by="TicketCluster.id"
    )


class TicketCluster(Base):
    """Reports of one category at one place with similar texts, above the size threshold."""

    __tablename__ = "ticket_clusters"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("cluster_runs.id"), index=True)
    service_code: Mapped[str] = mapped_column(ForeignKey("service_categories.service_code"))
    district: Mapped[str | None] = mapped_column(String(32))
    street: Mapped[str | None] = mapped_column(String(32))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"), index=True)
    size: Mapped[int] = mapped_column()
    first_at: Mapped[datetime] = mapped_column()
    last_at: Mapped[datetime] = mapped_column()
    proactive_ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"))

    run: Mapped[ClusterRun] = relationship(back_populates="clusters")
    members: Mapped[list["ClusterMember"]] = relationship(order_by="ClusterMember.ticket_id")


class ClusterMember(Base):
    """One ticket of a cluster."""

    __tablename__ = "cluster_members"
    __table_args__ = (
        UniqueConstraint("cluster_id", "ticket_id", name="uq_cluster_members_cluster_ticket"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cluster_id: Mapped[int] = mapped_column(ForeignKey("ticket_clusters.id"), index=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
