"""The compiled (bitset) engine against durable-rules: the same results on every input.

Both engines' firings are fed to the same ``build_assessment``; the results must agree
on the scenario, the shares, the flagged items and, for each item, the rules (and
matched facts) in its ``because``. Checked on every combination of up to three asserted
conditions (each true or false), on 10,000 hypothesis examples, on a knowledge base
extended with negations, chains and a cycle, and for the vectorised batch evaluator.
"""

from __future__ import annotations

import itertools
import random
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kzpolicy
from kzpolicy.engine.bitset import BitsetRules, Column, bitset
from kzpolicy.engine.build import build_assessment
from kzpolicy.engine.decision import decide
from kzpolicy.engine.durable.rules import durable_rules
from kzpolicy.engine.network import EngineFiring
from kzpolicy.engine.results import Assessment
from kzpolicy.kb.knowledge import KnowledgeBase

KB = kzpolicy.load()
IDS = list(KB.condition_ids)

EXTRA_RULES = """\
rules:
  - id: x_negated_context
    label: Without scarce information, deeper ties improve the image (test)
    when: {all: [cooperation_intensifies, {not: info_scarce}]}
    then: [S7]
    stance: interpretation
    reason: test rule
    locator: {section: scenarios, list: strengths, item: 7}
  - id: x_negated_factor
    label: Equidistance without Russian demands is stability (test)
    when: {all: [B2, {not: D1}]}
    then: [O6]
    stance: interpretation
    reason: test rule
    locator: {section: scenarios, list: opportunities, item: 6}
  - id: x_chain_negation
    label: An improved image without rivalry widens contact (test)
    when: {all: [S7, {not: tough_rivalry}]}
    then: [O7]
    stance: interpretation
    reason: test rule
    locator: {section: scenarios, list: opportunities, item: 7}
  - id: x_any_negations
    label: No exercises, or two standards without D3, need money (test)
    when: {any: [{not: joint_exercises}, {all: [T2, {not: D3}]}]}
    then: [W4]
    stance: interpretation
    reason: test rule
    locator: {section: scenarios, list: weaknesses, item: 4}
  - id: x_cycle_a
    label: Dependence on NATO arms brings two standards (test)
    when: T5
    then: [T2]
    stance: interpretation
    reason: test rule
    locator: {section: scenarios, list: threats, item: 2}
  - id: x_cycle_b
    label: Two standards bring dependence on NATO arms (test)
    when: T2
    then: [T5]
    stance: interpretation
    reason: test rule
    locator: {section: scenarios, list: threats, item: 5}
  - id: x_scenario_negation
    label: Balance without Russia-West strain keeps the architecture (test)
    when: {all: [balance, {not: russia_west_worsen}]}
    then: [O1]
    stance: interpretation
    reason: test rule
    locator: {section: scenarios, list: opportunities, item: 1}
  - id: x_dc7_t6
    label: Distancing's sharper competition brings Russia-West fallout (test)
    when: DC7
    then: [T6]
    stance: interpretation
    reason: test rule (a phase-2 item that presupposes nothing, for the deep chain)
    locator: {section: scenarios, list: threats, item: 6}
  - id: x_deep_chain
    label: Two standards after distancing with O7 engaged (test)
    when: {all: [DC7, T6, {any: [O7, W4]}]}
    then: [T3]
    stance: interpretation
    reason: test rule
    locator: {section: scenarios, list: threats, item: 3}
"""


def firing_set(firings: list[EngineFiring]) -> set[tuple[str, frozenset[str], int]]:
    return {(f.rule.id, f.matched, f.phase) for f in firings}


def summary(a: Assessment) -> dict[str, Any]:
    """What the engines must agree on (orders of steps may differ; sets may not)."""
    items = (*a.outcomes, *a.risks, *a.engaged)
    return {
        "scenario": a.scenario.id,
        "shares": a.scenario.shares,
        "risks": [f.id for f in a.risks],
        "engaged": [f.id for f in a.engaged],
        "because": {f.id: frozenset(s.rule for s in f.because) for f in items},
        "steps": {f.id: frozenset((s.rule, s.matched, s.conditions) for s in f.because)
                  for f in items},
        "stance": {f.id: f.stance for f in items},
        "trace": sorted(t.rule for t in a.trace),
        "warnings": a.warnings,
    }


def compare(kb: KnowledgeBase, asserted: dict[str, bool]) -> None:
    outcome = decide(kb, asserted)
    slow = durable_rules(kb).run(asserted, outcome.scenario)
    fast = bitset(kb).run(asserted, outcome.scenario)
    assert firing_set(fast) == firing_set(slow), asserted
    assert len(fast) == len(slow), asserted
    a = build_assessment(kb, asserted, outcome, slow)
    b = build_assessment(kb, asserted, outcome, fast)
    assert summary(b) == summary(a), asserted


def combinations(ids: list[str], size: int) -> Iterator[dict[str, bool]]:
    for chosen in itertools.combinations(ids, size):
        for values in itertools.product((True, False), repeat=size):
            yield dict(zip(chosen, values, strict=True))


@pytest.mark.parametrize("size", [0, 1, 2, 3])
def test_every_combination_of_up_to_three_conditions(size: int) -> None:
    n = 0
    for asserted in combinations(IDS, size):
        compare(KB, asserted)
        n += 1
    assert n == len(list(itertools.combinations(IDS, size))) * 2**size


def decode(code: int) -> dict[str, bool]:
    """A condition set from one integer: base-3 digit i says condition i is unknown (0),
    true (1) or false (2). One draw per example keeps hypothesis's own cost low, and
    shrinking towards 0 shrinks towards fewer asserted conditions."""
    out: dict[str, bool] = {}
    for c in IDS:
        code, digit = divmod(code, 3)
        if digit:
            out[c] = digit == 1
    return out


condition_sets = st.integers(0, 3 ** len(IDS) - 1).map(decode)


@settings(max_examples=10_000, deadline=None)
@given(condition_sets)
def test_hypothesis_condition_sets(asserted: dict[str, bool]) -> None:
    compare(KB, asserted)


@pytest.mark.parametrize("preset", sorted(KB.presets))
def test_presets_through_assess(preset: str) -> None:
    a = kzpolicy.assess(preset=preset)
    b = kzpolicy.assess(preset=preset, engine="compiled")
    assert summary(a) == summary(b)


@pytest.fixture(scope="module")
def extended(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    import shutil

    from kzpolicy.kb.loading import stock_rules_path

    copy = Path(tmp_path_factory.mktemp("kb")) / "rules"
    shutil.copytree(stock_rules_path(), copy)
    (copy / "extra.yaml").write_text(textwrap.dedent(EXTRA_RULES))
    return kzpolicy.load(copy)


def test_extended_kb_is_compiled_as_expected(extended: KnowledgeBase) -> None:
    assert bitset(KB).single_pass
    assert not bitset(extended).single_pass  # the cycle x_cycle_a <-> x_cycle_b


def test_extended_kb_up_to_two_conditions(extended: KnowledgeBase) -> None:
    ids = list(extended.condition_ids)
    for size in (0, 1, 2):
        for asserted in combinations(ids, size):
            compare(extended, asserted)


def test_extended_kb_random_sets(extended: KnowledgeBase) -> None:
    rnd = random.Random(20100101)
    ids = list(extended.condition_ids)
    for _ in range(3000):
        compare(extended, {c: rnd.random() < 0.5 for c in rnd.sample(ids, rnd.randint(3, 36))})


def test_extended_kb_negations_fire(extended: KnowledgeBase) -> None:
    a = kzpolicy.assess({"cooperation_intensifies": True, "info_scarce": False,
                         "tough_rivalry": False, "joint_exercises": False, "D8": True},
                        kb=extended, engine="compiled")
    assert {"S7", "O7", "W4", "T2", "T5"} <= a.flagged_ids()
    assert "S7" not in kzpolicy.assess({"cooperation_intensifies": True}, kb=extended,
                                       engine="compiled").flagged_ids()


# ---------------------------------------------------------------------- batch evaluator
def random_batch(kb: KnowledgeBase, size: int, seed: int) -> list[dict[str, bool]]:
    rnd = random.Random(seed)
    ids = list(kb.condition_ids)
    return [{c: rnd.random() < 0.6 for c in rnd.sample(ids, rnd.randint(0, len(ids)))}
            for _ in range(size)]


def as_columns(kb: KnowledgeBase, inputs: list[dict[str, bool]]
               ) -> tuple[dict[str, Column], dict[str, Column]]:
    true: dict[str, Column] = {}
    false: dict[str, Column] = {}
    for c in kb.condition_ids:
        true[c] = np.array([x.get(c) is True for x in inputs])
        false[c] = np.array([x.get(c) is False for x in inputs])
    return true, false


def at(column: Column, i: int) -> bool:
    return column if isinstance(column, bool) else bool(column[i])


@pytest.mark.parametrize("which", ["stock", "extended"])
def test_batch_evaluation_matches_one_at_a_time(which: str, extended: KnowledgeBase) -> None:
    kb = KB if which == "stock" else extended
    engine: BitsetRules = bitset(kb)
    inputs = random_batch(kb, 2000, seed=5)
    result = engine.evaluate(len(inputs), *as_columns(kb, inputs))
    items = [i for i in kb.items if any(i in r.then for r in kb.rules)]
    for n, x in enumerate(inputs):
        scenario = decide(kb, x).scenario
        assert result.scenario_ids[result.scenario[n]] == scenario
        firings = engine.run(x, scenario)
        flagged = {t for f in firings for t in f.rule.then}
        assert {i for i in items if at(result.holds(i), n)} == flagged, x
        assert {r for r, col in result.fired.items() if at(col, n)} == {
            f.rule.id for f in firings}, x


def test_vectorised_decision_on_every_count_vector() -> None:
    engine = bitset(KB)
    sizes = [len(s.factors) for s in KB.scenarios.values()]
    grid = np.array(list(itertools.product(*(range(k + 1) for k in sizes)))).T
    got = engine.decide_counts(grid)
    for column, winner in zip(grid.T, got, strict=True):
        synthetic = {f.id: True for n, s in zip(column, KB.scenarios.values(), strict=True)
                     for f in s.factors[:n]}
        assert engine.scenario_ids[winner] == decide(KB, synthetic).scenario
        assert engine.scenario_of(synthetic) == decide(KB, synthetic).scenario


def test_bitset_is_cached_per_knowledge_base(extended: KnowledgeBase) -> None:
    assert bitset(KB) is bitset(KB)
    assert bitset(extended) is not bitset(KB)
