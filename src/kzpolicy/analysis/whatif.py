"""What-if analysis: what changes when beliefs change, and how far a tipping point is.

``what_if(base, changes)`` assesses a base (conditions or a preset) before and after
setting or clearing some conditions, and returns the difference: scenario and shares with
the decision's reason and warnings on both sides, outcomes, risks, engaged and contested
items added and removed, rules that started or stopped firing.

``tipping_points(base)`` finds the smallest sets of condition changes that switch the
implied scenario. Only scenario factors enter the decision rule, so only they can tip
it: a factor asserted true is switched to false (clearing it has the same effect on
the scenario), any other factor is switched to true.

Both use the bitset engine (:mod:`kzpolicy.engine.bitset`), which agrees with durable-rules
on every result.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping
from typing import Literal, TypeAlias

import numpy as np
from numpy.typing import NDArray

from kzpolicy.analysis.budget import BudgetExceededError, bound, checkpoint
from kzpolicy.engine.assess import assess_resolved
from kzpolicy.engine.bitset import bitset
from kzpolicy.engine.conditions import ConditionInput, resolve
from kzpolicy.engine.decision import decide
from kzpolicy.engine.results import Assessment, ResultModel
from kzpolicy.errors import InputError, UnknownConditionError, expect
from kzpolicy.kb.knowledge import KnowledgeBase
from kzpolicy.kb.loading import knowledge_base
from kzpolicy.kb.schema import Locator

__all__ = [
    "Changes",
    "ConditionChange",
    "ItemRef",
    "RuleRef",
    "ScenarioShift",
    "TippingPoint",
    "TippingPoints",
    "WhatIf",
    "tipping_points",
    "what_if",
]

Changes: TypeAlias = Mapping[str, bool | None] | Iterable[str] | None
"""Conditions to change: ``{id: True/False}`` sets, ``{id: None}`` clears (makes it
unknown); a list of IDs sets each true."""
Base: TypeAlias = ConditionInput | str
"""Where a what-if starts: conditions (any form ``assess`` accepts) or a preset name."""


class ConditionChange(ResultModel):
    """One condition changed: its value before and after (``None`` = unknown)."""

    id: str
    kind: Literal["factor", "condition"]
    label: str
    locator: Locator
    before: bool | None
    after: bool | None


class ItemRef(ResultModel):
    """An item that appeared in or disappeared from the result."""

    id: str
    kind: str
    label: str
    locator: Locator


class RuleRef(ResultModel):
    """A rule that started or stopped firing."""

    id: str
    label: str
    locator: Locator
    stance: Literal["stated", "interpretation"]


class ScenarioShift(ResultModel):
    """The implied scenario and the shares, before and after, and why on each side."""

    before: str
    after: str
    changed: bool
    shares_before: dict[str, float]
    shares_after: dict[str, float]
    reason_before: str
    """The decision rule's reason before the changes (why that scenario, or why no pole)."""
    reason_after: str
    warnings_before: tuple[str, ...]
    warnings_after: tuple[str, ...]


class WhatIf(ResultModel):
    """What changes in the assessment when some conditions change."""

    kb_version: str
    asserted_before: dict[str, bool]
    asserted_after: dict[str, bool]
    changes: tuple[ConditionChange, ...]
    """Every change asked for; one that sets a condition to its current value is kept."""
    scenario: ScenarioShift
    outcomes_added: tuple[ItemRef, ...]
    outcomes_removed: tuple[ItemRef, ...]
    risks_added: tuple[ItemRef, ...]
    risks_removed: tuple[ItemRef, ...]
    engaged_added: tuple[ItemRef, ...]
    engaged_removed: tuple[ItemRef, ...]
    contested_added: tuple[ItemRef, ...]
    """Items the rules imply after the changes while the caller denies what they
    presuppose, and did not before."""
    contested_removed: tuple[ItemRef, ...]
    rules_started: tuple[RuleRef, ...]
    rules_stopped: tuple[RuleRef, ...]

    def unchanged(self) -> bool:
        """True when the changes leave scenario, items and firing rules as they were."""
        return not (self.scenario.changed or self.outcomes_added or self.outcomes_removed
                    or self.risks_added or self.risks_removed or self.engaged_added
                    or self.engaged_removed or self.contested_added
                    or self.contested_removed or self.rules_started or self.rules_stopped)


class TippingPoint(ResultModel):
    """A set of changes that switches the implied scenario, and where it leads."""

    changes: tuple[ConditionChange, ...]
    scenario: str
    shares: dict[str, float]


class TippingPoints(ResultModel):
    """The smallest sets of factor changes that switch the implied scenario."""

    kb_version: str
    asserted: dict[str, bool]
    scenario: str
    shares: dict[str, float]
    reason: str
    """Why the decision rule implies ``scenario`` now."""
    warnings: tuple[str, ...]
    """The decision's warnings now (a pole that reached the threshold without leading)."""
    max_size: int
    distance: int | None
    """The size of the smallest switching set; None when none has at most max_size changes."""
    points: tuple[TippingPoint, ...]
    """Sets of ``distance`` changes (or every minimal set up to max_size, if asked)."""
    searched: int
    """How many sets of changes were evaluated."""


def _change(kb: KnowledgeBase, ident: str, before: bool | None,
            after: bool | None) -> ConditionChange:
    return ConditionChange(id=ident, kind="factor" if ident in kb.factors else "condition",
                           label=kb.label_of(ident), locator=kb.locator_of(ident),
                           before=before, after=after)


def resolve_base(kb: KnowledgeBase, base: Base, preset: str | None) -> dict[str, bool]:
    """The asserted conditions of a base: a preset name, or conditions over ``preset``."""
    if isinstance(base, str):
        if preset is not None:
            raise InputError(f"base {base!r} names a preset and preset={preset!r} names "
                             "another; give one")
        return resolve(kb, None, preset=base)
    return resolve(kb, base, preset=preset)


def normalise_changes(kb: KnowledgeBase, changes: Changes) -> dict[str, bool | None]:
    """Changes as ``{id: True/False/None}``, every ID and value checked."""
    if changes is None:
        return {}
    if isinstance(changes, str | bytes):
        raise InputError(f"changes must be a mapping or a list of IDs, not the single string "
                         f"{changes!r}; write [{changes!r}] to set it true")
    pairs: list[tuple[object, object]]
    if isinstance(changes, Mapping):
        pairs = list(changes.items())
    elif isinstance(changes, Iterable):
        pairs = [(c, True) for c in changes]
    else:
        raise InputError("changes must be a mapping {ID: true/false/None} or a list of IDs, "
                         f"not {type(changes).__name__}")
    out: dict[str, bool | None] = {}
    for key, value in pairs:
        if not isinstance(key, str):
            raise InputError(f"a condition ID must be a string, got {key!r}")
        if key not in kb.factors and key not in kb.conditions:
            raise UnknownConditionError(key, kb.condition_ids)
        if value is not None and not isinstance(value, bool):
            raise InputError(f"change {key!r} must be true, false or None (to clear it), got "
                             f"{value!r} ({type(value).__name__})")
        if key in out and out[key] != value:
            raise InputError(f"condition {key!r} is changed twice, to {out[key]!r} and "
                             f"{value!r}")
        out[key] = value
    return out


def _items(kb: KnowledgeBase, ids: Iterable[str]) -> tuple[ItemRef, ...]:
    order = {i: n for n, i in enumerate(kb.items)}
    return tuple(
        ItemRef(id=i, kind=kb.items[i].kind, label=kb.items[i].label,
                locator=kb.items[i].locator)
        for i in sorted(ids, key=order.__getitem__)
    )


def _rules(kb: KnowledgeBase, ids: Iterable[str]) -> tuple[RuleRef, ...]:
    order = {r.id: n for n, r in enumerate(kb.rules)}
    index = kb.rule_index
    return tuple(
        RuleRef(id=r, label=index[r].label, locator=index[r].locator, stance=index[r].stance)
        for r in sorted(ids, key=order.__getitem__)
    )


def _fired(kb: KnowledgeBase, a: Assessment) -> set[str]:
    return {t.rule for t in a.trace if t.rule in kb.rule_index}


def what_if(
    base: Base = None,
    changes: Changes = None,
    *,
    preset: str | None = None,
    kb: KnowledgeBase | None = None,
) -> WhatIf:
    """Assess ``base`` before and after ``changes``; return what changed.

    ``base`` is conditions (any form ``assess`` accepts, overlaid on ``preset``) or a
    preset name. ``changes`` sets conditions (``{id: True/False}`` or a list of IDs,
    set true) or clears them (``{id: None}``: unknown again).
    """
    expect("what_if", "preset", preset, str, "a preset ID (see 'kzpolicy list presets')",
           optional=True)
    kb = knowledge_base("what_if", kb)
    before = resolve_base(kb, base, preset)
    wanted = normalise_changes(kb, changes)
    after = dict(before)
    for ident, value in wanted.items():
        if value is None:
            after.pop(ident, None)
        else:
            after[ident] = value
    a, b = assess_resolved(kb, before), assess_resolved(kb, after)
    rules_a, rules_b = _fired(kb, a), _fired(kb, b)
    diff: dict[str, tuple[ItemRef, ...]] = {}
    for group in ("outcomes", "risks", "engaged", "contested"):
        ids_a = {f.id for f in getattr(a, group)}
        ids_b = {f.id for f in getattr(b, group)}
        diff[group + "_added"] = _items(kb, ids_b - ids_a)
        diff[group + "_removed"] = _items(kb, ids_a - ids_b)
    return WhatIf(
        kb_version=kb.version,
        asserted_before=before,
        asserted_after=after,
        changes=tuple(_change(kb, i, before.get(i), v) for i, v in wanted.items()),
        scenario=ScenarioShift(before=a.scenario.id, after=b.scenario.id,
                               changed=a.scenario.id != b.scenario.id,
                               shares_before=a.scenario.shares, shares_after=b.scenario.shares,
                               reason_before=a.scenario.reason, reason_after=b.scenario.reason,
                               warnings_before=a.warnings, warnings_after=b.warnings),
        **diff,
        rules_started=_rules(kb, rules_b - rules_a),
        rules_stopped=_rules(kb, rules_a - rules_b),
    )


def _shares(kb: KnowledgeBase, counts: Iterable[int]) -> dict[str, float]:
    return {s.id: int(c) / len(s.factors)
            for s, c in zip(kb.scenarios.values(), counts, strict=True)}


def _has_switching_subset(members: tuple[int, ...], mask: int, masks: set[int]) -> bool:
    """Does a proper subset of ``members`` (bits of ``mask``) already switch the scenario?"""
    if not masks:
        return False
    if len(masks) <= 1 << len(members):
        return any(m & mask == m for m in masks)
    return any(sum(1 << i for i in sub) in masks
               for r in range(1, len(members))
               for sub in itertools.combinations(members, r))


def _changes(n: int) -> str:
    return f"{n} change" if n == 1 else f"{n} changes"


def _within_sets(factors: int, sizes: range, searched: int) -> int:
    """How many sets of ``sizes`` changes there are, after checking that evaluating them
    after the ``searched`` ones (every smaller set) stays within the running budget
    (:mod:`kzpolicy.analysis.budget`)."""
    checkpoint()
    sets = sum(math.comb(factors, k) for k in sizes)
    cap = bound("tipping_sets")
    if cap is not None and searched + sets > cap:
        fits, total = 0, 0  # the largest max_size whose sets stay within the bound
        while fits < factors and total + math.comb(factors, fits + 1) <= cap:
            fits += 1
            total += math.comb(factors, fits)
        fewer = (f"ask for sets of at most {fits} changes (max_size {fits})" if fits
                 else "this knowledge base has too many factors for it")
        raise BudgetExceededError(
            f"tipping points: sets of up to {_changes(sizes.stop - 1)} of {factors} factors "
            f"make {searched + sets:,} sets to evaluate, over the bound of {cap:,}; {fewer}",
            bound="tipping_sets", limit=cap)
    return sets


def _within_points(found: int, size: int, all_minimal: bool) -> None:
    """Refuse to collect more switching sets than the running budget returns."""
    cap = bound("tipping_points")
    if cap is not None and found > cap:
        fewer = ("ask for fewer changes per set (max_size) or only the smallest sets (not "
                 "all of them)" if all_minimal else
                 "the smallest sets alone are that many: assert more conditions first")
        raise BudgetExceededError(
            f"tipping points: over {cap:,} switching sets of up to {_changes(size)}, the "
            f"bound on one answer; {fewer}", bound="tipping_points", limit=cap)


def tipping_points(
    base: Base = None,
    *,
    preset: str | None = None,
    max_size: int = 3,
    all_minimal: bool = False,
    kb: KnowledgeBase | None = None,
) -> TippingPoints:
    """The smallest sets of factor changes (at most ``max_size``) that switch the scenario.

    By default only the sets of the smallest size are returned (``distance`` is that
    size); with ``all_minimal`` every set up to ``max_size`` that switches the scenario
    while none of its proper subsets does.

    Under a budget (:mod:`kzpolicy.analysis.budget`, as the web API runs it) the sets
    evaluated, the sets returned and the time are bounded; passing a bound raises
    ``BudgetExceededError`` before the sets of the next size are built.
    """
    expect("tipping_points", "preset", preset, str, "a preset ID (see 'kzpolicy list presets')",
           optional=True)
    kb = knowledge_base("tipping_points", kb)
    expect("tipping_points", "max_size", max_size, int, "a positive whole number")
    if max_size < 1:
        raise InputError(f"tipping_points: max_size must be a positive whole number, not "
                         f"{max_size!r}")
    max_size = min(max_size, len(kb.factors))
    asserted = resolve_base(kb, base, preset)
    engine = bitset(kb)
    sids = engine.scenario_ids
    factors = list(kb.factors)
    scen_of = {f: sids.index(info.scenario) for f, info in kb.factors.items()}
    current = np.zeros(len(sids), dtype=np.int64)
    for f in factors:
        if asserted.get(f) is True:
            current[scen_of[f]] += 1
    now = int(engine.decide_counts(current.reshape(-1, 1))[0])
    delta = np.zeros((len(factors), len(sids)), dtype=np.int64)
    for n, f in enumerate(factors):
        delta[n, scen_of[f]] = -1 if asserted.get(f) is True else 1
    # mask, set, scenario, counts
    found: list[tuple[int, tuple[int, ...], int, NDArray[np.int64]]] = []
    masks: set[int] = set()
    searched = 0
    distance: int | None = None
    if all_minimal:  # every size will be searched: refuse before the first if too many
        _within_sets(len(factors), range(1, max_size + 1), 0)
    for size in range(1, max_size + 1):
        searched += _within_sets(len(factors), range(size, size + 1), searched)
        combos = np.array(list(itertools.combinations(range(len(factors)), size)),
                          dtype=np.intp).reshape(-1, size)
        counts = current + delta[combos].sum(axis=1)
        scen = engine.decide_counts(counts.T)
        for row in np.flatnonzero(scen != now):
            checkpoint()  # a few hundred nanoseconds against the subset test below
            members = tuple(int(i) for i in combos[row])
            mask = sum(1 << i for i in members)
            if _has_switching_subset(members, mask, masks):
                continue  # not minimal
            found.append((mask, members, int(scen[row]), counts[row]))
            _within_points(len(found), size, all_minimal)
        if found and distance is None:
            distance = size
            if not all_minimal:
                break
        masks = {m for m, *_ in found}

    def point(members: tuple[int, ...], scenario: int, counts: NDArray[np.int64]) -> TippingPoint:
        changes = []
        for i in members:
            f = factors[i]
            was = asserted.get(f)
            changes.append(_change(kb, f, was, was is not True))
        return TippingPoint(changes=tuple(changes), scenario=sids[scenario],
                            shares=_shares(kb, counts))

    decision = decide(kb, asserted)
    return TippingPoints(
        kb_version=kb.version,
        asserted=asserted,
        scenario=sids[now],
        shares=_shares(kb, current),
        reason=decision.reason,
        warnings=decision.warnings,
        max_size=max_size,
        distance=distance,
        points=tuple(point(members, s, c) for _, members, s, c in found),
        searched=searched,
    )
