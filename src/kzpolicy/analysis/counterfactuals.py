"""Counterfactuals: the minimal sets of changes that would flag an item, clear it, imply a
scenario or leave the implied one.

A *change* sets one condition to a value it does not have now: asserts it, denies it
(asserts it false) or clears it (makes it unknown). A set of changes *reaches* the
target when the assessment after it has the item flagged (``flag``), the item not
flagged, whether not reached or contested (``clear``), the scenario implied
(``imply``) or another scenario implied (``leave``). It is *minimal* when no proper
subset of it reaches the target. Every minimal set is found, smallest first.

The target depends only on the conditions of the item's cone
(:mod:`kzpolicy.analysis.cones`) and on how many factors of each scenario are true (when
the cone reads the implied scenario, and always for a scenario target). So a change set
is a value for each cone condition and, for every other factor, only how many of each
scenario's are made true or not true: those factors are interchangeable. The search runs
over that lattice (3 values per cone condition, by every shift of every scenario's
count), marks where the target holds and keeps the cells below which it holds nowhere;
each such cell is one line of the **compact** answer ("any 2 of D5, D6, D7, D8 made
true"), standing for every concrete set that picks those factors. The full list of
concrete sets is there on request, a page at a time.

The lattice is small (for the stock rules at most a few tens of thousands of cells); a
:class:`~kzpolicy.analysis.bounds.SearchBudget` bounds it all the same: past its node
bound the shifts of the counts are cut to fewer changes, and the answer says it is
partial and complete only up to that many changes.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from kzpolicy.analysis.bounds import Meter, SearchBudget, Work, budget_of
from kzpolicy.analysis.cones import (
    FLAGGED,
    FULL_VALUES,
    STATUS_WORDS,
    cones,
    count_table,
    factor_groups,
    full_table,
    outcome_count,
    statuses_of,
    true_counts,
)
from kzpolicy.analysis.whatif import Base, ConditionChange, change_of, resolve_base
from kzpolicy.engine.decision import decision_outcomes
from kzpolicy.engine.display import Displayed
from kzpolicy.engine.results import Cited, ResultModel, trusted
from kzpolicy.errors import ArgumentTypeError, InputError, UnknownIdError, expect
from kzpolicy.kb.knowledge import KnowledgeBase
from kzpolicy.kb.loading import knowledge_base
from kzpolicy.kb.reading import ReadingSpec

__all__ = [
    "ACTIONS",
    "ChangeSet",
    "ConcreteSet",
    "Counterfactuals",
    "FactorPick",
    "Target",
    "TargetInput",
    "counterfactuals",
    "parse_target",
    "search",
]

Action = Literal["flag", "clear", "imply", "leave"]
#: the targets' actions: two for items, two for scenarios
ACTIONS: tuple[Action, ...] = ("flag", "clear", "imply", "leave")
TargetInput = str | tuple[str, str] | Mapping[str, str]
"""A target as a caller gives it: ``"flag T8"`` (or ``"flag:T8"``), ``("clear", "T7")``,
``{"imply": "distancing"}``."""


class Target(Cited):
    """What the changes should bring about (``id``, ``label``, ``locator``: the item or
    scenario)."""

    action: Action
    kind: str
    """``scenario`` or the item's kind."""


class FactorPick(ResultModel):
    """Interchangeable changes: any ``count`` of the factors in ``pool`` (one scenario's,
    outside the item's cone), made true, or made not true (each cleared or denied)."""

    scenario: str
    direction: Literal["true", "not true"]
    count: int
    pool: tuple[str, ...]


class ChangeSet(ResultModel):
    """One line of the compact answer: every minimal set with these changes."""

    size: int
    """How many changes each of its sets makes."""
    changes: tuple[ConditionChange, ...]
    """Changes every one of its sets makes (to the item's cone conditions)."""
    picks: tuple[FactorPick, ...]
    """Interchangeable factor changes, each picked from its pool."""
    sets: int
    """How many concrete sets of changes it stands for (in tipping points: sets of
    factors, a factor made not true counted once, whether cleared or denied)."""
    outcome: str
    """What the target is then: the item's status, or the implied scenario."""
    scenario: str
    """The scenario implied after the changes."""
    shares: dict[str, float]


class ConcreteSet(ResultModel):
    """One minimal set of changes, every change named."""

    changes: tuple[ConditionChange, ...]
    scenario: str
    shares: dict[str, float]


class Counterfactuals(ResultModel, Displayed):
    """The minimal sets of changes that reach a target, smallest first."""

    kb_version: str
    reading: str
    """The reading it was made under (``article``: the knowledge base as written)."""
    asserted: dict[str, bool]
    target: Target
    now: str
    """The target's subject now: the item's status, or the implied scenario."""
    holds_now: bool
    """The target holds already (then the one minimal set is the empty one)."""
    max_changes: int | None
    """The largest set listed (None: every size)."""
    distance: int | None
    """The fewest changes that reach the target (0 when it holds now), found even when
    it is above ``max_changes``; None when no set within the search reaches it."""
    sets: tuple[ChangeSet, ...]
    """Every minimal set of at most ``max_changes`` changes, compactly, smallest first."""
    total: int
    """How many concrete sets ``sets`` stand for."""
    larger: int
    """Lines of the compact answer above ``max_changes``, not listed."""
    complete_up_to: int | None
    """The answer holds every minimal set of at most this many changes (None: of every
    size); below ``max_changes`` only when the budget's node bound cut the search."""
    listing: tuple[ConcreteSet, ...]
    """A page of the concrete sets, in the order of ``sets`` (from ``offset``, at most
    ``limit``; empty unless asked for)."""
    offset: int
    limit: int
    work: Work


# ---------------------------------------------------------------------- targets
def parse_target(kb: KnowledgeBase, target: object) -> tuple[Action, str]:
    """``target`` as (action, ID), checked against ``kb``."""
    action: object
    ident: object
    if isinstance(target, str):
        action, _, ident = target.replace(":", " ", 1).partition(" ")
        ident = ident.strip()
    elif isinstance(target, tuple) and len(target) == 2:
        action, ident = target
    elif isinstance(target, Mapping) and len(target) == 1:
        ((action, ident),) = target.items()
    else:
        raise ArgumentTypeError("counterfactuals", "target",
                                "'flag ID', 'clear ID', 'imply SCENARIO' or 'leave SCENARIO' "
                                "(or the pair, or a one-entry mapping)", target)
    if action not in ACTIONS or not isinstance(ident, str):
        raise InputError(f"counterfactuals: target {target!r}: write 'flag ID', 'clear ID', "
                         "'imply SCENARIO' or 'leave SCENARIO'")
    scenario_action = action in ("imply", "leave")
    if scenario_action and ident not in kb.scenarios:
        raise UnknownIdError("scenario", ident, kb.scenarios)
    if not scenario_action and ident not in cones(kb):
        if ident in kb.scenarios:
            raise InputError(f"counterfactuals: {ident!r} is a scenario: write 'imply "
                             f"{ident}' or 'leave {ident}'")
        raise UnknownIdError("item", ident, cones(kb))
    return action, ident


# ---------------------------------------------------------------------- the lattice
@dataclass
class _Space:
    """What the target's value depends on, for one input: the cone conditions (each
    taking one of :data:`FULL_VALUES`, ``current`` now) and the target's value over them
    (``table``, or None when too large to keep: then it is computed for the assignments
    searched), and the other factors (per scenario, those true now and those not, the
    pools of interchangeable changes)."""

    variables: tuple[str, ...]
    current: tuple[int, ...]
    table: npt.NDArray[np.uint8] | None
    """Shape (3,) * k + (scenarios or 1,)."""
    true: tuple[int, ...]
    """Per scenario: the factors outside the cone asserted true now."""
    other: tuple[int, ...]
    """Per scenario: the factors outside the cone not true now."""
    pools: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]
    """Per scenario: (the factors outside the cone that can be made true, those that can
    be made not true)."""
    scenario: bool
    """The target's value depends on the implied scenario."""
    item: str | None
    """The item (None for a scenario target)."""

    def rows(self, most: int | None) -> int:
        """How many assignments of the cone conditions change at most ``most`` of them."""
        k = len(self.variables)
        if most is None or most >= k:
            return int(3 ** k)
        return sum(math.comb(k, j) << j for j in range(most + 1))

    def cells(self, most: int | None) -> int:
        """The cells of the lattice of sets of at most ``most`` changes per part."""
        cells = self.rows(most)
        if self.scenario:
            for t, o in zip(self.true, self.other, strict=True):
                cells *= (t if most is None else min(t, most)) + (
                    o if most is None else min(o, most)) + 1
        return cells

    def widest(self) -> int:
        """The most changes a set can make."""
        return len(self.variables) + (sum(self.true) + sum(self.other) if self.scenario else 0)


def _space(kb: KnowledgeBase, asserted: Mapping[str, bool], action: Action, ident: str
           ) -> _Space:
    groups = factor_groups(kb)
    n_groups = len(kb.scenarios)
    table: npt.NDArray[np.uint8] | None
    if action in ("imply", "leave"):
        variables: tuple[str, ...] = ()
        table = np.arange(outcome_count(kb), dtype=np.uint8)
        scenario, item = True, None
    else:
        cone = cones(kb)[ident]
        full = full_table(kb, ident)
        if full is not None:
            variables, table = full.variables, full.table
        else:
            order = {c: n for n, c in enumerate(kb.condition_ids)}
            variables = tuple(sorted(cone.conditions, key=order.__getitem__))
            table = None
        scenario, item = cone.scenario, ident
    inside = set(variables)
    raise_pool: list[list[str]] = [[] for _ in range(n_groups)]
    lower_pool: list[list[str]] = [[] for _ in range(n_groups)]
    for f, g in groups.items():
        if f not in inside:
            (lower_pool if asserted.get(f) is True else raise_pool)[g].append(f)
    current = tuple(FULL_VALUES.index(asserted.get(c)) for c in variables)
    return _Space(variables, current, table, tuple(len(p) for p in lower_pool),
                  tuple(len(p) for p in raise_pool),
                  tuple((tuple(r), tuple(lo)) for r, lo in zip(raise_pool, lower_pool,
                                                              strict=True)),
                  scenario, item)


def _assignments(space: _Space, most: int | None) -> npt.NDArray[np.int64]:
    """The assignments of the cone conditions that change at most ``most`` of them, one
    per row, by how many they change (the current one first)."""
    k = len(space.variables)
    if most is None or most >= k:
        rows = np.indices((3,) * k).reshape(k, -1).T if k else np.zeros((1, 0), np.int64)
    else:
        found = [space.current]
        for j in range(1, most + 1):
            for chosen in itertools.combinations(range(k), j):
                alts = [[v for v in range(3) if v != space.current[c]] for c in chosen]
                for values in itertools.product(*alts):
                    row = list(space.current)
                    for c, v in zip(chosen, values, strict=True):
                        row[c] = v
                    found.append(tuple(row))
        rows = np.array(found, dtype=np.int64).reshape(len(found), k)
    changed = (rows != np.array(space.current, dtype=np.int64)).sum(axis=1)
    return rows[np.argsort(changed, kind="stable")]


def _holds(action: Action, value: npt.NDArray[Any], goal: int) -> npt.NDArray[np.bool_]:
    """Where the target holds, given the table's values (item statuses or scenarios)."""
    wanted = FLAGGED if action in ("flag", "clear") else goal
    same: npt.NDArray[np.bool_] = np.equal(value, wanted)
    return same if action in ("flag", "imply") else ~same


@dataclass
class _Lattice:
    """The cells of the search: a row per assignment of the cone conditions, by the
    shifts of each scenario's count (from ``-low`` to ``high``); where the target holds,
    the cost of each cell, the implied scenario, the target's value, the minimal cells."""

    rows: npt.NDArray[np.int64]
    low: tuple[int, ...]
    holds: npt.NDArray[np.bool_]
    cost: npt.NDArray[np.int64]
    scenario_of: npt.NDArray[np.intp]
    values: npt.NDArray[np.uint8]
    minimal: npt.NDArray[np.bool_]


def _lattice(kb: KnowledgeBase, space: _Space, action: Action, goal: int,
             most: int | None) -> _Lattice:
    """The lattice of sets of at most ``most`` changes per part (None: every set)."""
    rows = _assignments(space, most)
    k = len(space.variables)
    if space.scenario:
        low = tuple(t if most is None else min(t, most) for t in space.true)
        high = tuple(o if most is None else min(o, most) for o in space.other)
    else:
        low = high = ()
    shape = (len(rows), *(lo + hi + 1 for lo, hi in zip(low, high, strict=True)))
    index = np.indices(shape, dtype=np.int64)
    now = np.array(space.current, dtype=np.int64)
    cost = (rows != now).sum(axis=1)[index[0]]
    groups = factor_groups(kb)
    counts: list[Any] = list(space.true)
    for g, lo in enumerate(low):
        shift = index[1 + g] - lo
        cost = cost + np.abs(shift)
        counts[g] = counts[g] + shift
    for j, c in enumerate(space.variables):  # a cone factor counts where it is true
        g2 = groups.get(c)
        if g2 is not None:
            counts[g2] = counts[g2] + (rows[:, j] == 1)[index[0]]
    shaped = [np.broadcast_to(np.asarray(x, dtype=np.int64), shape) for x in counts]
    scenario_of = count_table(kb)[tuple(shaped)].astype(np.intp)
    if space.table is not None:
        by_row = space.table[tuple(rows.T)] if k else space.table.reshape(1, -1)
    else:
        assert space.item is not None
        by_row = statuses_of(kb, space.item, space.variables, rows,
                             outcome_count(kb) if space.scenario else 1)
    by_row = by_row.reshape(len(rows), -1)
    values = by_row[index[0], scenario_of if space.scenario else 0]
    holds = _holds(action, values, goal)
    return _Lattice(rows, low, holds, cost, scenario_of, values,
                    _minimal(holds, rows, now, low))


def _predecessors(rows: npt.NDArray[np.int64], now: npt.NDArray[np.int64]
                  ) -> list[npt.NDArray[np.intp]]:
    """Per cone condition: for each row, the row with that condition back at its value
    now (-1 where it is at it already, or that row is not in the lattice)."""
    k = rows.shape[1]
    power = 3 ** np.arange(k - 1, -1, -1, dtype=np.int64) if k else np.zeros(0, np.int64)
    codes = rows @ power if k else np.zeros(len(rows), np.int64)
    order = np.argsort(codes, kind="stable")
    ranked = codes[order]
    out = []
    for j in range(k):
        want = codes + (now[j] - rows[:, j]) * power[j]
        at = np.clip(np.searchsorted(ranked, want), 0, len(ranked) - 1)
        hit = (ranked[at] == want) & (rows[:, j] != now[j])
        out.append(np.where(hit, order[at], -1))
    return out


def _minimal(holds: npt.NDArray[np.bool_], rows: npt.NDArray[np.int64],
             now: npt.NDArray[np.int64], low: Sequence[int]) -> npt.NDArray[np.bool_]:
    """The cells where the target holds and holds in no cell strictly below (a subset
    of the cell's changes). Below a row: the rows with some of its changes undone; along
    a count's axis: the shifts nearer no shift, each way."""
    preds = _predecessors(rows, now)
    below = holds.copy()  # where it holds at or below
    for axis, root in enumerate(low, start=1):
        moved = np.moveaxis(below, axis, 0)
        moved[root:] = np.logical_or.accumulate(moved[root:], axis=0)
        moved[:root + 1] = np.logical_or.accumulate(moved[root::-1], axis=0)[::-1]
    changed = (rows != now).sum(axis=1)
    for level in range(1, int(changed.max(initial=0)) + 1):
        at = np.flatnonzero(changed == level)
        for p in preds:
            back = p[at]
            ok = back >= 0
            below[at[ok]] |= below[back[ok]]
    strictly = np.zeros_like(holds)
    for p in preds:
        ok = p >= 0
        strictly[ok] |= below[p[ok]]
    for axis, root in enumerate(low, start=1):
        src = np.moveaxis(below, axis, 0)
        dst = np.moveaxis(strictly, axis, 0)
        dst[root + 1:] |= src[root:-1]
        dst[:root] |= src[1:root + 1]
    return holds & ~strictly


# ---------------------------------------------------------------------- the answer
def _shares(kb: KnowledgeBase, counts: Sequence[int]) -> dict[str, float]:
    return {s.id: int(c) / len(s.factors)
            for s, c in zip(kb.scenarios.values(), counts, strict=True)}


@dataclass(frozen=True)
class _Cell:
    """One minimal cell: the cone values, the shifts, its cost and what follows."""

    values: tuple[int, ...]
    shifts: tuple[int, ...]
    cost: int
    scenario: int
    outcome: int


def _cells(lat: _Lattice) -> list[_Cell]:
    found = []
    for where in np.argwhere(lat.minimal):
        at = tuple(int(x) for x in where)
        shifts = tuple(at[1 + g] - lo for g, lo in enumerate(lat.low))
        found.append(_Cell(tuple(int(v) for v in lat.rows[at[0]]), shifts,
                           int(lat.cost[at]), int(lat.scenario_of[at]),
                           int(lat.values[at])))
    found.sort(key=lambda c: (c.cost, c.values, tuple(-s for s in c.shifts)))
    return found


@dataclass
class _Describe:
    """Cells as result models, for one input (``scenario_target``: the values described
    are scenarios, not an item's statuses)."""

    kb: KnowledgeBase
    asserted: Mapping[str, bool]
    space: _Space
    scenario_target: bool
    cache: dict[tuple[str, bool | None], ConditionChange] = field(default_factory=dict)

    @property
    def scenario_ids(self) -> tuple[str, ...]:
        return decision_outcomes(self.kb)

    @property
    def words(self) -> tuple[str, ...]:
        return self.scenario_ids if self.scenario_target else STATUS_WORDS

    def change(self, ident: str, after: bool | None) -> ConditionChange:
        key = (ident, after)
        found = self.cache.get(key)
        if found is None:
            found = self.cache[key] = change_of(self.kb, ident, self.asserted.get(ident),
                                                after)
        return found

    def counts(self, cell: _Cell) -> list[int]:
        """The true-factor counts after the cell's changes."""
        counts = [t + s for t, s in zip(self.space.true, cell.shifts, strict=True)] \
            if cell.shifts else list(self.space.true)
        groups = factor_groups(self.kb)
        for c, v in zip(self.space.variables, cell.values, strict=True):
            g = groups.get(c)
            if g is not None and FULL_VALUES[v] is True:
                counts[g] += 1
        return counts

    def fixed(self, cell: _Cell) -> tuple[ConditionChange, ...]:
        return tuple(self.change(c, FULL_VALUES[v])
                     for c, v, now in zip(self.space.variables, cell.values,
                                          self.space.current, strict=True) if v != now)

    def picks(self, cell: _Cell) -> tuple[FactorPick, ...]:
        out = []
        for g, shift in enumerate(cell.shifts):
            if shift:
                ups, downs = self.space.pools[g]
                out.append(trusted(FactorPick, scenario=self.scenario_ids[g],
                                   direction="true" if shift > 0 else "not true",
                                   count=abs(shift), pool=ups if shift > 0 else downs))
        return tuple(out)

    def count(self, cell: _Cell, lowering: int) -> int:
        """How many concrete sets a cell stands for, a factor made not true in
        ``lowering`` ways (2: cleared or denied; 1: one of them)."""
        out = 1
        for g, shift in enumerate(cell.shifts):
            ups, downs = self.space.pools[g]
            out *= (math.comb(len(ups), shift) if shift >= 0
                    else math.comb(len(downs), -shift) * lowering ** -shift)
        return out

    def change_set(self, cell: _Cell, lowering: int = 2) -> ChangeSet:
        """The compact line of a cell (``lowering``: as in :meth:`count`)."""
        return trusted(ChangeSet, size=cell.cost, changes=self.fixed(cell),
                       picks=self.picks(cell), sets=self.count(cell, lowering),
                       outcome=self.words[cell.outcome],
                       scenario=self.scenario_ids[cell.scenario],
                       shares=_shares(self.kb, self.counts(cell)))

    def page(self, cells: Sequence[_Cell], offset: int, limit: int | None,
             lowering: Sequence[bool | None]) -> list[ConcreteSet]:
        """The concrete sets of ``cells`` from ``offset`` on, at most ``limit`` (None:
        all), a factor made not true as each of ``lowering``."""
        out: list[ConcreteSet] = []
        skip = offset
        for cell in cells:
            if limit is not None and len(out) >= limit:
                break
            n = self.count(cell, len(lowering))
            if skip >= n:
                skip -= n
                continue
            room = None if limit is None else skip + limit - len(out)
            out += itertools.islice(self.concrete(cell, lowering), skip, room)
            skip = 0
        return out

    def concrete(self, cell: _Cell, lowering: Sequence[bool | None]) -> Iterator[ConcreteSet]:
        """Every concrete set of a cell, in order: the picks' factors in combinations,
        a factor made not true as each of ``lowering``."""
        fixed = self.fixed(cell)
        choices: list[list[tuple[ConditionChange, ...]]] = []
        for p in self.picks(cell):
            options: list[tuple[ConditionChange, ...]] = []
            for chosen in itertools.combinations(p.pool, p.count):
                if p.direction == "true":
                    options.append(tuple(self.change(f, True) for f in chosen))
                else:
                    for afters in itertools.product(lowering, repeat=p.count):
                        options.append(tuple(self.change(f, a)
                                             for f, a in zip(chosen, afters, strict=True)))
            choices.append(options)
        scenario = self.scenario_ids[cell.scenario]
        shares = _shares(self.kb, self.counts(cell))
        for combo in itertools.product(*choices):
            changes = fixed + tuple(c for part in combo for c in part)
            yield trusted(ConcreteSet, changes=changes, scenario=scenario, shares=shares)


@dataclass
class SearchResult:
    """What :func:`search` finds, before it is described."""

    space: _Space | None
    cells: list[_Cell]
    """Every minimal cell found, smallest first."""
    complete_up_to: int | None
    """The search is complete for sets of at most this many changes (None: all)."""
    meter: Meter
    describe: _Describe | None
    now: int
    goal: int


def search(kb: KnowledgeBase, asserted: Mapping[str, bool], action: Action, ident: str,
           budget: SearchBudget) -> SearchResult:
    """Every minimal cell of the lattice of changes that reach the target: of the whole
    lattice when the budget's node bound allows, else of the sets of at most as many
    changes as it allows (at most ``budget.changes`` when that is what fits)."""
    meter = Meter(budget)
    scenario_target = action in ("imply", "leave")
    scen_now = int(count_table(kb)[true_counts(kb, asserted)])
    goal = list(kb.scenarios).index(ident) if scenario_target else FLAGGED
    space = _space(kb, asserted, action, ident)
    if space.table is not None:
        at = (*space.current, scen_now if space.scenario else 0)
        now = int(space.table[at])
    else:
        assert space.item is not None
        now = int(statuses_of(kb, space.item, space.variables,
                              np.array([space.current], dtype=np.int64),
                              outcome_count(kb) if space.scenario else 1
                              )[0, scen_now if space.scenario else 0])
    most: int | None = None
    cap = budget.changes
    if not meter.affords(space.cells(None)):
        most = min(space.widest(), cap) if cap is not None else space.widest()
        while most >= 0 and not meter.affords(space.cells(most)):
            most -= 1
        if most < 0:
            meter.stop("nodes")
            return SearchResult(space, [], 0, meter, None, now, goal)
    if not meter.spend(space.cells(most)):  # the time is up
        return SearchResult(space, [], 0, meter, None, now, goal)
    if most is not None and (cap is None or most < cap):
        meter.stop("nodes")  # cut to fewer changes than asked for
    found = _cells(_lattice(kb, space, action, goal, most))
    complete = most if cap is None else (cap if most is None else min(most, cap))
    return SearchResult(space, found, complete, meter,
                        _Describe(kb, asserted, space, scenario_target), now, goal)


def counterfactuals(
    conditions: Base = None,
    target: TargetInput = "",
    *,
    preset: str | None = None,
    max_changes: int | None = None,
    offset: int = 0,
    limit: int = 0,
    kb: KnowledgeBase | None = None,
    reading: ReadingSpec = None,
    budget: SearchBudget | dict[str, Any] | None = None,
) -> Counterfactuals:
    """The minimal sets of changes (assert, deny or clear a condition) that reach
    ``target`` from ``conditions`` (any form ``assess`` accepts, over ``preset``, or a
    preset name): ``"flag ID"``, ``"clear ID"`` (not flagged: not reached or
    contested), ``"imply SCENARIO"`` or ``"leave SCENARIO"``.

    Every minimal set of at most ``max_changes`` changes (None: any number) comes
    compactly in ``sets``, smallest first; ``distance`` is the fewest changes that reach
    the target even beyond ``max_changes``. ``limit`` concrete sets from ``offset`` of
    the full list come in ``listing``. ``budget`` (:class:`SearchBudget`) bounds the
    search; its ``changes`` bound acts as ``max_changes``.
    """
    expect("counterfactuals", "preset", preset, str,
           "a preset ID (see 'kzpolicy list presets')", optional=True)
    for name, value in (("offset", offset), ("limit", limit)):
        expect("counterfactuals", name, value, int, "a whole number from 0")
        if value < 0:
            raise InputError(f"counterfactuals: {name} must be a whole number from 0, not "
                             f"{value}")
    expect("counterfactuals", "max_changes", max_changes, int, "a positive whole number",
           optional=True)
    if max_changes is not None and max_changes < 1:
        raise InputError(f"counterfactuals: max_changes must be a positive whole number, "
                         f"not {max_changes}")
    base = knowledge_base("counterfactuals", kb, reading)
    limits = budget_of("counterfactuals", budget)
    action, ident = parse_target(base, target)
    asserted = resolve_base(base, conditions, preset)
    if max_changes is not None:
        limits = limits.model_copy(update={"changes": min(max_changes, limits.changes or
                                                          max_changes)})
    found = search(base, asserted, action, ident, limits)
    return _result(base, asserted, action, ident, found, offset, limit)


def _distance(found: SearchResult) -> int | None:
    """The fewest changes that reach the target, when the search can tell."""
    if not found.cells:
        return None
    best = found.cells[0].cost
    bound = found.complete_up_to
    exact = found.meter.hit != "nodes" or bound is None or best <= bound
    return best if exact else None


def _result(kb: KnowledgeBase, asserted: Mapping[str, bool], action: Action, ident: str,
            found: SearchResult, offset: int, limit: int) -> Counterfactuals:
    scenario_target = action in ("imply", "leave")
    words = decision_outcomes(kb) if scenario_target else STATUS_WORDS
    info_kind = "scenario" if scenario_target else kb.items[ident].kind
    target = trusted(Target, id=ident, label=kb.label_of(ident), locator=kb.locator_of(ident),
                     action=action, kind=info_kind)
    cap = found.meter.budget.changes
    listed = [c for c in found.cells if cap is None or c.cost <= cap]
    describe = found.describe
    sets = tuple(describe.change_set(c) for c in listed) if describe else ()
    listing = describe.page(listed, offset, limit, (False, None)) if describe and limit else []
    meter = found.meter
    if cap is not None and len(listed) < len(found.cells):
        meter.stop("changes")
    upto = found.complete_up_to
    note = ("every minimal set" if upto is None else
            f"every minimal set of at most {upto} change(s)")
    if meter.hit == "nodes":
        note += "; the shifts of the factor counts were cut to fit the node bound"
    return trusted(
        Counterfactuals, kb_version=kb.version, reading=kb.reading, asserted=dict(asserted),
        target=target,
        now=words[found.now] if found.now >= 0 else "not checked",
        holds_now=bool(found.cells and found.cells[0].cost == 0),
        max_changes=cap, distance=_distance(found), sets=sets,
        total=sum(s.sets for s in sets), larger=len(found.cells) - len(listed),
        complete_up_to=found.complete_up_to,
        listing=tuple(listing), offset=offset, limit=limit, work=meter.work(note))
