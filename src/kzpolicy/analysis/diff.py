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
from typing import Any

from kzpolicy.analysis.impact import ItemImpact, ScenarioMove, impact
from kzpolicy.analysis.landscape import landscape_context
from kzpolicy.engine.conditions import ConditionInput
from kzpolicy.engine.display import Displayed
from kzpolicy.engine.results import ResultModel
from kzpolicy.errors import InputError, expect
from kzpolicy.kb.compare import EntryChange, FieldChange, compare
from kzpolicy.kb.knowledge import KnowledgeBase
from kzpolicy.kb.loading import knowledge_base, load
from kzpolicy.kb.reading import ReadingSpec

__all__ = ["EntryChange", "FieldChange", "ItemImpact", "KnowledgeBaseDiff", "ScenarioMove",
           "diff"]


class KnowledgeBaseDiff(ResultModel, Displayed):
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
    entries = tuple(compare(before, after))
    fields: dict[str, Any] = {
        "before": before.version, "after": after.version, "reading_before": before.reading,
        "reading_after": after.reading, "kb_version": after.version, "entries": entries,
        "context": ctx, "factors": len(before.factors)}
    try:
        moves, items = impact(before, after, ctx)
    except InputError as exc:
        return KnowledgeBaseDiff(**fields, combinations=None, scenario_changed=None, moves=(),
                                 items=(), impact_note=str(exc))
    return KnowledgeBaseDiff(
        **fields, combinations=sum(m.combinations for m in moves),
        scenario_changed=sum(m.combinations for m in moves if m.before != m.after),
        moves=tuple(moves), items=tuple(items))
