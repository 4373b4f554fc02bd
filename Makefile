# Callsheet: `make up` runs the whole system, `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: up test bench bench-replicas venv protos check-protos lint typecheck imports clean

$(STAMP): requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -c "import pathlib, site; pathlib.Path(site.getsitepackages()[0], 'callsheet.pth').write_text('$(CURDIR)\n$(CURDIR)/gen\n')"
	touch $(STAMP)

venv: $(STAMP)

## Regenerate the Python code of protos/ into gen/.
protos: venv
	$(PY) -m tools.protos

check-protos: venv
	$(PY) -m tools.protos --check

lint: venv
	$(PY) -m ruff check .

typecheck: venv
	$(PY) -m mypy

imports: venv
	$(VENV)/bin/lint-imports

## The whole system on embedded PostgreSQL and NATS (or DATABASE_URL / NATS_URL), Ctrl-C stops it.
up: venv
	$(PY) -m devstack.up

## The whole suite: generated-code drift, lint, types, import boundaries, then every test.
test: venv check-protos lint typecheck imports
	$(PY) -m pytest

## The operations against the bare chain on this machine (not part of `make test`); figures in docs/performance.json.
bench: venv
	$(PY) -m bench --json docs/performance.json

## Checkout and an order read at 32 clients with one, then two orders replicas; figures in docs/performance-replicas.json.
bench-replicas: venv
	$(PY) -m bench.replicas --json docs/performance-replicas.json

clean:
	rm -rf .devstack .pytest_cache .mypy_cache .ruff_cache
