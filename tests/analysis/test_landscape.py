"""landscape() and monte_carlo(): exact counts against independent oracles and brute
force, influence sanity, reproducible sampling, degenerate probabilities, the commands."""

from __future__ import annotations

import io
import itertools
import json
import math
import random
from math import comb
from pathlib import Path

import pytest

import kzpolicy
from conftest import CliRun
from kzpolicy.analysis.landscape import (
    Landscape,
    enumerate_factors,
    influence_counts,
    landscape,
)
from kzpolicy.analysis.montecarlo import MonteCarlo, monte_carlo, wilson
from kzpolicy.engine.bitset import bitset
from kzpolicy.engine.decision import decide
from kzpolicy.kb.kinds import FLAGGABLE

KB = kzpolicy.load()
FACTORS = list(KB.factors)
SCENARIOS = list(KB.scenarios.values())
SIZES = [len(s.factors) for s in SCENARIOS]


def scenario_of_counts(counts: tuple[int, ...]) -> str:
    synthetic = {f.id: True for n, s in zip(counts, SCENARIOS, strict=True)
                 for f in s.factors[:n]}
    return decide(KB, synthetic).scenario


@pytest.fixture(scope="module")
def stock() -> Landscape:
    return landscape()


# ---------------------------------------------------------------------- landscape
def test_scenario_counts_are_exact(stock: Landscape) -> None:
    """Oracle: group the 2^22 combinations by how many factors of each scenario are true."""
    expected = dict.fromkeys(KB.scenarios, 0)
    for counts in itertools.product(*(range(n + 1) for n in SIZES)):
        ways = math.prod(comb(n, c) for n, c in zip(SIZES, counts, strict=True))
        expected[scenario_of_counts(counts)] += ways
    assert stock.combinations == 2 ** len(FACTORS) == sum(expected.values())
    assert stock.scenarios == expected
    assert stock.scenario_shares == {s: c / 2**22 for s, c in expected.items()}


def test_influence_is_exact(stock: Landscape) -> None:
    """Oracle: pairs (f false, f true) that differ, counted by the other factors' counts."""
    for k, sc in enumerate(SCENARIOS):
        changes = 0
        for counts in itertools.product(*(range(n + 1) for n in SIZES)):
            if counts[k] == SIZES[k]:
                continue  # f is false, so at most n-1 of its scenario's factors are true
            ways = comb(SIZES[k] - 1, counts[k]) * math.prod(
                comb(n, c) for j, (n, c) in enumerate(zip(SIZES, counts, strict=True))
                if j != k)
            up = tuple(c + (j == k) for j, c in enumerate(counts))
            if scenario_of_counts(counts) != scenario_of_counts(up):
                changes += 2 * ways
        for f in stock.influence:
            if f.scenario == sc.id:
                assert f.changes == changes, f.id
                assert f.share == changes / 2**22


def test_influence_sanity(stock: Landscape) -> None:
    assert [f.id for f in stock.influence] == FACTORS
    for f in stock.influence:
        assert f.changes % 2 == 0 and 0 < f.share < 1
        assert f.locator == KB.locator_of(f.id) and f.scenario == KB.factors[f.id].scenario
    # factors of one scenario are interchangeable in the decision rule
    for sc in KB.scenarios:
        assert len({f.changes for f in stock.influence if f.scenario == sc}) == 1


def test_sampled_combinations_against_decide() -> None:
    engine = bitset(KB)
    scenario, _ = enumerate_factors(engine, {}, FACTORS)
    rnd = random.Random(9)
    for x in rnd.sample(range(2**22), 2000):
        asserted = {f: bool(x >> i & 1) for i, f in enumerate(FACTORS)}
        assert engine.scenario_ids[scenario[x]] == decide(KB, asserted).scenario


@pytest.mark.parametrize("chunk_bits", [4, 18])
def test_reduced_landscape_against_brute_force(chunk_bits: int) -> None:
    """Ten conditions (factors and context) vary, the rest fixed: every combination
    through durable assess(), compared with the vectorised enumeration."""
    rnd = random.Random(chunk_bits)
    free = [*rnd.sample(FACTORS, 6), *rnd.sample(list(KB.conditions), 4)]
    fixed = {c: rnd.random() < 0.5 for c in KB.condition_ids if c not in free
             and rnd.random() < 0.7}
    scenario, items = enumerate_factors(bitset(KB), fixed, free, chunk_bits=chunk_bits)
    expected_items = {i: 0 for i, info in KB.items.items() if info.kind in FLAGGABLE}
    per_combo = []
    for x in range(2 ** len(free)):
        asserted = {**fixed, **{c: bool(x >> i & 1) for i, c in enumerate(free)}}
        a = kzpolicy.assess(asserted)
        per_combo.append(a.scenario.id)
        for item in a.flagged_ids():
            expected_items[item] += 1
    ids = bitset(KB).scenario_ids
    assert [ids[s] for s in scenario] == per_combo
    assert items == expected_items
    # influence of each free condition by brute force
    for i, n in enumerate(influence_counts(scenario, len(free))):
        assert n == sum(per_combo[x] != per_combo[x ^ (1 << i)] for x in range(len(per_combo)))


def test_item_counts_and_context() -> None:
    rival = landscape({"tough_rivalry": True})
    counts = {i.id: i.count for i in rival.items}
    assert counts["C1"] == 2**22  # flagged by the fixed context in every combination
    assert counts["BC1"] == rival.scenarios["balance"]
    assert counts["DC1"] == rival.scenarios["distancing"]
    assert counts["T2"] == 2**21  # D3 true in half the combinations, nothing else flags it
    assert {i.id for i in rival.items} == {
        i for i, info in KB.items.items() if info.kind in FLAGGABLE}
    assert rival.scenarios == landscape().scenarios  # context never enters the decision
    preset = landscape(preset="article-2010")
    assert preset.context == {c: v for c, v in kzpolicy.assess(preset="article-2010")
                              .asserted.items() if c in KB.conditions}
    assert {i.id: i.count for i in preset.items}["S6"] == 2**22  # joint_exercises


def test_landscape_input_checks() -> None:
    with pytest.raises(kzpolicy.InputError, match="'D1' is a scenario factor"):
        landscape({"D1": True})
    with pytest.raises(kzpolicy.UnknownConditionError, match="tough_rivalry"):
        landscape({"tough_rivalri": True})
    with pytest.raises(kzpolicy.InputError, match="true or false"):
        landscape({"tough_rivalry": "yes"})


def test_progress_and_json(stock: Landscape) -> None:
    seen: list[tuple[int, int]] = []
    result = landscape(progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (2**22, 2**22) and len(seen) > 1
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert result == stock
    assert Landscape.model_validate_json(stock.model_dump_json()) == stock


# ---------------------------------------------------------------------- Monte Carlo
PROBS = {"D1": 0.6, "D2": 0.5, "D3": 0.5, "D4": 0.4, "I1": 0.5, "I2": 0.5,
         "russia_west_worsen": 0.3}


def test_seed_reproduces_and_matters() -> None:
    a = monte_carlo(PROBS, samples=5000, seed=123)
    assert a == monte_carlo(PROBS, samples=5000, seed=123)
    assert a.seed == 123
    assert a != monte_carlo(PROBS, samples=5000, seed=124)
    drawn = monte_carlo(PROBS, samples=2000)
    assert monte_carlo(PROBS, samples=2000, seed=drawn.seed) == drawn
    assert MonteCarlo.model_validate_json(a.model_dump_json()) == a


def exact(probs: dict[str, float]) -> tuple[dict[str, float], dict[str, float]]:
    """Scenario and item probabilities by weighing every combination."""
    ids = list(probs)
    scen = dict.fromkeys(KB.scenarios, 0.0)
    items: dict[str, float] = {}
    for values in itertools.product((True, False), repeat=len(ids)):
        weight = math.prod(probs[c] if v else 1 - probs[c]
                           for c, v in zip(ids, values, strict=True))
        a = kzpolicy.assess(dict(zip(ids, values, strict=True)))
        scen[a.scenario.id] += weight
        for i in a.flagged_ids():
            items[i] = items.get(i, 0.0) + weight
    return scen, items


def test_estimates_cover_the_exact_probabilities() -> None:
    scen, items = exact(PROBS)
    mc = monte_carlo(PROBS, samples=40_000, seed=2010, confidence=0.999)
    for s, e in mc.scenarios.items():
        assert e.low <= scen[s] <= e.high, s
        assert e.count == round(e.probability * mc.samples)
    for ref in (*mc.outcomes, *mc.risks, *mc.engaged):
        assert ref.low <= items.get(ref.id, 0.0) <= ref.high, ref.id


def test_degenerate_probabilities_are_exact() -> None:
    rnd = random.Random(4)
    for _ in range(20):
        chosen = rnd.sample(list(KB.condition_ids), rnd.randint(1, 20))
        probs = {c: float(rnd.random() < 0.5) for c in chosen}
        mc = monte_carlo(probs, samples=500, seed=rnd.randrange(2**32))
        a = kzpolicy.assess({c: p == 1.0 for c, p in probs.items()})
        for s, e in mc.scenarios.items():
            truth = 1.0 if s == a.scenario.id else 0.0
            assert e.probability == truth and e.low <= truth <= e.high
        flagged = a.flagged_ids()
        for ref in (*mc.outcomes, *mc.risks, *mc.engaged):
            truth = 1.0 if ref.id in flagged else 0.0
            assert ref.probability == truth and ref.low <= truth <= ref.high


def test_fixed_preset_and_overrides() -> None:
    mc = monte_carlo({"B1": 0.0}, preset="article-2010", samples=100, seed=1)
    assert "B1" not in mc.fixed and mc.fixed["B2"] is True
    assert mc.scenarios["balance"].probability == 1.0
    assert {r.id for r in mc.engaged if r.probability == 1.0} == (
        {f.id for f in kzpolicy.assess({"B1": False}, preset="article-2010").engaged})
    fixed = monte_carlo({"D1": 1.0}, fixed={"D2": True, "D3": True, "D4": True},
                        samples=100, seed=1)
    assert fixed.scenarios["distancing"].probability == 1.0
    kinds = {r.kind for r in mc.risks} | {r.kind for r in mc.engaged}
    assert kinds <= FLAGGABLE


@pytest.mark.parametrize(("kwargs", "fragment"), [
    ({"probabilities": {"D1": 1.5}}, "from 0 to 1"),
    ({"probabilities": {"D1": -0.1}}, "from 0 to 1"),
    ({"probabilities": {"D1": float("nan")}}, "from 0 to 1"),
    ({"probabilities": {"D1": True}}, "must be a number"),
    ({"probabilities": {"D1": "0.5"}}, "must be a number"),
    ({"probabilities": ["D1"]}, "must be a mapping"),
    ({"probabilities": {"D1": 0.5}, "fixed": {"D1": True}}, "both fixed and given"),
    ({"probabilities": {"D1": 0.5}, "samples": 0}, "samples"),
    ({"probabilities": {"D1": 0.5}, "seed": -1}, "seed"),
    ({"probabilities": {"D1": 0.5}, "confidence": 1.0}, "confidence"),
])
def test_monte_carlo_input_checks(kwargs: dict[str, object], fragment: str) -> None:
    with pytest.raises(kzpolicy.InputError, match=fragment):
        monte_carlo(**kwargs)  # type: ignore[arg-type]


def test_unknown_condition_in_probabilities() -> None:
    with pytest.raises(kzpolicy.UnknownConditionError, match="'D8'"):
        monte_carlo({"D9": 0.5})


def test_wilson_interval() -> None:
    for hits, n in [(0, 10), (10, 10), (3, 10), (500, 1000), (1, 100000)]:
        low, high = wilson(hits, n, 0.95)
        assert 0.0 <= low <= hits / n <= high <= 1.0
    assert wilson(0, 10, 0.95)[0] == 0.0 and wilson(10, 10, 0.95)[1] == 1.0
    assert wilson(50, 100, 0.99)[1] - wilson(50, 100, 0.99)[0] > (
        wilson(50, 100, 0.9)[1] - wilson(50, 100, 0.9)[0])


# ---------------------------------------------------------------------- command line
def test_cli_landscape(
    cli_run: CliRun, stock: Landscape, capsys: pytest.CaptureFixture[str]
) -> None:
    code, raw = cli_run(*["landscape", "--format", "json"])
    assert code == 0 and Landscape.model_validate(json.loads(raw)) == stock
    assert capsys.readouterr().err == ""  # no progress bar when stderr is not a terminal
    code, text = cli_run(*["landscape", "--set", "tough_rivalry"])
    assert code == 0 and "4194304 combinations of 22 factors" in text and "Influence" in text
    code, _ = cli_run(*["landscape", "--set", "D1"])
    err = capsys.readouterr().err
    assert code == 2 and "scenario factor" in err and err.count("\n") == 1


def test_cli_monte_carlo(cli_run: CliRun, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["monte-carlo", "--prob", "D1=0.6", "--prob", "D2=0.5", "--samples", "2000",
            "--seed", "42", "--format", "json"]
    code, raw = cli_run(*argv)
    assert code == 0
    assert MonteCarlo.model_validate(json.loads(raw)) == monte_carlo(
        {"D1": 0.6, "D2": 0.5}, samples=2000, seed=42)
    code, text = cli_run(*argv[:-2])
    assert code == 0 and "seed 42" in text
    code, md = cli_run(*[*argv[:-1], "markdown"])
    assert code == 0 and md.startswith("## Monte Carlo")
    for bad, fragment in [(["--prob", "D1"], "write ID=P"), (["--prob", "D1=x"], "not a number"),
                          (["--prob", "D1=0.5", "--samples", "-3"], "at least 1"),
                          ([], "at least one probability")]:
        code, _ = cli_run(*["monte-carlo", *bad])
        err = capsys.readouterr().err
        assert code == 2 and fragment in err and err.count("\n") == 1, bad


def test_progress_bar_only_on_a_terminal() -> None:
    from kzpolicy.cli.analysis_commands import _Bar

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    tty, pipe = Terminal(), io.StringIO()
    for stream in (tty, pipe):
        bar = _Bar("landscape", stream)
        bar(1, 4)
        bar(4, 4)
    assert pipe.getvalue() == ""
    assert "landscape [" in tty.getvalue() and "100%" in tty.getvalue()
    assert tty.getvalue().endswith("\n")


def test_when_neither_method_can_the_refusal_does_not_advise_counting(
        monkeypatch: pytest.MonkeyPatch, stock_copy: Path) -> None:
    from kzpolicy.analysis import counting
    from kzpolicy.analysis import landscape as module

    kb = kzpolicy.load(stock_copy)  # its own: no counter kept from another test
    monkeypatch.setattr(module, "MAX_FACTORS", 10)  # the stock base has more factors
    with pytest.raises(kzpolicy.InputError, match="use method='count'"):
        landscape(kb=kb, method="enumerate")  # counting was not tried: it may well do
    monkeypatch.setattr(counting, "MAX_CONE", 1)  # and counting cannot either
    with pytest.raises(kzpolicy.ConeTooLargeError) as info:
        landscape(kb=kb)
    assert "method='count'" not in str(info.value)
    assert "counting cannot either: item" in str(info.value)
