"""The tags kzpolicy's own feature files use: one per article section, then one per topic,
one per scenario of the knowledge base among them.

They document features/ (docs/steps.md lists them) and this project registers them as
markers in its own pytest configuration (tests/conftest.py). The plugin registers no
marker: a project that runs its own feature files registers its own tags.
:func:`feature_tags` gives them for a knowledge base; ``TAGS`` are those of the stock
one (read on first use, so importing this module loads no knowledge base).
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kzpolicy.kb.knowledge import KnowledgeBase

__all__ = ["SECTIONS", "TOPICS", "feature_tags"]  # and TAGS, computed on first use

#: tag -> what a feature citing that section of the article checks
SECTIONS: dict[str, str] = {
    "introduction": "cites the article's introduction",
    "stimuli": "cites the section on cooperation stimuli (reasons, doctrines, stages)",
    "vectors": "cites the section on the main cooperation vectors (programmes, the table)",
    "regional_security": "cites the section on the security of Central Asia (rivalry)",
    "scenarios": "cites the section on scenarios (the SWOT analysis and the three scenarios)",
    "conclusion": "cites the article's conclusion",
}

#: tag -> what a feature with it checks, for the topics before the scenarios' own tags
_ITEM_TOPICS: dict[str, str] = {
    "swot": "checks the SWOT analysis",
    "threats": "checks the challenges and threats (T*)",
    "weaknesses": "checks the weaknesses (W*)",
    "strengths": "checks the strengths (S*)",
    "opportunities": "checks the opportunities (O*)",
    "rivalry": "checks the effects of tough CSTO/SCO/NATO competition (C*)",
}

#: tag -> what a feature with it checks, for the topics after the scenarios' own tags
_OTHER_TOPICS: dict[str, str] = {
    "factors": "checks scenario factors and the decision rule",
    "outcomes": "checks the outcomes the article spells out for a scenario",
    "stated": "checks a link the article draws itself (stance stated)",
    "interpretation": "checks a link the project reads into the article (stance interpretation)",
    "situation": "checks the situation the article describes (its preset)",
    "history": "checks the stages of relations, the doctrines, programme and milestone years",
    "findings": "checks the authors' findings an assessment notes (rules/findings.yaml)",
    "partnership_table": "checks the comparative partnership table",
    "what_if": "checks a what-if change on top of an assessment",
    "standing": "checks how firmly an answer stands: stance along its chain, basis, "
    "contested items, the decision's reason",
    "reasoning": "checks why an item is not flagged, what would change it, and what the "
    "unknown conditions leave open",
    "bad_input": "checks that bad input is refused with a helpful message",
    "readings": "checks an answer under a reading of the rules (rules/readings/), or across "
    "every reading",
    "timeline": "checks a journal of situations over time (kzpolicy timeline): the scenario "
    "by date, the risks added and cleared, and the changed beliefs that caused them",
}

#: every topic tag (a scenario's tag is its ID, from the knowledge base)
TOPICS: dict[str, str] = {**_ITEM_TOPICS, **_OTHER_TOPICS}

_ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth"}


def feature_tags(kb: KnowledgeBase) -> dict[str, str]:
    """Tag -> what a feature with it checks: the sections, the item topics, one tag per
    scenario of ``kb`` (its ID), then the other topics."""
    scenarios = {
        sc.id: f"checks the {_ORDINALS.get(sc.ordinal, f'no. {sc.ordinal}')} scenario, {sc.id}"
        for sc in sorted(kb.scenarios.values(), key=lambda sc: sc.ordinal)
    }
    return {**SECTIONS, **_ITEM_TOPICS, **scenarios, **_OTHER_TOPICS}


@functools.cache
def _stock_tags() -> dict[str, str]:
    from kzpolicy.kb.loading import load

    return feature_tags(load())


def __getattr__(name: str) -> dict[str, str]:
    if name == "TAGS":  # the tags of the stock knowledge base, computed on first use
        return _stock_tags()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
