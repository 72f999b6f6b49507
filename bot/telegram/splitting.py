"""Long replies cut into Telegram-sized messages, on line breaks where possible."""

from telegram.constants import MessageLimit

MAX_MESSAGE_LENGTH = MessageLimit.MAX_TEXT_LENGTH  # 4096, counted in UTF-16 code units


def telegram_length(text: str) -> int:
    """The length Telegram counts: UTF-16 code units (an emoji outside the BMP counts 2)."""
    return len(text.encode("utf-16-le")) // 2


def _hard_cut(line: str, limit: int) -> list[str]:
    pieces: list[str] = []
    current: list[str] = []
    units = 0
    for char in line:
        width = telegram_length(char)
        if units + width > limit:
            pieces.append("".join(current))
            current, units = [], 0
        current.append(char)
        units += width
    pieces.append("".join(current))
    return pieces


def split_text(text: str, *, limit: int = MAX_MESSAGE_LENGTH) -> list[str]:
    """Cut `text` into pieces of at most `limit`, breaking between lines; a line longer than
    `limit` on its own is cut inside. Only the line breaks (and blank lines) at cuts are lost."""
    if limit < 2:
        raise ValueError("limit must be at least 2")
    if telegram_length(text) <= limit:
        return [text]
    pieces: list[str] = []
    current: str | None = None
    for line in text.split("\n"):
        candidate = line if current is None else f"{current}\n{line}"
        if telegram_length(candidate) <= limit:
            current = candidate
            continue
        if current is not None:
            pieces.append(current)
        if telegram_length(line) <= limit:
            current = line
        else:
            *full, current = _hard_cut(line, limit)
            pieces.extend(full)
    if current is not None:
        pieces.append(current)
    return [piece for piece in pieces if piece.strip()]
