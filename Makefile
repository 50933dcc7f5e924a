# `make run` and `make test` work on a fresh clone: they create .venv and install the project first.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install run test clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/ofsted-watch ingest --input seeds/articles --db warehouse/ofsted.duckdb

test: install
	$(BIN)/python -m pytest -q

clean:
	rm -rf $(VENV) .state report warehouse/*.duckdb warehouse/*.duckdb.wal
