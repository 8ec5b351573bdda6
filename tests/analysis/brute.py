"""Brute-force oracles for why-not, stability and counterfactuals: every completion of the
unknown conditions, every set of changes up to a size, every input over an item's
conditions. Nothing here uses cones or factor counts; the rules are read as plain data
(``to_data``) where an oracle fires them itself, and the engine's column evaluation
(``BitsetRules.evaluate``) assesses many inputs at once where it does not.

    completions(kb, asserted)             -> {conclusion: (possible, {unknown: (if true,
                                              if false)})}, as stability() reports them
    minimal_changes(kb, asserted, target, k) -> every minimal set of at most k changes
    rules_that_can_bring(kb, item)        -> the rules some input makes fire on a chain
                                              that reaches the item
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

import kzpolicy
from kzpolicy.engine.bitset import BatchResult, bitset
from kzpolicy.kb.expr import to_data

STATUS = ("not reached", "flagged", "contested")
Change = tuple[str, bool | None]


# ------------------------------------------------------------------ many inputs at once
def evaluate(kb: kzpolicy.KnowledgeBase, rows: Sequence[Mapping[str, bool | None]]
             ) -> BatchResult:
    """The engine's columns for ``rows`` of conditions (None or absent: unknown)."""
    n = len(rows)
    true: dict[str, Any] = {}
    false: dict[str, Any] = {}
    for c in kb.condition_ids:
        column = np.array([r.get(c) for r in rows], dtype=object)
        true[c] = column == True  # noqa: E712 (elementwise over objects)
        false[c] = column == False  # noqa: E712
    return bitset(kb).evaluate(n, true, false)


def statuses(kb: kzpolicy.KnowledgeBase, result: BatchResult, item: str
             ) -> npt.NDArray[np.int64]:
    """Per input: 0 not reached, 1 flagged, 2 contested."""
    n = result.size
    flagged = np.broadcast_to(np.asarray(result.flagged(item)), (n,))
    contested = np.broadcast_to(np.asarray(result.contested.get(item, False)), (n,))
    return np.where(flagged, 1, np.where(contested, 2, 0))


def conclusions(kb: kzpolicy.KnowledgeBase, result: BatchResult) -> dict[str, list[str]]:
    """Per input: the implied scenario, and each item's status."""
    out = {"scenario": [result.scenario_ids[s] for s in result.scenario]}
    for item, info in kb.items.items():
        if info.kind != "stimulus":
            out[item] = [STATUS[int(x)] for x in statuses(kb, result, item)]
    return out


# ------------------------------------------------------------------ stability
Verdicts = dict[str, tuple[tuple[str, ...], dict[str, tuple[tuple[str, ...], tuple[str, ...]]]]]


def completions(kb: kzpolicy.KnowledgeBase, asserted: Mapping[str, bool]) -> Verdicts:
    """For the scenario and every item: the values every completion of the unknown
    conditions gives it, and per unknown condition switching which alone changes it
    somewhere, the values with it true and with it false."""
    unknown = [c for c in kb.condition_ids if c not in asserted]
    rows = []
    for bits in range(1 << len(unknown)):
        row: dict[str, bool | None] = dict(asserted)
        for j, c in enumerate(unknown):
            row[c] = bool(bits >> j & 1)
        rows.append(row)
    values = conclusions(kb, evaluate(kb, rows))
    index = np.arange(len(rows))
    out: Verdicts = {}
    for key, got in values.items():
        v = np.array(got, dtype=object)
        relevant = {}
        for j, c in enumerate(unknown):
            low = index[(index >> j) & 1 == 0]
            high = low | (1 << j)
            if np.any(v[low] != v[high]):
                relevant[c] = (tuple(sorted(set(v[high]))), tuple(sorted(set(v[low]))))
        out[key] = (tuple(sorted(set(got))), relevant)
    return out


def reported(s: kzpolicy.Stability) -> Verdicts:
    """A stability result in the shape of :func:`completions`."""
    return {v.id: (tuple(sorted(v.possible)),
                   {r.id: (tuple(sorted(r.if_true)), tuple(sorted(r.if_false)))
                    for r in v.open_on})
            for v in (s.scenario, *s.items)}


# ------------------------------------------------------------------ counterfactuals
def change_sets(kb: kzpolicy.KnowledgeBase, asserted: Mapping[str, bool], k: int
                ) -> Iterator[tuple[Change, ...]]:
    """Every set of at most ``k`` changes: conditions set to a value they do not have."""
    ids = list(kb.condition_ids)
    for size in range(k + 1):
        for chosen in itertools.combinations(ids, size):
            options = [[v for v in (True, False, None) if asserted.get(c) is not v]
                       for c in chosen]
            for values in itertools.product(*options):
                yield tuple(zip(chosen, values, strict=True))


def minimal_changes(kb: kzpolicy.KnowledgeBase, asserted: Mapping[str, bool],
                    target: tuple[str, str], k: int) -> set[frozenset[Change]]:
    """Every set of at most ``k`` changes that reaches ``target`` (action, ID) while no
    proper subset of it does."""
    action, ident = target
    sets = list(change_sets(kb, asserted, k))
    rows = []
    for s in sets:
        row: dict[str, bool | None] = dict(asserted)
        for c, v in s:
            row[c] = v
        rows.append(row)
    result = evaluate(kb, rows)
    if action in ("flag", "clear"):
        flagged = statuses(kb, result, ident) == 1
        holds = flagged if action == "flag" else ~flagged
    else:
        implied = np.array([result.scenario_ids[x] for x in result.scenario])
        holds = implied == ident if action == "imply" else implied != ident
    works = {frozenset(s) for s, ok in zip(sets, holds, strict=True) if ok}
    return {s for s in works
            if not any(frozenset(sub) in works
                       for r in range(len(s)) for sub in itertools.combinations(s, r))}


def listed(c: kzpolicy.Counterfactuals) -> set[frozenset[Change]]:
    """The concrete sets a counterfactual result lists, each as a set of changes."""
    return {frozenset((x.id, x.after) for x in s.changes) for s in c.listing}


# ------------------------------------------------------------------ why not
def _conjunctions(when: Any) -> list[frozenset[str]]:
    """A ``when`` (as data) in disjunctive normal form: ``X``, ``not:X`` literals."""
    if isinstance(when, str):
        return [frozenset({when})]
    ((key, value),) = when.items()
    if key == "not":
        return [frozenset({f"not:{value}"})]
    parts = [_conjunctions(v) for v in value]
    if key == "any":
        return [c for p in parts for c in p]
    out: list[frozenset[str]] = [frozenset()]
    for p in parts:
        out = [a | b for a in out for b in p]
    return out


Rules = list[tuple[str, list[frozenset[str]], list[str]]]


def _closure(kb: kzpolicy.KnowledgeBase, item: str, rules: Rules
             ) -> tuple[set[str], bool, Rules]:
    """The conditions the rules that can lead to ``item`` mention (and those it
    presupposes), whether one of those rules reads a scenario, and those rules."""
    conditions = set(kb.condition_ids)
    seen, frontier, found, scenario = {item}, [item], set(kb.items[item].presupposes), False
    used: set[str] = set()
    while frontier:
        fact = frontier.pop()
        for rule, conjunctions, then in rules:
            if fact not in then:
                continue
            used.add(rule)
            for literal in set().union(*conjunctions):
                name = literal.removeprefix("not:")
                if name in conditions:
                    found.add(name)
                elif name in kb.scenarios:
                    scenario = True
                elif name not in seen:
                    seen.add(name)
                    frontier.append(name)
    return found, scenario, [r for r in rules if r[0] in used]


def _fired(rules: Rules, facts: set[str]) -> list[tuple[str, frozenset[str], list[str]]]:
    """Fire the rules to a fixpoint over ``facts``; every conjunction that holds then."""
    facts = set(facts)
    changed = True
    while changed:
        changed = False
        for _, conjunctions, then in rules:
            if any(c <= facts for c in conjunctions) and not set(then) <= facts:
                facts |= set(then)
                changed = True
    return [(rule, c, then) for rule, conjunctions, then in rules for c in conjunctions
            if c <= facts]


def rules_that_can_bring(kb: kzpolicy.KnowledgeBase, item: str) -> set[str]:
    """The rules some input makes fire on a chain that reaches ``item``: a conjunction
    that holds and concludes the item, or concludes an item such a conjunction reads.
    Every assignment of the conditions the item's rules mention is tried, with every
    scenario some counts of the other factors imply."""
    every = [(r.id, _conjunctions(to_data(r.when)), list(r.then)) for r in kb.rules]
    variables, reads_scenario, rules = _closure(kb, item, every)
    variables_list = sorted(variables)
    found: set[str] = set()
    scenarios_of: dict[tuple[int, ...], list[str]] = {}
    groups = [{f.id for f in s.factors} for s in kb.scenarios.values()]
    for bits in range(1 << len(variables_list)):
        assignment = {c: bool(bits >> j & 1) for j, c in enumerate(variables_list)}
        scenarios: list[str | None] = [None]
        if reads_scenario:
            key = tuple(sum(1 for c, v in assignment.items() if v and c in g) for g in groups)
            if key not in scenarios_of:
                scenarios_of[key] = _scenarios_with(kb, assignment)
            scenarios = list(scenarios_of[key])
        for scenario in scenarios:
            facts = {c if v else f"not:{c}" for c, v in assignment.items()}
            if scenario is not None:
                facts.add(scenario)
            fired = _fired(rules, facts)
            feeds: set[tuple[str, frozenset[str]]] = set()
            changed = True
            while changed:
                changed = False
                for rule, conj, then in fired:
                    if (rule, conj) in feeds:
                        continue
                    if item in then or any(set(then) & c2 for r2, c2, _ in fired
                                           if (r2, c2) in feeds):
                        feeds.add((rule, conj))
                        changed = True
            found |= {rule for rule, _ in feeds}
    return found


def _scenarios_with(kb: kzpolicy.KnowledgeBase, assignment: Mapping[str, bool]) -> list[str]:
    """The scenarios implied with ``assignment`` and some truth of the other factors:
    every count of each scenario's other factors, the first ones made true."""
    from kzpolicy.engine.decision import decide

    groups = [[f.id for f in s.factors if f.id not in assignment]
              for s in kb.scenarios.values()]
    found = set()
    for counts in itertools.product(*(range(len(g) + 1) for g in groups)):
        row = dict(assignment)
        for g, n in zip(groups, counts, strict=True):
            row.update(dict.fromkeys(g[:n], True))
        found.add(decide(kb, row).scenario)
    return sorted(found)


def named_rules(w: kzpolicy.WhyNot) -> set[str]:
    """Every rule a why-not answer names, on its routes and the routes under them."""
    found, stack = set(), list(w.routes)
    while stack:
        r = stack.pop()
        found.add(r.rule)
        for lit in r.literals:
            stack.extend(lit.via)
    return found
