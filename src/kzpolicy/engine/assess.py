"""assess(): from asserted conditions to the implied scenario, the flagged items and why.

The steps of the article's method, in order: resolve the caller's conditions, decide the
implied scenario, fire the rules on the chosen engine, build the result.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from kzpolicy.engine.asserted import resolve
from kzpolicy.engine.build import build_assessment
from kzpolicy.engine.decision import decide
from kzpolicy.engine.engines import EngineName, engine_name, rule_engine
from kzpolicy.engine.results import Assessment
from kzpolicy.errors import expect
from kzpolicy.kb.knowledge import KnowledgeBase
from kzpolicy.kb.loading import knowledge_base

if TYPE_CHECKING:  # the Conditions model and the readings load when a caller uses them
    from kzpolicy.engine.conditions import ConditionInput
    from kzpolicy.kb.reading import ReadingSpec

__all__ = ["assess", "assess_resolved"]


def assess(
    conditions: ConditionInput = None,
    *,
    preset: str | None = None,
    kb: KnowledgeBase | None = None,
    engine: EngineName = "durable",
    reading: ReadingSpec = None,
) -> Assessment:
    """Assess the conditions the caller believes hold.

    ``conditions`` maps condition IDs to True/False, or is a list of IDs (all
    true), or a :class:`~kzpolicy.Conditions`; IDs left out are unknown.
    ``preset`` starts from a named preset of rules/presets.yaml and overlays
    ``conditions`` on it. ``kb`` defaults to the stock knowledge base.
    ``engine`` picks the rule engine: ``"durable"`` (durable-rules, the Rete engine;
    the default) or ``"bitset"`` (the bitset engine; ``"compiled"`` is its old name,
    kept as an alias). Both give the same result. ``reading`` applies readings to ``kb``
    first (a name such as ``"stated-only"``, names joined by ``+``, a reading file, a
    :class:`~kzpolicy.Reading`, or a list of these; see ``kzpolicy list readings``).
    """
    expect("assess", "preset", preset, str, "a preset ID (see 'kzpolicy list presets')",
           optional=True)
    base = knowledge_base("assess", kb, reading)
    name = engine_name("assess", engine)
    return assess_resolved(base, resolve(base, conditions, preset=preset), name)


def assess_resolved(kb: KnowledgeBase, asserted: Mapping[str, bool],
                    engine: str = "bitset") -> Assessment:
    """Assess already-resolved conditions (``{id: bool}``, checked) on ``engine``: decide
    the scenario, fire the rules, build the result."""
    outcome = decide(kb, asserted)
    firings = rule_engine(kb, engine).run(asserted, outcome.scenario)
    return build_assessment(kb, asserted, outcome, firings)
