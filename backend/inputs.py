"""The input types every API model uses for free text, row ids, counters and links.

One rule for text, whatever the channel or the database: control characters (C0 except tab
and newline, DEL) and lone surrogates are stripped, CR LF becomes LF. PostgreSQL refuses NUL
in text and neither database can store a lone surrogate, so stripping here is what keeps SQLite
and PostgreSQL answering alike; stripping rather than refusing keeps a citizen's message that
was pasted with an invisible stray byte. Integers are bounded by what the columns hold, so an
oversized number is a 422, never a database overflow.
"""

import re
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import AfterValidator, BeforeValidator, Field

# C0 controls except \t (0x09) and \n (0x0a), DEL, and UTF-16 surrogate halves.
_STRIPPED = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff]")

INT32_MAX = 2**31 - 1  # ids are INTEGER columns on PostgreSQL (compared as ::INTEGER too)
INT64_MAX = 2**63 - 1  # OFFSET, BIGINT, and SQLite's integers


def clean_text(value: str) -> str:
    """`value` without control characters (tab and newline kept) and lone surrogates."""
    return _STRIPPED.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))


def _cleaned(value: object) -> object:
    return clean_text(value) if isinstance(value, str) else value


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be blank")
    return value


def _http_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise ValueError("must be an http(s) URL")
    return value


# Free text: cleaned before the field's own length limits are checked.
Text = Annotated[str, BeforeValidator(_cleaned)]
# Free text that must say something: whitespace only is refused.
RequiredText = Annotated[Text, AfterValidator(_not_blank)]
# A link to a photo or file: http(s) only (no javascript:, data:, file:).
HttpUrlText = Annotated[Text, AfterValidator(_http_url)]
# The id of a row.
RowId = Annotated[int, Field(ge=1, le=INT32_MAX)]
# A cursor: the id after which to list.
Cursor = Annotated[int, Field(ge=0, le=INT32_MAX)]
# How many rows of a list to skip.
Offset = Annotated[int, Field(ge=0, le=INT64_MAX)]
