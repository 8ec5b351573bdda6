# kzpolicy: two commands set everything up on a fresh machine.
#   make demo   create .venv if missing, install, run the main job
#   make test   create .venv if missing, install with dev extras, run ruff, mypy --strict,
#               the import-linter layer contracts, pytest
#   make bench  the benchmark (ratios against baselines measured in the same run)
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

# durable-rules 2.0.28 (built from source) calls PyEval_CallObject, which Python 3.13
# removed; building it with this define maps the call to its replacement.
PY_MINOR := $(shell $(PYTHON) -c 'import sys; print(sys.version_info[1])')
ifeq ($(shell [ $(PY_MINOR) -ge 13 ] && echo yes),yes)
export CPPFLAGS := $(CPPFLAGS) -DPyEval_CallObject=PyObject_CallObject
endif

.PHONY: demo test lint typecheck layers pytest bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

demo: $(VENV)/.installed
	$(BIN)/kzpolicy assess --preset article-2010 --explain

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check src tests bench

typecheck: $(VENV)/.installed-dev
	$(BIN)/mypy --strict

layers: $(VENV)/.installed-dev
	$(BIN)/lint-imports --no-cache

pytest: $(VENV)/.installed-dev
	$(BIN)/pytest

test: lint typecheck layers pytest

bench: $(VENV)/.installed-dev
	$(BIN)/python bench/bench.py

clean:
	rm -rf $(VENV) build dist .mypy_cache .ruff_cache .pytest_cache
