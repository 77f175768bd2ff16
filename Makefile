# Two commands on a fresh machine: `make run` and `make test`. Both create .venv if missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export DAGSTER_HOME := $(CURDIR)/.dagster_home
export RAY_USAGE_STATS_ENABLED := 0

.PHONY: run test ui lint bench bench-ray eval clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml constraints.txt
	$(BIN)/pip install --quiet -c constraints.txt -e .
	touch $@

$(VENV)/.installed-dev: $(BIN)/python pyproject.toml constraints.txt
	$(BIN)/pip install --quiet -c constraints.txt -e ".[dev,ray]"
	touch $(VENV)/.installed $@

run: $(VENV)/.installed
	$(BIN)/corpus run

test: $(VENV)/.installed-dev
	$(BIN)/ruff check pipeline bench tests
	$(BIN)/ruff format --check pipeline bench tests
	scripts/loopback-only $(BIN)/pytest -q -ra

ui: $(VENV)/.installed
	$(BIN)/dagster dev -w workspace.yaml -h 127.0.0.1 -p 3000

lint: $(VENV)/.installed-dev
	$(BIN)/ruff format pipeline bench tests
	$(BIN)/ruff check --fix pipeline bench tests

bench: $(VENV)/.installed
	$(BIN)/corpus bench

bench-ray: $(VENV)/.installed-dev
	$(BIN)/corpus bench-ray

eval: $(VENV)/.installed
	$(BIN)/corpus eval-cleaning

clean:
	rm -rf data .dagster_home/storage .dagster_home/logs .dagster_home/history .dagster_home/schedules
