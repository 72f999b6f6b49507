"""A copy of the repository's nlu/ tree per test, so examples are written where nothing else
reads them."""

import shutil
from pathlib import Path

import pytest

from backend.nluloop.training_data import NluPaths

REPO_NLU = Path(__file__).resolve().parents[3] / "nlu"


@pytest.fixture
def nlu_copy(tmp_path: Path) -> NluPaths:
    """nlu/domain, nlu/data and nlu/tests copied under a temporary directory."""
    root = tmp_path / "repo" / "nlu"
    for part in ("domain", "data", "tests"):
        shutil.copytree(REPO_NLU / part, root / part)
    return NluPaths(root)
