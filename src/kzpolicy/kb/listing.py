"""Listings of a knowledge base for `kzpolicy list`: one record per entry, each with its `id`.

Every listing returns ``(columns, records)``: the columns shown in text output and
the full records given as JSON.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kzpolicy.kb import expr
from kzpolicy.kb.expr import render_when
from kzpolicy.kb.knowledge import KnowledgeBase
from kzpolicy.kb.reading import Change

__all__ = ["LISTINGS", "listing"]

Record = dict[str, Any]
Listing = tuple[list[str], list[Record]]


def _loc(obj: Any) -> str:
    return str(obj.locator)


def _items(kb: KnowledgeBase, kinds: set[str]) -> Listing:
    recs = [
        {"id": i.id, "kind": i.kind, "label": i.label, "statement": i.statement,
         "locator": i.locator.model_dump(exclude_none=True), "scenario": i.scenario,
         "where": str(i.locator)}
        for i in kb.items.values() if i.kind in kinds
    ]
    return ["id", "kind", "label", "where"], recs


def _swot(kb: KnowledgeBase) -> Listing:
    return _items(kb, {"strength", "weakness", "opportunity", "threat"})


def _rivalry(kb: KnowledgeBase) -> Listing:
    return _items(kb, {"rivalry"})


def _outcomes(kb: KnowledgeBase) -> Listing:
    _cols, recs = _items(kb, {"consequence"})
    return ["id", "scenario", "label", "where"], recs


def _stimuli(kb: KnowledgeBase) -> Listing:
    return _items(kb, {"stimulus"})


def _factors(kb: KnowledgeBase) -> Listing:
    recs = [
        {"id": f.factor.id, "scenario": f.scenario, "label": f.factor.label,
         "statement": f.factor.statement,
         "locator": f.factor.locator.model_dump(exclude_none=True), "where": _loc(f.factor)}
        for f in kb.factors.values()
    ]
    return ["id", "scenario", "label", "where"], recs


def _scenarios(kb: KnowledgeBase) -> Listing:
    recs: list[Record] = []
    for s in kb.scenarios.values():
        recs.append({
            "id": s.id, "ordinal": s.ordinal, "label": s.label, "statement": s.statement,
            "factors": [f.id for f in s.factors],
            "consequences": [c.id for c in s.consequences],
            "advantage": s.advantage.side,
            "desirable": s.judgement.desirable, "likelihood": s.judgement.likelihood,
            "rational": s.judgement.rational, "judgement": s.judgement.statement,
            "locator": s.locator.model_dump(exclude_none=True),
        })
    return ["id", "ordinal", "label", "advantage", "likelihood"], recs


def _conditions(kb: KnowledgeBase) -> Listing:
    recs: list[Record] = []
    for f in kb.factors.values():
        recs.append({"id": f.factor.id, "kind": "factor", "scenario": f.scenario,
                     "label": f.factor.label, "description": f.factor.statement,
                     "locator": f.factor.locator.model_dump(exclude_none=True),
                     "bears_on": kb.bears_on(f.factor.id)})
    for c in kb.conditions.values():
        recs.append({"id": c.id, "kind": "context", "scenario": None, "label": c.label,
                     "description": c.description,
                     "locator": c.locator.model_dump(exclude_none=True),
                     "bears_on": kb.bears_on(c.id)})
    for r in recs:
        r["bears"] = ", ".join(r["bears_on"])
    return ["id", "kind", "label", "bears"], recs


def _rules(kb: KnowledgeBase) -> Listing:
    recs = [
        {"id": r.id, "label": r.label, "when": expr.to_data(r.when),
         "when_text": render_when(r.when), "then": list(r.then), "stance": r.stance,
         "reason": r.reason, "locator": r.locator.model_dump(exclude_none=True),
         "where": _loc(r), "then_text": ", ".join(r.then)}
        for r in kb.rules
    ]
    return ["id", "stance", "when_text", "then_text"], recs


def _stages(kb: KnowledgeBase) -> Listing:
    last = kb.boundary_rule.open_end_year
    recs = [
        {"id": s.id, "ordinal": s.ordinal, "start": s.start, "end": s.end,
         "years": f"{s.start}-{s.end if s.end is not None else f'present ({last})'}",
         "label": s.label, "statement": s.statement,
         "locator": s.locator.model_dump(exclude_none=True)}
        for s in kb.stages
    ]
    return ["id", "years", "label"], recs


def _programmes(kb: KnowledgeBase) -> Listing:
    recs = [
        {"id": p.id, "abbreviation": p.abbreviation, "name": p.name, "year": p.year,
         "year_text": str(p.year) if p.year is not None else "unknown",
         "statement": p.statement, "locator": p.locator.model_dump(exclude_none=True)}
        for p in kb.programmes.values()
    ]
    return ["id", "abbreviation", "year_text", "name"], recs


READING_MARK = "*"
"""Marks a partnership-table cell that is the project's interpretation in the text view."""


def _partners(kb: KnowledgeBase) -> Listing:
    recs: list[Record] = []
    for row in kb.rows.values():
        rec: Record = {"id": row.id, "label": row.label, "programme": row.programme,
                       "cells": {}}
        for st in kb.states:
            cell = kb.cell(st, row.id)
            rec["cells"][st] = {
                "value": cell.value, "stance": cell.stance, "note": cell.note,
                "evidence": cell.evidence.model_dump(exclude_none=True) if cell.evidence else None,
            }
            shown = {"yes": "yes", "no": "no"}.get(cell.value, "?")
            # a cell that is the project's reading, not the article's word, is marked
            rec[st] = shown + READING_MARK if cell.stance == "interpretation" else shown
        recs.append(rec)
    return ["id", *kb.states, "label"], recs


def _milestones(kb: KnowledgeBase) -> Listing:
    recs: list[Record] = []
    for m in kb.milestones:
        when = m.date or (str(m.year) if m.year is not None else "undated")
        if m.end_year:
            when = f"{m.year}-{m.end_year}"
        recs.append({"id": m.id, "year": m.year, "end_year": m.end_year, "when": when,
                     "label": m.label, "statement": m.statement,
                     "figures": [f.model_dump() for f in m.figures],
                     "locator": m.locator.model_dump(exclude_none=True)})
    return ["id", "when", "label"], recs


def _findings(kb: KnowledgeBase) -> Listing:
    recs: list[Record] = [
        {"id": f.id, "label": f.label, "statement": f.statement,
         "concerns": ", ".join(f.concerns), "stance": f.stance, "reason": f.reason,
         "locator": f.locator.model_dump(exclude_none=True)}
        for f in kb.findings.values()
    ]
    return ["id", "stance", "concerns", "label"], recs


def _doctrines(kb: KnowledgeBase) -> Listing:
    recs = [
        {"id": d.id, "year": d.year, "label": d.label, "stage": d.stage,
         "nato_role": d.nato_role, "statement": d.statement,
         "locator": d.locator.model_dump(exclude_none=True)}
        for d in kb.doctrines
    ]
    return ["id", "year", "stage", "nato_role", "label"], recs


def _presets(kb: KnowledgeBase) -> Listing:
    recs: list[Record] = []
    for p in kb.presets.values():
        asserted = [f.id for s in p.factors_of for f in kb.scenario(s).factors]
        asserted += [f"{e.condition}={'true' if e.value else 'false'}" for e in p.set]
        recs.append({"id": p.id, "label": p.label, "description": p.description,
                     "factors_of": list(p.factors_of),
                     "set": [e.model_dump(exclude_none=True) for e in p.set],
                     "asserts": ", ".join(asserted)})
    return ["id", "label", "asserts"], recs


def _readings(kb: KnowledgeBase) -> Listing:
    """The readings a name can pick for ``kb``: its folder's, then the stock ones."""
    from kzpolicy.kb.loading import available_readings

    recs: list[Record] = [
        {"id": r.id, "label": r.label, "statement": r.statement, "reason": r.reason,
         "locator": r.locator.model_dump(exclude_none=True),
         "changes": "; ".join(_change_words(c) for c in r.changes) or "none",
         "current": r.id == kb.reading}
        for r in available_readings(kb).values()
    ]
    return ["id", "label", "changes"], recs


def _change_words(change: Change) -> str:
    """One change of a reading in a few words: ``drop stance interpretation``."""
    if change.drop is not None:
        what = [*change.drop.ids]
        if change.drop.stance is not None:
            what.append(f"every {change.drop.stance} rule")
        return "drop " + ", ".join(what)
    if change.decision is not None:
        given = change.decision.model_dump(exclude_none=True, exclude={"label", "stance"})
        return "decision " + ", ".join(
            f"{k} {int(v) if isinstance(v, float) and v.is_integer() else v}"
            for k, v in given.items())
    rules = change.add or change.replace
    return f"{change.action} " + ", ".join(r.id for r in rules)


LISTINGS: dict[str, Callable[[KnowledgeBase], Listing]] = {
    "swot": _swot,
    "factors": _factors,
    "scenarios": _scenarios,
    "conditions": _conditions,
    "rules": _rules,
    "stages": _stages,
    "programmes": _programmes,
    "partners": _partners,
    "rivalry": _rivalry,
    "outcomes": _outcomes,
    "stimuli": _stimuli,
    "milestones": _milestones,
    "findings": _findings,
    "doctrines": _doctrines,
    "presets": _presets,
    "readings": _readings,
}


def listing(kb: KnowledgeBase, what: str) -> Listing:
    """The listing named ``what`` (one of LISTINGS)."""
    return LISTINGS[what](kb)
