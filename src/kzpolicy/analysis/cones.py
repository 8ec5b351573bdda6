"""Cones: what an item's status depends on, and that status over a grid of cells.

An item is reached only through the productions that can lead to it (its *cone*), so
its status (flagged, contested, not reached) depends only on the conditions those
productions read (and the conditions the item presupposes) and, when one of them reads a
scenario, on the implied scenario. The implied scenario depends only on how many
factors of each scenario are true. Every method that reasons over many inputs without
enumerating them rests on these two facts: exact counting
(:mod:`kzpolicy.analysis.counting`), why-not (:mod:`kzpolicy.analysis.whynot`), stability
and counterfactuals (:mod:`kzpolicy.analysis.stability`,
:mod:`kzpolicy.analysis.counterfactuals`).

    cones(kb)                 item -> Cone (productions, conditions read, scenario read)
    fire(facts, prods, full)  monotone productions to their fixpoint over cell bitsets
    Grid(choices, scenarios)  cells: every assignment of some conditions, each from its
                              own values (true, false, unknown), by every scenario
    statuses(kb, item, grid)  the item's status in every cell of a grid
    full_table(kb, item)      the same over every value of every cone condition, cached
    count_table(kb)           the implied scenario for every vector of true-factor counts
    reach(table, lo, hi)      the scenarios a window of that table implies, as bits
    true_counts(kb, asserted) the true factors of each scenario: where a window starts

Cells are bits of Python ints while rules fire (one ``&`` per literal for the whole
grid), and numpy arrays of the grid's shape afterwards. Nothing about the article is
here; everything comes from the knowledge base.
"""

from __future__ import annotations

import functools
import math
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

from kzpolicy.engine.bitset import bitset
from kzpolicy.engine.decision import decision_outcomes
from kzpolicy.errors import InputError
from kzpolicy.kb import expr
from kzpolicy.kb.kinds import FLAGGABLE
from kzpolicy.kb.knowledge import KnowledgeBase

__all__ = [
    "CONTESTED",
    "FLAGGED",
    "FULL_VALUES",
    "MAX_COUNT_TABLE",
    "MAX_FULL_TABLE",
    "NOT_REACHED",
    "STATUS_WORDS",
    "Cone",
    "FullTable",
    "Grid",
    "cone_rules",
    "cones",
    "count_table",
    "factor_groups",
    "fire",
    "full_table",
    "pack",
    "reach",
    "statuses",
    "statuses_of",
    "true_counts",
    "unpack",
    "window",
]

_NOT = expr.NEGATION_PREFIX

NOT_REACHED: Final = 0
FLAGGED: Final = 1
CONTESTED: Final = 2
#: an item's status code -> its word in every output
STATUS_WORDS: tuple[str, str, str] = ("not reached", "flagged", "contested")

MAX_FULL_TABLE = 3 ** 10
"""Most assignments of a cone's conditions (each true, false or unknown) kept per item."""
MAX_COUNT_TABLE = 1 << 24
"""Most vectors of true-factor counts :func:`count_table` decides."""


@dataclass(frozen=True, slots=True)
class Cone:
    """What can lead to one item: the productions (indices into the bitset engine's
    ``productions``), the conditions they read with those the item presupposes, and
    whether one of them reads the implied scenario."""

    productions: tuple[int, ...]
    conditions: frozenset[str]
    scenario: bool


def _cones(kb: KnowledgeBase) -> dict[str, Cone]:
    engine = bitset(kb)
    producers: dict[str, list[int]] = {}
    for i, p in enumerate(engine.productions):
        for t in p.rule.then:
            producers.setdefault(t, []).append(i)
    scenarios = set(kb.scenarios)
    conditions = set(kb.condition_ids)
    out: dict[str, Cone] = {}
    for item, info in kb.items.items():
        if info.kind not in FLAGGABLE:
            continue
        seen = {item}
        frontier = [item]
        prods: set[int] = set()
        read: set[str] = set()
        scen = False
        while frontier:
            fact = frontier.pop()
            for i in producers.get(fact, ()):
                prods.add(i)
                for need in engine.productions[i].needs:
                    base = need.removeprefix(_NOT)
                    if base in conditions:
                        read.add(base)
                    elif need in scenarios:
                        scen = True
                    elif need not in seen:
                        seen.add(need)
                        frontier.append(need)
        # its presuppositions: asserted false, the item is contested, not flagged
        read.update(kb.presupposed.get(item, ()))
        out[item] = Cone(tuple(sorted(prods)), frozenset(read), scen)
    return out


def cones(kb: KnowledgeBase) -> dict[str, Cone]:
    """Each flaggable item's cone (built once per knowledge base)."""
    return kb.derived(_cones)


def cone_rules(kb: KnowledgeBase) -> dict[str, tuple[tuple[str, ...], bool]]:
    """Per flaggable item: the IDs of the rules that can lead to it (in the order of
    rules/), and whether one of them reads the implied scenario."""
    engine = bitset(kb)
    order = {r.id: n for n, r in enumerate(kb.rules)}
    out: dict[str, tuple[tuple[str, ...], bool]] = {}
    for item, cone in cones(kb).items():
        ids = {engine.productions[i].rule.id for i in cone.productions}
        out[item] = (tuple(sorted(ids, key=order.__getitem__)), cone.scenario)
    return out


def fire(facts: dict[str, int], productions: Sequence[tuple[Sequence[str], Sequence[str]]],
         full: int) -> None:
    """Fire ``productions`` (what each needs, what it concludes) over the cell bitsets
    ``facts`` until nothing changes: monotone rules reach the fixpoint within
    ``len(productions) + 1`` passes."""
    for _ in range(len(productions) + 1):
        changed = False
        for needs, then in productions:
            col = full
            for need in needs:
                col &= facts.get(need, 0)
                if not col:
                    break
            if not col:
                continue
            for t in then:
                old = facts.get(t, 0)
                if old | col != old:
                    facts[t] = old | col
                    changed = True
        if not changed:
            break


def pack(bits: npt.NDArray[np.bool_]) -> int:
    """A boolean array as the bits of a Python int (element i is bit i)."""
    return int.from_bytes(np.packbits(bits, bitorder="little").tobytes(), "little")


def unpack(value: int, n: int) -> npt.NDArray[np.bool_]:
    """The first ``n`` bits of ``value`` as a boolean array (:func:`pack` reversed)."""
    raw = np.frombuffer(value.to_bytes((n + 7) // 8, "little"), dtype=np.uint8)
    return np.unpackbits(raw, bitorder="little")[:n].astype(np.bool_)


# ---------------------------------------------------------------------- grids
Value = bool | None
"""A condition's value in a cell: true, false, or None (unknown)."""


@dataclass(frozen=True)
class Grid:
    """Cells: every assignment of ``variables`` (variable j takes the values
    ``choices[j]``, in that order) by every one of ``scenarios`` scenarios (1: no scenario
    axis). Cell ``(d_0, ..., d_k-1, s)`` is bit ``numpy.ravel_multi_index`` of it, so a
    column of cells unpacks straight into an array of :attr:`shape`."""

    variables: tuple[str, ...]
    choices: tuple[tuple[Value, ...], ...]
    scenarios: int

    @property
    def shape(self) -> tuple[int, ...]:
        return (*(len(c) for c in self.choices), self.scenarios)

    @property
    def size(self) -> int:
        return math.prod(self.shape)

    def literals(self) -> tuple[dict[str, int], tuple[int, ...], int]:
        """The cells where each literal holds (``X`` where X is true, ``not:X`` where it
        is false), where each scenario is, and every cell."""
        by_choice, scen, full = _grid_masks(self.choices, self.scenarios)
        facts: dict[str, int] = {}
        for name, masks in zip(self.variables, by_choice, strict=True):
            facts[name], facts[_NOT + name] = masks
        return facts, scen, full


@functools.lru_cache(maxsize=256)
def _grid_masks(choices: tuple[tuple[Value, ...], ...], n_scen: int
                ) -> tuple[tuple[tuple[int, int], ...], tuple[int, ...], int]:
    shape = (*(len(c) for c in choices), n_scen)
    index = np.indices(shape).reshape(len(shape), -1)
    by_choice = []
    for j, values in enumerate(choices):
        axis = index[j]
        true = np.isin(axis, [v for v, x in enumerate(values) if x is True])
        false = np.isin(axis, [v for v, x in enumerate(values) if x is False])
        by_choice.append((pack(true), pack(false)))
    scen = tuple(pack(index[-1] == n) for n in range(n_scen))
    return tuple(by_choice), scen, (1 << math.prod(shape)) - 1


def statuses(kb: KnowledgeBase, item: str, grid: Grid) -> npt.NDArray[np.uint8]:
    """``item``'s status (:data:`NOT_REACHED`, :data:`FLAGGED`, :data:`CONTESTED`) in
    every cell of ``grid``, an array of its shape. The grid's variables must include
    every condition of the item's cone, and its scenarios be the knowledge base's when
    the cone reads one."""
    facts, scen, full = grid.literals()
    return _statuses(kb, item, facts, scen, full, grid.size).reshape(grid.shape)


def statuses_of(kb: KnowledgeBase, item: str, variables: Sequence[str],
                rows: npt.NDArray[np.integer], n_scen: int) -> npt.NDArray[np.uint8]:
    """``item``'s status for each assignment of ``variables`` in ``rows`` (one row per
    assignment, each value an index into :data:`FULL_VALUES`) by each of ``n_scen``
    scenarios: an array (rows, n_scen). As :func:`statuses`, for assignments that do
    not make a grid."""
    size = len(rows) * n_scen
    facts: dict[str, int] = {}
    for j, name in enumerate(variables):
        column = np.repeat(rows[:, j], n_scen)
        facts[name] = pack(column == 1)
        facts[_NOT + name] = pack(column == 2)
    which = np.tile(np.arange(n_scen), len(rows))
    scen = tuple(pack(which == n) for n in range(n_scen))
    return _statuses(kb, item, facts, scen, (1 << size) - 1, size).reshape(len(rows), n_scen)


def _statuses(kb: KnowledgeBase, item: str, facts: dict[str, int], scen: Sequence[int],
              full: int, size: int) -> npt.NDArray[np.uint8]:
    fire_cone(kb, item, facts, scen, full)
    derived = facts.get(item, 0)
    denied = 0
    for c in kb.presupposed.get(item, ()):
        denied |= facts.get(_NOT + c, 0)
    out = unpack(derived & ~denied, size).astype(np.uint8) * FLAGGED
    out += unpack(derived & denied, size).astype(np.uint8) * CONTESTED
    return out


def fire_cone(kb: KnowledgeBase, item: str, facts: dict[str, int], scen: Sequence[int],
              full: int) -> None:
    """Fire the productions of ``item``'s cone over cells where ``facts`` hold, the
    scenario axis's cells being ``scen`` (one per :func:`outcome_count`; the last is
    :data:`UNDECIDED`'s when the rule has form ``none``, where no scenario holds)."""
    cone = cones(kb)[item]
    if cone.scenario:
        for sid, mask in zip(kb.scenarios, scen[:len(kb.scenarios)], strict=True):
            facts[sid] = mask
    prods = bitset(kb).productions
    fire(facts, [(prods[i].needs, prods[i].rule.then) for i in cone.productions], full)


def outcome_count(kb: KnowledgeBase) -> int:
    """How many values the scenario decision can give (the scenario axis of every table
    here): the scenarios, then the undecided one when the rule has form ``none``."""
    return len(decision_outcomes(kb))


@dataclass(frozen=True)
class FullTable:
    """An item's status over every value of every condition of its cone: axis j is
    ``variables[j]`` with index 0 unknown, 1 true, 2 false; the last axis the scenario
    (length 1 when the cone reads none)."""

    variables: tuple[str, ...]
    table: npt.NDArray[np.uint8]

    @functools.cached_property
    def rows(self) -> list[tuple[int, ...]]:
        """The table as Python tuples: one per assignment (C order), one value per
        scenario."""
        return [tuple(r) for r in self.table.reshape(-1, self.table.shape[-1]).tolist()]


#: the values of a full table's condition axes, by index
FULL_VALUES: tuple[Value, Value, Value] = (None, True, False)


class _FullTables:
    """The full tables of one knowledge base, each built on first use."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.lock = threading.Lock()
        self.found: dict[str, FullTable | None] = {}
        order = {c: n for n, c in enumerate(kb.condition_ids)}
        self.order = order.__getitem__

    def get(self, item: str) -> FullTable | None:
        if item in self.found:
            return self.found[item]
        cone = cones(self.kb)[item]
        variables = tuple(sorted(cone.conditions, key=self.order))
        table = None
        if 3 ** len(variables) <= MAX_FULL_TABLE:
            grid = Grid(variables, (FULL_VALUES,) * len(variables),
                        outcome_count(self.kb) if cone.scenario else 1)
            table = FullTable(variables, statuses(self.kb, item, grid))
        with self.lock:
            self.found[item] = table
        return table


def full_table(kb: KnowledgeBase, item: str) -> FullTable | None:
    """``item``'s :class:`FullTable` (built once per knowledge base), or None when its
    cone reads more conditions than :data:`MAX_FULL_TABLE` allows."""
    return kb.derived(_FullTables).get(item)


# ---------------------------------------------------------------------- counts
def _count_table(kb: KnowledgeBase) -> npt.NDArray[np.uint8]:
    dims = tuple(len(s.factors) + 1 for s in kb.scenarios.values())
    cells = math.prod(dims)
    if cells > MAX_COUNT_TABLE:
        raise InputError(f"the scenario decision would be tabled over {cells:,} vectors of "
                         f"factor counts (at most {MAX_COUNT_TABLE:,}); this knowledge base "
                         "has too many factors for it")
    table: npt.NDArray[np.uint8] = bitset(kb).decide_counts(
        np.indices(dims, dtype=np.int64)).reshape(dims)
    return table


def count_table(kb: KnowledgeBase) -> npt.NDArray[np.uint8]:
    """The implied scenario (an index into :func:`decision_outcomes`) for every vector of
    true-factor counts, one axis per scenario from 0 to its number of factors (built once
    per knowledge base)."""
    return kb.derived(_count_table)


def window(table: npt.NDArray[np.uint8], lo: Sequence[int], hi: Sequence[int]
           ) -> npt.NDArray[np.uint8]:
    """The part of ``table`` from the counts ``lo`` to ``hi`` (both included)."""
    return table[tuple(slice(a, b + 1) for a, b in zip(lo, hi, strict=True))]


def reach(table: npt.NDArray[np.uint8], lo: Sequence[int], hi: Sequence[int]) -> int:
    """The scenarios implied somewhere from the counts ``lo`` to ``hi``: bit s for
    scenario s (0 when the window is empty)."""
    part = window(table, lo, hi)
    if part.size == 0:
        return 0
    found = np.flatnonzero(np.bincount(part.ravel(), minlength=1))
    return sum(1 << int(s) for s in found)


def factor_groups(kb: KnowledgeBase) -> Mapping[str, int]:
    """Each factor's scenario, as an index into ``kb.scenarios`` (the count axes)."""
    return kb.derived(_factor_groups)


def true_counts(kb: KnowledgeBase, asserted: Mapping[str, bool | None]
                ) -> tuple[int, ...]:
    """How many factors of each scenario ``asserted`` makes true (the axes of
    :func:`count_table`)."""
    counts = [0] * len(kb.scenarios)
    for f, g in factor_groups(kb).items():
        if asserted.get(f) is True:
            counts[g] += 1
    return tuple(counts)


def _factor_groups(kb: KnowledgeBase) -> dict[str, int]:
    return {f.id: n for n, s in enumerate(kb.scenarios.values()) for f in s.factors}
