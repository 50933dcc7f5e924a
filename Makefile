# `make run` and `make test` work on a fresh clone: they create .venv and install the project first.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install run test package-check clean chromium bench
N ?= 10000

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/ofsted-watch ingest --input seeds/articles --db warehouse/ofsted.duckdb

# The report test renders the HTML in Debian's chromium; install it when missing (CI runs as root).
chromium:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

test: install chromium
	$(BIN)/python -m pytest -q -n 2 --dist loadfile

# The wheel as a new user installs it: built, installed into a fresh venv, run from another folder.
package-check:
	PYTHON=$(PYTHON) .ci/package_check

clean:
	rm -rf $(VENV) .state report site warehouse/*.duckdb warehouse/*.duckdb.wal

# make bench N=100000: generates the corpus once (benchmarks/corpus/N), writes benchmarks/results/N.json
bench: install
	$(BIN)/ofsted-watch bench --articles $(N)
