"""What a request that fails validation gets back: a 422 naming each field and what is wrong.

FastAPI's default answer echoes every invalid input back, and a JSON body can hold values that
cannot be written out again (NaN, Infinity, lone surrogates, deep nesting): that turned a bad
request into a 500. The answer here names the field, the rule and the message, never the input.
"""

import re
from collections.abc import Sequence
from typing import Any

from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

_SURROGATE = re.compile(r"[\ud800-\udfff]")


def printable(text: str) -> str:
    """`text` as it can be written in a UTF-8 answer (lone surrogates become U+FFFD)."""
    return _SURROGATE.sub("\ufffd", text)


def error_items(errors: Sequence[Any]) -> list[dict[str, Any]]:
    """Pydantic's errors as `{type, loc, msg}`, without the offending input."""
    return [
        {
            "type": printable(str(item.get("type", "invalid"))),
            "loc": [
                part if isinstance(part, int) else printable(str(part))
                for part in item.get("loc", ())
            ],
            "msg": printable(str(item.get("msg", "invalid"))),
        }
        for item in errors
    ]


def validation_error_response(error: RequestValidationError) -> JSONResponse:
    """422 with the field-by-field list (FastAPI's shape, less `input` and `ctx`)."""
    return JSONResponse({"detail": error_items(error.errors())}, status_code=422)
