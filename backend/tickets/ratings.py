"""Ratings (评价): 1 不满意 reopens the ticket, 2 基本满意 / 3 满意 close it.

One rating per following chat per handling round (round = the reopen count when rated). The
first rating of a round decides (close or reopen); a co-reporter who rates after the ticket
was closed by another follower's rating of the same round is counted too, without changing
the ticket (an unsatisfied one is flagged in the history for staff). A second unsatisfied
rating of the same ticket flags it for supervision (督办).
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend.auth.actor import Actor
from backend.errors import Conflict, InvalidRequest
from backend.tickets.events import record_event
from backend.tickets.transitions import apply_transition
from backend.tickets.workflow import Action
from storage.models import Rating, Ticket, TicketState, utcnow

UNSATISFIED = 1
SATISFIED = (2, 3)  # 基本满意, 满意: what the satisfaction rate counts
SCORE_NAMES = {1: "不满意", 2: "基本满意", 3: "满意"}


@dataclass(frozen=True)
class RatingInput:
    """The citizen's rating: an overall score and optional aspect scores, all 1–3."""

    score: int
    speed: int | None = None
    result: int | None = None
    attitude: int | None = None
    comment: str | None = None


@dataclass(frozen=True)
class RatingOutcome:
    """The stored rating and whether this call stored it (False: the same rating again)."""

    rating: Rating
    created: bool


def _check(rating: RatingInput) -> None:
    for name in ("score", "speed", "result", "attitude"):
        value = getattr(rating, name)
        if (value is not None or name == "score") and value not in SCORE_NAMES:
            raise InvalidRequest(f"{name} must be 1, 2 or 3")


def _same(stored: Rating, given: RatingInput) -> bool:
    return (stored.score, stored.speed, stored.result, stored.attitude, stored.comment or None) == (
        given.score,
        given.speed,
        given.result,
        given.attitude,
        given.comment or None,
    )


def _this_round(ticket: Ticket) -> Select[tuple[Rating]]:
    return select(Rating).where(Rating.ticket_id == ticket.id, Rating.round == ticket.reopen_count)


def _stored(*, session: Session, ticket: Ticket, channel_identity_id: int | None) -> Rating | None:
    """The chat's rating of the ticket's current round (each following chat rates once)."""
    return session.scalar(
        _this_round(ticket).where(
            Rating.channel_identity_id.is_(None)
            if channel_identity_id is None
            else Rating.channel_identity_id == channel_identity_id
        )
    )


def _again(stored: Rating, given: RatingInput) -> RatingOutcome:
    """A second rating of the round: the same one counts once, a different one conflicts."""
    if _same(stored, given):
        return RatingOutcome(rating=stored, created=False)
    raise Conflict("您已评价过本次办理结果，感谢您的反馈。")


def submit_rating(
    *,
    session: Session,
    ticket: Ticket,
    rating: RatingInput,
    actor: Actor,
    channel_identity_id: int | None = None,
    now: datetime | None = None,
) -> RatingOutcome:
    """Store the rating of the current round and apply its consequence.

    The same rating sent twice counts once (returns the stored one); a different second rating
    of the same round, or a rating of a ticket that is not resolved, is a Conflict.
    """
    _check(rating)
    now = now or utcnow()
    stored = _stored(session=session, ticket=ticket, channel_identity_id=channel_identity_id)
    if stored is not None:
        return _again(stored, rating)
    decided = session.scalar(_this_round(ticket).limit(1)) is not None
    late_co_rating = decided and channel_identity_id is not None
    if ticket.state == TicketState.closed and not late_co_rating:
        raise Conflict("该工单已办结归档，评价通道已关闭。感谢您的关注，如有新问题欢迎再次反映。")
    if ticket.state not in (TicketState.resolved, TicketState.closed):
        raise Conflict("工单尚未办结，办结后再请您评价。")
    earlier_unsatisfied = session.scalar(
        select(func.count(Rating.id)).where(
            Rating.ticket_id == ticket.id, Rating.score == UNSATISFIED
        )
    )
    stored = Rating(
        ticket_id=ticket.id,
        round=ticket.reopen_count,
        score=rating.score,
        speed=rating.speed,
        result=rating.result,
        attitude=rating.attitude,
        comment=(rating.comment or "").strip() or None,
        channel_identity_id=channel_identity_id,
        created_at=now,
    )
    try:
        with session.begin_nested():
            session.add(stored)
    except IntegrityError:
        # The same tap twice at once: PostgreSQL makes the second wait on the ticket's row lock,
        # SQLite has none, so the second insert meets the first's row here.
        earlier = _stored(session=session, ticket=ticket, channel_identity_id=channel_identity_id)
        if earlier is None:
            raise
        return _again(earlier, rating)
    ticket.ratings_count += 1
    ticket.satisfied_count += rating.score in SATISFIED
    session.flush()
    record_event(
        session=session,
        ticket=ticket,
        actor=actor,
        action="rate",
        note=f"市民评价：{SCORE_NAMES[rating.score]}",
        data={"score": rating.score, "round": stored.round},
        at=now,
    )
    if ticket.state == TicketState.closed:  # another follower's rating already decided
        if rating.score == UNSATISFIED:
            record_event(
                session=session,
                ticket=ticket,
                actor=Actor.system(),
                action="co_reporter_unsatisfied",
                note="另一位反映人对办理结果不满意",
                public=False,
                at=now,
            )
    elif rating.score == UNSATISFIED:
        _unsatisfied(session=session, ticket=ticket, repeated=bool(earlier_unsatisfied), now=now)
    else:
        apply_transition(
            session=session,
            ticket=ticket,
            action=Action.close,
            actor=Actor.system(),
            note=f"市民评价{SCORE_NAMES[rating.score]}，工单归档",
            now=now,
        )
    return RatingOutcome(rating=stored, created=True)


def _unsatisfied(*, session: Session, ticket: Ticket, repeated: bool, now: datetime) -> None:
    """Reopen (重办); the second time, also flag for supervision (督办)."""
    if repeated and not ticket.supervision:
        ticket.supervision = True
        record_event(
            session=session,
            ticket=ticket,
            actor=Actor.system(),
            action="supervise",
            note="市民再次不满意，列入督办",
            public=False,
            at=now,
        )
    apply_transition(
        session=session,
        ticket=ticket,
        action=Action.reopen,
        actor=Actor.system(),
        note="市民不满意，自动重办",
        now=now,
    )
