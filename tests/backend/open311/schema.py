"""The GeoReport v2 JSON Schema (transcribed from the published spec) as validators per response."""

import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

SCHEMA_FILE = Path(__file__).resolve().parent / "georeport_v2.schema.json"


@cache
def georeport_schema() -> dict[str, Any]:
    """The whole schema document."""
    return json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))


def validator(kind: str) -> Draft202012Validator:
    """A validator for one response kind (`services`, `service_requests`, `errors`, …)."""
    schema = georeport_schema()
    if kind not in schema["$defs"]:
        raise KeyError(f"no response kind {kind!r} in {SCHEMA_FILE.name}")
    return Draft202012Validator(
        {"$schema": schema["$schema"], "$ref": f"#/$defs/{kind}", "$defs": schema["$defs"]},
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )


def assert_valid(kind: str, document: object) -> None:
    """Fail with every schema violation listed."""
    errors = sorted(validator(kind).iter_errors(document), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors)
