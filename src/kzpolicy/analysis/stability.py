"""Stability: which conclusions are settled whatever the unknown conditions turn out to
be, which are still open and on what, and what to find out next.

A *completion* of an input asserts every unknown condition true or false. A conclusion
(the implied scenario, or an item's status: flagged, contested, not reached) is
**settled** when every completion gives it the same value, and **open** otherwise. An
open conclusion is *open on* an unknown condition when switching that condition alone,
in some completion, changes it (the condition is relevant to it); for each such
condition the answer gives the values the conclusion can still take with the condition
true and with it false. The unknowns are then ranked by what finding them out could
change: the number of open conclusions they are relevant to, and, with beliefs (a
probability per unknown condition), the expected change of the scenario's and the items'
probabilities once the condition is known (``2 p (1 - p) |swing|`` summed, the swing as
:func:`kzpolicy.sensitivity` computes it).

Nothing here enumerates the 2^unknown completions. The scenario depends only on how many
factors of each scenario are true, so its possible values are those of a window of the
table of the decision over counts (:func:`~kzpolicy.analysis.cones.count_table`); an
item depends only on its cone (:mod:`kzpolicy.analysis.cones`): its status is read from
a table over the assignments of the cone's unknown conditions, each joined with the
scenarios the other unknown factors' counts can imply. Switching one unknown factor
outside the cone moves a count by one, so its relevance is read from pairs of
neighbouring cells of the same window.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from kzpolicy.analysis import cones as tables
from kzpolicy.analysis.bounds import Meter, SearchBudget, Work, budget_of
from kzpolicy.engine.conditions import ConditionInput, resolve
from kzpolicy.engine.decision import decision_outcomes
from kzpolicy.engine.display import Displayed
from kzpolicy.engine.results import Cited, ResultModel, trusted
from kzpolicy.errors import InputError, expect
from kzpolicy.kb.kinds import GROUP_OF
from kzpolicy.kb.knowledge import KnowledgeBase
from kzpolicy.kb.loading import knowledge_base
from kzpolicy.kb.reading import ReadingSpec
from kzpolicy.kb.schema import Locator

if TYPE_CHECKING:
    from kzpolicy.analysis.beliefs import Beliefs
    from kzpolicy.engine.results import Assessment

__all__ = ["Lead", "Relevance", "Stability", "Verdict", "stability", "stability_of"]



class Relevance(Cited):
    """An unknown condition a conclusion is open on (``id``, ``label``, ``locator``)."""

    kind: str
    """``factor`` or ``condition``."""
    if_true: tuple[str, ...]
    """The values the conclusion can take with the condition true."""
    if_false: tuple[str, ...]
    """The values the conclusion can take with the condition false."""


class Verdict(Cited):
    """Whether one conclusion is settled (``id``, ``label``, ``locator``: the scenario
    decision's for the scenario, else the item's)."""

    kind: str
    """``scenario``, or the item's kind."""
    now: str
    """Its value now: the implied scenario, or the item's status (``flagged``,
    ``contested``, ``not reached``)."""
    checked: bool
    """False when a bound of the budget was hit before it was checked (then nothing
    below is known)."""
    settled: bool
    """The same value in every completion of the unknown conditions."""
    possible: tuple[str, ...]
    """Every value some completion gives it."""
    open_on: tuple[Relevance, ...]
    """The unknown conditions switching which alone can change it (empty when
    settled), in the knowledge base's order."""


class Lead(Cited):
    """An unknown condition worth finding out (``id``, ``label``, ``locator``)."""

    kind: str
    moves: int
    """How many open conclusions it is relevant to."""
    conclusions: tuple[str, ...]
    """Those conclusions: ``scenario``, then item IDs."""
    belief: float | None
    """Its probability, when beliefs were given for it."""
    expected_change: float | None
    """With a belief: the expected total change of the scenario and item probabilities
    once it is known (``2 p (1 - p)`` times the sum of its swings)."""


class Stability(ResultModel, Displayed):
    """Settled or open, for the scenario and every item, and what to find out next."""

    kb_version: str
    reading: str
    """The reading it was made under (``article``: the knowledge base as written)."""
    asserted: dict[str, bool]
    unknown: tuple[str, ...]
    completions: int
    """How many completions the unknown conditions have (2 to their number)."""
    scenario: Verdict
    items: tuple[Verdict, ...]
    """Every item a rule can flag, outcomes, risks and engaged items, in the knowledge
    base's order."""
    settled: int
    """How many conclusions (the scenario and the items) are settled."""
    open: int
    next: tuple[Lead, ...]
    """The unknown conditions some open conclusion is open on, the most telling first:
    by expected change when beliefs are given, then by how many conclusions they move."""
    work: Work


# ---------------------------------------------------------------------- the counts
Counts = tuple[int, ...]


class _Windows:
    """Windows of one knowledge base's decision over counts
    (:func:`~kzpolicy.analysis.cones.count_table`): the scenarios a window implies, and
    which pairs of neighbouring cells along a count's axis occur in it. Both depend on the
    window alone, so they are kept per knowledge base (each dictionary cleared when
    full)."""

    SIZE = 1 << 16

    def __init__(self, kb: KnowledgeBase) -> None:
        self.table = tables.count_table(kb)
        self.n_scen = tables.outcome_count(kb)
        self._reach: dict[tuple[Counts, Counts], tuple[int, ...]] = {}
        self._pairs: dict[tuple[Counts, Counts, int], tuple[tuple[int, int], ...]] = {}

    def reach(self, lo: Counts, hi: Counts) -> tuple[int, ...]:
        """The scenarios implied somewhere from ``lo`` to ``hi`` (true counts)."""
        found = self._reach.get((lo, hi))
        if found is None:
            bits = tables.reach(self.table, lo, hi)
            found = tuple(s for s in range(self.n_scen) if bits >> s & 1)
            if len(self._reach) >= self.SIZE:
                self._reach.clear()
            self._reach[(lo, hi)] = found
        return found

    def pairs(self, lo: Counts, hi: Counts, g: int) -> tuple[tuple[int, int], ...]:
        """The (scenario at x, scenario at x + 1 along axis g) that occur for x from
        ``lo`` to ``hi``."""
        key = (lo, hi, g)
        found = self._pairs.get(key)
        if found is None:
            a = tables.window(self.table, lo, hi)
            b = tables.window(self.table, _plus(lo, g, 1), _plus(hi, g, 1))
            codes = np.unique(a.ravel().astype(np.int64) * self.n_scen + b.ravel())
            found = tuple((int(c) // self.n_scen, int(c) % self.n_scen) for c in codes)
            if len(self._pairs) >= self.SIZE:
                self._pairs.clear()
            self._pairs[key] = found
        return found


class _Counts:
    """The counts of one input: the factors of each scenario asserted true and those
    nobody asserted, and the windows of the decision they open (:class:`_Windows`)."""

    def __init__(self, kb: KnowledgeBase, asserted: Mapping[str, bool]) -> None:
        windows = kb.derived(_Windows)
        self.table = windows.table
        self.reach = windows.reach
        self.pairs = windows.pairs
        self.groups = tables.factor_groups(kb)
        self.true: Counts = tables.true_counts(kb, asserted)
        #: per scenario, its factors nobody asserted
        self.unknown: Counts = tables.true_counts(kb, {f: f not in asserted for f in self.groups})


def _plus(counts: Counts, g: int, n: int) -> Counts:
    return (*counts[:g], counts[g] + n, *counts[g + 1:])


def _add(a: Counts, b: Counts) -> Counts:
    return tuple(x + y for x, y in zip(a, b, strict=True))


# ---------------------------------------------------------------------- one conclusion
class _Table:
    """One conclusion's values: a row per assignment of its cone's unknown conditions
    (bit ``1 << (k - 1 - j)`` of the row is unknown ``j`` true), a value per scenario in
    each row (one value when it reads none)."""

    def __init__(self, rows: Sequence[tuple[int, ...]], unknown: Sequence[str],
                 counts: _Counts) -> None:
        self.rows = rows
        self.unknown = tuple(unknown)
        self.counts = counts
        self.scenario = len(rows[0]) > 1
        k = len(unknown)
        own = [0] * len(counts.true)
        steps: list[tuple[int, int]] = []  # (row bit, group) of the cone's unknown factors
        for j, c in enumerate(unknown):
            g = counts.groups.get(c)
            if g is not None:
                own[g] += 1
                steps.append((1 << (k - 1 - j), g))
        #: the unknown factors outside the cone, per scenario
        self.rest: Counts = tuple(u - o for u, o in zip(counts.unknown, own, strict=True))
        by_sigma: dict[Counts, list[int]] = {}
        for r in range(len(rows)):
            vec = list(counts.true)
            for bit, g in steps:
                if r & bit:
                    vec[g] += 1
            by_sigma.setdefault(tuple(vec), []).append(r)
        #: the rows by the true-factor counts they bring (few: the cone's factors)
        self.by_sigma = list(by_sigma.items())
        self.reached = self._reached((0,) * len(own), self.rest)

    def _reached(self, extra_lo: Counts, extra_hi: Counts) -> list[tuple[int, ...]]:
        """Per row, the scenarios the unknown factors outside the cone can imply, their
        true counts from ``extra_lo`` to ``extra_hi``."""
        if not self.scenario:
            return [(0,)] * len(self.rows)
        out: list[tuple[int, ...]] = [()] * len(self.rows)
        for sigma, rows in self.by_sigma:
            found = self.counts.reach(_add(sigma, extra_lo), _add(sigma, extra_hi))
            for r in rows:
                out[r] = found
        return out

    def possible(self, rows: Sequence[int] | range | None = None,
                 reached: Sequence[tuple[int, ...]] | None = None) -> tuple[int, ...]:
        at = self.reached if reached is None else reached
        values = self.rows
        found = {values[r][s] for r in (range(len(values)) if rows is None else rows)
                 for s in at[r]}
        return tuple(sorted(found))

    def flip(self, j: int) -> tuple[bool, tuple[int, ...], tuple[int, ...]]:
        """Unknown cone condition ``j``: whether switching it alone changes the value in
        some completion, and the values possible with it true and with it false."""
        bit = 1 << (len(self.unknown) - 1 - j)
        low = [r for r in range(len(self.rows)) if not r & bit]
        high = [r | bit for r in low]
        values = self.rows
        g = self.counts.groups.get(self.unknown[j])
        if g is None or not self.scenario:
            moved = any(values[r][s] != values[r | bit][s] for r in low
                        for s in self.reached[r])
        else:
            moved = any(values[r][a] != values[r | bit][b]
                        for sigma, rows in self.by_sigma
                        for low_rows in ([r for r in rows if not r & bit],) if low_rows
                        for a, b in self.counts.pairs(sigma, _add(sigma, self.rest), g)
                        for r in low_rows)
        return moved, self.possible(high), self.possible(low)

    def shift(self, g: int) -> tuple[bool, tuple[int, ...], tuple[int, ...]]:
        """An unknown factor of scenario ``g`` outside the cone (every one of them alike):
        whether switching it alone changes the value in some completion, and the values
        possible with it true and with it false."""
        if not self.scenario or self.rest[g] < 1:
            return False, (), ()
        values = self.rows
        below = _plus(self.rest, g, -1)
        moved = any(values[r][a] != values[r][b] for sigma, rows in self.by_sigma
                    for a, b in self.counts.pairs(sigma, _add(sigma, below), g)
                    for r in rows)
        zero = (0,) * len(self.rest)
        return (moved, self.possible(None, self._reached(_plus(zero, g, 1), self.rest)),
                self.possible(None, self._reached(zero, below)))


# ---------------------------------------------------------------------- the answer
Relevant = list[tuple[str, tuple[int, ...], tuple[int, ...]]]


class _Memo:
    """The verdicts of one knowledge base's conclusions, by what each depends on (its
    table over the cone's unknown conditions, and for one that reads the scenario the
    factor counts and which factors are unknown): a bounded dictionary, cleared when
    full, shared by threads (a lost race computes an equal verdict twice)."""

    SIZE = 8192

    def __init__(self, kb: KnowledgeBase) -> None:
        self.found: dict[tuple[object, ...], tuple[tuple[int, ...], Relevant]] = {}
        self.order = {c: n for n, c in enumerate(kb.condition_ids)}

    def keep(self, key: tuple[object, ...], verdict: tuple[tuple[int, ...], Relevant]) -> None:
        if len(self.found) >= self.SIZE:
            self.found.clear()
        self.found[key] = verdict


class _Judge:
    """The verdicts of one input."""

    def __init__(self, kb: KnowledgeBase, asserted: Mapping[str, bool], meter: Meter) -> None:
        self.kb = kb
        self.asserted = asserted
        self.meter = meter
        self.counts = _Counts(kb, asserted)
        self.unknown = [c for c in kb.condition_ids if c not in asserted]
        self.now_index = int(self.counts.table[self.counts.true])
        self.by_group: dict[int, list[str]] = {}
        for c in self.unknown:
            g = self.counts.groups.get(c)
            if g is not None:
                self.by_group.setdefault(g, []).append(c)
        self.memo = kb.derived(_Memo)
        #: what a conclusion's verdict depends on beyond its own table: for one that reads
        #: the scenario, the factor counts and which factors are unknown
        self.context = (self.counts.true, self.counts.unknown,
                        tuple((g, tuple(m)) for g, m in self.by_group.items()))
        self.order = self.memo.order
        self.relevances: dict[tuple[object, ...], Relevance] = {}

    def _judge(self, rows: Sequence[tuple[int, ...]], unknown: Sequence[str]
               ) -> tuple[tuple[int, ...], Relevant]:
        """Possible values, and (condition, if true, if false) for each it is open on."""
        key = (tuple(unknown), tuple(rows), self.context if len(rows[0]) > 1 else None)
        found = self.memo.found.get(key)
        if found is not None:
            return found
        table = _Table(rows, unknown, self.counts)
        possible = table.possible()
        relevant: dict[str, tuple[tuple[int, ...], tuple[int, ...]]] = {}
        if len(possible) > 1:
            for j, c in enumerate(unknown):
                moved, if_true, if_false = table.flip(j)
                if moved:
                    relevant[c] = (if_true, if_false)
            for g, members in self.by_group.items():
                moved, if_true, if_false = table.shift(g)
                if moved:
                    for c in members:
                        if c not in relevant:
                            relevant[c] = (if_true, if_false)
        order = sorted(relevant, key=self.order.__getitem__)
        found = (possible, [(c, *relevant[c]) for c in order])
        self.memo.keep(key, found)
        return found

    def verdict(self, ident: str, kind: str, label: str, locator: Locator, now: str,
                rows: Sequence[tuple[int, ...]] | None, unknown: Sequence[str],
                words: Sequence[str]) -> Verdict:
        if rows is None or not self.meter.spend(len(rows) * len(rows[0])):
            return trusted(Verdict, id=ident, label=label, locator=locator, kind=kind,
                           now=now, checked=False, settled=False, possible=(), open_on=())
        possible, relevant = self._judge(rows, unknown)
        return trusted(Verdict, id=ident, label=label, locator=locator, kind=kind, now=now,
                       checked=True, settled=len(possible) == 1,
                       possible=tuple(words[v] for v in possible),
                       open_on=tuple(self._relevance(c, t, f, words) for c, t, f in relevant))

    def _relevance(self, c: str, if_true: tuple[int, ...], if_false: tuple[int, ...],
                   words: Sequence[str]) -> Relevance:
        key = (c, if_true, if_false, words[0])
        found = self.relevances.get(key)
        if found is None:
            label, locator, kind = _cited(self.kb)[c]
            found = self.relevances[key] = trusted(
                Relevance, id=c, label=label, locator=locator, kind=kind,
                if_true=tuple(words[v] for v in if_true),
                if_false=tuple(words[v] for v in if_false))
        return found

    def scenario(self) -> Verdict:
        dec = self.kb.decision
        ids = decision_outcomes(self.kb)
        return self.verdict("scenario", "scenario", dec.label, dec.locator,
                            ids[self.now_index], [tuple(range(len(ids)))], (), ids)

    def item_rows(self, item: str) -> tuple[list[tuple[int, ...]] | None, list[str], int]:
        """The item's status over its cone's unknown conditions (and the scenarios), those
        conditions, and its status now (-1 when not checked)."""
        kb, asserted = self.kb, self.asserted
        full = tables.full_table(kb, item)
        if full is None:
            return self._grid_rows(item)
        variables, flat = full.variables, full.rows
        unknown = [c for c in variables if c not in asserted]
        fixed = 0  # the row of the full table, in base 3, with every unknown at 0
        spots: list[int] = []
        for c in variables:
            fixed *= 3
            spots = [s * 3 for s in spots]
            value = asserted.get(c)
            if value is None:
                spots.append(1)
            else:
                fixed += 1 if value else 2
        now = flat[fixed][self.now_index if len(flat[0]) > 1 else 0]
        offsets = [fixed]
        for spot in spots:  # each unknown false (digit 2), then true (digit 1)
            offsets = [o + d * spot for o in offsets for d in (2, 1)]
        return [flat[o] for o in offsets], unknown, now

    def _grid_rows(self, item: str) -> tuple[list[tuple[int, ...]] | None, list[str], int]:
        """:meth:`item_rows` for a cone too large for a full table: the rules fired over
        the cone's unknown conditions alone."""
        kb, asserted = self.kb, self.asserted
        cone = tables.cones(kb)[item]
        variables = tuple(sorted(cone.conditions, key=self.order.__getitem__))
        unknown = [c for c in variables if c not in asserted]
        n_scen = tables.outcome_count(kb) if cone.scenario else 1
        if not self.meter.affords((1 << len(unknown)) * n_scen):
            self.meter.stop("nodes")
            return None, unknown, -1
        now_grid = tables.Grid(variables, tuple((asserted.get(c),) for c in variables), n_scen)
        now = int(tables.statuses(kb, item, now_grid).reshape(-1)[
            self.now_index if cone.scenario else 0])
        grid = tables.Grid(variables, tuple((asserted[c],) if c in asserted else (False, True)
                                     for c in variables), n_scen)
        table = tables.statuses(kb, item, grid).reshape(-1, n_scen)
        return [tuple(r) for r in table.tolist()], unknown, now


def _cite(kb: KnowledgeBase) -> dict[str, tuple[str, Locator, str]]:
    return {c: (kb.label_of(c), kb.locator_of(c),
                "factor" if c in kb.factors else "condition") for c in kb.condition_ids}


def _cited(kb: KnowledgeBase) -> dict[str, tuple[str, Locator, str]]:
    """Each condition's label, locator and kind (built once per knowledge base)."""
    return kb.derived(_cite)


def _leads(kb: KnowledgeBase, verdicts: Sequence[Verdict],
           expected: Mapping[str, tuple[float, float]]) -> tuple[Lead, ...]:
    moved: dict[str, list[str]] = {}
    for v in verdicts:
        for r in v.open_on:
            moved.setdefault(r.id, []).append(v.id)
    order = {c: n for n, c in enumerate(kb.condition_ids)}
    cited = _cited(kb)
    leads = [trusted(Lead, id=c, label=cited[c][0], locator=cited[c][1], kind=cited[c][2],
                     moves=len(ids), conclusions=tuple(ids),
                     belief=expected[c][0] if c in expected else None,
                     expected_change=expected[c][1] if c in expected else None)
             for c, ids in moved.items()]
    leads.sort(key=lambda x: (-(x.expected_change or 0.0), -x.moves, order[x.id]))
    return tuple(leads)


def _expected_changes(kb: KnowledgeBase, asserted: Mapping[str, bool],
                      beliefs: Beliefs | None) -> dict[str, tuple[float, float]]:
    """Per believed unknown condition: its belief, and the expected total change of the
    scenario and item probabilities once it is known."""
    if not beliefs:
        return {}
    from kzpolicy.analysis.beliefs import check_beliefs
    from kzpolicy.analysis.probabilities import evaluate, situation

    probs = check_beliefs("stability", "beliefs", kb, beliefs)
    clash = [c for c in probs if c in asserted]
    if clash:
        raise InputError(f"stability: {clash[0]!r} is asserted, so a belief about it "
                         "changes nothing; give beliefs for unknown conditions only")
    s = situation("stability", probs, asserted, None, kb, False)
    values = {c: float(v) for c, v in s.beliefs.items()}
    out: dict[str, tuple[float, float]] = {}
    for c, p in values.items():
        low_s, low_i = evaluate(s, {**values, c: 0.0}, False)
        high_s, high_i = evaluate(s, {**values, c: 1.0}, False)
        swing = sum(abs(h - lo) for lo, h in zip(low_s, high_s, strict=True))
        swing += sum(abs(high_i[i] - low_i[i]) for i in low_i)
        out[c] = (p, 2 * p * (1 - p) * float(swing))
    return out


def _answer(kb: KnowledgeBase, asserted: Mapping[str, bool], beliefs: Beliefs | None,
            budget: SearchBudget) -> Stability:
    meter = Meter(budget)
    expected = _expected_changes(kb, asserted, beliefs)
    judge = _Judge(kb, asserted, meter)
    scenario = judge.scenario()
    items = []
    for item in tables.cones(kb):
        info = kb.items[item]
        if info.kind not in GROUP_OF:
            continue
        rows, unknown, now = judge.item_rows(item)
        items.append(judge.verdict(item, info.kind, info.label, info.locator,
                                   tables.STATUS_WORDS[now] if now >= 0 else "not checked",
                                   rows, unknown, tables.STATUS_WORDS))
    verdicts = [scenario, *items]
    settled = sum(1 for v in verdicts if v.settled)
    checked = sum(1 for v in verdicts if v.checked)
    note = (f"the scenario and {len(items)} items over the {2 ** len(judge.unknown):,} "
            "completions, counted by cones and factor counts")
    if meter.hit is not None:
        note += f"; {len(verdicts) - checked} conclusion(s) not checked"
    return trusted(
        Stability, kb_version=kb.version, reading=kb.reading, asserted=dict(asserted),
        unknown=tuple(judge.unknown), completions=2 ** len(judge.unknown), scenario=scenario,
        items=tuple(items), settled=settled, open=checked - settled,
        next=_leads(kb, verdicts, expected), work=meter.work(note))


def stability(
    conditions: ConditionInput = None,
    *,
    preset: str | None = None,
    kb: KnowledgeBase | None = None,
    reading: ReadingSpec = None,
    beliefs: Beliefs | None = None,
    budget: SearchBudget | dict[str, Any] | None = None,
) -> Stability:
    """For ``conditions`` (any form ``assess`` accepts, overlaid on ``preset``): whether
    the scenario and each item are settled or open over every completion of the unknown
    conditions, what each open one is open on, and the unknowns ranked by what finding
    them out could change (by expected change of the probabilities when ``beliefs``, a
    probability per unknown condition, are given). ``budget`` bounds the cells examined
    (:class:`SearchBudget`); past it the conclusions left are marked not checked."""
    expect("stability", "preset", preset, str, "a preset ID (see 'kzpolicy list presets')",
           optional=True)
    base = knowledge_base("stability", kb, reading)
    limits = budget_of("stability", budget)
    return _answer(base, resolve(base, conditions, preset=preset), beliefs, limits)


def stability_of(assessment: Assessment, *, beliefs: Beliefs | None = None,
                 budget: SearchBudget | dict[str, Any] | None = None) -> Stability:
    """:meth:`Assessment.stability`: the stability of the assessment's conditions, on the
    knowledge base it was made with."""
    from kzpolicy.kb.loading import knowledge_base_of

    kb = knowledge_base_of(assessment.kb_version)
    return _answer(kb, assessment.asserted, beliefs, budget_of("Assessment.stability", budget))
