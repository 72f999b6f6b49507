# Suban: `make run` starts the product, `make test` sets it up and tests it.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv/bin
RASA := .venv-rasa/bin/rasa
RASA_ARGS := --config config.yml --domain nlu/domain --data nlu/data
NLU_REPORT ?= var/reports/nlu
NLU_FOLDS ?= 5
DIALOGUE_REPORT ?= var/reports/dialogue
# Secrets generated on first start (python -m suban secrets); .env and the environment win.
SECRETS := var/secrets.env
# Runs a command with .env and the secrets loaded, as honcho gives them to the Procfile's processes.
WITH_SECRETS := $(VENV)/honcho -e .env,$(SECRETS) run
export SANIC_HOST ?= 127.0.0.1
export RASA_PORT ?= 5005
export ACTION_SERVER_PORT ?= 5055
export PLATFORM_PORT ?= 8000
export ACTION_SERVER_URL ?= http://127.0.0.1:$(ACTION_SERVER_PORT)
# Rasa's conversations (nlu/endpoints.yml): a SQLite file under var/ (made by `make setup`)
export RASA_TRACKER_DB ?= var/rasa-trackers.db
# Rasa (TensorFlow) is chatty; keep its logs to what matters.
export TF_CPP_MIN_LOG_LEVEL ?= 2
export SQLALCHEMY_SILENCE_UBER_WARNING ?= 1
# Rasa caches trained components under .rasa/cache (1 GB by default); DIET alone is ~150 MB and a
# full cache evicts it, so an unchanged model would be retrained on every start.
export RASA_MAX_CACHE_SIZE ?= 5000

.PHONY: run-scaled redis help setup secrets train run test lint rasa-check browsers eval-nlu eval-dialogue bench clean admin

help:  ## list the commands
	@grep -E '^[a-z-]+:.*## ' Makefile | awk -F':.*## ' '{printf "  make %-13s %s\n", $$1, $$2}'

setup:  ## create .venv and .venv-rasa when missing or outdated
	@scripts/setup.sh

secrets: setup  ## generate the missing secrets into var/secrets.env (mode 0600; run does it)
	@$(VENV)/python -m suban secrets --file $(SECRETS)

train: setup  ## train the Rasa model when its data, config or components changed
	@scripts/train.sh $(RASA_ARGS)

run: train secrets  ## start Rasa, the action server and the platform, restarting crashes (Ctrl-C stops all)
	@echo "==> starting Rasa :$(RASA_PORT), actions :$(ACTION_SERVER_PORT), platform :$(PLATFORM_PORT)"
	@echo "    web chat: http://127.0.0.1:$(PLATFORM_PORT)/chat   health: http://127.0.0.1:$(PLATFORM_PORT)/healthz"
	@$(VENV)/python -m suban supervise -f Procfile -e .env,$(SECRETS)

# `make run-scaled` (Procfile.scaled): PostgreSQL for the platform and Rasa's conversations, Redis
# for Rasa's locks. Override any of these on the command line or in the environment.
SCALED_DATABASE_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/suban
run-scaled: export DATABASE_URL := $(or $(DATABASE_URL),$(SCALED_DATABASE_URL))
run-scaled: export RASA_TRACKER_DB := $(or $(SCALED_TRACKER_DB),suban_trackers)
run-scaled: export RASA_TRACKER_HOST ?= 127.0.0.1
run-scaled: export RASA_TRACKER_PORT ?= 5432
run-scaled: export RASA_TRACKER_USER ?= postgres
run-scaled: export RASA_TRACKER_PASSWORD ?=
run-scaled: export RASA_TRACKER_LOGIN_DB ?= postgres
run-scaled: export REDIS_HOST ?= 127.0.0.1
run-scaled: export REDIS_PORT ?= 6379
run-scaled: export REDIS_DB ?= 1

redis:  ## make sure Redis answers (installs Debian's redis-server and starts it when needed)
	@scripts/ensure-redis.sh

run-scaled: train secrets redis  ## two Rasa, two action servers, two platforms (Procfile.scaled)
	@echo "==> Rasa :5005 :5006, actions :5055 :5056, platform :8000 :8001 on $${DATABASE_URL%%@*}@…"
	@$(WITH_SECRETS) .venv-rasa/bin/python -m nlu.prepare_stores nlu/endpoints.scaled.yml
	@$(VENV)/python -m suban supervise -f Procfile.scaled -e .env,$(SECRETS)

# `make admin USER=name`: only a USER given on the command line counts (the shell's is the login).
USER_NAME := $(if $(filter command line,$(origin USER)),$(USER),)
admin: secrets  ## create a console admin: make admin USER=name (asks for the password)
	@test -n "$(USER_NAME)" || { echo "usage: make admin USER=name"; exit 2; }
	@$(WITH_SECRETS) $(VENV)/python -m suban admin create "$(USER_NAME)"

lint: setup  ## ruff and the import contracts
	$(VENV)/ruff check .
	$(VENV)/ruff format --check .
	$(VENV)/lint-imports

rasa-check: train secrets  ## Rasa's own checks: data validation and the test stories
	$(RASA) data validate $(RASA_ARGS) --fail-on-warnings
	$(WITH_SECRETS) $(RASA) test core --stories nlu/tests/test_stories.yml \
		--model var/models/suban.tar.gz --endpoints nlu/endpoints.yml --out var/reports/rasa-test --fail-on-prediction-errors

browsers:  ## Chromium and CJK fonts for the browser tests (apt-get; skipped when installed)
	@scripts/browsers.sh

test: lint rasa-check browsers  ## everything CI runs; ends with pytest's summary
	.venv-rasa/bin/python -m pytest tests/actions -p no:cacheprovider --confcutdir=tests/actions -q
	.venv-rasa/bin/python -m pytest tests/nlu/components tests/nlu/channels tests/nlu/serving \
		-p no:cacheprovider \
		--confcutdir=tests/nlu -q
	# without the real stack on every core (each worker has its own databases), then the
	# end-to-end and browser tests, which share one stack, in one process
	$(VENV)/pytest -m "not e2e" --numprocesses auto --maxprocesses 4
	$(VENV)/pytest -m e2e

eval-nlu: setup  ## NLU report (held-out, 5-fold CV, baseline, place accuracy) under var/reports/nlu
	.venv-rasa/bin/python scripts/eval_nlu.py --out $(NLU_REPORT) --folds $(NLU_FOLDS)
	$(VENV)/python scripts/eval_understand.py --out $(NLU_REPORT)
	.venv-rasa/bin/python scripts/nlu_report.py --out $(NLU_REPORT)

eval-dialogue: train  ## scripted citizens through the web chat on the real stack; var/reports/dialogue
	$(VENV)/python -m scripts.eval_dialogue --out $(DIALOGUE_REPORT)

# `make bench BENCH_ARGS="--citizens 50 --think 5-10 --phases chat"`; see scripts/bench_load.py
BENCH_ARGS ?=
bench: train secrets redis  ## speed, memory and load benchmarks, reports under var/reports/bench
	$(WITH_SECRETS) $(VENV)/python scripts/bench.py
	$(VENV)/python -m scripts.bench_load $(BENCH_ARGS)

clean:  ## remove trained models and reports (keeps the environments)
	rm -rf var/models var/reports
