"""Shared fixtures for the kzpolicy tests (no autouse fixtures here). The tags of the
feature files are registered as markers by kzpolicy's own plugin (kzpolicy.bdd.plugin)."""

from __future__ import annotations

import io
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest

from kzpolicy.cli.main import main
from kzpolicy.kb.cache import CACHE_ENV
from kzpolicy.kb.loading import stock_rules_path


@pytest.fixture
def stock_copy(tmp_path: Path) -> Path:
    """A fresh copy of the stock rules/ folder; return its path."""
    copy = tmp_path / "rules"
    shutil.copytree(stock_rules_path(), copy)
    return copy


CliRun = Callable[..., tuple[int, str]]


@pytest.fixture
def cli_run() -> CliRun:
    """``cli_run(*argv) -> (exit status, standard output)``: the whole ``kzpolicy``
    command line, in process (standard error goes to pytest's capture)."""

    def run(*argv: str) -> tuple[int, str]:
        out = io.StringIO()
        return main(list(argv), out=out), out.getvalue()

    return run


def pytest_configure(config: pytest.Config) -> None:
    """Keep the knowledge-base cache of this run (subprocesses included) in a private
    temporary folder, not the user's (the plugin registers kzpolicy's tags itself)."""
    if CACHE_ENV not in os.environ:
        os.environ[CACHE_ENV] = _OWN_CACHE[0] = tempfile.mkdtemp(prefix="kzpolicy-test-cache-")


#: the cache folder this run made (removed at its end), if it made one
_OWN_CACHE = [""]


def pytest_unconfigure(config: pytest.Config) -> None:
    """Remove the knowledge-base cache folder this run made."""
    if _OWN_CACHE[0]:
        shutil.rmtree(_OWN_CACHE[0], ignore_errors=True)
