"""Exact probabilities: each scenario's and each item's, when conditions hold with given
probabilities.

Each condition in ``beliefs`` (:mod:`kzpolicy.analysis.beliefs`) is true with its
probability and false otherwise, independently (the semantics of ``monte_carlo``, without
sampling); ``fixed`` and the preset assert conditions; the rest stay unknown. The
probabilities are sums over the factor counts and over each item's cone of rules
(:mod:`kzpolicy.analysis.counting`), exact up to float rounding, or exactly as fractions
with ``exact=True``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Literal

from kzpolicy.analysis.beliefs import (
    Belief,
    Beliefs,
    as_fraction,
    check_beliefs,
    exact_value,
    fixed_beside,
    in_condition_order,
)
from kzpolicy.analysis.budget import checkpoint
from kzpolicy.analysis.counting import FactorCounter, counter_for
from kzpolicy.engine.conditions import ConditionInput
from kzpolicy.engine.decision import outcome_label
from kzpolicy.engine.display import Displayed
from kzpolicy.engine.results import ResultModel, trusted
from kzpolicy.errors import expect
from kzpolicy.kb.kinds import GROUP_OF
from kzpolicy.kb.knowledge import KnowledgeBase
from kzpolicy.kb.loading import knowledge_base
from kzpolicy.kb.reading import ReadingSpec
from kzpolicy.kb.schema import Locator

__all__ = [
    "ItemProbability",
    "Probabilities",
    "ScenarioProbability",
    "Situation",
    "evaluate",
    "probabilities",
    "situation",
]


class ScenarioProbability(ResultModel):
    """The exact probability that a scenario is implied."""

    id: str
    label: str
    probability: float
    exact: Fraction | None
    """The probability as a fraction (with ``exact=True``), else None."""
    depends_on: tuple[str, ...]
    """The beliefs (uncertain factors) that can change which scenario is implied."""


class ItemProbability(ResultModel):
    """The exact probability that an item is flagged (or engaged)."""

    id: str
    kind: str
    label: str
    locator: Locator
    probability: float
    exact: Fraction | None
    depends_on: tuple[str, ...]
    """The beliefs its probability depends on: the uncertain conditions its rules read,
    and the uncertain factors that can change the scenario when a rule reads it."""


class Probabilities(ResultModel, Displayed):
    """Scenario and item probabilities when conditions hold with given probabilities."""

    kb_version: str
    reading: str
    """The reading it was made under (``article``: the knowledge base as written)."""
    beliefs: dict[str, float]
    exact_beliefs: dict[str, Fraction] | None
    """The beliefs as fractions (with ``exact=True``; a float is read as the decimal it
    prints as, 0.7 as 7/10), else None."""
    fixed: dict[str, bool]
    unknown: tuple[str, ...]
    """Conditions neither believed nor fixed: never true, never false."""
    method: Literal["count"]
    """How the probabilities were computed: summed over factor counts and item cones."""
    most_likely: str
    """The scenario with the highest probability (the first in the article's order on a
    tie)."""
    scenarios: dict[str, ScenarioProbability]
    outcomes: tuple[ItemProbability, ...]
    """The scenarios' outcomes: each is reached when its scenario is implied."""
    risks: tuple[ItemProbability, ...]
    engaged: tuple[ItemProbability, ...]


# ---------------------------------------------------------------------- input
@dataclass(frozen=True)
class Situation:
    """Checked input: the knowledge base, the beliefs in condition order, the fixed
    conditions, and the rules prepared for that split (:class:`FactorCounter`)."""

    kb: KnowledgeBase
    beliefs: dict[str, Belief]
    fixed: dict[str, bool]
    counter: FactorCounter


def situation(where: str, beliefs: object, fixed: ConditionInput, preset: str | None,
              kb: KnowledgeBase | None, exact: object, reading: ReadingSpec = None
              ) -> Situation:
    """Check the arguments of ``where`` and prepare the rules for them."""
    expect(where, "preset", preset, str, "a preset ID (see 'kzpolicy list presets')",
           optional=True)
    base_kb = knowledge_base(where, kb, reading)
    expect(where, "exact", exact, bool, "True (fractions too) or False")
    probs = check_beliefs(where, "beliefs", base_kb, beliefs)
    base = fixed_beside(base_kb, probs, fixed, preset)
    order = in_condition_order(base_kb, probs)
    counter = counter_for(base_kb, order, base)
    return Situation(base_kb, {c: probs[c] for c in order}, base, counter)


def _item_fields(s: Situation) -> list[tuple[dict[str, Any], str]]:
    """Each flaggable item's fields that do not depend on the belief values, and its
    group (outcomes, risks or engaged); kept with the counter."""
    memo = s.counter.memo.get("item fields")
    if memo is not None:
        return memo  # type: ignore[return-value]
    found: list[tuple[dict[str, Any], str]] = []
    for i in s.counter.tables:
        info = s.kb.items[i]
        if info.kind in GROUP_OF:
            found.append(({"id": i, "kind": info.kind, "label": info.label,
                           "locator": info.locator, "depends_on": s.counter.depends_on(i)},
                          GROUP_OF[info.kind]))
    s.counter.memo["item fields"] = found
    return found


# ---------------------------------------------------------------------- evaluation
def evaluate(s: Situation, values: Mapping[str, Any], exact: bool
             ) -> tuple[list[Any], dict[str, Any]]:
    """Scenario probabilities (in ``scenario_ids`` order) and item probabilities for
    belief ``values`` (floats, or fractions when ``exact``)."""
    checkpoint()
    order = s.counter.uncertain
    if exact:
        t: list[Any] = [values[c] for c in order]
        f: list[Any] = [1 - x for x in t]
    else:
        t = [float(values[c]) for c in order]
        f = [1.0 - x for x in t]
    scen = s.counter.scenarios((t, f), exact=exact, normalised=True)
    items = s.counter.items((t, f), exact=exact, normalised=True, scenarios=scen)
    return scen, items


def most_likely(ids: tuple[str, ...], values: list[Any]) -> str:
    """The scenario of the highest value, the first on a tie."""
    best = 0
    for n, v in enumerate(values):
        if v > values[best]:
            best = n
    return ids[best]


def probabilities(
    beliefs: Beliefs,
    *,
    fixed: ConditionInput = None,
    preset: str | None = None,
    kb: KnowledgeBase | None = None,
    exact: bool = False,
    reading: ReadingSpec = None,
) -> Probabilities:
    """The exact probability of each scenario and of each item being flagged.

    Each condition in ``beliefs`` is true with its probability and false otherwise,
    independently; ``fixed`` (overlaid on ``preset``) asserts conditions; a belief
    overrides a preset's value. Conditions in neither stay unknown. With ``exact=True``
    every probability also comes as a ``Fraction`` (``.exact``), a float belief read as
    the decimal it prints as. ``reading`` applies readings to ``kb`` first.
    """
    s = situation("probabilities", beliefs, fixed, preset, kb, exact, reading)
    return build(s, exact)


def build(s: Situation, exact: bool) -> Probabilities:
    """The :class:`Probabilities` of a checked situation."""
    kb, counter = s.kb, s.counter
    values: dict[str, Any] = ({c: as_fraction(v, c) for c, v in s.beliefs.items()} if exact
                              else s.beliefs)
    scen, items = evaluate(s, values, exact)
    deciding = tuple(counter.uncertain[i] for i in counter.deciding_factors())
    scenarios = {
        sid: trusted(ScenarioProbability, id=sid, label=outcome_label(kb, sid),
                     probability=float(p), exact=exact_value(p) if exact else None,
                     depends_on=deciding)
        for sid, p in zip(counter.scenario_ids, scen, strict=True)
    }

    groups: dict[str, list[ItemProbability]] = {"outcomes": [], "risks": [], "engaged": []}
    for static, group in _item_fields(s):
        p = items[static["id"]]
        fields = {**static, "probability": float(p), "exact": exact_value(p) if exact else None}
        groups[group].append(trusted(ItemProbability, **fields))

    known = set(s.beliefs) | set(s.fixed)
    return trusted(
        Probabilities,
        kb_version=kb.version,
        reading=kb.reading,
        beliefs={c: float(v) for c, v in s.beliefs.items()},
        exact_beliefs=values if exact else None,
        fixed=dict(s.fixed),
        unknown=tuple(c for c in kb.condition_ids if c not in known),
        method="count",
        most_likely=most_likely(counter.scenario_ids, scen),
        scenarios=scenarios,
        outcomes=tuple(groups["outcomes"]),
        risks=tuple(groups["risks"]),
        engaged=tuple(groups["engaged"]),
    )
