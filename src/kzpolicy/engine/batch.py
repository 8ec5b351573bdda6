"""Batch assessment: many condition sets assessed on the compiled (bitset) engine.

``assess_many`` gives, for each input, exactly what ``assess(..., engine="compiled")``
gives; inputs with the same scenario factors share one decision.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from kzpolicy.engine.assess import build_assessment
from kzpolicy.engine.bitset import bitset
from kzpolicy.engine.conditions import ConditionInput, resolve
from kzpolicy.engine.decision import ScenarioDecision, decide
from kzpolicy.engine.results import Assessment
from kzpolicy.errors import InputError, UnknownIdError, expect
from kzpolicy.kb.knowledge import KnowledgeBase
from kzpolicy.kb.loading import knowledge_base

__all__ = ["assess_many", "assess_resolved"]


def assess_resolved(kb: KnowledgeBase, asserted: Mapping[str, bool]) -> Assessment:
    """Assess already-resolved conditions (``{id: bool}``, checked) on the compiled engine."""
    outcome = decide(kb, asserted)
    return build_assessment(kb, asserted, outcome, bitset(kb).run(asserted, outcome.scenario))


def assess_many(
    conditions_list: Iterable[ConditionInput],
    *,
    preset: str | None = None,
    kb: KnowledgeBase | None = None,
) -> list[Assessment]:
    """Assess each condition set (any form ``assess`` accepts) on the compiled engine.

    ``preset`` is the base every condition set is overlaid on. A bad input raises
    the same error ``assess`` would, naming its position in the list.
    """
    if isinstance(conditions_list, str | bytes | Mapping):
        raise InputError(
            "assess_many takes a list of condition sets, not a single one; "
            "use assess() for one, or wrap it in a list"
        )
    expect("assess_many", "conditions_list", conditions_list, Iterable,
           "a list of condition sets (each a mapping or a list of IDs)")
    expect("assess_many", "preset", preset, str, "a preset ID (see 'kzpolicy list presets')",
           optional=True)
    base = knowledge_base("assess_many", kb)
    resolve(base, None, preset=preset)  # an unknown preset fails once, before any input
    engine = bitset(base)
    factors = base.factors
    outcomes: dict[frozenset[str], ScenarioDecision] = {}
    out: list[Assessment] = []
    for n, conditions in enumerate(conditions_list):
        try:
            asserted = resolve(base, conditions, preset=preset)
        except UnknownIdError as exc:
            exc.message = f"condition set {n}: {exc.message}"
            exc.args = (exc.message,)
            raise
        except InputError as exc:
            raise InputError(f"condition set {n}: {exc}") from exc
        key = frozenset(c for c, v in asserted.items() if v and c in factors)
        outcome = outcomes.get(key)
        if outcome is None:
            outcome = outcomes[key] = decide(base, asserted)
        out.append(build_assessment(base, asserted, outcome,
                                    engine.run(asserted, outcome.scenario)))
    return out
