#!/usr/bin/env bash
# Create or update both runtimes; idempotent, prints what it does.
#   .venv       Python >= 3.11: platform, bot, console, tests
#   .venv-rasa  Python 3.10:    Rasa server and action server (Rasa 3.6.21 needs <= 3.10)
set -euo pipefail
cd "$(dirname "$0")/.."
quiet_pip() { "$@" 2>&1 | grep -v -E "^WARNING: Location .* is ignored" || true; }

stamp_main=.venv/.suban-installed
if [ ! -x .venv/bin/python ]; then
  py=$(scripts/find-python.sh 3.11+)
  echo "==> creating .venv with $py"
  "$py" -m venv .venv
fi
if [ ! -f "$stamp_main" ] || [ pyproject.toml -nt "$stamp_main" ] || [ requirements/main.lock -nt "$stamp_main" ]; then
  echo "==> installing the platform's dependencies into .venv (pinned by requirements/main.lock)"
  quiet_pip .venv/bin/pip install --quiet --upgrade pip
  quiet_pip .venv/bin/pip install --quiet -c requirements/main.lock -e ".[dev]"
  .venv/bin/python -W ignore -c "import fastapi, telegram, sqlalchemy, alembic, apscheduler" \
    || { echo "installing .venv failed" >&2; exit 1; }
  touch "$stamp_main"
else
  echo "==> .venv is up to date"
fi

stamp_rasa=.venv-rasa/.suban-installed
if [ ! -x .venv-rasa/bin/python ]; then
  py=$(scripts/find-python.sh 3.10)
  echo "==> creating .venv-rasa with $py (Rasa 3.6.21 needs Python 3.10)"
  "$py" -m venv .venv-rasa
fi
if [ ! -f "$stamp_rasa" ] || [ requirements/rasa.in -nt "$stamp_rasa" ] || [ requirements/rasa.lock -nt "$stamp_rasa" ]; then
  echo "==> installing Rasa 3.6.21 into .venv-rasa (about a minute and 2.7 GB the first time)"
  quiet_pip .venv-rasa/bin/pip install --quiet --upgrade pip
  quiet_pip .venv-rasa/bin/pip install --quiet -r requirements/rasa.in -c requirements/rasa.lock
  .venv-rasa/bin/python -W ignore -c "import rasa, rasa_sdk, jieba, httpx" \
    || { echo "installing .venv-rasa failed" >&2; exit 1; }
  touch "$stamp_rasa"
else
  echo "==> .venv-rasa is up to date"
fi
mkdir -p var/models var/reports
