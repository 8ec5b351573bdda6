"""Table-driven from rules/: every rule fires on exactly its `when` and on nothing less.

The oracle is a naive fixpoint over the same data, written here independently of
the engine: a rule fires when its `when` holds over the asserted literals, the
implied scenario, and whatever earlier rules flagged.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import kzpolicy
from kzpolicy.engine.decision import decide
from kzpolicy.kb import expr
from kzpolicy.kb.knowledge import KnowledgeBase
from kzpolicy.kb.schema import Rule

KB = kzpolicy.load()


def oracle(kb: KnowledgeBase, asserted: dict[str, bool]) -> set[str]:
    """IDs of the rules that must fire for these asserted conditions."""
    facts = {c if v else expr.NEGATION_PREFIX + c for c, v in asserted.items()}
    facts.add(decide(kb, asserted).scenario)
    fired: set[str] = set()
    changed = True
    while changed:
        changed = False
        for rule in kb.rules:
            if rule.id not in fired and expr.evaluate(rule.when, facts.__contains__):
                fired.add(rule.id)
                facts |= set(rule.then)
                changed = True
    return fired


def witness(kb: KnowledgeBase, literal: str, depth: int = 0) -> dict[str, bool]:
    """A set of asserted conditions that makes ``literal`` hold."""
    assert depth < 10, f"no finite witness for {literal}"
    if literal.startswith(expr.NEGATION_PREFIX):
        return {literal.removeprefix(expr.NEGATION_PREFIX): False}
    if literal in kb.condition_ids:
        return {literal: True}
    if literal in kb.scenarios:
        return {f.id: True for f in kb.scenarios[literal].factors}
    for rule in kb.rules:
        if literal in rule.then:
            out: dict[str, bool] = {}
            for lit in sorted(expr.dnf(rule.when)[0]):
                out.update(witness(kb, lit, depth + 1))
            return out
    raise AssertionError(f"nothing produces {literal}")


def cases() -> Iterator[tuple[Rule, frozenset[str]]]:
    for rule in KB.rules:
        for conj in expr.dnf(rule.when):
            yield rule, conj


def fired_rules(a: kzpolicy.Assessment) -> set[str]:
    return {t.rule for t in a.trace} - {KB.decision.id}


@pytest.mark.parametrize(
    ("rule", "conj"), list(cases()), ids=[f"{r.id}:{'+'.join(sorted(c))}" for r, c in cases()]
)
def test_rule_fires_on_exactly_its_when(rule: Rule, conj: frozenset[str]) -> None:
    parts = {lit: witness(KB, lit) for lit in conj}
    full: dict[str, bool] = {}
    for w in parts.values():
        full.update(w)
    result = kzpolicy.assess(full)
    assert rule.id in fired_rules(result), f"{rule.id} did not fire on {full}"
    assert fired_rules(result) == oracle(KB, full)
    steps = [s for f in (*result.outcomes, *result.risks, *result.engaged) for s in f.because
             if s.rule == rule.id]
    assert steps, f"{rule.id} fired but explains nothing"
    for target in rule.then:
        assert target in result.flagged_ids()

    for dropped in conj:
        rest: dict[str, bool] = {}
        for lit, w in parts.items():
            if lit != dropped:
                rest.update(w)
        less = kzpolicy.assess(rest)
        expected = oracle(KB, rest)
        assert fired_rules(less) == expected, f"without {dropped}: engine and oracle differ"
        if rule.id in expected:
            # another route (e.g. the default scenario) still satisfies the rule
            continue
        assert rule.id not in fired_rules(less), f"{rule.id} fired without {dropped}"


def test_every_rule_is_exercised_by_this_table() -> None:
    assert {r.id for r, _ in cases()} == {r.id for r in KB.rules}


def test_matched_literals_are_the_conjunction() -> None:
    result = kzpolicy.assess({"russia_uzbekistan_crisis": True, "china_suspicion_grows": True})
    t8 = result.item("T8")
    assert t8 is not None
    (step,) = [s for s in t8.because if s.rule == "crisis_t8"]
    assert step.matched == ("china_suspicion_grows", "russia_uzbekistan_crisis")
    assert step.conditions == ("china_suspicion_grows", "russia_uzbekistan_crisis")
