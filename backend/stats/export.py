"""CSV export of any list the dashboard shows (UTF-8 with BOM, so that Excel reads Chinese)."""

import csv
import io
from collections.abc import Iterable, Mapping
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> str:
    """A cell as text; a leading formula character is quoted away (no CSV injection)."""
    if value is None:
        return ""
    if isinstance(value, Mapping):
        value = " ".join(f"{k}={v}" for k, v in value.items() if v is not None)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def to_csv(rows: Iterable[Mapping[str, Any]], *, columns: list[str] | None = None) -> str:
    """The rows as CSV with a header; `columns` chooses and orders them (default: the first
    row's keys)."""
    rows = list(rows)
    names = columns or (list(rows[0]) if rows else [])
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(names)
    for row in rows:
        writer.writerow([_cell(row.get(name)) for name in names])
    return "\ufeff" + buffer.getvalue()
