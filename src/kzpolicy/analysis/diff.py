"""Diffs between knowledge bases: two rules folders, or one and a reading of it.

``diff(a, b)`` compares two knowledge bases (``kzpolicy.load`` results or folders; the
stock one for None), ``diff(a, reading="stated-only")`` a knowledge base with itself
under a reading. It gives the entries added, removed and changed, field by field
(:mod:`kzpolicy.kb.compare`), and the impact over every combination of the scenario
factors, counted (:mod:`kzpolicy.analysis.impact`): how many combinations change their
implied scenario, from which scenario to which, and the items whose flagging changes
(in how many combinations, and which of the rules that lead to each were added, removed
or rewritten).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from kzpolicy.analysis.impact import impact
from kzpolicy.analysis.landscape import landscape_context
from kzpolicy.engine.conditions import ConditionInput
from kzpolicy.engine.results import ResultModel
from kzpolicy.errors import InputError, expect
from kzpolicy.kb.compare import compare
from kzpolicy.kb.knowledge import KnowledgeBase
from kzpolicy.kb.loading import knowledge_base, load
from kzpolicy.kb.reading import ReadingSpec

__all__ = ["EntryChange", "FieldChange", "ItemImpact", "KnowledgeBaseDiff", "ScenarioMove",
           "diff"]


class FieldChange(ResultModel):
    """One field of an entry that differs, as written in rules/."""

    path: str
    before: Any
    after: Any


class EntryChange(ResultModel):
    """An entry added, removed or changed."""

    collection: str
    id: str
    change: Literal["added", "removed", "changed"]
    fields: tuple[FieldChange, ...]


class ScenarioMove(ResultModel):
    """Combinations implying one scenario before and another (or the same) after."""

    before: str
    after: str
    combinations: int


class ItemImpact(ResultModel):
    """An item whose flagging changes, and why."""

    id: str
    kind: str
    label: str
    before: int
    """Factor combinations flagging it before."""
    after: int
    changed: int
    """Combinations flagging it on one side only."""
    rules_added: tuple[str, ...]
    rules_removed: tuple[str, ...]
    rules_changed: tuple[str, ...]
    reads_scenario: bool
    """Whether a rule leading to it reads the implied scenario (so a change of the
    decision rule changes it)."""


class KnowledgeBaseDiff(ResultModel):
    """What changes from one knowledge base to another, and what that changes."""

    before: str
    """The version of the first knowledge base."""
    after: str
    reading_before: str
    reading_after: str
    kb_version: str
    """The knowledge base the differences are counted on (the second)."""
    entries: tuple[EntryChange, ...]
    context: dict[str, bool]
    """Context conditions fixed in every combination (the rest unknown)."""
    factors: int
    combinations: int | None
    """2^factors, or None when the two differ in their scenarios or factors (then the
    impact is not counted, and ``impact_note`` says why)."""
    scenario_changed: int | None
    """Combinations whose implied scenario changes."""
    moves: tuple[ScenarioMove, ...]
    """Every (before, after) pair of scenarios with its combinations, changed or not."""
    items: tuple[ItemImpact, ...]
    impact_note: str | None = None


def _side(where: str, name: str, value: object) -> KnowledgeBase:
    expect(where, name, value, (KnowledgeBase, str, Path),
           "a KnowledgeBase, or the path of a rules folder", optional=True)
    if isinstance(value, KnowledgeBase):
        return value
    return load(value if isinstance(value, str | Path) else None)


def diff(
    a: KnowledgeBase | str | Path | None = None,
    b: KnowledgeBase | str | Path | None = None,
    *,
    reading: ReadingSpec = None,
    context: ConditionInput = None,
) -> KnowledgeBaseDiff:
    """Compare knowledge base ``a`` with ``b`` (each a KnowledgeBase or a rules folder; the
    stock one for None), ``b`` under ``reading``; without ``b``, ``a`` with itself under
    ``reading``. ``context`` fixes context conditions for the impact (default: unknown).
    """
    before = _side("diff", "a", a)
    after = knowledge_base("diff", before if b is None else _side("diff", "b", b), reading)
    if b is None and reading is None:
        raise InputError("diff: give a second knowledge base or a reading to compare with")
    ctx = landscape_context(before, context, None)
    entries = tuple(
        EntryChange(collection=e.collection, id=e.id, change=e.change,
                    fields=tuple(FieldChange(path=f.path, before=f.before, after=f.after)
                                 for f in e.fields))
        for e in compare(before, after))
    fields: dict[str, Any] = {
        "before": before.version, "after": after.version, "reading_before": before.reading,
        "reading_after": after.reading, "kb_version": after.version, "entries": entries,
        "context": ctx, "factors": len(before.factors)}
    try:
        shifts, items = impact(before, after, ctx)
    except InputError as exc:
        return KnowledgeBaseDiff(**fields, combinations=None, scenario_changed=None, moves=(),
                                 items=(), impact_note=str(exc))
    info = {**before.items, **after.items}
    return KnowledgeBaseDiff(
        **fields, combinations=shifts.combinations, scenario_changed=shifts.changed,
        moves=tuple(ScenarioMove(before=x, after=y, combinations=n)
                    for (x, y), n in shifts.transitions.items()),
        items=tuple(ItemImpact(id=i.id, kind=info[i.id].kind, label=info[i.id].label,
                               before=i.before, after=i.after, changed=i.changed,
                               rules_added=i.rules_added, rules_removed=i.rules_removed,
                               rules_changed=i.rules_changed, reads_scenario=i.reads_scenario)
                    for i in items))
