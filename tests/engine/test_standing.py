"""How firmly each conclusion stands, against a brute-force oracle on generated
knowledge bases: an item is ``stated`` exactly when the rules reach it by a chain whose
every step is stated (the scenario decision included), its basis is ``asserted`` exactly
when some chain reaches it without resting on the default scenario alone, and it is
contested exactly when the caller denies a condition it presupposes."""

from __future__ import annotations

import random
from collections.abc import Mapping
from pathlib import Path

import pytest

import fuzz
import kzpolicy
from kzpolicy.kb.expr import to_data
from kzpolicy.kb.knowledge import KnowledgeBase


def _reach(kb: KnowledgeBase, asserted: Mapping[str, bool], scenario: str | None,
           stated_only: bool) -> set[str]:
    """The facts the rules reach from the asserted literals (and ``scenario``, when it
    counts), using every rule or only the stated ones: a fixpoint over `when`."""
    facts = {c if v else f"not:{c}" for c, v in asserted.items()}
    if scenario is not None:
        facts.add(scenario)
    rules = [(to_data(r.when), r.then) for r in kb.rules
             if not stated_only or r.stance == "stated"]
    changed = True
    while changed:
        changed = False
        for when, then in rules:
            if fuzz.holds(when, facts) and not set(then) <= facts:
                facts |= set(then)
                changed = True
    return facts


def expected(kb: KnowledgeBase, a: kzpolicy.Assessment) -> dict[str, tuple[str, str]]:
    """Item -> (stance, basis), from the rules alone."""
    sc = a.scenario
    decision_stated = kb.decision.stance == "stated"
    by_default = not sc.evidence
    stated = _reach(kb, a.asserted, sc.id if decision_stated else None, stated_only=True)
    grounded = _reach(kb, a.asserted, None if by_default else sc.id, stated_only=False)
    return {i: ("stated" if i in stated else "interpretation",
                "asserted" if i in grounded else "default")
            for i in fuzz.reported(kb, a.asserted, sc.id)}


def _check(kb: KnowledgeBase, given: dict[str, bool]) -> None:
    a = kzpolicy.assess(given, kb=kb, engine="bitset")
    assert a == kzpolicy.assess(given, kb=kb)  # both engines
    got = {f.id: (f.stance, f.basis) for f in (*a.outcomes, *a.risks, *a.engaged)}
    assert got == expected(kb, a), given
    denied = {i for i in fuzz.oracle(kb, a.asserted, a.scenario.id)
              if any(a.asserted.get(c) is False for c in kb.items[i].presupposes)}
    assert {c.id for c in a.contested} == denied, given
    for c in a.contested:
        assert {d.id for d in c.denied} == {
            x for x in kb.items[c.id].presupposes if a.asserted.get(x) is False}
        assert all(d.value is False for d in c.denied)
    for f in (*a.outcomes, *a.risks, *a.engaged):
        assert f.interpretations == tuple(dict.fromkeys(
            s.rule for s in f.because if s.stance != "stated"))


def test_stock_rules_against_the_oracle() -> None:
    kb = kzpolicy.load()
    rng = random.Random(20)
    for given in fuzz.random_inputs(rng, 400):
        _check(kb, given)
    for preset in kb.presets:
        _check(kb, dict(kzpolicy.assess(preset=preset).asserted))


@pytest.mark.parametrize("seed", range(8))
def test_generated_rules_against_the_oracle(seed: int, tmp_path: Path) -> None:
    rng = random.Random(seed)
    for attempt in range(20):
        rules = fuzz.random_rules(rng, rng.randint(5, 40))
        try:
            kb = kzpolicy.load(fuzz.write_kb(tmp_path / f"kb{attempt}", rules))
        except kzpolicy.KzPolicyError:
            continue
        break
    else:
        raise AssertionError("twenty generated rule sets refused in a row")
    for given in fuzz.random_inputs(rng, 150):
        _check(kb, given)


def test_nothing_asserted_is_the_default_and_no_outcome_is_stated() -> None:
    a = kzpolicy.assess()
    assert a.scenario.basis == "default" and a.scenario.stance == "interpretation"
    assert a.outcomes and all(
        f.stance == "interpretation" and f.basis == "default" for f in a.outcomes)
    assert not a.risks and not a.engaged


def test_the_issue_cases() -> None:
    integration = {f"I{i}": True for i in range(1, 8)}
    a = kzpolicy.assess({**integration, "region_relations_cool": False,
                         "nato_demonstrative_partnership": False})
    assert a.item("T7") is None
    (t7,) = a.contested
    assert t7.id == "T7" and [d.id for d in t7.denied] == ["region_relations_cool"]
    assert a.item("T1") is not None  # integration reaches T1 (integration_t1)
    b = kzpolicy.assess({**integration, "russia_uzbekistan_crisis": False,
                         "china_suspicion_grows": True})
    assert b.item("T8") is None and not any(c.id == "T8" for c in b.contested)
