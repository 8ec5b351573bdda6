"""Weighted model counting: the exact weight of the inputs that imply each scenario or
flag each item, without enumerating the inputs.

Some conditions are *uncertain*: each is true with weight ``t`` and false with weight
``f`` (a probability ``p`` and ``1 - p``, or ``1`` and ``1`` to count combinations);
the others are fixed or unknown. Two facts of the rules make the weights cheap to sum:

* the scenario decision depends only on how many factors of each scenario are true, and
  the scenarios' factor groups are disjoint, so each group's count is an independent
  (Poisson-binomial) distribution and the scenario's weight is a sum over a small table
  of counts (:meth:`FactorCounter.scenarios`);
* an item depends only on the rules that can lead to it (its *cone*) and on the
  uncertain conditions those rules mention, so its weight is a sum over the assignments
  of those few conditions, each joined with the scenario's weight given them
  (:meth:`FactorCounter.items`).

Every sum is exact in the number type of the weights: floats, ``Fraction`` or ``int``.
Nothing about the article is here; everything comes from the knowledge base.
"""

from __future__ import annotations

import functools
import math
import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt

from kzpolicy.analysis.budget import checkpoint
from kzpolicy.analysis.cones import Cone, cones, fire, pack, unpack
from kzpolicy.engine.bitset import BitsetRules, bitset
from kzpolicy.errors import ConeTooLargeError, InputError
from kzpolicy.kb import expr
from kzpolicy.kb.knowledge import KnowledgeBase

__all__ = ["MAX_CONE", "MAX_TABLE", "FactorCounter", "Weights", "counter_for",
           "influence"]

Array: TypeAlias = npt.NDArray[Any]
Weights: TypeAlias = tuple[Sequence[Any], Sequence[Any]]
"""Per uncertain condition, in :attr:`FactorCounter.uncertain` order: (true weights, false
weights)."""

MAX_CONE = 20
"""Most uncertain conditions one item's cone may mention (2^20 assignments)."""
MAX_TABLE = 1 << 24
"""Most cells of the table of factor counts the scenario decision is summed over."""

_NOT = expr.NEGATION_PREFIX
_SPARSE_BITS = 6
_SMALL_TABLE = 64


@dataclass(frozen=True, slots=True)
class _Table:
    """One item's truth table over its cone's uncertain conditions (and the scenario)."""

    variables: tuple[int, ...]
    """Indices into :attr:`FactorCounter.uncertain`; bit j of an assignment is variables[j]."""
    scenario: bool
    """Whether the table has a scenario axis (the item depends on the implied scenario)."""
    holds: npt.NDArray[np.bool_]
    """Shape (2^k,) or (2^k, scenarios)."""


def _reduce(holds: npt.NDArray[np.bool_], variables: list[int], scenario: bool,
            reachable: list[int]) -> tuple[npt.NDArray[np.bool_], tuple[int, ...], bool]:
    """Drop the variables (and the scenario axis) the table does not depend on; only the
    ``reachable`` scenarios (those some counts imply) are told apart."""
    if scenario:
        seen = holds[:, reachable]
        if bool((seen == seen[:, :1]).all()):
            holds, scenario = seen[:, 0], False
    for j in range(len(variables) - 1, -1, -1):
        shaped = holds.reshape(-1, 2, 1 << j, *holds.shape[1:])
        if np.array_equal(shaped[:, 0], shaped[:, 1]):
            holds = shaped[:, 0].reshape(-1, *holds.shape[1:])
            del variables[j]
    return holds, tuple(variables), scenario


@functools.lru_cache(maxsize=64)
def _masks(k: int, n_scen: int) -> tuple[tuple[int, ...], tuple[int, ...], int]:
    """Bitsets over the cells ``a * n_scen + s`` of ``k`` variables and ``n_scen``
    scenarios: where each variable is true, where each scenario is, and every cell."""
    a = np.repeat(np.arange(1 << k, dtype=np.int64), n_scen)
    s = np.tile(np.arange(n_scen, dtype=np.int64), 1 << k)
    var = tuple(pack((a >> j) & 1 == 1) for j in range(k))
    scen = tuple(pack(s == n) for n in range(n_scen))
    return var, scen, (1 << ((1 << k) * n_scen)) - 1


def _poly(factors: Sequence[tuple[Any, Any]], exact: bool) -> list[Any]:
    """The distribution of how many of the factors are true: the coefficients of the
    product of (f + t x) over the factors."""
    coef: list[Any] = [1 if exact else 1.0]
    for t, f in factors:
        nxt = [c * f for c in coef] + [0]
        for i, c in enumerate(coef):
            nxt[i + 1] += c * t
        coef = nxt
    return coef


def _outer(vectors: Sequence[Array]) -> Array:
    """The outer product of the vectors, flattened (the first varies slowest)."""
    out = vectors[0]
    for v in vectors[1:]:
        out = np.multiply.outer(out, v)
    return out.reshape(-1)


@dataclass(frozen=True, slots=True)
class _TableStack:
    """The tables of the items with the same variables and scenario axis, stacked into
    one matrix and summed as one."""

    items: tuple[str, ...]
    variables: tuple[int, ...]
    scenario: bool
    holds: npt.NDArray[np.float64]
    """(items, 2^k) or (items, 2^k * scenarios), as 0.0 / 1.0."""
    outside: tuple[int, ...]
    """Uncertain conditions the sum leaves out (their mass multiplies in when the
    weights are not probabilities)."""
    exact_holds: Array
    """``holds`` as Python ints, for exact sums."""
    sparse: tuple[tuple[int, ...], ...] | None
    """Per item, the cells where it holds, when the stack is small enough to sum in
    Python: assignments, or scenarios for a stack that reads only the scenario."""


def _stack(tables: Mapping[str, _Table], others: tuple[int, ...], n_uncertain: int
           ) -> list[_TableStack]:
    """The items' tables stacked by variables and scenario axis (``others``: the
    uncertain conditions outside every factor group)."""
    sig: dict[tuple[tuple[int, ...], bool], list[str]] = {}
    for item, tab in tables.items():
        sig.setdefault((tab.variables, tab.scenario), []).append(item)
    stacks: list[_TableStack] = []
    for (variables, scen), ids in sig.items():
        holds = np.stack([tables[i].holds for i in ids]).reshape(len(ids), -1)
        pool = others if scen else range(n_uncertain)
        small = (not variables) if scen else len(variables) <= _SPARSE_BITS
        sparse = (tuple(tuple(int(x) for x in np.flatnonzero(row)) for row in holds)
                  if small else None)
        stacks.append(_TableStack(
            tuple(ids), variables, scen, holds.astype(np.float64),
            tuple(i for i in pool if i not in variables),
            holds.astype(np.int64).astype(object), sparse))
    return stacks


def _assignment_weights(variables: Sequence[int], weights: Weights, exact: bool) -> list[Any]:
    """The weight of each assignment of ``variables`` (bit j of its index is
    ``variables[j]``)."""
    t, f = weights
    w: list[Any] = [1 if exact else 1.0]
    for v in variables:
        w = [x * f[v] for x in w] + [x * t[v] for x in w]
    return w


def _sparse_sums(cells: Sequence[Sequence[int]], w: Sequence[Any], exact: bool) -> list[Any]:
    """Per item, the sum of the weights ``w`` of the cells where it holds."""
    zero: Any = 0 if exact else 0.0
    return [sum((w[a] for a in ones), zero) for ones in cells]


class _Runs:
    """A table over factor counts (last axis innermost) as runs of equal values along
    the last axis: sums of outer-product weights over it cost one term per run, not
    one per cell (the decision changes only a few times along any axis)."""

    def __init__(self, table: npt.NDArray[np.integer], n_values: int) -> None:
        length = table.shape[-1]
        flat = table.reshape(-1, length)
        starts = np.ones(flat.shape, dtype=np.bool_)
        starts[:, 1:] = flat[:, 1:] != flat[:, :-1]
        cell, start = np.nonzero(starts)
        end = np.empty_like(start)
        end[:-1] = np.where(cell[1:] == cell[:-1], start[1:], length)
        end[-1:] = length
        self.cell, self.start, self.end = cell, start, end
        self.value = flat[cell, start].astype(np.intp)
        self.n_values = n_values
        self.of_value = [np.flatnonzero(self.value == v) for v in range(n_values)]
        self.leading = table.ndim > 1
        self.cells: list[tuple[tuple[int, ...], int]] | None = None
        if table.size <= _SMALL_TABLE:
            self.cells = [(tuple(int(i) for i in index), int(v))
                          for index, v in np.ndenumerate(table)]

    def sum(self, vectors: Sequence[Sequence[Any]], exact: bool) -> Sequence[Any] | Array:
        """``sum over counts c of table-indicator[c, value] * prod_g vectors[g][c_g]``."""
        if self.cells is not None:  # a small table: sum in Python
            out: list[Any] = [0 if exact else 0.0] * self.n_values
            lists = [v.tolist() if isinstance(v, np.ndarray) else v for v in vectors]
            for index, value in self.cells:
                w: Any = 1
                for v, i in zip(lists, index, strict=True):
                    w = w * v[i]
                out[value] += w
            return out
        dtype: Any = object if exact else np.float64
        arrays = [np.asarray(v, dtype=dtype) for v in vectors]
        last = arrays[-1]
        cum = np.concatenate([np.zeros(1, dtype=last.dtype), np.cumsum(last)])
        seg = cum[self.end] - cum[self.start]
        if self.leading:
            seg = seg * _outer(arrays[:-1])[self.cell]
        if not exact:
            return np.bincount(self.value, weights=seg, minlength=self.n_values)
        return np.array([seg[idx].sum() if len(idx) else 0 for idx in self.of_value],
                        dtype=object)


    def correlate(self, kernels: Sequence[Array], exact: bool) -> Array:
        """``Q[m0, m1, ..., s] = sum over counts c of table-indicator[c, s] *
        prod_g kernels[g][c_g, m_g]``: every shift of the weights at once (the last axis
        by runs, the others by matrix products)."""
        dtype: Any = object if exact else np.float64
        last = kernels[-1]
        cum = np.concatenate([np.zeros((1, last.shape[1]), dtype=dtype),
                              np.cumsum(last, axis=0)])
        seg = cum[self.end] - cum[self.start]  # (runs, shifts of the last axis)
        lead = [k.shape[0] for k in kernels[:-1]]
        cells = math.prod(lead)
        out = np.zeros((cells, last.shape[1], self.n_values), dtype=dtype)
        for v, idx in enumerate(self.of_value):
            if len(idx):
                np.add.at(out[:, :, v], self.cell[idx], seg[idx])
        out = out.reshape(*lead, last.shape[1], self.n_values)
        for k in kernels[:-1]:  # contract the leading axes, first to last
            out = np.moveaxis(np.tensordot(k.T, out, axes=(1, 0)), 0, -1)
        # now (last shifts, values, m0, m1, ...): put the shifts in group order
        g = len(kernels) - 1
        return np.moveaxis(out, [0, 1], [g, g + 1]) if g else out


class FactorCounter:
    """The rules of ``kb`` prepared for one split of the conditions: ``uncertain`` (each
    weighted true or false), ``fixed`` (asserted), the rest unknown. Evaluate it with
    :meth:`scenarios` and :meth:`items` for any weights, in any number type.

    Preparing takes four steps: the scenarios' factor groups (:meth:`_groups`), the
    decision over their counts (:meth:`_decision_table`), each item's truth table over its
    cone (:meth:`_item_tables`, stacked by :func:`_stack`), and the factor counts each
    assignment of a cone shifts (:meth:`_cone_shifts`)."""

    def __init__(self, kb: KnowledgeBase, uncertain: Sequence[str], fixed: Mapping[str, bool],
                 *, max_cone: int | None = None, max_table: int | None = None) -> None:
        self.kb = kb
        self.engine: BitsetRules = bitset(kb)
        self.uncertain: tuple[str, ...] = tuple(uncertain)
        self.fixed = dict(fixed)
        self.scenario_ids: tuple[str, ...] = self.engine.scenario_ids
        position = {c: i for i, c in enumerate(self.uncertain)}
        self.groups, base = self._groups(position)
        in_group = {i for g in self.groups for i in g}
        self.others: tuple[int, ...] = tuple(i for i in range(len(self.uncertain))
                                             if i not in in_group)
        self.decision: npt.NDArray[np.uint8] = self._decision_table(
            base, MAX_TABLE if max_table is None else max_table)
        # the groups with an uncertain factor; the others' counts are fixed
        self.active: tuple[int, ...] = tuple(n for n, g in enumerate(self.groups) if g) or (0,)
        squeezed = self.decision[tuple(slice(None) if n in self.active else 0
                                       for n in range(len(self.groups)))]
        self.runs = _Runs(squeezed, len(self.scenario_ids))
        self.deciding: tuple[bool, ...] = tuple(
            bool(np.any(np.diff(self.decision.astype(np.int16), axis=n) != 0))
            for n in range(len(self.groups)))
        """Per scenario: whether its count ever changes the decision."""
        self.tables: dict[str, _Table] = self._item_tables(
            position, MAX_CONE if max_cone is None else max_cone)
        self._stacks = _stack(self.tables, self.others, len(self.uncertain))
        self._shifts = self._cone_shifts()
        self._depends: dict[str, tuple[str, ...]] = {}
        self.memo: dict[str, object] = {}
        """What callers derive from this counter and keep with it."""

    # ------------------------------------------------------------------ preparing
    def _groups(self, position: Mapping[str, int]
                ) -> tuple[tuple[tuple[int, ...], ...], list[int]]:
        """Per scenario, in the article's order: its uncertain factors (indices into
        :attr:`uncertain`), and how many of its other factors are fixed true."""
        groups: list[tuple[int, ...]] = []
        base: list[int] = []
        for sc in self.kb.scenarios.values():
            ids = [f.id for f in sc.factors]
            groups.append(tuple(position[f] for f in ids if f in position))
            base.append(sum(1 for f in ids if f not in position and self.fixed.get(f) is True))
        return tuple(groups), base

    def _decision_table(self, base: Sequence[int], max_table: int) -> npt.NDArray[np.uint8]:
        """The implied scenario for every combination of the groups' uncertain counts
        (each axis from 0 to the group's size), the fixed counts ``base`` added."""
        dims = tuple(len(g) + 1 for g in self.groups)
        cells = math.prod(dims)
        if cells > max_table:
            raise InputError(
                f"the scenario decision would be summed over {cells:,} combinations of "
                f"factor counts (at most {max_table:,}); make fewer factors uncertain")
        counts = np.indices(dims, dtype=np.int64)
        counts += np.array(base, dtype=np.int64).reshape(-1, *(1,) * len(dims))
        return self.engine.decide_counts(counts)

    def _item_tables(self, position: Mapping[str, int], max_cone: int) -> dict[str, _Table]:
        """Each flaggable item's truth table over its cone (:meth:`_table`)."""
        reachable = sorted(np.flatnonzero(np.bincount(self.decision.reshape(-1))).tolist())
        return {item: self._table(item, cone, position, max_cone, reachable)
                for item, cone in cones(self.kb).items()}

    def _table(self, item: str, cone: Cone, position: Mapping[str, int],
               max_cone: int, reachable: list[int]) -> _Table:
        """One item's truth table: its cone's rules fired over every assignment of the
        cone's uncertain conditions (and every scenario, when the cone reads one), then
        cut to what the item depends on."""
        checkpoint()
        variables = sorted(position[c] for c in cone.conditions if c in position)
        k = len(variables)
        if k > max_cone:
            raise ConeTooLargeError(
                f"item {item!r} depends on {k} uncertain conditions (at most {max_cone}); "
                "fix some of them or leave them unknown")
        n_scen = len(self.scenario_ids) if cone.scenario else 1
        # columns as Python int bitsets over the cells (assignment a, scenario s) at
        # bit a * n_scen + s: the cones are small, and int operations are fast
        var_masks, scen_masks, full = _masks(k, n_scen)
        facts = self._cone_facts(cone, position, variables, var_masks, full)
        if cone.scenario:
            for n, sid in enumerate(self.scenario_ids):
                facts[sid] = scen_masks[n]
        prods = [self.engine.productions[i] for i in cone.productions]
        fire(facts, [(p.needs, p.rule.then) for p in prods], full)
        flagged = facts.get(item, 0)
        for c in self.kb.presupposed.get(item, ()):  # denied: contested, not flagged
            flagged &= full ^ facts.get(_NOT + c, 0)
        holds: npt.NDArray[np.bool_] = unpack(
            flagged, (1 << k) * n_scen).reshape(1 << k, n_scen)
        if not cone.scenario:
            holds = holds[:, 0]
        table, kept, scen = _reduce(holds, variables, cone.scenario, reachable)
        return _Table(kept, scen, np.ascontiguousarray(table))

    def _cone_facts(self, cone: Cone, position: Mapping[str, int], variables: list[int],
                    var_masks: tuple[int, ...], full: int) -> dict[str, int]:
        """The cells where each condition the cone reads (and its negation) holds: an
        uncertain one where its variable is true, a fixed one everywhere or nowhere."""
        facts: dict[str, int] = {}
        for c in cone.conditions:
            if c in position:
                bit = var_masks[variables.index(position[c])]
                facts[c], facts[_NOT + c] = bit, full ^ bit
            elif c in self.fixed:
                facts[c], facts[_NOT + c] = (full, 0) if self.fixed[c] else (0, full)
        return facts

    def _cone_shifts(self) -> dict[tuple[int, ...], tuple[list[tuple[int, ...]], Array]]:
        """For each stack that reads the scenario, by its variables: the factor counts
        its assignments add to the active groups (:meth:`_shifts_of`)."""
        group_of = {i: k for k, n in enumerate(self.active) for i in self.groups[n]}
        shifts: dict[tuple[int, ...], tuple[list[tuple[int, ...]], Array]] = {}
        for b in self._stacks:
            if b.scenario and b.variables not in shifts:
                shifts[b.variables] = self._shifts_of(b.variables, group_of)
        return shifts

    def _shifts_of(self, variables: tuple[int, ...], group_of: Mapping[int, int]
                   ) -> tuple[list[tuple[int, ...]], Array]:
        """Per assignment of ``variables``, how many of the cone's factors of each active
        group are true: the distinct count vectors, and each assignment's row among them."""
        a = np.arange(1 << len(variables), dtype=np.int64)
        per = np.zeros((len(a), len(self.active)), dtype=np.int64)
        for j, v in enumerate(variables):
            if v in group_of:
                per[:, group_of[v]] += (a >> j) & 1
        radix = np.cumprod([1, *(len(variables) + 1 for _ in self.active[1:])])
        codes, rows = np.unique(per @ radix, return_inverse=True)
        found = [tuple(int(c) // int(r) % (len(variables) + 1) for r in radix)
                 for c in codes]
        return found, rows.reshape(-1)

    # ------------------------------------------------------------------ evaluating
    def _mass(self, weights: Weights, indices: Sequence[int], exact: bool) -> Any:
        t, f = weights
        out: Any = 1 if exact else 1.0
        for i in indices:
            out = out * (t[i] + f[i])
        return out

    def _dists(self, weights: Weights, exact: bool, leave_out: frozenset[int] = frozenset()
               ) -> list[list[Any]]:
        t, f = weights
        return [_poly([(t[i], f[i]) for i in self.groups[n] if i not in leave_out], exact)
                for n in self.active]

    def scenarios(self, weights: Weights, *, exact: bool = False,
                  normalised: bool = False) -> list[Any]:
        """The weight of the inputs implying each scenario (``scenario_ids`` order).

        ``normalised`` says every condition's weights sum to 1 (probabilities), so the
        conditions outside the decision need not be multiplied in."""
        out = list(self.runs.sum(self._dists(weights, exact), exact))
        if not normalised:
            rest = self._mass(weights, self.others, exact)
            out = [x * rest for x in out]
        return out

    def _conditional(self, weights: Weights, variables: tuple[int, ...], exact: bool
                     ) -> Array:
        """``Q[a, s]``: the weight of the other factors' assignments that, with the
        cone's factors as in assignment ``a`` of ``variables``, imply scenario ``s``."""
        rest = self._dists(weights, exact, frozenset(variables))
        shifts, rows = self._shifts[variables]
        sizes = [len(self.groups[n]) + 1 for n in self.active]
        most = [max(s[k] for s in shifts) for k in range(len(self.active))]
        dtype: Any = object if exact else np.float64
        kernels = []
        for r, n, top in zip(rest, sizes, most, strict=True):
            k = np.zeros((n, top + 1), dtype=dtype)
            for m in range(top + 1):  # column m: the rest's counts shifted by m
                k[m:m + len(r), m] = r
            kernels.append(k)
        q = self.runs.correlate(kernels, exact)
        return np.stack([q[shift] for shift in shifts])[rows]

    def items(self, weights: Weights, *, exact: bool = False, normalised: bool = False,
              scenarios: Sequence[Any] | None = None) -> dict[str, Any]:
        """The weight of the inputs that flag each flaggable item (``scenarios``: what
        :meth:`scenarios` gives for the same weights, when already computed)."""
        out: dict[str, Any] = {}
        conditional: dict[tuple[int, ...], Array] = {}
        for b in self._stacks:
            checkpoint()
            values: Any
            if b.sparse is None:
                values = self._dense_values(b, weights, exact, conditional)
            elif b.scenario:  # a small stack that reads only the scenario
                if scenarios is None:
                    scenarios = self.scenarios(weights, exact=exact, normalised=True)
                values = _sparse_sums(b.sparse, scenarios, exact)
            else:  # a small stack: sum in Python
                values = _sparse_sums(b.sparse, _assignment_weights(b.variables, weights, exact),
                                      exact)
            if not normalised and b.outside:
                mass = self._mass(weights, b.outside, exact)
                values = [v * mass for v in values]
            for item, v in zip(b.items, values, strict=True):
                out[item] = v
        return {item: out[item] for item in self.tables}

    def _dense_values(self, b: _TableStack, weights: Weights, exact: bool,
                      conditional: dict[tuple[int, ...], Array]) -> Any:
        """The items of a stack, summed as one matrix product over its assignments (and
        scenarios: ``conditional`` keeps :meth:`_conditional` by variables)."""
        t, f = weights
        wa = np.ones(1, dtype=object if exact else np.float64)
        for v in b.variables:
            wa = np.concatenate([wa * f[v], wa * t[v]])
        h = b.exact_holds if exact else b.holds
        if not b.scenario:
            return h @ wa
        q = conditional.get(b.variables)
        if q is None:
            q = conditional[b.variables] = self._conditional(weights, b.variables, exact)
        return h @ (wa[:, None] * q).reshape(-1)

    def depends_on(self, item: str) -> tuple[str, ...]:
        """The uncertain conditions an item's table reads (and, when it depends on the
        implied scenario, the uncertain factors that can change it), in ``uncertain``
        order."""
        found = self._depends.get(item)
        if found is None:
            tab = self.tables[item]
            used = set(tab.variables)
            if tab.scenario:
                used.update(self.deciding_factors())
            found = self._depends[item] = tuple(self.uncertain[i] for i in sorted(used))
        return found

    def deciding_factors(self) -> tuple[int, ...]:
        """The uncertain factors whose scenario's count can change the decision."""
        return tuple(i for g, on in zip(self.groups, self.deciding, strict=True) if on
                     for i in g)


def influence(counter: FactorCounter) -> list[Any]:
    """Per scenario (in ``scenario_ids`` order): the weight of the inputs in which one
    of its uncertain factors, switched alone from false to true, changes the implied
    scenario, counted once per direction (as in the enumerating landscape). The
    counter's uncertain conditions must all be factors, each weighted 1 and 1."""
    dec = counter.decision
    sizes = [len(g) for g in counter.groups]
    out: list[Any] = []
    for n, size in enumerate(sizes):
        if size == 0:
            out.append(0)
            continue
        low = [slice(None)] * dec.ndim
        high = [slice(None)] * dec.ndim
        low[n], high[n] = slice(0, size), slice(1, size + 1)
        differs = (dec[tuple(low)] != dec[tuple(high)]).astype(np.int8)
        vectors: list[Sequence[Any]] = [_poly([(1, 1)] * (size - 1 if m == n else s), True)
                                         for m, s in enumerate(sizes)]
        total = _Runs(differs, 2).sum(vectors, True)[1]
        out.append(2 * total)
    return out


class _CounterCache:
    """A cache of the counters (:class:`FactorCounter`) of one knowledge base, by split:
    the last ``SIZE`` made."""

    SIZE = 32

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.lock = threading.Lock()
        self.found: OrderedDict[tuple[tuple[str, ...], frozenset[tuple[str, bool]]],
                                FactorCounter] = OrderedDict()

    def get(self, uncertain: tuple[str, ...], fixed: dict[str, bool]) -> FactorCounter:
        key = (uncertain, frozenset(fixed.items()))
        hit = self.found.get(key)  # a read needs no lock; the order is of first use
        if hit is not None:
            return hit
        counter = FactorCounter(self.kb, uncertain, fixed)
        with self.lock:
            self.found[key] = counter
            while len(self.found) > self.SIZE:
                self.found.popitem(last=False)
        return counter


def counter_for(kb: KnowledgeBase, uncertain: tuple[str, ...], fixed: dict[str, bool]
                ) -> FactorCounter:
    """The :class:`FactorCounter` of ``kb`` for a split, built once and kept among the
    last ones made (a counter depends only on which conditions are uncertain and which
    fixed, not on the weights)."""
    return kb.derived(_CounterCache).get(uncertain, fixed)
