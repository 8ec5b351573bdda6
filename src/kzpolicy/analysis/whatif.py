"""What-if analysis: what changes when beliefs change.

``what_if(base, changes)`` assesses a base (conditions or a preset) before and after
setting or clearing some conditions, and returns the difference: scenario and shares with
the decision's reason and warnings on both sides, outcomes, risks, engaged and contested
items added and removed, rules that started or stopped firing. It runs on the bitset
engine (:mod:`kzpolicy.engine.bitset`), which agrees with durable-rules on every result.

Here too are what the searches over changes share: a change (:class:`ConditionChange`),
the base they start from (:func:`resolve_base`) and the changes a caller gives
(:func:`normalise_changes`). The searches themselves are
:mod:`kzpolicy.analysis.counterfactuals` and :mod:`kzpolicy.analysis.tipping`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Literal, TypeAlias

from kzpolicy.engine.assess import assess_resolved
from kzpolicy.engine.conditions import ConditionInput, resolve
from kzpolicy.engine.display import Displayed
from kzpolicy.engine.results import Assessment, ResultModel
from kzpolicy.errors import InputError, UnknownConditionError, expect
from kzpolicy.kb.knowledge import KnowledgeBase
from kzpolicy.kb.loading import knowledge_base
from kzpolicy.kb.reading import ReadingSpec
from kzpolicy.kb.schema import Locator

__all__ = [
    "Base",
    "Changes",
    "ConditionChange",
    "ItemRef",
    "RuleRef",
    "ScenarioShift",
    "WhatIf",
    "change_of",
    "normalise_changes",
    "resolve_base",
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


class WhatIf(ResultModel, Displayed):
    """What changes in the assessment when some conditions change."""

    kb_version: str
    reading: str
    """The reading it was made under (``article``: the knowledge base as written)."""
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


def change_of(kb: KnowledgeBase, ident: str, before: bool | None,
              after: bool | None) -> ConditionChange:
    """One change of ``ident`` from ``before`` to ``after`` (None: unknown)."""
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
    reading: ReadingSpec = None,
) -> WhatIf:
    """Assess ``base`` before and after ``changes``; return what changed.

    ``base`` is conditions (any form ``assess`` accepts, overlaid on ``preset``) or a
    preset name. ``changes`` sets conditions (``{id: True/False}`` or a list of IDs,
    set true) or clears them (``{id: None}``: unknown again).
    """
    expect("what_if", "preset", preset, str, "a preset ID (see 'kzpolicy list presets')",
           optional=True)
    kb = knowledge_base("what_if", kb, reading)
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
        reading=kb.reading,
        asserted_before=before,
        asserted_after=after,
        changes=tuple(change_of(kb, i, before.get(i), v) for i, v in wanted.items()),
        scenario=ScenarioShift(before=a.scenario.id, after=b.scenario.id,
                               changed=a.scenario.id != b.scenario.id,
                               shares_before=a.scenario.shares, shares_after=b.scenario.shares,
                               reason_before=a.scenario.reason, reason_after=b.scenario.reason,
                               warnings_before=a.warnings, warnings_after=b.warnings),
        **diff,
        rules_started=_rules(kb, rules_b - rules_a),
        rules_stopped=_rules(kb, rules_a - rules_b),
    )
