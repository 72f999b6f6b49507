"""Photos citizens upload in the web chat: checked by their bytes, stored under a random name,
recorded (for the per-chat quota and retention)."""

import re
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.texts import bot_text
from storage.models import ChatUpload

MAX_PHOTO_BYTES = 10 * 1024 * 1024
UPLOAD_NAME = re.compile(r"^[0-9a-f]{32}\.(?:jpg|png|gif|webp)$")


class InvalidPhoto(ValueError):
    """The upload is not a JPEG, PNG, GIF or WebP image, or is too big."""


def photo_extension(data: bytes) -> str:
    """The file extension of an image, from its first bytes (the browser's type is not trusted)."""
    if data.startswith(b"\xff\xd8\xff"):
        return ".jpg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return ".png"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return ".gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return ".webp"
    raise InvalidPhoto("请上传 JPG、PNG、GIF 或 WebP 格式的图片")


def save_photo(*, data: bytes, directory: Path) -> str:
    """Store an uploaded photo and return its file name."""
    if not data:
        raise InvalidPhoto("图片是空的")
    if len(data) > MAX_PHOTO_BYTES:
        raise InvalidPhoto(f"图片不能超过 {MAX_PHOTO_BYTES // (1024 * 1024)} MB")
    name = uuid.uuid4().hex + photo_extension(data)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / name).write_bytes(data)
    return name


def stored_photo(*, name: str, directory: Path) -> Path:
    """The path of a stored photo; FileNotFoundError for names we never handed out."""
    path = directory / name
    if not UPLOAD_NAME.match(name) or not path.is_file():
        raise FileNotFoundError(name)
    return path


QUOTA_WINDOW = timedelta(hours=24)


@dataclass(frozen=True, slots=True)
class PhotoQuota:
    """How many photos, and how many bytes in all, one chat may upload within 24 hours."""

    count: int
    total_bytes: int


class OverQuota(Exception):
    """The chat has used its photo quota; the message says so in the citizen's words."""


def check_quota(
    *, session: Session, channel: str, chat_id: str, size: int, quota: PhotoQuota, now: datetime
) -> None:
    """Raise OverQuota when one more photo of `size` bytes would pass the chat's quota."""
    count, total = session.execute(
        select(func.count(), func.coalesce(func.sum(ChatUpload.size_bytes), 0)).where(
            ChatUpload.channel == channel,
            ChatUpload.chat_id == chat_id,
            ChatUpload.created_at > now - QUOTA_WINDOW,
        )
    ).one()
    if count + 1 > quota.count:
        raise OverQuota(bot_text("photo_quota_count", limit=quota.count))
    if total + size > quota.total_bytes:
        raise OverQuota(bot_text("photo_quota_bytes", limit_mb=quota.total_bytes // 2**20))


def accept_photo(
    *,
    session_factory: sessionmaker[Session],
    data: bytes,
    directory: Path,
    channel: str,
    chat_id: str,
    quota: PhotoQuota,
    now: datetime,
) -> str:
    """Check the quota, store the photo and record it, all or nothing; returns its file name."""
    name: str | None = None
    try:
        with session_factory() as session, session.begin():
            check_quota(
                session=session,
                channel=channel,
                chat_id=chat_id,
                size=len(data),
                quota=quota,
                now=now,
            )
            name = save_photo(data=data, directory=directory)
            session.add(
                ChatUpload(
                    channel=channel,
                    chat_id=chat_id,
                    name=name,
                    size_bytes=len(data),
                    created_at=now,
                )
            )
        return name
    except BaseException:
        if name is not None:  # the record was not saved: neither is the file
            (directory / name).unlink(missing_ok=True)
        raise
