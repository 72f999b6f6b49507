"""The duplicate-matching thresholds of `data/duplicates.yml`, validated once on first use."""

from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, Field
from rapidfuzz import fuzz

DUPLICATES_FILE = Path(__file__).resolve().parent / "data" / "duplicates.yml"

Scorer = Callable[..., float]
SCORERS: dict[str, Scorer] = {
    "ratio": fuzz.ratio,
    "partial_ratio": fuzz.partial_ratio,
    "token_set_ratio": fuzz.token_set_ratio,
    "WRatio": fuzz.WRatio,
}


class DuplicateConfig(BaseModel):
    """How near and how alike an open ticket must be to be offered as the same problem."""

    radius_m: float = Field(gt=0, le=5000)
    lookback_days: int = Field(ge=1, le=365)
    scorer: Literal["ratio", "partial_ratio", "token_set_ratio", "WRatio"]
    min_similarity: float = Field(ge=0, le=100)
    max_results: int = Field(ge=1, le=20)

    @property
    def score(self) -> Scorer:
        """The rapidfuzz scorer named in the file."""
        return SCORERS[self.scorer]


@cache
def duplicate_config() -> DuplicateConfig:
    """The shipped thresholds (read on first use)."""
    with DUPLICATES_FILE.open(encoding="utf-8") as handle:
        return DuplicateConfig.model_validate(yaml.safe_load(handle))
