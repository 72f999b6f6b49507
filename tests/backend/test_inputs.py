"""The shared input types: what free text, ids, cursors and links accept."""

import pytest
from pydantic import BaseModel, Field, ValidationError

from backend.inputs import (
    INT32_MAX,
    Cursor,
    HttpUrlText,
    Offset,
    RequiredText,
    RowId,
    Text,
    clean_text,
)


class Sample(BaseModel):
    text: Text = Field(default="", max_length=5)
    required: RequiredText = Field(default="x", min_length=1)
    url: HttpUrlText | None = None
    id: RowId | None = None
    after: Cursor = 0
    offset: Offset = 0


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("a\x00b", "ab"),
        ("路灯\x07坏了\x1b[31m", "路灯坏了[31m"),
        ("line\r\nnext\rlast", "line\nnext\nlast"),
        ("tab\tand\nnewline", "tab\tand\nnewline"),
        ("\x7fdel", "del"),
        ("lone \ud800 half", "lone  half"),
        ("深圳 🙂", "深圳 🙂"),
    ],
)
def test_clean_text_strips_control_characters_and_lone_surrogates(raw: str, clean: str) -> None:
    assert clean_text(raw) == clean


def test_text_is_cleaned_before_its_length_is_checked() -> None:
    assert Sample(text="\x00" * 10 + "abc").text == "abc"
    with pytest.raises(ValidationError):
        Sample(text="abcdef")


@pytest.mark.parametrize("blank", ["", "   ", "\x00\x01", " \u3000\n"])
def test_required_text_refuses_what_is_blank_once_cleaned(blank: str) -> None:
    with pytest.raises(ValidationError, match=r"must not be blank|at least 1"):
        Sample(required=blank)


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "data:text/html,x", "file:///etc/passwd", "http:no-host", "//x"]
)
def test_links_are_http_or_https_only(url: str) -> None:
    with pytest.raises(ValidationError, match="http"):
        Sample(url=url)
    assert Sample(url="HTTPS://example.org/a.jpg").url == "HTTPS://example.org/a.jpg"


@pytest.mark.parametrize(
    "fields",
    [{"id": INT32_MAX + 1}, {"id": 0}, {"after": INT32_MAX + 1}, {"after": -1}, {"offset": 2**63}],
)
def test_integers_are_bounded_by_what_the_columns_hold(fields: dict[str, int]) -> None:
    with pytest.raises(ValidationError):
        Sample(**fields)
    assert Sample(id=INT32_MAX, after=INT32_MAX, offset=2**63 - 1).offset == 2**63 - 1
