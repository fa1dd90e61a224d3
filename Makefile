# Two commands for a fresh machine: `make demo` and `make test`.
SHELL := /bin/bash
VENV  := .venv
PY    := $(VENV)/bin/python
STAMP := $(VENV)/.installed

# Find a Python >= 3.12 by itself: python3.12/python3.13 on PATH (that really run: a pyenv shim of an
# inactive version does not), else the newest 3.12/3.13 under pyenv's versions directory.
PYTHON_SYS := $(shell \
  ok() { "$$1" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; }; \
  for c in python3.12 python3.13; do p=$$(command -v $$c) && ok $$p && { echo $$p; exit 0; }; done; \
  root=$${PYENV_ROOT:-$$HOME/.pyenv}; \
  for v in $$(ls -d $$root/versions/3.12* $$root/versions/3.13* 2>/dev/null); do \
    ok $$v/bin/python && { echo $$v/bin/python; exit 0; }; done)

.PHONY: demo test lint typecheck venv games bench clean

$(STAMP): pyproject.toml
	@if [ -z "$(PYTHON_SYS)" ]; then echo "error: no Python >= 3.12 found (install python3.12, or it via pyenv)"; exit 2; fi
	@[ -x $(PY) ] || $(PYTHON_SYS) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	@touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/aria eval --arc

# The tests run in parallel, one worker per core (pytest-xdist; `make test TEST_WORKERS=0` runs them in
# one process); the slowest are listed at the end.
TEST_WORKERS ?= auto
test: $(STAMP)
	$(PY) -m pytest -q -n $(TEST_WORKERS) --durations=15

lint: $(STAMP)
	$(VENV)/bin/ruff check agent arc_client aria_tui tests benchmarks
	$(VENV)/bin/mypy agent arc_client aria_tui

bench: $(STAMP)
	$(PY) benchmarks/client.py
	$(PY) benchmarks/games.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
