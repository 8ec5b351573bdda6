# kzpolicy: two commands set everything up on a fresh machine (`make help` lists all).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

# durable-rules 2.0.28 (built from source) calls PyEval_CallObject, which Python 3.13
# removed; building it with this define maps the call to its replacement. It must be
# CPPFLAGS: durable-rules' setup.py overwrites CFLAGS.
DURABLE_FIX := CPPFLAGS="$$CPPFLAGS -DPyEval_CallObject=PyObject_CallObject"

# the venv records the Python that made it (.made-by-python-X.Y)
VENV_MADE_BY := $(patsubst $(VENV)/.made-by-python-%,%,$(wildcard $(VENV)/.made-by-python-*))
ifeq ($(filter help clean,$(MAKECMDGOALS)),)
# PYTHON not given: a $(VENV) already made is kept with the Python that made it, never
# replaced behind the caller's back (a pyenv shim's python3 may be another version today)
ifeq ($(origin PYTHON),file)
ifneq ($(and $(VENV_MADE_BY),$(wildcard $(BIN)/python)),)
PYTHON := $(BIN)/python
endif
endif
WANT_PY := $(shell $(PYTHON) -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)
ifeq ($(WANT_PY),)
# the interpreters that do run here: on PATH (a pyenv shim runs only its active
# versions) and, under pyenv, each installed version by its full path
RUNNABLE := $(shell for p in python3.10 python3.11 python3.12 python3.13 python3 \
  $$(pyenv root 2>/dev/null | sed 's|$$|/versions/3.1[0-3]*/bin/python3|'); do \
  for q in $$p; do $$q -c '' >/dev/null 2>&1 && printf '%s ' "$$q"; done; done)
$(error PYTHON=$(PYTHON) is not a Python interpreter here; pick one that runs: $(or $(strip $(RUNNABLE)),none found (install Python 3.10 to 3.13)), e.g. make test PYTHON=$(firstword $(RUNNABLE) python3))
endif
endif
# another PYTHON= than the one that made $(VENV) makes a new one (said loudly)
VENV_STAMP := $(VENV)/.made-by-python-$(WANT_PY)
# the define is needed (and given) only from Python 3.13 on
PY_MINOR := $(word 2,$(subst ., ,$(WANT_PY)))
INSTALL_ENV := $(if $(shell [ "$(PY_MINOR)" -ge 13 ] 2>/dev/null && echo yes),$(DURABLE_FIX),)

.PHONY: help demo test test-quick lint typecheck layers complexity pytest chromium bench fuzz docs clean

help:
	@echo "make demo    create $(VENV) if missing, install kzpolicy, assess the article's situation of 2010"
	@echo "             and show the timeline of the example journal (examples/journal)"
	@echo "make test    create $(VENV) if missing, install with dev extras, run ruff, mypy --strict,"
	@echo "             the import-linter layer contracts, radon (no function above cyclomatic"
	@echo "             complexity 20) and pytest"
	@echo "make test-quick   ruff, mypy --strict and the tests not marked slow (what CI runs"
	@echo "             on the oldest and the newest Python: PYTHON=python3.10 VENV=.venv-3.10)"
	@echo "make bench   the benchmark (ratios against baselines measured in the same run)"
	@echo "make fuzz    the long fuzz run (about 200,000 cases, then the hypothesis tests with"
	@echo "             500 to 4,000 examples each); prints its counts"
	@echo "make docs    build the documentation site (docs/, mkdocs.yml) offline into site/ with"
	@echo "             mkdocs build --strict (a broken link or anchor fails it)"
	@echo "make lint | typecheck | layers | complexity | pytest    one step of make test"
	@echo "make clean   remove $(VENV) and the tool caches"
	@echo ""
	@echo "PYTHON=...   the interpreter that makes $(VENV) (now: $(PYTHON)), e.g. make test PYTHON=python3.13;"
	@echo "             without PYTHON=, an existing $(VENV) keeps the Python that made it; with"
	@echo "             another, $(VENV) is replaced (said loudly): VENV=.venv-3.13 keeps both"

$(VENV_STAMP):
	@if [ -d $(VENV) ]; then \
	  echo "*** make: REPLACING $(VENV): it was made by Python $(or $(VENV_MADE_BY),unknown)," \
	    "not $(PYTHON) ($(WANT_PY)); everything installed in it goes. To keep it, run" \
	    "make without PYTHON=, or give the new one its own: VENV=.venv-$(WANT_PY)" >&2; fi
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	touch $@

# After any install: a durable-rules build that does not import (Python 3.13 without the
# define, or a broken wheel from pip's cache) is rebuilt from source with the define.
define check_durable
	@$(BIN)/python -c 'import durable_rules_engine' 2>/dev/null || { \
	  echo "durable-rules does not import: rebuilding it with the Python 3.13 define"; \
	  $(DURABLE_FIX) $(BIN)/python -m pip install --quiet --force-reinstall --no-cache-dir \
	    --no-deps durable-rules==2.0.28; }
endef

$(VENV)/.installed: pyproject.toml $(VENV_STAMP)
	$(INSTALL_ENV) $(BIN)/python -m pip install --quiet -e .
	$(check_durable)
	touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV_STAMP)
	$(INSTALL_ENV) $(BIN)/python -m pip install --quiet -e '.[dev]'
	$(check_durable)
	touch $@ $(VENV)/.installed

demo: $(VENV)/.installed
	$(BIN)/kzpolicy assess --preset article-2010 --explain
	$(BIN)/kzpolicy timeline examples/journal

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check src tests bench

typecheck: $(VENV)/.installed-dev
	$(BIN)/mypy --strict

layers: $(VENV)/.installed-dev
	$(BIN)/lint-imports --no-cache

# No function in src/ above cyclomatic complexity 20 as radon counts it (boolean operators
# included, which ruff's C901 leaves out): radon's rank D and worse. Lists every offender.
complexity: $(VENV)/.installed-dev
	@over="$$($(BIN)/radon cc --show-complexity --min D src/kzpolicy)"; \
	if [ -n "$$over" ]; then \
	  echo "above cyclomatic complexity 20 (radon cc); split these into named steps:"; \
	  echo "$$over"; exit 1; \
	fi

# The browser tests (tests/report/test_browser.py) drive Debian's chromium through
# Playwright, which is told never to download a browser of its own.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1
CHROMIUM ?= /usr/bin/chromium
APT_CHROMIUM := apt-get update -qq && apt-get install -y -qq chromium

chromium:
	@if [ -x $(CHROMIUM) ]; then :; \
	elif [ "$$(id -u)" = 0 ]; then echo "installing Debian's chromium for the browser tests"; \
	  export DEBIAN_FRONTEND=noninteractive; $(APT_CHROMIUM); \
	else echo "the browser tests need Debian's chromium at $(CHROMIUM); as root run: $(APT_CHROMIUM)" >&2; \
	  exit 1; fi

pytest: $(VENV)/.installed-dev chromium
	$(BIN)/pytest

test: lint typecheck layers complexity pytest

# The quick check of one more Python (.ci/run runs it on the oldest and the newest, each
# in a venv of its own): ruff, mypy --strict against that Python's packages, and every
# test not marked slow (the browser tests are, so no chromium is needed).
test-quick: lint typecheck
	$(BIN)/pytest -m 'not slow'

# the benchmark's peer engine, CLIPS (clipspy), is installed for `make bench` only
$(VENV)/.installed-bench: pyproject.toml $(VENV)/.installed-dev
	$(INSTALL_ENV) $(BIN)/python -m pip install --quiet -e '.[bench]'
	$(check_durable)
	touch $@

bench: $(VENV)/.installed-bench
	$(BIN)/python bench/bench.py
	$(BIN)/python bench/bench_batch.py
	$(BIN)/python bench/bench_serve.py
	$(BIN)/python bench/bench_engines.py
	$(BIN)/python bench/bench_readings.py
	$(BIN)/python bench/bench_reasoning.py
	$(BIN)/python bench/bench_replay.py

fuzz: $(VENV)/.installed-dev
	$(BIN)/python tests/fuzz.py --kbs 400 --inputs 500 --mutations 1000
	HYPOTHESIS_PROFILE=kzpolicy-fuzz $(BIN)/pytest -q -p no:cacheprovider \
	  tests/test_fuzz_hypothesis.py --hypothesis-show-statistics

# The reference (docs/*.md) as a site; MkDocs comes with the dev extra, the theme is
# MkDocs' own and highlight.js is off (it would come from a CDN): nothing is fetched.
docs: $(VENV)/.installed-dev
	$(BIN)/mkdocs build --strict --site-dir site

clean:
	rm -rf $(VENV) build dist site .mypy_cache .ruff_cache .pytest_cache
