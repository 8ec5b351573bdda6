"""The knowledge base: the article's content loaded from rules/, indexed and queryable.

``load()`` returns the stock knowledge base shipped with kzpolicy; ``load(path)``
loads a user's copy of rules/ (changed or extended). Loading validates
everything (see ``_validate``); a knowledge base that loads is consistent.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Literal, TypeVar, cast

from . import _expr, model
from ._loader import Origin, RawKB, read_folder
from .errors import InputError, UnknownIdError, ValidationError

__all__ = [
    "CellStatus",
    "FactorInfo",
    "ItemInfo",
    "ItemKind",
    "KnowledgeBase",
    "load",
    "stock_rules_path",
]

T = TypeVar("T")

ItemKind = Literal[
    "strength", "weakness", "opportunity", "threat", "rivalry", "consequence", "stimulus"
]
ITEM_COLLECTIONS: dict[str, ItemKind] = {
    "strengths": "strength",
    "weaknesses": "weakness",
    "opportunities": "opportunity",
    "threats": "threat",
    "rivalry_consequences": "rivalry",
    "stimuli": "stimulus",
}
#: kinds the engine can flag; stimuli are background facts
FLAGGABLE: frozenset[str] = frozenset(
    {"strength", "weakness", "opportunity", "threat", "rivalry", "consequence"}
)


@dataclass(frozen=True, slots=True)
class ItemInfo:
    """An article item with its kind and origin (and scenario, for outcomes)."""

    id: str
    kind: ItemKind
    label: str
    statement: str
    locator: model.Locator
    origin: Origin
    scenario: str | None = None


@dataclass(frozen=True, slots=True)
class FactorInfo:
    """A scenario factor with its scenario and origin."""

    factor: model.Factor
    scenario: str
    origin: Origin


@dataclass(frozen=True, slots=True)
class CellStatus:
    """A partnership-table cell: yes / no / unknown, with the evidence when known."""

    state: str
    row: str
    value: Literal["yes", "no", "unknown"]
    stance: str | None = None
    evidence: model.Locator | None = None
    note: str | None = None


def stock_rules_path() -> Path:
    """Where the stock rules/ lives: inside the installed wheel, or the source checkout."""
    packaged = resources.files("kzpolicy") / "_rules"
    if packaged.is_dir():
        return Path(str(packaged))
    checkout = Path(__file__).resolve().parents[2] / "rules"
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(
        "kzpolicy's stock rules/ folder is missing from this installation; reinstall kzpolicy"
    )


class KnowledgeBase:
    """The article's knowledge, indexed. Build it with :func:`load`."""

    def __init__(self, raw: RawKB) -> None:
        self.path = raw.root
        self.version = "kb-" + raw.digest[:12]
        s = raw.singletons
        self.source: model.Source = s["source"].value
        self.decision: model.Decision = s["decision"].value
        self.boundary_rule: model.BoundaryRule = s["boundary_rule"].value
        self.origins: dict[str, Origin] = {}
        self._raw = raw
        self._derived: dict[Callable[[KnowledgeBase], object], object] = {}
        self._derived_lock = threading.Lock()

        def first(key: str) -> Iterator[tuple[object, Origin]]:
            for entry in raw.lists.get(key, []):
                yield entry.value, entry.origin

        self.sections: dict[str, model.Section] = {}
        for sec, _ in first("sections"):
            assert isinstance(sec, model.Section)
            self.sections.setdefault(sec.id, sec)

        self.items: dict[str, ItemInfo] = {}
        for key, kind in ITEM_COLLECTIONS.items():
            for it, origin in first(key):
                assert isinstance(it, model.Item)
                self.items.setdefault(
                    it.id, ItemInfo(it.id, kind, it.label, it.statement, it.locator, origin)
                )
        self.scenarios: dict[str, model.Scenario] = {}
        self.factors: dict[str, FactorInfo] = {}
        for sc, origin in first("scenarios"):
            assert isinstance(sc, model.Scenario)
            self.scenarios.setdefault(sc.id, sc)
            for f in sc.factors:
                self.factors.setdefault(f.id, FactorInfo(f, sc.id, origin))
            for c in sc.consequences:
                self.items.setdefault(
                    c.id,
                    ItemInfo(c.id, "consequence", c.label, c.statement, c.locator, origin, sc.id),
                )
        self.conditions: dict[str, model.Condition] = {}
        for cond, origin in first("conditions"):
            assert isinstance(cond, model.Condition)
            self.conditions.setdefault(cond.id, cond)
            self.origins.setdefault("condition:" + cond.id, origin)
        self.rules: list[model.Rule] = []
        for rule, origin in first("rules"):
            assert isinstance(rule, model.Rule)
            self.rules.append(rule)
            self.origins.setdefault("rule:" + rule.id, origin)
        self.presets: dict[str, model.Preset] = {}
        for p, _ in first("presets"):
            assert isinstance(p, model.Preset)
            self.presets.setdefault(p.id, p)
        self.stages: list[model.Stage] = sorted(
            (v for v, _ in first("stages") if isinstance(v, model.Stage)), key=lambda s: s.ordinal
        )
        self.doctrines: list[model.Doctrine] = [
            v for v, _ in first("doctrines") if isinstance(v, model.Doctrine)
        ]
        self.programmes: dict[str, model.Programme] = {}
        for prog, _ in first("programmes"):
            assert isinstance(prog, model.Programme)
            self.programmes.setdefault(prog.id, prog)
        self.milestones: list[model.Milestone] = [
            v for v, _ in first("milestones") if isinstance(v, model.Milestone)
        ]
        self.states: dict[str, model.State] = {}
        for st, _ in first("states"):
            assert isinstance(st, model.State)
            self.states.setdefault(st.id, st)
        self.rows: dict[str, model.Row] = {}
        for row, _ in first("rows"):
            assert isinstance(row, model.Row)
            self.rows.setdefault(row.id, row)
        self.cells: dict[tuple[str, str], model.Cell] = {}
        for cell, _ in first("cells"):
            assert isinstance(cell, model.Cell)
            self.cells.setdefault((cell.state, cell.row), cell)

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
    def rule_index(self) -> dict[str, model.Rule]:
        """Rules by ID."""
        return {r.id: r for r in self.rules}

    def kind_of(self, ident: str) -> str | None:
        """'factor', 'condition', 'scenario', an item kind, or None for an unknown ID."""
        if ident in self.factors:
            return "factor"
        if ident in self.conditions:
            return "condition"
        if ident in self.scenarios:
            return "scenario"
        info = self.items.get(ident)
        return info.kind if info else None

    def label_of(self, ident: str) -> str:
        """The short label of any condition, factor, item or scenario."""
        if ident in self.factors:
            return self.factors[ident].factor.label
        if ident in self.conditions:
            return self.conditions[ident].label
        if ident in self.scenarios:
            return self.scenarios[ident].label
        if ident in self.items:
            return self.items[ident].label
        raise UnknownIdError("ID", ident, [*self.condition_ids, *self.items, *self.scenarios])

    def locator_of(self, ident: str) -> model.Locator:
        """The locator of any condition, factor, item or scenario."""
        if ident in self.factors:
            return self.factors[ident].factor.locator
        if ident in self.conditions:
            return self.conditions[ident].locator
        if ident in self.scenarios:
            return self.scenarios[ident].locator
        if ident in self.items:
            return self.items[ident].locator
        raise UnknownIdError("ID", ident, [*self.condition_ids, *self.items, *self.scenarios])

    def scenario(self, ident: str) -> model.Scenario:
        """A scenario by ID."""
        try:
            return self.scenarios[ident]
        except KeyError:
            raise UnknownIdError("scenario", ident, self.scenarios) from None

    def preset(self, ident: str) -> model.Preset:
        """A preset by ID."""
        try:
            return self.presets[ident]
        except KeyError:
            raise UnknownIdError("preset", ident, self.presets) from None

    # ------------------------------------------------------------------ queries
    def stage_of(self, year: int) -> model.Stage | None:
        """The stage a year belongs to, or None outside 1991..the article's year.

        A year shared by two stages (1994, 2001, 2006) belongs to the stage that
        starts in it; see ``boundary_rule`` in history.yaml.
        """
        if isinstance(year, bool) or not isinstance(year, int):
            raise InputError(f"a year must be an integer, got {year!r}")
        last = self.boundary_rule.open_end_year
        for stage in reversed(self.stages):
            end = stage.end if stage.end is not None else last
            if stage.start <= year <= end:
                return stage
        return None

    def _state(self, ident: str) -> model.State:
        """A state by ID or label, case-insensitively ("kazakhstan", "Kazakhstan")."""
        if ident in self.states:
            return self.states[ident]
        for state in self.states.values():
            if ident.lower() in (state.id.lower(), state.label.lower()):
                return state
        raise UnknownIdError("state", ident, self.states)

    def _row(self, ident: str) -> model.Row:
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
        st, rw = self._state(state), self._row(row)
        known = self.cells.get((st.id, rw.id))
        if known is None:
            return CellStatus(st.id, rw.id, "unknown")
        return CellStatus(st.id, rw.id, known.value, known.stance, known.evidence, known.note)

    def programmes_of(self, state: str) -> list[CellStatus]:
        """Every table row for one state, yes / no / unknown."""
        st = self._state(state)
        return [self.cell(st.id, r) for r in self.rows]

    def states_in(self, row_or_programme: str) -> list[CellStatus]:
        """Every state's status in one table row (or the row of a programme)."""
        rw = self._row(row_or_programme)
        return [self.cell(s, rw.id) for s in self.states]

    def rules_using(self, ident: str) -> list[model.Rule]:
        """Rules whose `when` mentions ``ident``."""
        return [r for r in self.rules if ident in _expr.refs(r.when)]

    def bears_on(self, condition: str) -> list[str]:
        """Items a condition can lead to: directly, through chained rules, and (for a
        factor) through its scenario. Ordered by first reach."""
        if condition not in self.condition_ids:
            from .errors import UnknownConditionError

            raise UnknownConditionError(condition, self.condition_ids)
        reached: list[str] = []
        frontier = [condition]
        if condition in self.factors:
            frontier.append(self.factors[condition].scenario)
        seen = set(frontier)
        while frontier:
            current = frontier.pop(0)
            for rule in self.rules_using(current):
                for target in rule.then:
                    if target not in seen:
                        seen.add(target)
                        reached.append(target)
                        frontier.append(target)
        return reached

    def ids(self) -> Iterable[str]:
        """Every ID usable in a rule's `when`."""
        return [*self.condition_ids, *self.items, *self.scenarios]


def load(path: str | Path | None = None) -> KnowledgeBase:
    """Load and validate a knowledge base; the stock one when ``path`` is None.

    Raises RulesFileError for unreadable YAML and ValidationError listing every
    problem otherwise.
    """
    if path is None:
        return _stock()
    return _load(Path(path))


def _load(root: Path) -> KnowledgeBase:
    from ._validate import validate

    raw, problems = read_folder(root)
    if problems:
        raise ValidationError(problems)
    kb = KnowledgeBase(raw)
    problems = validate(kb)
    if problems:
        raise ValidationError(problems)
    return kb


@functools.lru_cache(maxsize=1)
def _stock() -> KnowledgeBase:
    return _load(stock_rules_path())
