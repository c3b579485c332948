# Heritage Planner. `make demo` and `make test` do all set-up themselves on Debian 12/13 (as root).
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
export QT_QPA_PLATFORM ?= offscreen
export PYTHONDONTWRITEBYTECODE := 1
SCALE ?= quick

.PHONY: setup demo test test-core lint typecheck bench package install translations clean help

help:
	@echo "make demo | test | lint | typecheck | bench [SCALE=large] | package | install | clean"

setup:
	@bash .ci/setup-env

demo: setup translations
	$(PY) -m heritage_planner demo --out build/demo
	$(PY) -m heritage_planner report build/demo/results.gpkg --out build/demo/report.pdf \
	    --zones "build/demo/zones.gpkg" --organisation "George Town World Heritage Incorporated (sample)" \
	    --min-severity high
	@if [ -f heritage_planner/gui/demo_project.py ]; then $(PY) -m heritage_planner.gui.demo_project build/demo; fi

test: setup translations
	$(PY) -m pytest -q tests

test-core: setup
	$(PY) -m pytest -q tests/core

lint: setup
	$(PY) -m ruff check heritage_planner tests
	$(PY) -m ruff format --check heritage_planner tests
	$(PY) -m bandit -q -ll -r heritage_planner

typecheck: setup
	$(PY) -m mypy

translations: setup
	@mkdir -p build
	@for ts in resources/i18n/*.ts; do \
	  [ -e "$$ts" ] || continue; \
	  qm="$${ts%.ts}.qm"; \
	  if [ ! -e "$$qm" ] || [ "$$ts" -nt "$$qm" ]; then lrelease -silent "$$ts" -qm "$$qm" || exit 1; fi; \
	done

bench: setup
	@if [ -f .ci/requirements-bench.txt ]; then $(VENV)/bin/pip install -q --disable-pip-version-check -c $(VENV)/constraints.txt -r .ci/requirements-bench.txt 2>&1 | { grep -v "^WARNING: Location" || true; }; fi
	$(PY) tests/benchmarks/run.py --scale $(SCALE)

package: setup translations
	$(PY) .ci/package.py build/heritage_planner.zip

install: package
	$(PY) .ci/install_plugin.py build/heritage_planner.zip

clean:
	rm -rf build .pytest_cache .mypy_cache .ruff_cache
	find . -name __pycache__ -prune -exec rm -rf {} +
