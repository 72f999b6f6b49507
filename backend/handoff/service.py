"""The hand-over state machine: bot → waiting → held by one operator → bot.

Every change of who answers is one conditional UPDATE on the conversation's row, so the
database decides: two operators claiming at once get one winner (the other a HeldByOther
naming the holder), and an idle claim given back by the expiry job cannot undo a newer claim.
"""

from datetime import datetime, timedelta

from sqlalchemy import Update, func, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from backend.auth.actor import Actor
from backend.citizens.service import get_or_create_identity
from backend.conversations.service import current_conversation
from backend.handoff.errors import (
    ConversationNotFound,
    HeldByOther,
    NotHolder,
    TakeoverForbidden,
)
from backend.handoff.events import EventKind, announce_about
from backend.handoff.notices import add_message, send_to_citizen
from backend.handoff.texts import citizen_text
from storage.models import (
    ChannelIdentity,
    Conversation,
    ConversationState,
    HandoffReason,
    MessageRole,
    utcnow,
)

DEFAULT_CLAIM_TIMEOUT = timedelta(minutes=10)


def ensure_operator(actor: Actor) -> None:
    """Operators and admins take over chats; anyone else gets 403."""
    if not actor.sees_all_tickets or not actor.is_staff:
        raise TakeoverForbidden("taking over chats is for operators and admins")


def holder_name(actor: Actor) -> str:
    """How a staff member is stored as holder (their username)."""
    return actor.id or actor.label


def chat_conversation(*, session: Session, channel: str, chat_id: str) -> Conversation:
    """The chat's latest conversation; ConversationNotFound when the chat never wrote."""
    conversation = session.scalar(
        select(Conversation)
        .join(ChannelIdentity, ChannelIdentity.id == Conversation.channel_identity_id)
        .where(ChannelIdentity.channel == channel, ChannelIdentity.chat_id == chat_id)
        .order_by(Conversation.id.desc())
        .limit(1)
    )
    if conversation is None:
        raise ConversationNotFound(f"no conversation with {channel}:{chat_id}")
    return conversation


def state_event(
    session: Session, conversation: Conversation, kind: EventKind = EventKind.state, **data: object
) -> None:
    """Announce the conversation's new state (published on commit)."""
    announce_about(session, conversation, kind, **data)


def _apply(session: Session, conversation: Conversation, statement: Update) -> bool:
    """Run a conditional UPDATE of this conversation's row; True when it changed the row."""
    result = session.execute(
        statement.where(Conversation.id == conversation.id).execution_options(
            synchronize_session=False
        )
    )
    session.refresh(conversation)
    return result.rowcount == 1


def request_human(
    *,
    session: Session,
    channel: str,
    chat_id: str,
    reason: HandoffReason,
    detail: str,
    now: datetime | None = None,
) -> Conversation:
    """The chat needs a person: a conversation with the bot starts waiting (once; a waiting or
    held one stays as it is). The reason is kept in the transcript either way."""
    now = now or utcnow()
    identity = get_or_create_identity(session=session, channel=channel, chat_id=chat_id)
    conversation = current_conversation(session=session, identity=identity, now=now)
    started = _apply(
        session,
        conversation,
        update(Conversation)
        .where(Conversation.state == ConversationState.bot)
        .values(
            state=ConversationState.waiting,
            handoff_reason=reason,
            handoff_detail=detail,
            waiting_since=now,
            queue_told_at=None,
        ),
    )
    if started:
        state_event(session, conversation, EventKind.waiting, reason=reason.value)
    add_message(
        session,
        conversation,
        role=MessageRole.system,
        text=f"[转人工] {detail}",
        nlu={"handoff_reason": reason.value, "detail": detail},
        now=now,
    )
    return conversation


def claim(
    *,
    session: Session,
    channel: str,
    chat_id: str,
    actor: Actor,
    timeout: timedelta = DEFAULT_CLAIM_TIMEOUT,
    now: datetime | None = None,
) -> Conversation:
    """Take the conversation (waiting, with the bot, or an idle claim): the bot goes silent.

    Claiming one's own conversation again only refreshes the claim. HeldByOther when another
    operator holds it and was active within `timeout`.
    """
    ensure_operator(actor)
    now = now or utcnow()
    me = holder_name(actor)
    conversation = chat_conversation(session=session, channel=channel, chat_id=chat_id)
    mine = update(Conversation).where(
        Conversation.state == ConversationState.held, Conversation.holder == me
    )
    if _apply(session, conversation, mine.values(last_operator_at=now)):
        return conversation
    was_waiting = conversation.state == ConversationState.waiting
    taken = _apply(
        session,
        conversation,
        update(Conversation)
        .where(
            or_(
                Conversation.state != ConversationState.held,
                Conversation.last_operator_at < now - timeout,
            )
        )
        .values(
            state=ConversationState.held,
            holder=me,
            held_since=now,
            last_operator_at=now,
            last_message_at=now,
            handoff_reason=func.coalesce(Conversation.handoff_reason, HandoffReason.operator.value),
            waiting_since=func.coalesce(Conversation.waiting_since, now),
        ),
    )
    if not taken:
        raise HeldByOther(conversation.holder or "another operator")
    add_message(
        session, conversation, role=MessageRole.system, text=f"{me} 接入", staff_id=me, now=now
    )
    send_to_citizen(
        session,
        conversation,
        text=citizen_text(conversation, "operator_joined"),
        kind="operator_joined",
        now=now,
    )
    state_event(session, conversation, holder=me, was_waiting=was_waiting)
    return conversation


def touch(*, session: Session, conversation: Conversation, actor: Actor, now: datetime) -> None:
    """Record the holder's activity (keeps the claim alive); NotHolder for anyone else."""
    me = holder_name(actor)
    held = _apply(
        session,
        conversation,
        update(Conversation)
        .where(Conversation.state == ConversationState.held, Conversation.holder == me)
        .values(last_operator_at=now, last_message_at=now),
    )
    if not held:
        raise NotHolder(conversation.holder if conversation.state == "held" else None)


def held_conversation(
    *, session: Session, channel: str, chat_id: str, actor: Actor, now: datetime
) -> Conversation:
    """The chat's conversation when `actor` holds it, the claim kept alive; NotHolder else."""
    ensure_operator(actor)
    conversation = chat_conversation(session=session, channel=channel, chat_id=chat_id)
    touch(session=session, conversation=conversation, actor=actor, now=now)
    return conversation


def release(
    *,
    session: Session,
    channel: str,
    chat_id: str,
    actor: Actor,
    note: str | None = None,
    now: datetime | None = None,
) -> Conversation:
    """Hand the conversation back to the bot, with an optional note kept in the transcript.

    Only the holder (or an admin) may. Rasa's half-filled form is reset before the citizen's
    next message reaches it (`bot_reset_pending`, see bot.pipeline), and the citizen is told.
    """
    ensure_operator(actor)
    now = now or utcnow()
    me = holder_name(actor)
    conversation = chat_conversation(session=session, channel=channel, chat_id=chat_id)
    condition = [Conversation.state == ConversationState.held]
    if not actor.is_admin:
        condition.append(Conversation.holder == me)
    holder = conversation.holder
    released = _apply(
        session,
        conversation,
        update(Conversation)
        .where(*condition)
        .values(
            state=ConversationState.bot,
            holder=None,
            held_since=None,
            last_operator_at=None,
            handoff_reason=None,
            handoff_detail=None,
            waiting_since=None,
            queue_told_at=None,
            bot_reset_pending=True,
            last_message_at=now,
        ),
    )
    if not released:
        raise NotHolder(conversation.holder if conversation.state == "held" else None)
    text = f"{me} 转回智能助手" + (f"：{note}" if note else "")
    add_message(
        session,
        conversation,
        role=MessageRole.system,
        text=text,
        staff_id=me,
        nlu={"note": note} if note else None,
        now=now,
    )
    send_to_citizen(
        session,
        conversation,
        text=citizen_text(conversation, "released"),
        kind="released",
        now=now,
    )
    state_event(session, conversation, released_by=me, holder=holder)
    return conversation


def expire_claims(
    *, session: Session, timeout: timedelta, now: datetime | None = None
) -> list[Conversation]:
    """Give claims idle for `timeout` back to the waiting list; the conversations moved."""
    now = now or utcnow()
    cutoff = now - timeout
    idle = session.scalars(
        select(Conversation).where(
            Conversation.state == ConversationState.held, Conversation.last_operator_at < cutoff
        )
    ).all()
    moved = []
    for conversation in idle:
        holder = conversation.holder
        back = _apply(
            session,
            conversation,
            update(Conversation)
            .where(
                Conversation.state == ConversationState.held,
                Conversation.last_operator_at < cutoff,
            )
            .values(
                state=ConversationState.waiting,
                holder=None,
                held_since=None,
                last_operator_at=None,
                waiting_since=func.coalesce(Conversation.waiting_since, now),
            ),
        )
        if not back:
            continue  # the holder was active meanwhile
        add_message(
            session,
            conversation,
            role=MessageRole.system,
            text=f"{holder} 超时未处理，已退回等待队列",
            now=now,
        )
        state_event(session, conversation, expired_holder=holder)
        moved.append(conversation)
    return moved


def run_claim_expiry(*, session_factory: sessionmaker[Session], timeout: timedelta) -> int:
    """The expiry job's round: idle claims back to waiting, in one transaction; how many."""
    with session_factory.begin() as session:
        return len(expire_claims(session=session, timeout=timeout))
