"""`rasa data validate` on the NLU data, for the console's training-data page: the findings
(Rasa's warnings and errors) and whether it passed."""

import os
import re
import subprocess
from dataclasses import dataclass

from backend.nluloop.runner import RASA_ENV, TrainingPlan

FINDING = re.compile(r"\b(WARNING|ERROR|UserWarning)\b")
NOISE = ("urllib3", "sentry", "tensorflow", "DeprecationWarning", "SQLAlchemy", "jax")
VALIDATE_TIMEOUT_SECONDS = 600


@dataclass(frozen=True)
class Validation:
    """Rasa's verdict and the lines that say what is wrong."""

    passed: bool
    findings: tuple[str, ...]


def validate_data(plan: TrainingPlan) -> Validation:
    """Run `rasa data validate --fail-on-warnings` on the plan's domain, data and config."""
    argv = [
        str(plan.rasa_python), "-m", "rasa", "data", "validate",
        "--domain", str(plan.nlu.domain), "--data", str(plan.nlu.root / "data"),
        "--config", str(plan.config), "--fail-on-warnings",
    ]  # fmt: skip
    done = subprocess.run(
        argv,
        cwd=plan.repo_root,
        env={**os.environ, **RASA_ENV},
        capture_output=True,
        text=True,
        timeout=VALIDATE_TIMEOUT_SECONDS,
    )
    lines = (done.stdout + "\n" + done.stderr).splitlines()
    findings = tuple(
        line.strip()[:500]
        for line in lines
        if FINDING.search(line) and not any(word in line for word in NOISE)
    )
    return Validation(passed=done.returncode == 0, findings=findings)
