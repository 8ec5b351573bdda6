"""kzpolicy: a decision-support rules engine built from one article.

Shaymergenov & Biekenov, "Kazakhstan and NATO: Evaluation of Cooperation
Prospects" (Central Asia and the Caucasus, 2010, CC BY). The article's content
lives as data in rules/; this package loads it (:func:`load`), validates it,
and assesses the conditions a caller asserts (:func:`assess`) on the
durable-rules engine, returning the implied scenario, the risks flagged and why.

Public API::

    load(path=None) -> KnowledgeBase
    assess(conditions=None, *, preset=None, kb=None) -> Assessment
    Conditions, Assessment (and the result models in kzpolicy.results)
    KzPolicyError and its subclasses (kzpolicy.errors)
"""

from __future__ import annotations

from ._assess import assess
from .conditions import Conditions
from .errors import (
    EngineError,
    InputError,
    KnowledgeBaseError,
    KzPolicyError,
    RulesFileError,
    UnknownConditionError,
    UnknownIdError,
    ValidationError,
)
from .knowledge import KnowledgeBase, load
from .results import Assessment

__all__ = [
    "Assessment",
    "Conditions",
    "EngineError",
    "InputError",
    "KnowledgeBase",
    "KnowledgeBaseError",
    "KzPolicyError",
    "RulesFileError",
    "UnknownConditionError",
    "UnknownIdError",
    "ValidationError",
    "assess",
    "load",
]
