# The two quick-start commands: `make run` (install + demo data + serve) and `make test` (install + whole suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Browser tests drive Debian's Chromium (never a downloaded browser build).
# The suite runs on two workers (each its own app, database and live server); TEST_WORKERS=0 runs it in one process.
TEST_WORKERS ?= 2
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test lint install install-lint install-test

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -e .
	$(BIN)/pybabel compile -d badges/translations >/dev/null

# The Python test extras only (ruff, mypy, import-linter, pytest): what `make lint` needs.
install-lint: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'

install-test: install-lint
	cd tools/interop && npm ci --no-audit --no-fund --loglevel=error
	@command -v chromium >/dev/null || $(SUDO) sh -c 'apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null'
	@command -v pdftoppm >/dev/null || $(SUDO) sh -c 'apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null'
	$(BIN)/pybabel compile -d badges/translations >/dev/null

# The web server and, beside it, a worker for the background jobs (e-mails): Ctrl-C stops both.
run: install
	$(BIN)/badges demo
	$(BIN)/badges worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT; \
	trap 'exit 130' INT; trap 'exit 143' TERM; \
	$(BIN)/badges serve

test: install-test
	$(BIN)/pytest -n $(TEST_WORKERS)

lint: install-lint
	$(BIN)/ruff check badges tests tools $(wildcard bench)
	$(BIN)/ruff format --check badges tests tools $(wildcard bench)
	$(BIN)/mypy badges
	$(BIN)/lint-imports
