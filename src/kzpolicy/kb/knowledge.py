"""The knowledge base: the article's content loaded from rules/, indexed and queryable.

Build one with :func:`kzpolicy.load` (``kzpolicy.kb.loading``), which validates
everything (``kzpolicy.kb.checks``): a knowledge base that loads is consistent.
"""

from __future__ import annotations

import functools
import os
import threading
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal, TypeVar, cast

from kzpolicy.errors import UnknownConditionError, UnknownIdError, expect
from kzpolicy.kb import expr, schema
from kzpolicy.kb.folder import Origin, RawKB
from kzpolicy.kb.kinds import ITEM_COLLECTIONS, ItemKind

__all__ = [
    "CellStatus",
    "FactorInfo",
    "ItemInfo",
    "ItemKind",
    "KnowledgeBase",
]

T = TypeVar("T")
E = TypeVar("E", bound=schema.Entry)
K = TypeVar("K")


def _expect_id(where: str, value: object, expected: str = "an ID (see 'kzpolicy list')",
               *, name: str = "ident") -> None:
    expect(f"KnowledgeBase.{where}", name, value, str, expected)


def _look_up(kind: str, table: Mapping[str, E], ident: str, example: str | None = None) -> E:
    """``table[ident]`` for ``KnowledgeBase.<kind>``. An ``ident`` that is not a string is
    refused with ``example`` as the kind of ID expected (without one, the ``kzpolicy
    list`` that shows them); an unknown one with the closest IDs of ``table``."""
    hint = f"such as {example!r}" if example is not None else f"(see 'kzpolicy list {kind}s')"
    _expect_id(kind, ident, f"a {kind} ID {hint}")
    try:
        return table[ident]
    except KeyError:
        raise UnknownIdError(kind, ident, table) from None


def _id(entry: Any) -> str:
    return str(entry.id)

@dataclass(frozen=True, slots=True)
class ItemInfo:
    """An article item with its kind and origin (and scenario, for outcomes)."""

    id: str
    kind: ItemKind
    label: str
    statement: str
    locator: schema.Locator
    origin: Origin
    scenario: str | None = None
    presupposes: tuple[str, ...] = ()
    """The conditions the item's content amounts to (asserted false: it is contested)."""


@dataclass(frozen=True, slots=True)
class FactorInfo:
    """A scenario factor with its scenario and origin."""

    factor: schema.Factor
    scenario: str
    origin: Origin


@dataclass(frozen=True, slots=True)
class CellStatus:
    """A partnership-table cell: yes / no / unknown, with the evidence when known."""

    state: str
    row: str
    value: Literal["yes", "no", "unknown"]
    stance: str | None = None
    evidence: schema.Locator | None = None
    note: str | None = None


#: every knowledge base in the process, so a forked child can re-create their locks
_ALIVE: weakref.WeakSet[KnowledgeBase] = weakref.WeakSet()


def _after_fork_in_child() -> None:
    # a lock held by another thread at fork time would never be released in the child
    for kb in list(_ALIVE):
        object.__setattr__(kb, "_derived_lock", threading.RLock())


os.register_at_fork(after_in_child=_after_fork_in_child)


class KnowledgeBase:
    """The article's knowledge, indexed. Build it with :func:`load`."""

    def __init__(self, raw: RawKB) -> None:
        self._raw = raw
        self._derived: dict[Callable[[KnowledgeBase], object], object] = {}
        self._derived_lock = threading.RLock()  # a factory may use another
        _ALIVE.add(self)
        self.path: Path = raw.root
        self.version: str = raw.version or "kb-" + raw.digest[:12]
        #: the reading it was made under: ``article`` (its folder as written) or the names
        #: of the readings applied, joined by ``+`` (:mod:`kzpolicy.kb.reading`)
        self.reading: str = raw.reading
        s = raw.singletons
        self.source: schema.Source = s["source"].value
        self.decision: schema.Decision = s["decision"].value
        self.boundary_rule: schema.BoundaryRule = s["boundary_rule"].value

        def first(key: str, cls: type[E]) -> Iterator[tuple[E, Origin]]:
            for entry in raw.lists.get(key, ()):
                assert isinstance(entry.value, cls)
                yield entry.value, entry.origin

        def index(key: str, cls: type[E], by: Callable[[E], K]) -> Mapping[K, E]:
            out: dict[K, E] = {}
            for value, _ in first(key, cls):
                out.setdefault(by(value), value)
            return MappingProxyType(out)

        origins: dict[str, Origin] = {}
        items: dict[str, ItemInfo] = {}
        for key, kind in ITEM_COLLECTIONS.items():
            for it, origin in first(key, schema.Item):
                items.setdefault(
                    it.id, ItemInfo(it.id, kind, it.label, it.statement, it.locator, origin,
                                    presupposes=it.presupposes)
                )
        factors: dict[str, FactorInfo] = {}
        for sc, origin in first("scenarios", schema.Scenario):
            for f in sc.factors:
                factors.setdefault(f.id, FactorInfo(f, sc.id, origin))
            for c in sc.consequences:
                items.setdefault(
                    c.id,
                    ItemInfo(c.id, "consequence", c.label, c.statement, c.locator, origin, sc.id,
                             c.presupposes),
                )
        for cond, origin in first("conditions", schema.Condition):
            origins.setdefault("condition:" + cond.id, origin)
        rules: list[schema.Rule] = []
        for rule, origin in first("rules", schema.Rule):
            rules.append(rule)
            origins.setdefault("rule:" + rule.id, origin)

        self.sections: Mapping[str, schema.Section] = index("sections", schema.Section, _id)
        self.items: Mapping[str, ItemInfo] = MappingProxyType(items)
        self.scenarios: Mapping[str, schema.Scenario] = index("scenarios", schema.Scenario, _id)
        self.sides: Mapping[str, schema.Side] = index("sides", schema.Side, _id)
        self.factors: Mapping[str, FactorInfo] = MappingProxyType(factors)
        self.conditions: Mapping[str, schema.Condition] = index(
            "conditions", schema.Condition, _id)
        self.origins: Mapping[str, Origin] = MappingProxyType(origins)
        self.rules: tuple[schema.Rule, ...] = tuple(rules)
        self.presets: Mapping[str, schema.Preset] = index("presets", schema.Preset, _id)
        self.stages: tuple[schema.Stage, ...] = tuple(
            sorted((v for v, _ in first("stages", schema.Stage)), key=lambda s: s.ordinal))
        self.doctrines: tuple[schema.Doctrine, ...] = tuple(
            v for v, _ in first("doctrines", schema.Doctrine))
        self.programmes: Mapping[str, schema.Programme] = index(
            "programmes", schema.Programme, _id)
        self.milestones: tuple[schema.Milestone, ...] = tuple(
            v for v, _ in first("milestones", schema.Milestone))
        self.findings: Mapping[str, schema.Finding] = index(
            "findings", schema.Finding, _id)
        self.states: Mapping[str, schema.State] = index("states", schema.State, _id)
        self.rows: Mapping[str, schema.Row] = index("rows", schema.Row, _id)
        self.cells: Mapping[tuple[str, str], schema.Cell] = index(
            "cells", schema.Cell, lambda c: (c.state, c.row))
        object.__setattr__(self, "_sealed", True)

    def __setattr__(self, name: str, value: object) -> None:
        if getattr(self, "_sealed", False):
            raise AttributeError(
                f"a KnowledgeBase is read-only (cannot set {name!r}); copy rules/, change "
                "it and load the copy with kzpolicy.load(path)"
            )
        object.__setattr__(self, name, value)

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"a KnowledgeBase is read-only (cannot delete {name!r})")

    def derived(self, factory: Callable[[KnowledgeBase], T]) -> T:
        """What ``factory`` builds from this knowledge base (compiled rules, decision
        tables, result builders): built once, on first use, and shared by threads."""
        found = self._derived.get(factory)
        if found is None:
            with self._derived_lock:
                found = self._derived.get(factory)
                if found is None:
                    found = self._derived[factory] = factory(self)
        return cast(T, found)

    # ------------------------------------------------------------------ vocabulary
    @property
    def raw(self) -> RawKB:
        """The data as read, with every entry's origin (used by validation)."""
        return self._raw

    @functools.cached_property
    def condition_ids(self) -> tuple[str, ...]:
        """Every ID a caller may assert: scenario factors, then context conditions."""
        return (*self.factors, *self.conditions)

    @functools.cached_property
    def presupposed(self) -> Mapping[str, tuple[str, ...]]:
        """Item -> the conditions its content amounts to, for the items that have any
        (asserted false, the item is contested rather than flagged)."""
        return MappingProxyType({i: info.presupposes for i, info in self.items.items()
                                 if info.presupposes})

    @functools.cached_property
    def condition_set(self) -> frozenset[str]:
        """The IDs of :attr:`condition_ids`, for membership tests."""
        return frozenset(self.condition_ids)

    @functools.cached_property
    def rule_index(self) -> Mapping[str, schema.Rule]:
        """Rules by ID."""
        return MappingProxyType({r.id: r for r in self.rules})

    def kind_of(self, ident: str) -> str:
        """'factor', 'condition', 'scenario' or an item kind ('threat', ...)."""
        _expect_id("kind_of", ident)
        kind = self.kind_or_none(ident)
        if kind is None:
            raise UnknownIdError("ID", ident, self.ids())
        return kind

    def kind_or_none(self, ident: str) -> str | None:
        """What :meth:`kind_of` gives, or None for an ID this knowledge base lacks."""
        _expect_id("kind_or_none", ident)
        if ident in self.factors:
            return "factor"
        if ident in self.conditions:
            return "condition"
        if ident in self.scenarios:
            return "scenario"
        info = self.items.get(ident)
        return info.kind if info else None

    def _entry(self, ident: str) -> schema.Factor | schema.Condition | schema.Scenario | ItemInfo:
        """The entry of any condition, factor, item or scenario (each has a label and a
        locator)."""
        if ident in self.factors:
            return self.factors[ident].factor
        if ident in self.conditions:
            return self.conditions[ident]
        if ident in self.scenarios:
            return self.scenarios[ident]
        if ident in self.items:
            return self.items[ident]
        raise UnknownIdError("ID", ident, [*self.condition_ids, *self.items, *self.scenarios])

    def label_of(self, ident: str) -> str:
        """The short label of any condition, factor, item or scenario."""
        _expect_id("label_of", ident)
        return self._entry(ident).label

    def locator_of(self, ident: str) -> schema.Locator:
        """The locator of any condition, factor, item or scenario."""
        _expect_id("locator_of", ident)
        return self._entry(ident).locator

    def scenario(self, ident: str) -> schema.Scenario:
        """A scenario by ID."""
        return _look_up("scenario", self.scenarios, ident, self.decision.default)

    def side_named(self, words: str) -> str | None:
        """The ID of the side ``words`` name (its ID, its label or one of its synonyms,
        in any case and spacing), or None when no side goes by them."""
        expect("KnowledgeBase.side_named", "words", words, str,
               "the words of a side (see rules/ `sides`)")
        return self._side_words.get(" ".join(words.lower().split()))

    @functools.cached_property
    def _side_words(self) -> Mapping[str, str]:
        found: dict[str, str] = {}
        for side in self.sides.values():
            for words in (side.id, side.label, *side.synonyms):
                found.setdefault(" ".join(words.lower().split()), side.id)
        return MappingProxyType(found)

    def finding(self, ident: str) -> schema.Finding:
        """A finding by ID."""
        return _look_up("finding", self.findings, ident)

    def findings_on(self, ident: str) -> list[schema.Finding]:
        """The findings that concern ``ident`` (an item, scenario, factor or condition),
        in the order of rules/."""
        _expect_id("findings_on", ident)
        if self.kind_or_none(ident) is None:
            raise UnknownIdError("ID", ident, self.ids())
        return [f for f in self.findings.values() if ident in f.concerns]

    def milestone(self, ident: str) -> schema.Milestone:
        """A milestone by ID."""
        return _look_up("milestone", {m.id: m for m in self.milestones}, ident)

    def preset(self, ident: str) -> schema.Preset:
        """A preset by ID."""
        return _look_up("preset", self.presets, ident, next(iter(self.presets), None))

    # ------------------------------------------------------------------ queries
    def stage_of(self, year: int) -> schema.Stage | None:
        """The stage a year belongs to, or None outside 1991..the article's year.

        A year shared by two stages (1994, 2001, 2006) belongs to the stage that
        starts in it; see ``boundary_rule`` in history.yaml.
        """
        expect("KnowledgeBase.stage_of", "year", year, int, "a year (an integer such as 2004)")
        last = self.boundary_rule.open_end_year
        for stage in reversed(self.stages):
            end = stage.end if stage.end is not None else last
            if stage.start <= year <= end:
                return stage
        return None

    def _state(self, ident: str) -> schema.State:
        """A state by ID or label, case-insensitively ("kazakhstan", "Kazakhstan")."""
        if ident in self.states:
            return self.states[ident]
        for state in self.states.values():
            if ident.lower() in (state.id.lower(), state.label.lower()):
                return state
        raise UnknownIdError("state", ident, self.states)

    def _row(self, ident: str) -> schema.Row:
        """A table row by row ID, programme ID or programme abbreviation (e.g. "PfP")."""
        if ident in self.rows:
            return self.rows[ident]
        by_abbreviation = {p.abbreviation.lower(): p.id for p in self.programmes.values()}
        programme = by_abbreviation.get(ident.lower(), ident)
        for row in self.rows.values():
            if row.programme == programme:
                return row
        in_table = {r.programme for r in self.rows.values() if r.programme}
        choices = [*self.rows, *(p.abbreviation for p in self.programmes.values()
                                 if p.id in in_table)]
        if programme in self.programmes:
            raise UnknownIdError(
                "table row (that programme is not a row of the partnership table)", ident, choices)
        raise UnknownIdError("table row or programme", ident, choices)

    def cell(self, state: str, row: str) -> CellStatus:
        """The status of one partnership-table cell (unknown unless the article says)."""
        _expect_id("cell", state, "a state ID or name such as 'kazakhstan'", name="state")
        _expect_id("cell", row, "a table row, programme ID or abbreviation such as 'IPAP'",
                   name="row")
        st, rw = self._state(state), self._row(row)
        known = self.cells.get((st.id, rw.id))
        if known is None:
            return CellStatus(st.id, rw.id, "unknown")
        return CellStatus(st.id, rw.id, known.value, known.stance, known.evidence, known.note)

    def programmes_of(self, state: str) -> list[CellStatus]:
        """Every table row for one state, yes / no / unknown."""
        _expect_id("programmes_of", state, "a state ID or name such as 'kazakhstan'",
                   name="state")
        st = self._state(state)
        return [self.cell(st.id, r) for r in self.rows]

    def states_in(self, row_or_programme: str) -> list[CellStatus]:
        """Every state's status in one table row (or the row of a programme)."""
        _expect_id("states_in", row_or_programme,
                   "a table row, programme ID or abbreviation such as 'IPAP'",
                   name="row_or_programme")
        rw = self._row(row_or_programme)
        return [self.cell(s, rw.id) for s in self.states]

    def rules_using(self, ident: str) -> list[schema.Rule]:
        """Rules whose `when` mentions ``ident`` (a condition, item or scenario)."""
        _expect_id("rules_using", ident)
        if self.kind_or_none(ident) is None:
            raise UnknownIdError("ID", ident, self.ids())
        return self._rules_using(ident)

    def _rules_using(self, ident: str) -> list[schema.Rule]:
        return [r for r in self.rules if ident in expr.refs(r.when)]

    def bears_on(self, condition: str) -> list[str]:
        """Items a condition can lead to: directly, through chained rules, and (for a
        factor) through its scenario. Ordered by first reach."""
        _expect_id("bears_on", condition, "a condition ID such as 'tough_rivalry'",
                   name="condition")
        if condition not in self.condition_ids:
            raise UnknownConditionError(condition, self.condition_ids)
        reached: list[str] = []
        frontier = [condition]
        if condition in self.factors:
            frontier.append(self.factors[condition].scenario)
        seen = set(frontier)
        while frontier:
            current = frontier.pop(0)
            for rule in self._rules_using(current):
                for target in rule.then:
                    if target not in seen:
                        seen.add(target)
                        reached.append(target)
                        frontier.append(target)
        return reached

    def ids(self) -> Iterable[str]:
        """Every ID usable in a rule's `when`."""
        return [*self.condition_ids, *self.items, *self.scenarios]
