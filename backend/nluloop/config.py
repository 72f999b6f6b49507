"""The NLU loop's settings file (data/loop.yml), checked where it is loaded."""

from functools import cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field

LOOP_FILE = Path(__file__).resolve().parent / "data" / "loop.yml"


class LoopConfig(BaseModel):
    """Thresholds of the inbox and the activation gate."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    low_confidence: float = Field(gt=0, le=1)
    fallback_intent: str = Field(min_length=1)
    near_duplicate_ratio: float = Field(gt=50, le=100)
    critical_intents: tuple[str, ...] = Field(min_length=1)
    critical_tolerance: float = Field(ge=0, le=1)
    inbox_scan_limit: int = Field(ge=1, le=100_000)


@cache
def loop_config(path: Path = LOOP_FILE) -> LoopConfig:
    """The loaded file (cached)."""
    return LoopConfig.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
