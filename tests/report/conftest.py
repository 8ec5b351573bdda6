"""Fixtures shared by the report tests: the stock knowledge base, the 2010 assessment, a
what-if pair (before, after) that moves the scenario, and one result of every type a
notebook shows (``notebook_results``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import kzpolicy
from kzpolicy.engine.results import Assessment
from kzpolicy.kb.knowledge import KnowledgeBase

#: the example journal (four dated situation files)
JOURNAL = Path(__file__).resolve().parents[2] / "examples" / "journal"


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


BELIEFS = {"D1": 0.7, "B2": 0.4, "I1": 0.5}


@pytest.fixture(scope="session")
def notebook_results() -> dict[str, Any]:
    """One result of every type with a notebook view, by type name."""
    return {
        "Assessment": kzpolicy.assess(preset="article-2010"),
        "WhatIf": kzpolicy.what_if(changes={"D1": True, "D3": True}, preset="article-2010"),
        "TippingPoints": kzpolicy.tipping_points({"I1": True, "I2": True, "I3": True}),
        "Landscape": kzpolicy.landscape(),
        "Probabilities": kzpolicy.probabilities(BELIEFS),
        "Sensitivity": kzpolicy.sensitivity(BELIEFS),
        "MonteCarlo": kzpolicy.monte_carlo(BELIEFS, samples=500, seed=1),
        "Batch": kzpolicy.assess_many(
            [{"D1": True}, dict.fromkeys(["D1", "D2", "D3", "D4", "D5"], True)] * 300),
        "WhyNot": kzpolicy.why_not(preset="article-2010", item="T8"),
        "Counterfactuals": kzpolicy.counterfactuals({}, "flag T8", limit=5),
        "Stability": kzpolicy.stability(preset="article-2010"),
        "Robustness": kzpolicy.robustness(preset="article-2010"),
        "KnowledgeBaseDiff": kzpolicy.diff(kzpolicy.load(),
                                           kzpolicy.load(reading="count-4")),
        "Timeline": kzpolicy.timeline(JOURNAL),
        "SituationAssessment": kzpolicy.assess_situation(
            kzpolicy.situation(JOURNAL / "2014-06-30.yaml")),
    }
