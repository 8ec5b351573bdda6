"""Why not: every route by which an item could be reached, and how far each one is.

``why_not(conditions, "T8")`` (or ``Assessment.why_not("T8")``) answers "why is T8 not
flagged?": every rule that could bring the item, directly or through a chain of
items and the implied scenario, each of its conjunctions with every literal marked
*held* (true now), *unknown* (a condition nobody asserted), *denied* (a condition
asserted the other way) or *missing* (an item not reached, a scenario not implied, with
the routes that could bring it in turn), the nearest route first, each with its
locator and stance. An item the rules imply while the caller denies a condition it
presupposes is *contested*, and says so with the caller's denials. For a scenario the
answer is the shares against the decision rule.

A rule is named only if it can bring the item at all: some input makes it fire and
feed the item, directly or through the items it concludes (its conjunction and the
route it feeds satisfiable together, the scenario it reads implied by some factor
counts). That is decided once per knowledge base over each item's cone
(:mod:`kzpolicy.analysis.cones`), never by enumerating inputs.

Routes are ordered by :attr:`Route.missing`, the literals still missing along them:
0 for a route that fires, 1 for each condition not held, for an item not reached the
nearest of its own routes, for a scenario not implied the fewest factor changes that
imply it.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np
import numpy.typing as npt

from kzpolicy.analysis.bounds import Meter, SearchBudget, Work, budget_of
from kzpolicy.analysis.cones import (
    Grid,
    cones,
    count_table,
    factor_groups,
    fire_cone,
    outcome_count,
    pack,
    reach,
    true_counts,
)
from kzpolicy.engine.bitset import bitset
from kzpolicy.engine.conditions import ConditionInput, resolve
from kzpolicy.engine.decision import decide
from kzpolicy.engine.display import Displayed
from kzpolicy.engine.results import Cited, ConditionRef, ResultModel, Stance, trusted
from kzpolicy.errors import UnknownIdError, expect
from kzpolicy.kb import expr
from kzpolicy.kb.knowledge import KnowledgeBase
from kzpolicy.kb.loading import knowledge_base
from kzpolicy.kb.reading import ReadingSpec
from kzpolicy.kb.schema import UNDECIDED, Locator

if TYPE_CHECKING:
    from kzpolicy.engine.results import Assessment

__all__ = [
    "MAX_POSSIBLE_CELLS",
    "DecisionWhy",
    "LiteralState",
    "Route",
    "RouteLiteral",
    "ShareRow",
    "WhyNot",
    "possible_productions",
    "why_not",
    "why_not_of",
]

_NOT = expr.NEGATION_PREFIX

MAX_POSSIBLE_CELLS = 3 << 20
"""Most cells over which an item's cone is checked for the rules that can bring it."""

LiteralState = Literal["held", "unknown", "denied", "missing"]
Status = Literal["flagged", "contested", "not reached", "implied", "not implied"]
_FAR = 10 ** 6
"""The distance of a route that cannot be completed from here (a chain cut by a cycle)."""


class RouteLiteral(Cited):
    """One literal of a route's conjunction and how it stands now (``id``, ``label``,
    ``locator``: the condition, item or scenario it names)."""

    negated: bool
    """The literal needs the condition asserted false."""
    kind: str
    """``factor``, ``condition``, ``scenario`` or the item's kind."""
    state: LiteralState
    """``held``: true now; ``unknown``: a condition nobody asserted; ``denied``: a
    condition asserted the other way; ``missing``: an item not reached or a scenario not
    implied."""
    via: tuple[Route, ...]
    """For an item: the routes that could bring it, nearest first (those that fire
    first when it is held); empty for a condition or a scenario, and for an item the
    chain already passed through (a cycle)."""


class Route(ResultModel):
    """One conjunction of a rule that could bring the item, and how far it is."""

    rule: str
    conjunction: int
    """Which conjunction of the rule's ``when`` (in disjunctive normal form, from 0)."""
    label: str
    locator: Locator
    stance: Stance
    fires: bool
    """Every literal is held: the route fires now."""
    missing: int
    """The literals still missing along the route (0 when it fires; see the module)."""
    literals: tuple[RouteLiteral, ...]


RouteLiteral.model_rebuild()


class ShareRow(ResultModel):
    """One scenario's share against the decision rule."""

    id: str
    label: str
    true: int
    """Its factors asserted true."""
    factors: int
    share: float
    pole: bool
    """A pole of the decision rule (the others win only by default)."""
    to_threshold: int
    """More factors that would have to be true for its share to reach the threshold
    (0 when it does)."""


class DecisionWhy(ResultModel):
    """The decision rule as it stands now, for a why-not about a scenario."""

    rule: str
    label: str
    locator: Locator
    stance: Stance
    threshold: float
    default: str
    implied: str
    reason: str
    """The decision rule's reason for what it implies now."""
    shares: tuple[ShareRow, ...]
    fewest_changes: int | None
    """The fewest factor changes that would imply the scenario asked about (0 when it
    is implied; None when no factor counts imply it)."""


class WhyNot(ResultModel, Displayed):
    """Why an item is (or is not) reached, or a scenario (not) implied."""

    kb_version: str
    reading: str
    """The reading it was made under (``article``: the knowledge base as written)."""
    asserted: dict[str, bool]
    target: Cited
    """The item or scenario asked about."""
    kind: str
    """The item's kind, or ``scenario``."""
    status: Status
    """``flagged``, ``contested`` or ``not reached`` for an item; ``implied`` or ``not
    implied`` for a scenario."""
    summary: str
    """One line: the status and the nearest reason."""
    denied: tuple[ConditionRef, ...]
    """For a contested item: the caller's denials its presupposition meets."""
    routes: tuple[Route, ...]
    """Every route that could bring the item, the nearest first (none for a scenario)."""
    decision: DecisionWhy | None
    """For a scenario: the shares against the decision rule (None for an item)."""
    work: Work


# ---------------------------------------------------------------------- possible rules
@dataclass(frozen=True)
class _Possible:
    """The productions (bitset engine indices) that can bring an item; None when its
    cone is too large to check."""

    productions: frozenset[int] | None


def _reachable_cells(kb: KnowledgeBase, grid: Grid) -> int:
    """The cells (an assignment of the cone's conditions, a scenario) that occur: the
    scenario is implied by the counts of the assignment's true factors and some counts
    of the other factors."""
    if grid.scenarios == 1:
        return (1 << grid.size) - 1
    groups = factor_groups(kb)
    sizes = [len(s.factors) for s in kb.scenarios.values()]
    table = count_table(kb)
    k = len(grid.variables)
    index = (np.indices(grid.shape[:-1]).reshape(k, -1) if k
             else np.zeros((0, 1), dtype=np.int64))
    sigma = np.zeros((len(sizes), index.shape[1]), dtype=np.int64)
    own = [0] * len(sizes)
    for j, c in enumerate(grid.variables):
        g = groups.get(c)
        if g is not None:  # choice index 1 is true (choices are false, true)
            sigma[g] += index[j]
            own[g] += 1
    cells = np.zeros((index.shape[1], grid.scenarios), dtype=np.bool_)
    codes, rows = np.unique(sigma.T, axis=0, return_inverse=True)
    for n, vec in enumerate(codes):
        lo = [int(x) for x in vec]
        hi = [a + size - k for a, size, k in zip(lo, sizes, own, strict=True)]
        bits = reach(table, lo, hi)
        for s in range(grid.scenarios):
            if bits >> s & 1:
                cells[rows.reshape(-1) == n, s] = True
    return pack(cells.reshape(-1))


def _possible(kb: KnowledgeBase, item: str) -> _Possible:
    cone = cones(kb)[item]
    order = {c: n for n, c in enumerate(kb.condition_ids)}
    variables = tuple(sorted(cone.conditions, key=order.__getitem__))
    grid = Grid(variables, ((False, True),) * len(variables),
                outcome_count(kb) if cone.scenario else 1)
    if grid.size > MAX_POSSIBLE_CELLS:
        return _Possible(None)
    facts, scen, full = grid.literals()
    fire_cone(kb, item, facts, scen, full)
    prods = bitset(kb).productions
    mine = cone.productions
    fired = {}
    for i in mine:
        col = full
        for need in prods[i].needs:
            col &= facts.get(need, 0)
        fired[i] = col
    readers: dict[str, list[int]] = {}
    for i in mine:
        for need in prods[i].needs:
            readers.setdefault(need, []).append(i)
    # least fixpoint: a production feeds the item where it fires and concludes the item,
    # or concludes what a production feeding the item reads there
    feeds = {i: fired[i] if item in prods[i].rule.then else 0 for i in mine}
    changed = True
    while changed:
        changed = False
        for i in mine:
            acc = feeds[i]
            for t in prods[i].rule.then:
                for j in readers.get(t, ()):
                    acc |= feeds[j]
            acc &= fired[i]
            if acc != feeds[i]:
                feeds[i] = acc
                changed = True
    cells = _reachable_cells(kb, grid)
    return _Possible(frozenset(i for i in mine if feeds[i] & cells))


class _PossibleCache:
    """The possible productions of each item of one knowledge base, built on first use."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.lock = threading.Lock()
        self.found: dict[str, _Possible] = {}

    def get(self, item: str) -> _Possible:
        hit = self.found.get(item)
        if hit is None:
            hit = _possible(self.kb, item)
            with self.lock:
                self.found[item] = hit
        return hit


def possible_productions(kb: KnowledgeBase, item: str) -> frozenset[int] | None:
    """The productions (indices into the bitset engine's ``productions``) that some input
    makes fire and feed ``item``; None when its cone is too large to check
    (:data:`MAX_POSSIBLE_CELLS`)."""
    return kb.derived(_PossibleCache).get(item).productions


# ---------------------------------------------------------------------- one answer
def _scenario_distance(kb: KnowledgeBase, asserted: Mapping[str, bool]
                       ) -> npt.NDArray[np.int64]:
    """Per scenario, the fewest factor changes that imply it (a large number when no
    counts do)."""
    table = count_table(kb)
    cost = np.zeros(table.shape, dtype=np.int64)
    for g, t in enumerate(true_counts(kb, asserted)):
        shape = [1] * table.ndim
        shape[g] = -1
        cost = cost + np.abs(np.arange(table.shape[g]) - t).reshape(shape)
    out = np.full(len(kb.scenarios), _FAR, dtype=np.int64)
    for s in range(len(kb.scenarios)):
        hits = cost[table == s]
        if hits.size:
            out[s] = int(hits.min())
    return out


class _Answer:
    """The routes of one why-not: the input, what holds now, and the meter."""

    def __init__(self, kb: KnowledgeBase, asserted: Mapping[str, bool], scenario: str,
                 meter: Meter) -> None:
        self.kb = kb
        self.asserted = asserted
        self.scenario = scenario
        self.meter = meter
        engine = bitset(kb)
        self.prods = engine.productions
        self.held = {t for f in engine.run(asserted, scenario) for t in f.rule.then}
        self.producers: dict[str, list[int]] = {}
        for i, p in enumerate(self.prods):
            for t in p.rule.then:
                self.producers.setdefault(t, []).append(i)
        self.conjunction = {}
        seen: dict[str, int] = {}
        for i, p in enumerate(self.prods):  # the k of rule#k, in the productions' order
            self.conjunction[i] = seen.get(p.rule.id, 0)
            seen[p.rule.id] = self.conjunction[i] + 1
        self._distance: npt.NDArray[np.int64] | None = None
        self.possible: frozenset[int] | None = None

    def distance(self, sid: str) -> int:
        if self._distance is None:
            self._distance = _scenario_distance(self.kb, self.asserted)
        return int(self._distance[list(self.kb.scenarios).index(sid)])

    def routes(self, item: str, path: frozenset[str]) -> list[Route]:
        """The routes to ``item`` among the possible productions, nearest first."""
        found = []
        for i in self.producers.get(item, ()):
            if self.possible is not None and i not in self.possible:
                continue
            if not self.meter.spend():
                break
            found.append(self._route(i, path | {item}))
        found.sort(key=lambda r: r.missing)
        return found

    def _route(self, i: int, path: frozenset[str]) -> Route:
        p = self.prods[i]
        literals = [self._literal(need, path) for need in p.needs]
        missing = sum(self._cost(lit) for lit in literals)
        return trusted(Route, rule=p.rule.id, conjunction=self.conjunction[i],
                       label=p.rule.label, locator=p.rule.locator, stance=p.rule.stance,
                       fires=all(lit.state == "held" for lit in literals),
                       missing=min(missing, _FAR), literals=tuple(literals))

    def _cost(self, lit: RouteLiteral) -> int:
        if lit.state == "held":
            return 0
        if lit.kind == "scenario":
            return self.distance(lit.id)
        if lit.state == "missing":
            return min((r.missing for r in lit.via), default=_FAR)
        return 1

    def _literal(self, need: str, path: frozenset[str]) -> RouteLiteral:
        kb = self.kb
        ident = need.removeprefix(_NOT)
        negated = ident != need
        via: tuple[Route, ...] = ()
        state: LiteralState
        if ident in kb.condition_set:
            value = self.asserted.get(ident)
            kind = "factor" if ident in kb.factors else "condition"
            state = ("unknown" if value is None
                     else "held" if value is not negated else "denied")
        elif ident in kb.scenarios:
            kind = "scenario"
            state = "held" if ident == self.scenario else "missing"
        else:
            kind = kb.items[ident].kind
            state = "held" if ident in self.held else "missing"
            if ident not in path:  # held too: the routes that bring it now, and the others
                via = tuple(self.routes(ident, path))
        return trusted(RouteLiteral, id=ident, label=kb.label_of(ident),
                       locator=kb.locator_of(ident), negated=negated, kind=kind,
                       state=state, via=via)


def _words(lit: RouteLiteral) -> str:
    name = ("not " if lit.negated else "") + lit.id
    state = {"unknown": "unknown", "denied": "asserted the other way",
             "missing": "not implied" if lit.kind == "scenario" else "not reached",
             "held": "held"}[lit.state]
    return f"{name} ({state})"


def _item_summary(item: str, status: Status, routes: list[Route],
                  denied: tuple[ConditionRef, ...]) -> str:
    if status == "contested":
        rules = ", ".join(dict.fromkeys(r.rule for r in routes if r.fires))
        return (f"{item} is contested: the rules imply it ({rules}), but "
                + ", ".join(f"{d.id}" for d in denied) + " is asserted false")
    if status == "flagged":
        rules = ", ".join(dict.fromkeys(r.rule for r in routes if r.fires))
        return f"{item} is flagged: {rules} fires"
    if not routes:
        return f"{item} is not flagged, and no rule can bring it"
    near = routes[0]
    needs = [_words(lit) for lit in near.literals if lit.state != "held"]
    return (f"{item} is not flagged: the nearest route, {near.rule}, needs "
            + " and ".join(needs))


def _share_rows(kb: KnowledgeBase, asserted: Mapping[str, bool]) -> tuple[ShareRow, ...]:
    threshold = kb.decision.threshold
    rows = []
    for s in kb.scenarios.values():
        n = len(s.factors)
        true = sum(1 for f in s.factors if asserted.get(f.id) is True)
        # evidence reaches the threshold at ``goal`` true factors: a share, or (form
        # ``count``) the count itself
        goal = threshold if kb.decision.form == "count" else threshold * n
        need = max(0, math.ceil(goal - 1e-9) - true)
        rows.append(trusted(ShareRow, id=s.id, label=s.label, true=true, factors=n,
                            share=true / n, pole=s.id in kb.decision.poles,
                            to_threshold=need))
    return tuple(rows)


def _scenario_answer(kb: KnowledgeBase, asserted: Mapping[str, bool], ident: str,
                     meter: Meter) -> WhyNot:
    outcome = decide(kb, asserted)
    dec = kb.decision
    implied = outcome.scenario == ident
    meter.spend(count_table(kb).size)
    fewest = int(_scenario_distance(kb, asserted)[list(kb.scenarios).index(ident)])
    rows = _share_rows(kb, asserted)
    row = next(r for r in rows if r.id == ident)
    evidence = "count" if dec.form == "count" else "share"
    value = f"{row.true}" if dec.form == "count" else f"{row.share:.2f}"
    if implied:
        summary = f"{ident} is implied: {outcome.reason}"
    elif outcome.scenario == UNDECIDED:
        summary = f"{ident} is not implied: {outcome.reason}"
    elif ident not in dec.poles:
        summary = (f"{ident} is not implied: it holds only by default, and {outcome.reason}")
    elif row.to_threshold:
        summary = (f"{ident} is not implied: its {evidence} {value} is below the "
                   f"threshold {dec.threshold:.2f} ({row.to_threshold} more of its factors "
                   f"true would reach it); {outcome.reason}")
    else:
        summary = (f"{ident} is not implied: its {evidence} {value} reaches the threshold "
                   f"but does not lead every other {evidence}; {outcome.reason}")
    why = trusted(DecisionWhy, rule=dec.id, label=dec.label, locator=dec.locator,
                  stance=dec.stance, threshold=dec.threshold, default=dec.default,
                  implied=outcome.scenario, reason=outcome.reason, shares=rows,
                  fewest_changes=None if fewest >= _FAR else fewest)
    return trusted(
        WhyNot, kb_version=kb.version, reading=kb.reading, asserted=dict(asserted),
        target=Cited(id=ident, label=kb.label_of(ident), locator=kb.locator_of(ident)),
        kind="scenario", status="implied" if implied else "not implied", summary=summary,
        denied=(), routes=(), decision=why,
        work=meter.work("the decision rule over every vector of factor counts"))


def _item_answer(kb: KnowledgeBase, asserted: Mapping[str, bool], scenario: str, ident: str,
                 meter: Meter) -> WhyNot:
    answer = _Answer(kb, asserted, scenario, meter)
    answer.possible = possible_productions(kb, ident)
    if answer.possible is None:
        meter.stop("nodes")
    routes = answer.routes(ident, frozenset())
    denials = [c for c in kb.presupposed.get(ident, ()) if asserted.get(c) is False]
    status: Status = "not reached"
    if ident in answer.held:
        status = "contested" if denials else "flagged"
    denied = tuple(trusted(ConditionRef, id=c, label=kb.label_of(c), locator=kb.locator_of(c),
                           value=False) for c in denials) if status == "contested" else ()
    info = kb.items[ident]
    note = ("every rule of the item's cone, checked over every assignment of its conditions"
            if meter.hit is None else
            "the routes listed are not all of them, or not all checked to be possible: a "
            "bound was hit")
    return trusted(
        WhyNot, kb_version=kb.version, reading=kb.reading, asserted=dict(asserted),
        target=Cited(id=ident, label=info.label, locator=info.locator), kind=info.kind,
        status=status, summary=_item_summary(ident, status, routes, denied), denied=denied,
        routes=tuple(routes), decision=None, work=meter.work(note))


def _answer(kb: KnowledgeBase, asserted: Mapping[str, bool], scenario: str, ident: str,
            budget: SearchBudget) -> WhyNot:
    meter = Meter(budget)
    if ident in kb.scenarios:
        return _scenario_answer(kb, asserted, ident, meter)
    if ident not in cones(kb):
        known = [*cones(kb), *kb.scenarios]
        raise UnknownIdError("item or scenario", ident, known)
    return _item_answer(kb, asserted, scenario, ident, meter)


def why_not(
    conditions: ConditionInput = None,
    item: str = "",
    *,
    preset: str | None = None,
    kb: KnowledgeBase | None = None,
    reading: ReadingSpec = None,
    budget: SearchBudget | dict[str, object] | None = None,
) -> WhyNot:
    """Why ``item`` (an item or a scenario ID) is or is not reached for ``conditions``
    (any form ``assess`` accepts, overlaid on ``preset``): every route that could bring
    it, each literal held, unknown, denied or missing, the nearest first; for a scenario,
    the shares against the decision rule. ``budget`` bounds the routes built (a
    :class:`SearchBudget`, by default the default one)."""
    expect("why_not", "item", item, str, "an item or scenario ID such as 'T8'")
    expect("why_not", "preset", preset, str, "a preset ID (see 'kzpolicy list presets')",
           optional=True)
    base = knowledge_base("why_not", kb, reading)
    limits = budget_of("why_not", budget)
    asserted = resolve(base, conditions, preset=preset)
    return _answer(base, asserted, decide(base, asserted).scenario, item, limits)


def why_not_of(assessment: Assessment, item: str,
               budget: SearchBudget | dict[str, object] | None = None) -> WhyNot:
    """:meth:`Assessment.why_not`: the why-not of ``item`` for the assessment's
    conditions, on the knowledge base it was made with."""
    from kzpolicy.kb.loading import knowledge_base_of

    expect("Assessment.why_not", "item", item, str, "an item or scenario ID such as 'T8'")
    kb = knowledge_base_of(assessment.kb_version)
    return _answer(kb, assessment.asserted, assessment.scenario.id, item,
                   budget_of("Assessment.why_not", budget))
