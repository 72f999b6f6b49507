"""Photos citizens upload in the web chat: checked by decoding them, stored re-encoded under a
random name, recorded (for the per-chat quota and retention), and served with a type we chose.

The browser's file name and type are not trusted, nor are the first bytes alone: a GIF header
followed by HTML is a valid GIF to a sniffer and a page to a browser. Pillow must decode the
whole image, and what is stored is Pillow's re-encoding, so trailing payloads and metadata
(EXIF, GPS position) are dropped.
"""

import io
import re
import uuid
import warnings
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from backend.citizens.language import chat_language
from bot.texts import bot_text
from storage.models import ChatUpload

MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_PHOTO_PIXELS = 50_000_000  # a 10 MB file may still decode to gigabytes (a pixel bomb)
UPLOAD_NAME = re.compile(r"^[0-9a-f]{32}\.(?:jpg|png|gif|webp)$")
# Pillow's format name → our extension and the Content-Type we serve it with.
FORMATS = {
    "JPEG": (".jpg", "image/jpeg"),
    "PNG": (".png", "image/png"),
    "GIF": (".gif", "image/gif"),
    "WEBP": (".webp", "image/webp"),
}
MEDIA_TYPES = dict(FORMATS.values())
NOT_AN_IMAGE = "photo_not_an_image"  # bot/data/texts.yml


class InvalidPhoto(ValueError):
    """The upload is not a JPEG, PNG, GIF or WebP image, or is too big: `text` names the
    bot text that says so (in Chinese as the message; `say(language)` in the chat's)."""

    def __init__(self, text: str, **values: object) -> None:
        super().__init__(bot_text(text, **values))
        self.text = text
        self.values = values

    def say(self, language: str) -> str:
        return bot_text(self.text, language=language, **self.values)


def photo_format(data: bytes) -> str:
    """Pillow's name of the image's format, once the whole image decoded without error."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=list(FORMATS)) as image:
                if image.width * image.height > MAX_PHOTO_PIXELS:
                    raise InvalidPhoto("photo_too_many_pixels")
                image.verify()
                return str(image.format)
    except InvalidPhoto:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise InvalidPhoto(NOT_AN_IMAGE) from None
    except (OSError, SyntaxError, ValueError, EOFError):  # Pillow's ways of saying "broken"
        raise InvalidPhoto(NOT_AN_IMAGE) from None


def reencoded(data: bytes, image_format: str) -> bytes:
    """The image as Pillow writes it: pixels (all frames) only, upright, nothing appended."""
    out = io.BytesIO()
    try:
        with Image.open(io.BytesIO(data), formats=[image_format]) as image:
            # Text chunks Pillow would carry over (a GIF comment can hold a page).
            for key in ("comment", "exif", "xmp", "XML:com.adobe.xmp"):
                image.info.pop(key, None)
            extra = {"comment": b""} if image_format == "GIF" else {}
            if getattr(image, "n_frames", 1) > 1:
                image.save(out, format=image_format, save_all=True, **extra)
            else:
                upright = ImageOps.exif_transpose(image)
                if image_format == "JPEG" and upright.mode not in ("RGB", "L"):
                    upright = upright.convert("RGB")
                upright.save(out, format=image_format, quality=90, **extra)
    except (OSError, SyntaxError, ValueError, EOFError):
        raise InvalidPhoto(NOT_AN_IMAGE) from None
    return out.getvalue()


def save_photo(*, data: bytes, directory: Path) -> str:
    """Check, re-encode and store an uploaded photo; return its file name."""
    if not data:
        raise InvalidPhoto("photo_empty")
    if len(data) > MAX_PHOTO_BYTES:
        raise InvalidPhoto("photo_too_big", limit_mb=MAX_PHOTO_BYTES // (1024 * 1024))
    image_format = photo_format(data)
    clean = reencoded(data, image_format)
    name = uuid.uuid4().hex + FORMATS[image_format][0]
    directory.mkdir(parents=True, exist_ok=True)
    (directory / name).write_bytes(clean)
    return name


def stored_photo(*, name: str, directory: Path) -> Path:
    """The path of a stored photo; FileNotFoundError for names we never handed out."""
    path = directory / name
    if not UPLOAD_NAME.match(name) or not path.is_file():
        raise FileNotFoundError(name)
    return path


def media_type(name: str) -> str:
    """The Content-Type a stored photo is served with, from the extension we gave it."""
    return MEDIA_TYPES[Path(name).suffix]


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
    if count + 1 <= quota.count and total + size <= quota.total_bytes:
        return
    language = chat_language(session=session, channel=channel, chat_id=chat_id)
    if count + 1 > quota.count:
        raise OverQuota(bot_text("photo_quota_count", language=language, limit=quota.count))
    limit_mb = quota.total_bytes // 2**20
    raise OverQuota(bot_text("photo_quota_bytes", language=language, limit_mb=limit_mb))


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
