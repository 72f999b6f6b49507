"""Photos citizens upload in the web chat: checked by their bytes, stored under a random name."""

import re
import uuid
from pathlib import Path

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
