# FieldLog: `make run` serves the demo, `make test` runs the whole suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
PYTEST_ARGS ?=
export FLASK_APP := fieldlog

.PHONY: run test install test-deps lint format i18n clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' || \
		{ echo "FieldLog needs Python 3.11 (found $$($(PYTHON) --version))."; exit 1; }
	@$(PYTHON) -m venv $(VENV) || \
		{ echo "Could not create .venv: on Debian run 'apt-get install python3-venv'."; exit 1; }

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $@

install: $(VENV)/.installed

test-deps: $(VENV)/.installed-test

run: $(VENV)/.installed
	$(BIN)/flask db upgrade
	$(BIN)/flask demo --if-empty
	@echo "FieldLog: http://$(HOST):$(PORT)/  (Ctrl+C stops it)"
	$(BIN)/flask run --host $(HOST) --port $(PORT)

# pytest exits 5 when a selection collects no test; that is not a failure here.
test: $(VENV)/.installed-test
	$(BIN)/pytest $(PYTEST_ARGS) || [ $$? -eq 5 ]

lint: $(VENV)/.installed-test
	$(BIN)/ruff format --check fieldlog tests benchmarks
	$(BIN)/ruff check fieldlog tests benchmarks

format: $(VENV)/.installed-test
	$(BIN)/ruff format fieldlog tests benchmarks
	$(BIN)/ruff check --fix fieldlog tests benchmarks

# Re-extract messages and merge them into the Chinese catalogue, then compile it.
i18n: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output \
		--ignore-dirs ".* .venv" \
		--width=100 --project FieldLog -o fieldlog/translations/messages.pot .
	$(BIN)/pybabel update -i fieldlog/translations/messages.pot -d fieldlog/translations \
		-l zh_Hans_CN --no-fuzzy-matching --width=100
	$(BIN)/pybabel compile -d fieldlog/translations -l zh_Hans_CN

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info
