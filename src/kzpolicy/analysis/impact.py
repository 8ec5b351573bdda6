"""The impact of changing a knowledge base: over every combination of the scenario factors,
how many change their implied scenario, and how many change whether each item is flagged.

Counted, not enumerated (as the landscape counts, :mod:`kzpolicy.analysis.counting`):
the decision depends only on how many factors of each scenario are true, so the
combinations that imply scenario ``s`` under one knowledge base and ``t`` under the other
are a sum over the table of factor counts, each cell weighted by the number of
combinations with those counts (a product of binomial coefficients). An item depends on
the few factors its rules read (its cone, on either side) and on the implied scenario:
for each assignment of those factors, the other factors' counts are summed the same way,
jointly for both decisions. Both knowledge bases must have the same scenarios with the
same factors; the context conditions are fixed by the caller or unknown.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from kzpolicy.analysis.cones import cone_rules
from kzpolicy.analysis.counting import FactorCounter, counter_for
from kzpolicy.engine.results import ResultModel
from kzpolicy.errors import InputError
from kzpolicy.kb.knowledge import KnowledgeBase

__all__ = ["ItemImpact", "ScenarioMove", "factor_groups", "impact"]


class ScenarioMove(ResultModel):
    """The factor ``combinations`` that imply scenario ``before`` under the first
    knowledge base and ``after`` under the second (the same one, or another)."""

    before: str
    after: str
    combinations: int


class ItemImpact(ResultModel):
    """An item whose flagging changes: in how many factor combinations it is flagged
    ``before`` and ``after``, how many flag it on one side only (``changed``), which rules
    that lead to it were added, removed or rewritten (by ID), and whether one of them reads
    the implied scenario (so that a change of the decision rule changes it)."""

    id: str
    changed: int
    rules_removed: tuple[str, ...]
    before: int
    rules_added: tuple[str, ...]
    after: int
    rules_changed: tuple[str, ...]
    reads_scenario: bool
    kind: str
    label: str


def factor_groups(kb: KnowledgeBase) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Each scenario with its factors, in the knowledge base's order."""
    return tuple((sid, tuple(f.id for f in sc.factors)) for sid, sc in kb.scenarios.items())


def _binomials(n: int) -> npt.NDArray[np.float64]:
    return np.array([math.comb(n, k) for k in range(n + 1)], dtype=np.float64)


class _Joint:
    """The two decision tables over the factor counts, summed jointly."""

    def __init__(self, a: FactorCounter, b: FactorCounter) -> None:
        self.a, self.b = a, b
        self.sizes = tuple(len(g) for g in a.groups)
        self.n_b = len(b.scenario_ids)
        self.pairs = len(a.scenario_ids) * self.n_b
        self.code = a.decision.astype(np.int64) * self.n_b + b.decision.astype(np.int64)
        self.group_of = {i: n for n, g in enumerate(a.groups) for i in g}

    def weights(self, shift: Sequence[int], held: Sequence[int]) -> npt.NDArray[np.float64]:
        """``W[s_a * n_b + s_b]``: the combinations of the factors not ``held`` (per group,
        how many are held fixed) that, with ``shift`` held factors true per group, imply
        ``s_a`` before and ``s_b`` after."""
        rest = [n - h for n, h in zip(self.sizes, held, strict=True)]
        grid = self.code[tuple(slice(s, s + r + 1) for s, r in zip(shift, rest, strict=True))]
        w = _binomials(rest[0])
        for r in rest[1:]:
            w = np.multiply.outer(w, _binomials(r))
        found = np.bincount(grid.ravel(), weights=w.ravel(), minlength=self.pairs)
        return found.astype(np.float64)

    def scenarios(self) -> list[ScenarioMove]:
        zero = [0] * len(self.sizes)
        w = self.weights(zero, zero)
        ids_a, ids_b = self.a.scenario_ids, self.b.scenario_ids
        return [ScenarioMove(before=ids_a[k // self.n_b], after=ids_b[k % self.n_b],
                             combinations=round(float(v))) for k, v in enumerate(w) if v]

    def item(self, item: str) -> tuple[int, int, int]:
        """Combinations flagging ``item`` before, after, and on one side only."""
        ta, tb = self.a.tables.get(item), self.b.tables.get(item)
        held = sorted({*(ta.variables if ta else ()), *(tb.variables if tb else ())})
        per_group = [0] * len(self.sizes)
        for v in held:
            per_group[self.group_of[v]] += 1
        before = after = changed = 0.0
        for bits in range(1 << len(held)):
            on = [v for j, v in enumerate(held) if bits >> j & 1]
            shift = [0] * len(self.sizes)
            for v in on:
                shift[self.group_of[v]] += 1
            w = self.weights(shift, per_group).reshape(-1, self.n_b)
            fa = _flags(ta, set(on), len(self.a.scenario_ids))
            fb = _flags(tb, set(on), self.n_b)
            before += float(w.sum(axis=1) @ fa)
            after += float(w.sum(axis=0) @ fb)
            changed += float((w * (fa[:, None] != fb[None, :])).sum())
        return round(before), round(after), round(changed)


def _flags(table: Any, on: set[int], n_scen: int) -> npt.NDArray[np.float64]:
    """Per scenario index, whether the item holds with exactly the held factors ``on``
    true (``table``: its truth table over some of them, maybe with a scenario axis)."""
    if table is None:
        return np.zeros(n_scen)
    index = sum(1 << j for j, v in enumerate(table.variables) if v in on)
    row = table.holds[index]
    if table.scenario:
        return np.asarray(row, dtype=np.float64)
    return np.full(n_scen, float(row))


def _rule_changes(a: KnowledgeBase, b: KnowledgeBase, item: str,
                  cones: tuple[Mapping[str, tuple[tuple[str, ...], bool]], ...]
                  ) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], bool]:
    (ra, sa), (rb, sb) = (c.get(item, ((), False)) for c in cones)
    added = tuple(r for r in rb if r not in ra)
    removed = tuple(r for r in ra if r not in rb)
    changed = tuple(r for r in ra if r in rb
                    and a.rule_index[r].model_dump() != b.rule_index[r].model_dump())
    return added, removed, changed, sa or sb


def impact(a: KnowledgeBase, b: KnowledgeBase, context: Mapping[str, bool]
           ) -> tuple[list[ScenarioMove], list[ItemImpact]]:
    """Over every combination of the factors (each true or false, ``context`` fixed): how
    the implied scenario moves from ``a`` to ``b``, and each item whose rules or flagging
    changes (by combinations, or by the rules that lead to it)."""
    if factor_groups(a) != factor_groups(b):
        raise InputError("the impact is counted over one set of factor combinations, but the "
                         "two knowledge bases differ in their scenarios or their factors")
    factors = tuple(a.factors)
    joint = _Joint(counter_for(a, factors, dict(context)),
                   counter_for(b, factors, dict(context)))
    cones = (cone_rules(a), cone_rules(b))
    items: list[ItemImpact] = []
    for item, info in {**b.items, **a.items}.items():
        if item not in joint.a.tables and item not in joint.b.tables:
            continue  # not flaggable
        before, after, changed = joint.item(item)
        added, removed, rewritten, scen = _rule_changes(a, b, item, cones)
        if changed or added or removed or rewritten:
            items.append(ItemImpact(
                id=item, kind=info.kind, label=info.label, before=before, after=after,
                changed=changed, rules_added=added, rules_removed=removed,
                rules_changed=rewritten, reads_scenario=scen))
    return joint.scenarios(), items
