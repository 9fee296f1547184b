# minzheng — every target installs what it needs on a fresh machine.
SHELL := /bin/bash
PYTHON ?= python3
UV := $(PYTHON) -m uv
VENV := .venv
BIN := $(VENV)/bin
PG_URL ?= postgres://postgres@127.0.0.1:5432/postgres
PYTEST_ARGS ?=

.PHONY: install demo test test-sqlite test-postgres bench lint browser-deps postgres clean

$(VENV)/.installed: pyproject.toml uv.lock
	@$(PYTHON) -m uv --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet uv
	$(UV) sync --frozen
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

install: $(VENV)/.installed node_modules/.installed

# Debian's Chromium for the browser tests and Noto CJK for Chinese glyphs in screenshots and PDFs.
browser-deps:
	@scripts/ensure-browser

postgres:
	@scripts/ensure-postgres

demo: install
	$(BIN)/minzheng demo

lint: install
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy src

test-sqlite: install browser-deps
	$(BIN)/pytest $(PYTEST_ARGS)

# The Spark test touches no database, so it runs once, in the SQLite pass.
test-postgres: install browser-deps postgres
	DATABASE_URL=$(PG_URL) $(BIN)/pytest -m "not spark" $(PYTEST_ARGS)

# The linters, then the whole suite on both databases — the two passes side by side.
test: lint browser-deps postgres
	$(MAKE) --no-print-directory -j2 --output-sync=target test-sqlite test-postgres

bench: install postgres
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf var/test.sqlite3* .mypy_cache .ruff_cache
