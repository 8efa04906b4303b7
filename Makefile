# tracuu: `make run` builds everything a fresh clone needs and serves the site;
# `make test` installs the test tools and runs lint, types and tests.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INDEX_DIR ?= var/index
SAMPLES := $(wildcard samples/pages/*.html)

export TRACUU_INDEX_DIR := $(abspath $(INDEX_DIR))

.PHONY: run install index test lint clean

run: index
	$(BIN)/gunicorn

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --editable .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet --editable '.[test]'
	touch $@

index: $(INDEX_DIR)/.built

# Rebuilt when a sample changes; ingest replaces documents by id.
$(INDEX_DIR)/.built: $(VENV)/.installed $(SAMPLES)
	$(BIN)/tracuu ingest samples/pages --index $(INDEX_DIR)
	touch $@

lint: $(VENV)/.installed-test
	$(BIN)/ruff check index ingest search web tests bench gunicorn.conf.py
	$(BIN)/mypy

test: lint
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) var
