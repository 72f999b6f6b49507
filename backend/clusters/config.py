"""The clustering thresholds of `data/clusters.yml`, validated once on first use."""

from functools import cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, Field

from backend.duplicates.config import SCORERS, Scorer

CLUSTERS_FILE = Path(__file__).resolve().parent / "data" / "clusters.yml"


class ClusterConfig(BaseModel):
    """How many alike reports of one street in how many days make a cluster."""

    window_days: int = Field(ge=1, le=90)
    min_size: int = Field(ge=2, le=1000)
    scorer: Literal["ratio", "partial_ratio", "token_set_ratio", "WRatio"]
    min_similarity: float = Field(ge=0, le=100)

    @property
    def score(self) -> Scorer:
        """The rapidfuzz scorer named in the file."""
        return SCORERS[self.scorer]


@cache
def cluster_config() -> ClusterConfig:
    """The shipped thresholds (read on first use)."""
    with CLUSTERS_FILE.open(encoding="utf-8") as handle:
        return ClusterConfig.model_validate(yaml.safe_load(handle))
