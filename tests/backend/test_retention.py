"""Retention: old uploads (file and record) and old chat messages go; open tickets' photos stay."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from backend.retention import run_retention
from storage.models import ChatUpload, OutboundMessage, TicketMedia, TicketState
from tests.backend.ticket_factory import load_ticket, open_ticket

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def upload(
    session: Session, directory: Path, name: str, *, days_old: float, chat_id: str = "s1"
) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / name).write_bytes(b"\x89PNG\r\n\x1a\n")
    session.add(
        ChatUpload(
            channel="web",
            chat_id=chat_id,
            name=name,
            size_bytes=8,
            created_at=NOW - timedelta(days=days_old),
        )
    )


def attach(session: Session, ticket_no: str, name: str, state: TicketState) -> None:
    ticket = load_ticket(session, ticket_no)
    ticket.state = state
    session.add(TicketMedia(ticket_id=ticket.id, url=f"http://127.0.0.1:8000/chat/uploads/{name}"))


def names(session_factory: sessionmaker[Session]) -> list[str]:
    with session_factory() as session:
        return sorted(session.scalars(select(ChatUpload.name)))


def test_old_uploads_go_but_not_those_of_open_tickets(
    session_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    directory = tmp_path / "uploads"
    open_no = open_ticket(session_factory, now=NOW - timedelta(days=200))
    closed_no = open_ticket(session_factory, chat_id="10002", now=NOW - timedelta(days=200))
    with session_factory.begin() as session:
        upload(session, directory, "a" * 32 + ".png", days_old=1)  # recent: kept
        upload(session, directory, "b" * 32 + ".png", days_old=100)  # old, no ticket: deleted
        upload(session, directory, "c" * 32 + ".png", days_old=100)  # old, open ticket: kept
        upload(session, directory, "d" * 32 + ".png", days_old=100)  # old, closed ticket: deleted
        attach(session, open_no, "c" * 32 + ".png", TicketState.accepted)
        attach(session, closed_no, "d" * 32 + ".png", TicketState.closed)

    purged = run_retention(
        session_factory=session_factory,
        uploads_dir=directory,
        uploads_days=90,
        outbound_days=0,
        now=NOW,
    )
    assert purged.uploads == 2
    kept = ["a" * 32 + ".png", "c" * 32 + ".png"]
    assert names(session_factory) == kept
    assert sorted(path.name for path in directory.iterdir()) == kept


def test_old_chat_messages_go_and_zero_days_keeps_everything(
    session_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    with session_factory.begin() as session:
        for key, days_old in (("old", 40), ("new", 2)):
            session.add(
                OutboundMessage(
                    channel="web",
                    chat_id="s1",
                    dedupe_key=key,
                    position=0,
                    reply={"text": key},
                    created_at=NOW - timedelta(days=days_old),
                )
            )
        upload(session, tmp_path, "e" * 32 + ".png", days_old=1000)

    def keys() -> list[str]:
        with session_factory() as session:
            return sorted(session.scalars(select(OutboundMessage.dedupe_key)))

    kept = run_retention(
        session_factory=session_factory,
        uploads_dir=tmp_path,
        uploads_days=0,
        outbound_days=0,
        now=NOW,
    )
    assert (kept.uploads, kept.outbound_messages, keys()) == (0, 0, ["new", "old"])
    purged = run_retention(
        session_factory=session_factory,
        uploads_dir=tmp_path,
        uploads_days=0,
        outbound_days=30,
        now=NOW,
    )
    assert (purged.outbound_messages, keys()) == (1, ["new"])
    assert names(session_factory) == ["e" * 32 + ".png"]
