"""Exact sensitivity: how much each belief moves each scenario's and item's probability.

Every probability :func:`~kzpolicy.analysis.probabilities.probabilities` computes is
multilinear in the beliefs: with the others held, it is a straight line in any one
belief ``p``, ``P(p) = P(0) + p * (P(1) - P(0))``. So two exact evaluations per belief
(the condition false, then true) give its whole effect: the *swing* ``P(1) - P(0)`` of
every scenario and item, and the values of ``p`` at which the most likely scenario
changes (where two scenarios' lines cross on top). Beliefs are ranked by the largest
scenario swing (or, with ``by``, by the swing of that one scenario), then the largest
item swing; beliefs that swing alike share a rank (a tie, ranked 1, 1, 3, ...).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any, Literal

from kzpolicy.analysis.beliefs import Beliefs, as_fraction, exact_value
from kzpolicy.analysis.probabilities import Situation, evaluate, most_likely, situation
from kzpolicy.engine.conditions import ConditionInput
from kzpolicy.engine.decision import outcome_label
from kzpolicy.engine.display import Displayed
from kzpolicy.engine.results import Cited, ResultModel, trusted
from kzpolicy.errors import InputError, expect
from kzpolicy.kb.knowledge import KnowledgeBase
from kzpolicy.kb.reading import ReadingSpec

__all__ = ["BeliefSensitivity", "ScenarioChange", "Sensitivity", "Swing", "sensitivity",
           "switches"]

_NOISE = 1e-12
"""A float swing this small is rounding, not an effect (exact swings are never cut)."""


class Swing(ResultModel):
    """One scenario's or item's probability with one belief false, then true."""

    id: str
    kind: str
    """``scenario`` or the item's kind."""
    label: str
    low: float
    """The probability with the condition false (its belief 0)."""
    high: float
    """The probability with the condition true (its belief 1)."""
    swing: float
    """``high - low``: the change per unit of belief, the same everywhere from 0 to 1."""
    exact: Fraction | None
    """The swing as a fraction (with ``exact=True``), else None."""


class ScenarioChange(ResultModel):
    """A belief value at which the most likely scenario changes."""

    value: float
    exact: Fraction | None
    before: str
    """The most likely scenario just below ``value``."""
    after: str
    """The most likely scenario just above ``value``."""


class BeliefSensitivity(Cited):
    """Everything one belief moves (``id``, ``label``, ``locator``: the belief's condition)."""

    belief: float
    scenario_swing: float
    """The largest swing (in size) of a scenario's probability."""
    item_swing: float
    """The largest swing (in size) of an item's probability."""
    scenarios: tuple[Swing, ...]
    """Every scenario, in the article's order."""
    items: tuple[Swing, ...]
    """The items whose probability this belief moves, the largest swing first."""
    changes: tuple[ScenarioChange, ...]
    """Every belief value from 0 to 1 at which the most likely scenario changes."""
    tipping: ScenarioChange | None
    """The change nearest the belief's value, or None when the most likely scenario is
    the same for every value."""
    rank: int
    """Its place in the ranking; beliefs that swing the scenario alike share one (a tie:
    1, 1, 3, ...)."""


class Sensitivity(ResultModel, Displayed):
    """How each belief moves the scenario and item probabilities, beliefs ranked."""

    kb_version: str
    reading: str
    """The reading it was made under (``article``: the knowledge base as written)."""
    beliefs: dict[str, float]
    exact_beliefs: dict[str, Fraction] | None
    fixed: dict[str, bool]
    method: Literal["count"]
    most_likely: str
    scenarios: dict[str, float]
    """Each scenario's probability at the beliefs as given."""
    by: str | None
    """The scenario the beliefs are ranked for, or None: by the largest scenario swing."""
    ranked: tuple[BeliefSensitivity, ...]
    """The beliefs, the largest scenario swing first (the swing of ``by``, when given),
    then the largest item swing; ties share a rank."""


def switches(ids: Sequence[str], low: Sequence[Any], high: Sequence[Any]
             ) -> list[tuple[Any, str, str]]:
    """Where the top line changes among the lines ``low[s] + x (high[s] - low[s])`` for
    ``x`` from 0 to 1: ``(x, top before, top after)``, in increasing ``x`` (the first
    scenario wins a tie)."""
    slope = [h - lo for lo, h in zip(low, high, strict=True)]
    cuts = set()
    for a in range(len(ids)):
        for b in range(a + 1, len(ids)):
            if slope[a] != slope[b]:
                x = (low[b] - low[a]) / (slope[a] - slope[b])
                if 0 < x < 1:
                    cuts.add(x)
    points = [0, *sorted(cuts), 1]

    def top(x: Any) -> str:
        values = [lo + x * d for lo, d in zip(low, slope, strict=True)]
        return most_likely(tuple(ids), values)

    out = []
    before = top((points[0] + points[1]) / 2)
    for i in range(1, len(points) - 1):
        after = top((points[i] + points[i + 1]) / 2)
        if after != before:
            out.append((points[i], before, after))
        before = after
    return out


def _swings(rows: Sequence[tuple[str, str, str]], low: Sequence[Any], high: Sequence[Any],
            exact: bool) -> list[Swing]:
    return [trusted(Swing, id=i, kind=kind, label=label, low=float(lo), high=float(hi),
                    swing=float(hi - lo), exact=exact_value(hi - lo) if exact else None)
            for (i, kind, label), lo, hi in zip(rows, low, high, strict=True)]


def _belief(s: Situation, c: str, values: Mapping[str, Any], exact: bool
            ) -> BeliefSensitivity:
    kb, counter = s.kb, s.counter
    zero, one = (Fraction(0), Fraction(1)) if exact else (0.0, 1.0)
    low_s, low_i = evaluate(s, {**values, c: zero}, exact)
    high_s, high_i = evaluate(s, {**values, c: one}, exact)
    scen_rows = [(sid, "scenario", outcome_label(kb, sid)) for sid in counter.scenario_ids]
    scenarios = _swings(scen_rows, low_s, high_s, exact)
    moved = [i for i in low_i if c in counter.depends_on(i)]
    items = [w for w in _swings([(i, kb.items[i].kind, kb.items[i].label) for i in moved],
                                [low_i[i] for i in moved], [high_i[i] for i in moved], exact)
             if (w.exact != 0 if exact else abs(w.swing) > _NOISE)]
    items.sort(key=lambda w: -abs(w.swing))
    changes = [trusted(ScenarioChange, value=float(x), exact=exact_value(x) if exact else None,
                       before=b, after=a)
               for x, b, a in switches(counter.scenario_ids, low_s, high_s)]
    here = values[c]
    tipping = min(changes, key=lambda ch: abs((ch.exact if exact else ch.value) - here),
                  default=None)
    return trusted(
        BeliefSensitivity, id=c, label=kb.label_of(c), locator=kb.locator_of(c), rank=0,
        belief=float(here),
        scenario_swing=max((abs(w.swing) for w in scenarios), default=0.0),
        item_swing=max((abs(w.swing) for w in items), default=0.0),
        scenarios=tuple(scenarios), items=tuple(items), changes=tuple(changes),
        tipping=tipping)


def sensitivity(
    beliefs: Beliefs,
    *,
    fixed: ConditionInput = None,
    preset: str | None = None,
    kb: KnowledgeBase | None = None,
    exact: bool = False,
    reading: ReadingSpec = None,
    by: str | None = None,
) -> Sensitivity:
    """For every belief, the exact swing of each scenario's and item's probability
    between the condition false and true, and the belief values at which the most
    likely scenario changes; the beliefs ranked by how much they move the scenario
    (``by``: a scenario ID, to rank by how much they move that one), ties sharing a rank.

    The other arguments are those of :func:`kzpolicy.probabilities`.
    """
    expect("sensitivity", "by", by, str, "a scenario ID", optional=True)
    s = situation("sensitivity", beliefs, fixed, preset, kb, exact, reading)
    if by is not None and by not in s.counter.scenario_ids:
        raise InputError(f"sensitivity: by={by!r} is not a scenario; use one of "
                         + ", ".join(s.counter.scenario_ids))
    values: dict[str, Any] = ({c: as_fraction(v, c) for c, v in s.beliefs.items()} if exact
                              else {c: float(v) for c, v in s.beliefs.items()})
    scen, _ = evaluate(s, values, exact)
    order = {c: n for n, c in enumerate(s.beliefs)}
    ranked = _ranked([_belief(s, c, values, exact) for c in s.beliefs], by, order)
    return trusted(
        Sensitivity,
        kb_version=s.kb.version,
        reading=s.kb.reading,
        beliefs={c: float(v) for c, v in s.beliefs.items()},
        exact_beliefs=values if exact else None,
        fixed=dict(s.fixed),
        method="count",
        most_likely=most_likely(s.counter.scenario_ids, scen),
        scenarios={sid: float(p) for sid, p in zip(s.counter.scenario_ids, scen, strict=True)},
        by=by,
        ranked=tuple(ranked),
    )


def _key(b: BeliefSensitivity, by: str | None) -> tuple[Any, Any]:
    """What a belief is ranked by, to within rounding: the scenario swing (of ``by``, or
    the largest), then the item swing; two beliefs with one scenario swing are tied."""
    swings = [w for w in b.scenarios if by is None or w.id == by]
    swing = max((abs(w.exact) if w.exact is not None else abs(w.swing) for w in swings),
                default=0.0)
    item = abs(b.items[0].exact) if b.items and b.items[0].exact is not None else b.item_swing
    return (swing if isinstance(swing, Fraction) else round(swing, 12),
            item if isinstance(item, Fraction) else round(item, 12))


def _ranked(beliefs: list[BeliefSensitivity], by: str | None, order: Mapping[str, int]
            ) -> list[BeliefSensitivity]:
    """The beliefs in rank order, each with its rank (a tie shares the first place)."""
    beliefs.sort(key=lambda b: (*(-x for x in _key(b, by)), order[b.id]))
    out: list[BeliefSensitivity] = []
    for n, b in enumerate(beliefs, 1):
        tied = bool(out) and _key(out[-1], by)[0] == _key(b, by)[0]
        out.append(b.model_copy(update={"rank": out[-1].rank if tied else n}))
    return out
