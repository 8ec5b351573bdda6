"""Fixtures shared by the report tests: the stock knowledge base, the 2010 assessment and a
what-if pair (before, after) that moves the scenario."""

from __future__ import annotations

import pytest

import kzpolicy
from kzpolicy.engine.results import Assessment
from kzpolicy.kb.knowledge import KnowledgeBase


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return kzpolicy.load()


@pytest.fixture(scope="module")
def article() -> Assessment:
    return kzpolicy.assess(preset="article-2010")


@pytest.fixture(scope="module")
def what_if() -> tuple[Assessment, Assessment]:
    before = kzpolicy.assess(preset="article-2010")
    after = kzpolicy.assess({"D1": True, "D2": True, "D3": True, "D4": True, "D5": True,
                             "B1": False, "B2": False, "B3": False,
                             "cooperation_intensifies": False}, preset="article-2010")
    return before, after
