"""The bitset engine: a knowledge base's rules as bitsets, for one input or millions.

The same productions as the durable engine (one per conjunction of a rule's `when`
in disjunctive normal form, ``network.productions``) are compiled two ways:

* **bitsets over facts** (Python ints): a production fires when ``facts & need ==
  need``; :meth:`BitsetRules.run` returns the same firings as
  ``durable.rules.DurableRules.run`` (rule, matched conjunction, phase), in an order
  durable could have fired them (by stratum, so every producer comes before its
  consumers and explanations match);
* **columns over inputs** (numpy, imported only there): :meth:`BitsetRules.evaluate` takes, per
  condition, which of many inputs assert it true and which false, and computes the
  implied scenario and every fact for all of them at once. The scenario decision
  rule (``decision.implied``) runs on arrays of shares; the landscape, Monte Carlo
  and tipping points run on it.

Nothing about the article is in this module: everything comes from the knowledge base.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from heapq import heapify, heappop, heappush
from typing import TYPE_CHECKING, Any, TypeAlias

from kzpolicy.engine.decision import decide, decision_outcomes, rule_of
from kzpolicy.engine.network import EngineFiring, Production, productions
from kzpolicy.kb import expr, schema
from kzpolicy.kb.knowledge import KnowledgeBase

if TYPE_CHECKING:  # numpy is imported where many inputs are evaluated: one input needs none
    import numpy as np
    import numpy.typing as npt

__all__ = ["BatchResult", "BitsetRules", "Column", "bitset", "both", "count", "either"]

BoolArray: TypeAlias = "npt.NDArray[np.bool_]"
Column: TypeAlias = "npt.NDArray[Any] | bool"
"""One fact over a batch of inputs: a boolean array (or packed bits, 64 inputs a uint64
word: see :meth:`BitsetRules.fixpoint`), or a constant for all of them."""

_NOT = expr.NEGATION_PREFIX


def _join(a: Column, b: Column, absorbing: bool) -> Column:
    """``a & b`` (``absorbing=False``) or ``a | b`` (``absorbing=True``) over columns, with
    the constants short-cut: the absorbing one wins, the other leaves the column as is."""
    if a is absorbing or b is absorbing:
        return absorbing
    if isinstance(a, bool):
        return b
    if isinstance(b, bool):
        return a
    return a | b if absorbing else a & b


def both(a: Column, b: Column) -> Column:
    """Where ``a`` and ``b`` both hold."""
    return _join(a, b, False)


def either(a: Column, b: Column) -> Column:
    """Where ``a`` or ``b`` holds."""
    return _join(a, b, True)


def count(column: Column, size: int) -> int:
    """How many of ``size`` inputs a column holds for."""
    if isinstance(column, bool):
        return size if column else 0
    import numpy as np

    return int(np.count_nonzero(column))


@dataclass(frozen=True, slots=True)
class _Production:
    """A production of the rule network with its literals as bits."""

    rule: schema.Rule
    needs: tuple[str, ...]
    need: int
    then: int
    phase1: EngineFiring
    phase2: EngineFiring


@dataclass(frozen=True, slots=True)
class BatchResult:
    """Scenario and facts for a batch of inputs (see :meth:`BitsetRules.evaluate`)."""

    size: int
    scenario_ids: tuple[str, ...]
    scenario: npt.NDArray[np.uint8]
    """Index into ``scenario_ids`` of each input's implied scenario."""
    counts: npt.NDArray[np.uint16]
    """Factors asserted true, per scenario (rows in the knowledge base's order of scenarios,
    the first ones of ``scenario_ids``) and input."""
    facts: dict[str, Column]
    """Every fact that holds for some input: literals, the scenario, the items the rules
    flag."""
    fired: dict[str, Column]
    """Per rule ID: the inputs for which at least one of its conjunctions fires."""
    contested: dict[str, Column]
    """Per item the rules flag while the input asserts false a condition it presupposes:
    those inputs (an assessment reports the item contested there, not flagged)."""

    def holds(self, fact: str) -> Column:
        """The inputs for which ``fact`` holds (``False`` when it never does)."""
        return self.facts.get(fact, False)

    def flagged(self, item: str) -> Column:
        """The inputs an assessment reports ``item`` for: where the rules flag it and it
        is not contested."""
        held = self.facts.get(item, False)
        where = self.contested.get(item, False)
        return held if where is False else both(held, _negate(where))


def _fact_names(kb: KnowledgeBase, ordered: list[Production]) -> tuple[str, ...]:
    """Every fact the productions read or write, then the scenarios: one bit each."""
    names: dict[str, None] = {}
    for p in ordered:
        for fact in (*p.needs, *p.rule.then):
            names.setdefault(fact)
    for sid in kb.scenarios:
        names.setdefault(sid)
    return tuple(names)


def _single_pass(prods: list[_Production]) -> bool:
    """Whether one pass in priority order reaches the fixpoint: every producer of a fact
    comes before every production that needs it (always, unless rules form a cycle)."""
    first_need: dict[str, int] = {}
    for i, p in enumerate(prods):
        for f in p.needs:
            first_need.setdefault(f, i)
    return all(
        first_need.get(t, len(prods)) > i for i, p in enumerate(prods) for t in p.rule.then
    )


def _downstream(kb: KnowledgeBase, prods: list[_Production]) -> set[str]:
    """The scenarios and every fact a production can derive from one of them: a walk
    from the scenarios through the productions that need what it has reached (each
    production is taken once, however many of its needs are reached)."""
    needing: dict[str, list[int]] = {}
    for i, p in enumerate(prods):
        for f in p.needs:
            needing.setdefault(f, []).append(i)
    downstream = set(kb.scenarios)
    todo = list(downstream)
    taken: set[int] = set()
    while todo:
        for i in needing.get(todo.pop(), ()):
            if i not in taken:
                taken.add(i)
                new = [t for t in prods[i].rule.then if t not in downstream]
                downstream.update(new)
                todo += new
    return downstream


class BitsetRules:
    """A knowledge base's rules compiled to bitsets; build it with :func:`bitset`."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        # durable's priority: stratum, then definition order (a stable sort keeps it)
        ordered = sorted(productions(kb), key=lambda p: p.stratum)
        self.fact_names: tuple[str, ...] = _fact_names(kb, ordered)
        self.bit: dict[str, int] = {n: 1 << i for n, i in zip(
            self.fact_names, range(len(self.fact_names)), strict=True)}
        bit = self.bit
        prods = [_Production(p.rule, p.needs, sum(bit[f] for f in p.needs),
                             sum(bit[f] for f in p.rule.then), *p.firings) for p in ordered]
        self.productions: tuple[_Production, ...] = tuple(prods)
        self._true = {c: bit.get(c, 0) for c in kb.condition_ids}
        self._false = {c: bit.get(_NOT + c, 0) for c in kb.condition_ids}
        self.scenario_bit = {s: bit[s] for s in kb.scenarios}
        self.single_pass = _single_pass(prods)
        downstream = _downstream(kb, prods)
        # Productions whose firing can depend on the implied scenario (phase 2 candidates).
        self._phase2 = tuple(p for p in prods if downstream.intersection(p.needs))
        self._index(prods, downstream)
        #: what the decision can give: the scenarios (the rows of the factor counts), then
        #: UNDECIDED for a rule of form none
        self.scenario_ids: tuple[str, ...] = decision_outcomes(kb)
        self._sizes = tuple(len(s.factors) for s in kb.scenarios.values())
        self._rule = rule_of(kb, tuple(kb.scenarios))
        #: factor -> the index of its scenario (the vectorised factor counts)
        self._factor_of = {
            f.id: n for n, s in enumerate(kb.scenarios.values()) for f in s.factors
        }

    def _index(self, prods: list[_Production], downstream: set[str]) -> None:
        """Index productions by fact, so that one input costs what its facts reach.

        Phase 1 watches one needed fact per production (the one fewest productions
        need): a production can fire only once that fact is present, asserted or
        produced. Phase 2 indexes its productions by every needed fact downstream of
        the scenario: one newly enabled there needs a fact new in that phase. Rules that
        form a cycle run on the productions that need each fact (:meth:`_agenda`).
        Every index is kept per fact, so its size is that of the rules, whatever the
        fan-out of their facts.
        """
        uses: dict[str, int] = {}
        for p in prods:
            for f in p.needs:
                uses[f] = uses.get(f, 0) + 1
        watch: dict[str, list[int]] = {}
        self._always: tuple[int, ...] = tuple(i for i, p in enumerate(prods) if not p.needs)
        for i, p in enumerate(prods):
            if p.needs:
                watch.setdefault(min(p.needs, key=lambda f: (uses[f], f)), []).append(i)
        later: dict[str, list[int]] = {}
        needing: dict[str, list[int]] = {}
        for i, p in enumerate(prods):
            for f in p.needs:
                needing.setdefault(f, []).append(i)
                if f in downstream:
                    later.setdefault(f, []).append(i)
        self._watch_true = {c: tuple(watch.get(c, ())) for c in self.kb.condition_ids}
        self._watch_false = {c: tuple(watch.get(_NOT + c, ())) for c in self.kb.condition_ids}
        self._later = {s: tuple(later.get(s, ())) for s in self.kb.scenarios}
        self._watchers, self._later_of, self._needing = (
            self._per_fact(index) for index in (watch, later, needing))
        position = {f: n for n, f in enumerate(self.fact_names)}
        self._then_bits = tuple(tuple(position[t] for t in p.rule.then) for p in prods)
        self._missing = [len(p.needs) for p in prods]

    def _per_fact(self, index: Mapping[str, list[int]]) -> tuple[tuple[int, ...], ...]:
        """``index`` by fact position (its bit), not per production: a fact produced by
        many productions and needed by many is listed once."""
        return tuple(tuple(index.get(f, ())) for f in self.fact_names)

    # ------------------------------------------------------------------ one input
    def literals(self, asserted: Mapping[str, bool]) -> int:
        """The fact bitset of the asserted conditions (``X`` true, ``not:X`` false)."""
        facts = 0
        t, f = self._true, self._false
        for c, v in asserted.items():
            facts |= t.get(c, 0) if v else f.get(c, 0)
        return facts

    def run(self, asserted: Mapping[str, bool], scenario: str) -> list[EngineFiring]:
        """Fire the rules for the asserted conditions, then for the implied scenario.

        The same firings as ``durable.rules.DurableRules.run``, producers before consumers.
        """
        facts = self.literals(asserted)
        out: list[EngineFiring] = []
        if self.single_pass:
            wt, wf = self._watch_true, self._watch_false
            heap = list(self._always)
            for c, v in asserted.items():
                heap += wt[c] if v else wf[c]
            before = self._fire(heap, facts, 0, self._watchers, 1, out)
            self._fire(list(self._later.get(scenario, ())),
                       before | self.scenario_bit.get(scenario, 0), before,
                       self._later_of, 2, out)
            return out
        self._agenda(facts, self.scenario_bit.get(scenario, 0), out)
        return out

    def _fire(self, heap: list[int], facts: int, before: int,
              feeds: tuple[tuple[int, ...], ...], phase: int, out: list[EngineFiring]) -> int:
        """One phase on the indexed rules: take the candidate productions in priority order
        from a heap, fire each whose facts hold (in phase 2: and did not already hold
        ``before``), and push the productions its new facts feed (``feeds``: per fact).
        Every producer comes before its consumers (single pass), so this fires exactly
        what a full pass in priority order fires."""
        prods, then_bits = self.productions, self._then_bits
        heapify(heap)
        last = -1
        while heap:
            i = heappop(heap)
            if i == last:
                continue
            last = i
            p = prods[i]
            need = p.need
            if facts & need == need and (phase == 1 or before & need != need):
                new = p.then & ~facts
                facts |= p.then
                out.append(p.phase1 if phase == 1 else p.phase2)
                for t in then_bits[i] if new else ():
                    if new >> t & 1:
                        for j in feeds[t]:
                            heappush(heap, j)
        return facts

    def _agenda(self, facts: int, scenario: int, out: list[EngineFiring]) -> None:
        """Durable's agenda for rules that form a cycle: always fire the enabled
        production of highest priority (lowest stratum, then definition order), over
        the asserted ``facts``, then again with the implied ``scenario``'s fact.

        Each production counts the facts it still misses; a new fact counts down those
        that need it, and one that misses none joins a heap of the enabled: each
        production and each fact is handled once."""
        prods, needing, then_bits = self.productions, self._needing, self._then_bits
        missing = list(self._missing)
        enabled = list(self._always)  # ascending: a heap already

        def add(new: int, where: Iterable[int]) -> None:
            for t in where:
                if new >> t & 1:
                    for j in needing[t]:
                        missing[j] -= 1
                        if missing[j] == 0:
                            heappush(enabled, j)

        add(facts, _bits(facts))
        for phase in (1, 2):
            if phase == 2:
                add(scenario & ~facts, _bits(scenario & ~facts))
                facts |= scenario
            while enabled:
                p = prods[i := heappop(enabled)]
                out.append(p.phase1 if phase == 1 else p.phase2)
                new = p.then & ~facts
                facts |= p.then
                if new:
                    add(new, then_bits[i])

    def scenario_of(self, asserted: Mapping[str, bool]) -> str:
        """The scenario the decision rule implies (``decide(...).scenario``)."""
        return decide(self.kb, asserted).scenario

    def evaluate_one(self, asserted: Mapping[str, bool]) -> tuple[str, list[EngineFiring]]:
        """Scenario and firings for one input: the whole evaluation, without the result."""
        scenario = self.scenario_of(asserted)
        return scenario, self.run(asserted, scenario)

    # ------------------------------------------------------------------ many inputs
    def decide_counts(self, counts: npt.NDArray[np.integer]) -> npt.NDArray[np.uint8]:
        """The decision rule (:func:`~kzpolicy.engine.decision.implied`) over arrays:
        ``counts[s]`` is scenario s's true factors per input (rows in the knowledge base's
        order of scenarios); returns indices into ``scenario_ids``."""
        import numpy as np

        winner: npt.NDArray[np.uint8] = np.asarray(
            self._rule.implied([counts[n] for n in range(len(self._sizes))], np.where),
            dtype=np.uint8)
        out: npt.NDArray[np.uint8] = np.broadcast_to(winner, counts.shape[1:]).copy()
        return out

    def decide_table(self, counts: npt.NDArray[np.integer]) -> npt.NDArray[np.uint8]:
        """:meth:`decide_counts` for counts of at most each scenario's factors, read from a
        table of every combination of counts (decided once, by :meth:`decide_counts`)
        where there are at most 65,536: a row costs a few integer operations."""
        import numpy as np

        table = self._table
        if table is None:
            return self.decide_counts(counts)
        key = counts[0].astype(np.uint16)
        for n in range(1, len(self._sizes)):
            key *= np.uint16(self._sizes[n] + 1)
            key += counts[n]
        out: npt.NDArray[np.uint8] = table[key]
        return out

    @cached_property
    def _table(self) -> npt.NDArray[np.uint8] | None:
        """The decision of every combination of factor counts, indexed by the counts as
        digits (scenario ``n`` in base ``size_n + 1``); None where too many. Made at the
        first batch (two threads may both make it: equal tables)."""
        import numpy as np

        shape = [n + 1 for n in self._sizes]
        if not shape or int(np.prod(shape)) > 1 << 16:
            return None
        return self.decide_counts(np.indices(shape).reshape(len(shape), -1))

    def evaluate(
        self, size: int, true: Mapping[str, Column], false: Mapping[str, Column],
        scenario: npt.NDArray[np.uint8] | None = None,
    ) -> BatchResult:
        """Evaluate ``size`` inputs at once.

        ``true[c]`` says for which inputs condition ``c`` is asserted true and
        ``false[c]`` for which it is asserted false (a boolean array of length
        ``size`` or a constant; absent means never). An input asserting neither leaves
        ``c`` unknown. The facts reached are the fixpoint of the rules with the implied
        scenario present, which is what the two phases of a run reach together.
        ``scenario``, when given, is the implied scenario already decided for these
        inputs (an index into ``scenario_ids`` each, as ``Batch.scenario`` gives it): the
        decision is not taken again.
        """
        import numpy as np

        facts = self.literals_of(true, false)
        counts = np.zeros((len(self._sizes), size), dtype=np.uint16)
        for c, n in self._factor_of.items():
            yes = true.get(c, False)
            if yes is not False:
                counts[n] += yes
        if scenario is None:
            scenario = self.decide_counts(counts)
        for n, sid in enumerate(self.scenario_ids):
            facts[sid] = scenario == n
        fired = self.fixpoint(facts)
        return BatchResult(size, self.scenario_ids, scenario, counts, facts, fired,
                           self.contested(facts, false))

    def literals_of(self, true: Mapping[str, Column], false: Mapping[str, Column]
                    ) -> dict[str, Column]:
        """The literal facts of the asserted columns: ``X`` where ``true[X]``, ``not:X``
        where ``false[X]`` (a column that never holds is left out)."""
        facts: dict[str, Column] = {}
        for c in self.kb.condition_ids:
            yes, no = true.get(c, False), false.get(c, False)
            if yes is not False:
                facts[c] = yes
            if no is not False:
                facts[_NOT + c] = no
        return facts

    def fixpoint(self, facts: dict[str, Column]) -> dict[str, Column]:
        """Run the productions over ``facts`` (literals and the implied scenario) to their
        fixpoint, adding what they derive to ``facts``; returns, per rule ID, where at
        least one of its conjunctions fires.

        Only ``&`` and ``|`` are applied, and never in place, so a column may be boolean
        (a byte an input) or packed (64 inputs a word, ``batch.bits``): the bits of each
        input are those of one input alone. One pass in priority order suffices unless
        rules form a cycle; then passes repeat until nothing changes."""
        fired: dict[str, Column] = {}
        passes = 1 if self.single_pass else len(self.productions)
        for _ in range(passes):
            if not self._pass(facts, fired) or self.single_pass:
                break
        return fired

    def _pass(self, facts: dict[str, Column], fired: dict[str, Column]) -> bool:
        """One pass over the productions in priority order; whether a fact changed
        (tracked only where rules form a cycle)."""
        changed = False
        for p in self.productions:
            col: Column = True
            for need in p.needs:
                col = both(col, facts.get(need, False))
                if col is False:
                    break
            if col is False:
                continue
            fired[p.rule.id] = either(fired.get(p.rule.id, False), col)
            for target in p.rule.then:
                old = facts.get(target, False)
                new = either(old, col)
                if not changed and not self.single_pass and not _same(old, new):
                    changed = True
                facts[target] = new
        return changed

    def contested(self, facts: Mapping[str, Column], false: Mapping[str, Column]
                   ) -> dict[str, Column]:
        """Per item that presupposes conditions: the inputs where the rules flag it and
        a condition it presupposes is asserted false."""
        contested: dict[str, Column] = {}
        for item, conditions in self.kb.presupposed.items():
            denied: Column = False
            for c in conditions:
                denied = either(denied, false.get(c, False))
            where = both(facts.get(item, False), denied)
            if where is not False:
                contested[item] = where
        return contested


def _bits(facts: int) -> list[int]:
    """The positions of the set bits of ``facts``."""
    out = []
    while facts:
        low = facts & -facts
        out.append(low.bit_length() - 1)
        facts ^= low
    return out


def _negate(a: Column) -> Column:
    return (not a) if isinstance(a, bool) else ~a


def _same(a: Column, b: Column) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    import numpy as np

    return a is b or bool(np.array_equal(a, b))


def bitset(kb: KnowledgeBase) -> BitsetRules:
    """The bitset engine's rules of ``kb`` (built once per knowledge base, thread-safe)."""
    return kb.derived(BitsetRules)
