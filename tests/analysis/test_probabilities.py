"""probabilities(), sensitivity() and the counting landscape, differentially: against full
weighted enumeration (every assignment of the uncertain conditions assessed by the
existing engines, weights summed), on the stock rules and on generated knowledge bases
with negation and chains; against monte_carlo within its interval; the counting
landscape against the enumerating one."""

from __future__ import annotations

import itertools
import math
import random
from fractions import Fraction
from pathlib import Path
from typing import Any

import kbgen
import numpy as np
import numpy.typing as npt
import pytest

import fuzz
import kzpolicy
from kzpolicy.analysis import counting
from kzpolicy.analysis.landscape import landscape
from kzpolicy.analysis.montecarlo import monte_carlo
from kzpolicy.analysis.probabilities import Probabilities, probabilities
from kzpolicy.analysis.sensitivity import Sensitivity, sensitivity, switches
from kzpolicy.engine.bitset import bitset
from kzpolicy.engine.conditions import resolve
from kzpolicy.engine.decision import decide
from kzpolicy.kb.kinds import FLAGGABLE
from kzpolicy.kb.knowledge import KnowledgeBase

KB = kzpolicy.load()
README = {"D1": 0.7, "D2": 0.5, "D3": 0.4, "D4": 0.3, "I1": 0.5}


# ---------------------------------------------------------------------- the oracle
def enumerate_weights(kb: KnowledgeBase, beliefs: dict[str, Fraction],
                      fixed: dict[str, bool] | None = None, preset: str | None = None
                      ) -> tuple[dict[str, Fraction], dict[str, Fraction]]:
    """Every assignment of the believed conditions through the bitset engine, its weight
    summed into the scenario it implies and the items it flags (exact fractions)."""
    base = {c: v for c, v in resolve(kb, fixed, preset=preset).items() if c not in beliefs}
    order = list(beliefs)
    n = 1 << len(order)
    x = np.arange(n)
    true: dict[str, Any] = dict(base)
    false: dict[str, Any] = {c: not v for c, v in base.items()}
    for i, c in enumerate(order):
        col = (x >> i) & 1 == 1
        true[c], false[c] = col, ~col
    engine = bitset(kb)
    result = engine.evaluate(n, true, false)
    weights = []
    for a in range(n):
        w = Fraction(1)
        for i, c in enumerate(order):
            w *= beliefs[c] if a >> i & 1 else 1 - beliefs[c]
        weights.append(w)
    scen = {s: sum((w for w, k in zip(weights, result.scenario, strict=True)
                    if engine.scenario_ids[k] == s), Fraction(0)) for s in kb.scenarios}
    items = {}
    for item, info in kb.items.items():
        if info.kind not in FLAGGABLE:
            continue
        col = np.broadcast_to(result.flagged(item), (n,))
        items[item] = sum((w for w, on in zip(weights, col, strict=True) if on), Fraction(0))
    return scen, items


def check_exact(kb: KnowledgeBase, beliefs: dict[str, Fraction],
                fixed: dict[str, bool] | None = None, preset: str | None = None) -> None:
    scen, items = enumerate_weights(kb, beliefs, fixed, preset)
    got = probabilities(beliefs, fixed=fixed, preset=preset, kb=kb, exact=True)
    assert {s: p.exact for s, p in got.scenarios.items()} == scen
    assert {i.id: i.exact for i in (*got.outcomes, *got.risks, *got.engaged)} == items
    floats = probabilities({c: float(v) for c, v in beliefs.items()}, fixed=fixed,
                           preset=preset, kb=kb)
    for s, p in floats.scenarios.items():
        assert p.probability == pytest.approx(float(scen[s]), abs=1e-12)
    for i in (*floats.outcomes, *floats.risks, *floats.engaged):
        assert i.probability == pytest.approx(float(items[i.id]), abs=1e-12), i.id
    assert floats.most_likely == max(scen, key=lambda s: (scen[s], -list(scen).index(s)))


def generated_kb(rng: random.Random, folder: Path, low: int, high: int) -> KnowledgeBase:
    """The stock rules plus random ones (tests/fuzz.py); drawn again when refused."""
    for attempt in range(20):
        rules = fuzz.random_rules(rng, rng.randint(low, high))
        try:
            return kzpolicy.load(fuzz.write_kb(folder / f"rules{attempt}", rules))
        except kzpolicy.KzPolicyError:
            continue
    raise AssertionError("twenty generated rule sets refused in a row")


def fractions(rng: random.Random, ids: list[str]) -> dict[str, Fraction]:
    return {c: Fraction(rng.randint(0, 10), 10) for c in ids}


# ---------------------------------------------------------------------- stock rules
def test_readme_example_against_durable_assess() -> None:
    """The oracle itself, once, on the durable engine: assess() every assignment."""
    got = probabilities(README, exact=True)
    beliefs = {c: Fraction(str(v)) for c, v in README.items()}
    scen = dict.fromkeys(KB.scenarios, Fraction(0))
    items = {i.id: Fraction(0) for i in (*got.outcomes, *got.risks, *got.engaged)}
    for bits in itertools.product([False, True], repeat=len(beliefs)):
        given = dict(zip(beliefs, bits, strict=True))
        w = math.prod((beliefs[c] if v else 1 - beliefs[c] for c, v in given.items()),
                      start=Fraction(1))
        a = kzpolicy.assess(given)
        scen[a.scenario.id] += w
        for item in a.flagged_ids():
            items[item] += w
    assert {s: p.exact for s, p in got.scenarios.items()} == scen
    assert {i.id: i.exact for i in (*got.outcomes, *got.risks, *got.engaged)} == items
    assert got.scenarios["distancing"].exact == Fraction(21, 500)


@pytest.mark.parametrize("seed", range(12))
def test_stock_rules_against_enumeration(seed: int) -> None:
    rng = random.Random(seed)
    ids = rng.sample(list(KB.condition_ids), rng.randint(1, 10))
    rest = [c for c in KB.condition_ids if c not in ids]
    fixed = {c: rng.random() < 0.5 for c in rng.sample(rest, rng.randint(0, 8))}
    preset = rng.choice([None, "article-2010", "distancing"])
    check_exact(KB, fractions(rng, ids), fixed, preset)


def test_every_factor_uncertain_against_enumeration() -> None:
    """All 22 factors uncertain (2^22 assignments), floats against the float oracle of
    the scenario counts: the decision by counts, the cones with the scenario in them."""
    rng = random.Random(5)
    beliefs = {f: rng.randint(1, 9) / 10 for f in KB.factors}
    got = probabilities(beliefs, preset="article-2010")
    sizes = [len(s.factors) for s in KB.scenarios.values()]
    dists = []
    for sc in KB.scenarios.values():
        d: npt.NDArray[Any] = np.ones(1)
        for f in sc.factors:
            d = np.convolve(d, [1 - beliefs[f.id], beliefs[f.id]])
        dists.append(d)
    expected = dict.fromkeys(KB.scenarios, 0.0)
    for counts in itertools.product(*(range(n + 1) for n in sizes)):
        synthetic = {f.id: True for n, s in zip(counts, KB.scenarios.values(), strict=True)
                     for f in s.factors[:n]}
        w = math.prod(d[c] for d, c in zip(dists, counts, strict=True))
        expected[decide(KB, synthetic).scenario] += w
    for s, p in got.scenarios.items():
        assert p.probability == pytest.approx(expected[s], abs=1e-12)
    # outcomes follow their scenario; T7 reads D4, I3 and integration
    by_id = {i.id: i for i in (*got.outcomes, *got.risks, *got.engaged)}
    assert by_id["BC1"].probability == pytest.approx(expected["balance"], abs=1e-12)
    assert set(by_id["T7"].depends_on) >= {"D4", "I3"}


def test_negation_and_chains_in_the_stock_rules() -> None:
    # T8 needs the double crisis and China's suspicion (a conjunction); C2 comes from
    # tough rivalry or, by a chain, from the distancing outcome DC7 (DC7 -> C2), but C2
    # presupposes tough rivalry: where it is denied, the chain's C2 is contested
    beliefs = {"china_suspicion_grows": Fraction(1, 2), "russia_uzbekistan_crisis":
               Fraction(1, 3), "tough_rivalry": Fraction(1, 5), "D1": Fraction(1, 4),
               "D2": Fraction(1, 2), "D3": Fraction(2, 3), "D4": Fraction(2, 5)}
    check_exact(KB, beliefs)
    got = probabilities(beliefs, exact=True)
    t8 = next(i for i in got.risks if i.id == "T8")
    assert t8.exact == Fraction(1, 2) * Fraction(1, 3)
    assert t8.depends_on == ("china_suspicion_grows", "russia_uzbekistan_crisis")
    c2 = next(i for i in got.risks if i.id == "C2")
    assert c2.exact == Fraction(1, 5)
    assert c2.depends_on == ("tough_rivalry",)  # the chain's C2 is contested or redundant


def test_fixed_false_and_unknown_differ() -> None:
    """{not: X} holds only when X was asserted false; an unknown X satisfies neither."""
    got = probabilities({"D1": 0.5}, fixed={"cooperation_intensifies": False})
    assert "cooperation_intensifies" in got.fixed
    assert "russia_west_worsen" in got.unknown and "D1" not in got.unknown
    t1 = next(i for i in got.risks if i.id == "T1")
    assert t1.probability == 0.5 and t1.depends_on == ("D1",)


# ---------------------------------------------------------------------- generated rules
@pytest.mark.parametrize("seed", range(16))
def test_generated_knowledge_bases_against_enumeration(seed: int, tmp_path: Path) -> None:
    rng = random.Random(1000 + seed)
    kb = generated_kb(rng, tmp_path, 5, 25)
    ids = rng.sample(list(kb.condition_ids), rng.randint(2, 9))
    rest = [c for c in kb.condition_ids if c not in ids]
    fixed = {c: rng.random() < 0.5 for c in rng.sample(rest, rng.randint(0, 10))}
    check_exact(kb, fractions(rng, ids), fixed, rng.choice([None, "article-2010"]))


def test_a_generated_knowledge_base_with_more_factors(tmp_path: Path) -> None:
    """Forty factors: the scenarios against an oracle summed over the counts."""
    kb = kzpolicy.load(kbgen.many_factors(tmp_path / "rules", 40))
    rng = random.Random(3)
    beliefs = {f: Fraction(rng.randint(1, 9), 10) for f in rng.sample(list(kb.factors), 9)}
    check_exact(kb, beliefs)


# ---------------------------------------------------------------------- Monte Carlo
def test_monte_carlo_covers_the_exact_probabilities() -> None:
    beliefs = {**README, "china_suspicion_grows": 0.5, "russia_uzbekistan_crisis": 0.6,
               "B2": 0.4}
    exact = probabilities(beliefs, preset="article-2010")
    mc = monte_carlo(beliefs, preset="article-2010", samples=20_000, seed=11,
                     confidence=0.999)
    for s, e in mc.scenarios.items():
        assert e.low <= exact.scenarios[s].probability <= e.high, s
    got = {i.id: i.probability for i in (*exact.outcomes, *exact.risks, *exact.engaged)}
    for e in (*mc.outcomes, *mc.risks, *mc.engaged):
        assert e.low <= got[e.id] <= e.high, e.id
    assert exact.fixed == mc.fixed and exact.beliefs == mc.probabilities


# ---------------------------------------------------------------------- sensitivity
def test_swings_are_exact_and_the_probabilities_multilinear() -> None:
    beliefs = {"B1": Fraction(1, 5), "B2": Fraction(3, 10), "B3": Fraction(1, 5),
               "B4": Fraction(2, 5), "D1": Fraction(9, 10), "D2": Fraction(4, 5),
               "D3": Fraction(4, 5), "D4": Fraction(7, 10), "D5": Fraction(3, 5),
               "D6": Fraction(1, 2)}
    sens = sensitivity(beliefs, preset="article-2010", exact=True)
    base = probabilities(beliefs, preset="article-2010", exact=True)
    assert sens.most_likely == base.most_likely
    for b in sens.ranked:
        for value in (Fraction(0), Fraction(1, 3), Fraction(1)):
            moved = probabilities({**beliefs, b.id: value}, preset="article-2010", exact=True)
            for w in b.scenarios:
                low = probabilities({**beliefs, b.id: 0}, preset="article-2010",
                                    exact=True).scenarios[w.id].exact
                assert low is not None and w.exact is not None
                assert moved.scenarios[w.id].exact == low + value * w.exact
        items = {i.id: i for i in (*base.outcomes, *base.risks, *base.engaged)}
        for w in b.items:
            assert b.id in items[w.id].depends_on
            assert w.exact != 0
    swings = [b.scenario_swing for b in sens.ranked]
    assert swings == sorted(swings, reverse=True)
    # where the most likely scenario changes, it changes
    tipped = [b for b in sens.ranked if b.tipping is not None]
    assert tipped
    for b in tipped:
        assert b.tipping is not None and b.tipping.exact is not None
        for ch in b.changes:
            assert ch.exact is not None
            eps = Fraction(1, 10**6)
            below = probabilities({**beliefs, b.id: ch.exact - eps}, preset="article-2010")
            above = probabilities({**beliefs, b.id: ch.exact + eps}, preset="article-2010")
            assert (below.most_likely, above.most_likely) == (ch.before, ch.after)
        assert b.tipping == min(b.changes, key=lambda c: abs(c.value - b.belief))


def test_no_tipping_when_one_scenario_always_leads() -> None:
    sens = sensitivity({"D1": 0.5, "D2": 0.5}, preset="article-2010")
    assert all(b.tipping is None and b.changes == () for b in sens.ranked)
    assert sens.most_likely == "balance"


def test_switches_finds_crossings_in_order() -> None:
    ids = ["a", "b", "c"]
    # a falls from 0.6 to 0, b rises from 0.1 to 0.5, c rises from 0 to 0.9
    got = switches(ids, [0.6, 0.1, 0.0], [0.0, 0.5, 0.9])
    assert [(round(x, 4), before, after) for x, before, after in got] == [
        (0.4, "a", "c")]
    got = switches(ids, [Fraction(1), Fraction(0), Fraction(0)],
                   [Fraction(0), Fraction(1, 2), Fraction(1)])
    assert got == [(Fraction(1, 2), "a", "c")]
    assert switches(ids, [1, 0, 0], [1, 0, 0]) == []


def test_json_round_trips() -> None:
    for exact in (False, True):
        p = probabilities(README, exact=exact)
        assert Probabilities.model_validate_json(p.model_dump_json()) == p
        s = sensitivity(README, exact=exact)
        assert Sensitivity.model_validate_json(s.model_dump_json()) == s
    p = probabilities({"D1": 0.7}, exact=True)
    assert p.exact_beliefs == {"D1": Fraction(7, 10)}


# ---------------------------------------------------------------------- input checks
@pytest.mark.parametrize(("beliefs", "kwargs", "fragment"), [
    ({"D1": 1.5}, {}, "from 0 to 1, got 1.5"),
    ({"D1": float("nan")}, {}, "from 0 to 1"),
    ({"D1": True}, {}, "must be a number"),
    ({"D1": "0.5"}, {}, "must be a number"),
    ({"D1": 0.5}, {"fixed": {"D1": True}}, "both fixed and given a probability"),
    ({"D1": 0.5}, {"exact": 1}, "exact must be True"),
    ({"D1": 0.5}, {"preset": "article-2011"}, "article-2010"),
    ({1: 0.5}, {}, "must be a string"),
    (["D1"], {}, "beliefs must be a mapping"),
])
def test_input_errors(beliefs: Any, kwargs: dict[str, Any], fragment: str) -> None:
    for call in (probabilities, sensitivity):
        with pytest.raises(kzpolicy.KzPolicyError, match=fragment):
            call(beliefs, **kwargs)


def test_an_unknown_belief_suggests_the_closest() -> None:
    with pytest.raises(kzpolicy.UnknownConditionError) as info:
        probabilities({"tough_rivalri": 0.5})
    assert "tough_rivalry" in info.value.suggestions


# ---------------------------------------------------------------------- landscape
@pytest.mark.parametrize(("context", "preset"), [
    (None, None),
    ({"tough_rivalry": True, "china_suspicion_grows": True}, None),
    ({"china_suspicion_grows": True, "russia_uzbekistan_crisis": False}, "article-2010"),
])
def test_counting_landscape_equals_enumerating(context: dict[str, bool] | None,
                                               preset: str | None) -> None:
    counted = landscape(context, preset=preset, method="count")
    enumerated = landscape(context, preset=preset, method="enumerate")
    assert (counted.method, enumerated.method) == ("count", "enumerate")
    assert counted.model_dump(exclude={"method"}) == enumerated.model_dump(exclude={"method"})
    assert landscape(context, preset=preset).method == "count"


@pytest.mark.parametrize("seed", range(6))
def test_counting_landscape_on_generated_rules(seed: int, tmp_path: Path) -> None:
    rng = random.Random(2000 + seed)
    kb = generated_kb(rng, tmp_path, 20, 20)
    context = {c: rng.random() < 0.5 for c in rng.sample(list(kb.conditions), 5)}
    counted = landscape(context, kb=kb, method="count")
    enumerated = landscape(context, kb=kb, method="enumerate")
    assert counted.model_dump(exclude={"method"}) == enumerated.model_dump(exclude={"method"})


def test_landscape_falls_back_to_enumeration(stock_copy: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    kb = kzpolicy.load(stock_copy)
    monkeypatch.setattr(counting, "MAX_CONE", 1)  # T8's cone reads more factors than one
    auto = landscape(kb=kb)
    assert auto.method == "enumerate"
    with pytest.raises(kzpolicy.ConeTooLargeError, match="uncertain conditions"):
        landscape(kb=kb, method="count")
    monkeypatch.undo()
    assert landscape(kb=kb, method="count").model_dump(exclude={"method"}) == \
        auto.model_dump(exclude={"method"})


def test_a_landscape_beyond_enumeration(tmp_path: Path) -> None:
    """Forty factors: 2^40 combinations, counted; the scenario counts against the
    closed form over the counts, and an item against the counting of its own rules."""
    kb = kzpolicy.load(kbgen.many_factors(tmp_path / "rules", 40))
    with pytest.raises(kzpolicy.InputError, match="enumerates at most"):
        landscape(kb=kb, method="enumerate")
    got = landscape(kb=kb)
    assert got.method == "count" and got.combinations == 2**40
    sizes = [len(s.factors) for s in kb.scenarios.values()]
    expected = dict.fromkeys(kb.scenarios, 0)
    for counts in itertools.product(*(range(n + 1) for n in sizes)):
        synthetic = {f.id: True for n, s in zip(counts, kb.scenarios.values(), strict=True)
                     for f in s.factors[:n]}
        expected[decide(kb, synthetic).scenario] += math.prod(
            math.comb(n, c) for n, c in zip(sizes, counts, strict=True))
    assert got.scenarios == expected
    half = probabilities(dict.fromkeys(kb.factors, Fraction(1, 2)), kb=kb, exact=True)
    for item in got.items:
        exact = next(i for i in (*half.outcomes, *half.risks, *half.engaged)
                     if i.id == item.id).exact
        assert exact is not None and item.count == exact * 2**40, item.id
    assert {f.scenario for f in got.influence} == set(kb.scenarios)


def test_landscape_method_checks() -> None:
    with pytest.raises(kzpolicy.InputError, match="unknown method 'fast'"):
        landscape(method="fast")  # type: ignore[arg-type]
    with pytest.raises(kzpolicy.ArgumentTypeError):
        landscape(method=1)  # type: ignore[arg-type]
