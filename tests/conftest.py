"""Shared fixtures for the kzpolicy tests (no autouse fixtures here)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kzpolicy.kb.loading import stock_rules_path


@pytest.fixture
def stock_copy(tmp_path: Path) -> Path:
    """A fresh copy of the stock rules/ folder; return its path."""
    copy = tmp_path / "rules"
    shutil.copytree(stock_rules_path(), copy)
    return copy
