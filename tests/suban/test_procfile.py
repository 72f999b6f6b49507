"""The Procfiles start every Rasa server on the model the admins activated, where the
platform's activation writes its link (backend/nluloop/models.py), else on `make train`'s."""

import shlex
from pathlib import Path

import pytest

from backend.nluloop.models import ACTIVE_LINK, BOOTSTRAP_MODEL
from backend.settings import REPO_ROOT, Settings
from suban.supervise import read_procfile


@pytest.mark.parametrize("procfile", ["Procfile", "Procfile.scaled"])
def test_rasa_starts_on_the_activated_model_else_the_production_one(procfile: str) -> None:
    models = Settings(_env_file=None).models_dir.relative_to(REPO_ROOT)
    servers = [p for p in read_procfile(REPO_ROOT / procfile) if "nlu.serve" in p.command]
    assert servers
    for program in servers:
        words = shlex.split(program.command)
        assert Path(words[words.index("--active-model") + 1]) == models / ACTIVE_LINK
        assert Path(words[words.index("--model") + 1]) == models / BOOTSTRAP_MODEL
