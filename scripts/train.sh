#!/usr/bin/env bash
# Train the Rasa model only when its inputs changed: a restart with unchanged data and config
# goes straight to serving. The inputs' SHA-256 is kept beside the model. Rasa's own component
# cache (.rasa/cache) saves part of the work when something did change, but is not enough alone:
# measured here, `rasa train` on unchanged inputs still retrained several components (5-8 min).
# It builds the production model only: when an admin has activated another model in the console
# (var/models/active.tar.gz names it), Rasa keeps starting with that one (nlu/serve.py), and
# this says so. Arguments: Rasa's --config/--domain/--data (the Makefile's RASA_ARGS).
set -euo pipefail
cd "$(dirname "$0")/.."

model=var/models/suban.tar.gz
stamp=var/models/suban.inputs.sha256
active=var/models/active.tar.gz
rasa=.venv-rasa/bin/rasa

inputs_hash() {
  # requirements/rasa.lock stands for the Rasa version the model was trained with.
  find config.yml requirements/rasa.lock nlu/data nlu/domain nlu/jieba nlu/components -type f \
    ! -path '*/__pycache__/*' ! -name '*.pyc' -print0 | sort -z | xargs -0 sha256sum \
    | sha256sum | cut -d' ' -f1
}

wanted=$(inputs_hash)
if [ -f "$model" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ]; then
  echo "==> Rasa model is up to date (data and config unchanged): not training"
  exit 0
fi
echo "==> training the Rasa model (data or config changed)"
rm -f "$stamp"
"$rasa" train "$@" --out var/models --fixed-model-name suban
echo "$wanted" > "$stamp"
if [ -e "$active" ] && [ "$(readlink "$active")" != "suban.tar.gz" ]; then
  echo "==> note: Rasa keeps serving the model the admins activated ($(readlink "$active")), not"
  echo "    this one; to serve it, compare and activate it in the console (/console/nlu/models)"
  echo "    or with .venv/bin/python -m suban nlu activate <id> (ids: python -m suban nlu models)"
fi
