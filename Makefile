# The two quick-start commands: `make run` (install + demo data + serve) and `make test` (install + whole suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint install install-test

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -e .

install-test: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	cd tools/interop && npm ci --no-audit --no-fund --loglevel=error

run: install
	$(BIN)/badges demo
	$(BIN)/badges serve

test: install-test
	$(BIN)/pytest

lint: install-test
	$(BIN)/ruff check badges tests tools $(wildcard bench)
	$(BIN)/ruff format --check badges tests tools $(wildcard bench)
	$(BIN)/mypy badges
