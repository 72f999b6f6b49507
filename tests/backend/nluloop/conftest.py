"""A copy of the repository's nlu/ tree per test, so examples are written where nothing else
reads them."""

import shutil
from pathlib import Path

import pytest

from backend.nluloop.training_data import NluPaths

REPO_NLU = Path(__file__).resolve().parents[3] / "nlu"


def copy_nlu(root: Path) -> Path:
    """nlu/domain, nlu/data and nlu/tests copied to `root/nlu`; that directory."""
    nlu = root / "nlu"
    for part in ("domain", "data", "tests"):
        shutil.copytree(REPO_NLU / part, nlu / part)
    return nlu


@pytest.fixture
def nlu_copy(tmp_path: Path) -> NluPaths:
    """A copy of the NLU data under a temporary directory."""
    return NluPaths(copy_nlu(tmp_path / "repo"))
