"""what_if() and tipping_points(): diffs against two plain assessments, tipping sets
against brute force, bad input, JSON, and the what-if / tipping-points commands."""

from __future__ import annotations

import itertools
import json
import random
from collections.abc import Iterator

import pytest

import kzpolicy
from conftest import CliRun
from kzpolicy.analysis.tipping import TippingPoints, tipping_points
from kzpolicy.analysis.whatif import WhatIf, what_if
from kzpolicy.engine.batch.many import assess_many
from kzpolicy.engine.decision import decide
from kzpolicy.engine.results import Assessment

KB = kzpolicy.load()
IDS = list(KB.condition_ids)
FACTORS = list(KB.factors)


def fired_rules(a: Assessment) -> set[str]:
    return {t.rule for t in a.trace} - {KB.decision.id}


# ---------------------------------------------------------------------- what_if
def test_article_preset_with_two_distancing_factors() -> None:
    w = what_if("article-2010", {"D1": True, "D3": True})
    assert [(c.id, c.before, c.after, c.kind) for c in w.changes] == [
        ("D1", None, True, "factor"), ("D3", None, True, "factor")]
    assert w.changes[0].locator == KB.locator_of("D1")
    assert w.scenario.before == w.scenario.after == "balance"
    assert not w.scenario.changed
    assert w.scenario.shares_after["distancing"] == 2 / 8
    assert {r.id for r in w.rules_started} == {"d1_t1", "d3_t2"}
    assert all(r.locator == KB.rule_index[r.id].locator for r in w.rules_started)
    assert not w.rules_stopped and not w.risks_added  # T1 and T2 were flagged already
    assert not w.unchanged()


def test_a_scenario_switch_shows_items_in_and_out() -> None:
    base = {"D1": True, "D2": True, "D3": True}
    w = what_if(base, ["D4"])
    assert (w.scenario.before, w.scenario.after, w.scenario.changed) == (
        "balance", "distancing", True)
    added = {r.id for r in (*w.outcomes_added, *w.risks_added)}
    removed = {r.id for r in (*w.outcomes_removed, *w.risks_removed)}
    assert {f"DC{i}" for i in range(1, 8)} | {"T7", "C2"} <= added
    assert {f"BC{i}" for i in range(1, 7)} <= removed
    assert {r.id for r in w.outcomes_added} == {f"DC{i}" for i in range(1, 8)}
    assert {"distancing_outcome", "d4_t7", "competition_c2"} <= {r.id for r in w.rules_started}
    assert "balance_outcome" in {r.id for r in w.rules_stopped}
    for ref in (*w.outcomes_added, *w.outcomes_removed, *w.risks_added, *w.risks_removed):
        assert ref.locator == KB.items[ref.id].locator and ref.kind == KB.items[ref.id].kind


def test_clearing_a_condition_makes_it_unknown() -> None:
    w = what_if({"D1": True, "tough_rivalry": True}, {"D1": None})
    assert w.asserted_after == {"tough_rivalry": True}
    assert w.changes[0].before is True and w.changes[0].after is None
    assert "T1" in {r.id for r in w.risks_removed}
    assert "d1_t1" in {r.id for r in w.rules_stopped}


def test_no_change_is_unchanged() -> None:
    w = what_if("article-2010", {"cooperation_intensifies": True})
    assert w.unchanged()
    assert w.asserted_after == w.asserted_before
    assert what_if({"D1": True}).unchanged()


def random_pairs(n: int, seed: int) -> Iterator[tuple[dict[str, bool], dict[str, bool | None]]]:
    rnd = random.Random(seed)
    for _ in range(n):
        base = {c: rnd.random() < 0.6 for c in rnd.sample(IDS, rnd.randint(0, 15))}
        changes: dict[str, bool | None] = {
            c: rnd.choice([True, False, None]) for c in rnd.sample(IDS, rnd.randint(1, 5))}
        yield base, changes


def test_diff_equals_two_durable_assessments() -> None:
    for base, changes in random_pairs(300, seed=11):
        w = what_if(base, changes)
        after = {**base, **{c: v for c, v in changes.items() if v is not None}}
        for c, v in changes.items():
            if v is None:
                after.pop(c, None)
        a, b = kzpolicy.assess(base), kzpolicy.assess(after)
        assert w.asserted_before == base and w.asserted_after == after
        assert (w.scenario.before, w.scenario.after) == (a.scenario.id, b.scenario.id)
        assert w.scenario.shares_before == a.scenario.shares
        assert w.scenario.shares_after == b.scenario.shares
        ra, rb = {f.id for f in a.risks}, {f.id for f in b.risks}
        ea, eb = {f.id for f in a.engaged}, {f.id for f in b.engaged}
        assert {r.id for r in w.risks_added} == rb - ra
        assert {r.id for r in w.risks_removed} == ra - rb
        assert {r.id for r in w.engaged_added} == eb - ea
        assert {r.id for r in w.engaged_removed} == ea - eb
        assert {r.id for r in w.rules_started} == fired_rules(b) - fired_rules(a)
        assert {r.id for r in w.rules_stopped} == fired_rules(a) - fired_rules(b)


def test_base_forms() -> None:
    by_name = what_if("article-2010", ["D1"])
    by_keyword = what_if(None, ["D1"], preset="article-2010")
    assert by_name == by_keyword
    overlay = what_if({"tough_rivalry": True}, ["D1"], preset="article-2010")
    assert overlay.asserted_before["tough_rivalry"] is True
    assert overlay.asserted_before["B1"] is True


def test_result_round_trips_through_json() -> None:
    w = what_if("article-2010", {"D1": True, "B2": None, "I4": False})
    again = WhatIf.model_validate_json(w.model_dump_json())
    assert again == w
    with pytest.raises(Exception, match="frozen"):
        w.changes = ()


def test_bad_what_if_input() -> None:
    with pytest.raises(kzpolicy.UnknownConditionError, match="'D8'") as info:
        what_if({"D1": True}, {"D9": True})
    assert info.value.value == "D9"
    with pytest.raises(kzpolicy.InputError, match="true, false or None"):
        what_if({}, {"D1": "yes"})
    with pytest.raises(kzpolicy.InputError, match="single string"):
        what_if({}, "D1")
    with pytest.raises(kzpolicy.InputError, match="names a preset"):
        what_if("article-2010", ["D1"], preset="balance")
    with pytest.raises(kzpolicy.UnknownIdError, match="article-2010"):
        what_if("article2010", ["D1"])
    with pytest.raises(kzpolicy.UnknownConditionError):
        what_if({"D99": True}, ["D1"])


# ---------------------------------------------------------------------- tipping points
def flips(asserted: dict[str, bool], chosen: tuple[str, ...]) -> dict[str, bool]:
    out = dict(asserted)
    for f in chosen:
        out[f] = asserted.get(f) is not True
    return out


def brute_force(asserted: dict[str, bool], max_size: int) -> list[frozenset[str]]:
    """Every minimal set of factor flips (at most max_size) that switches the scenario."""
    now = decide(KB, asserted).scenario
    found: list[frozenset[str]] = []
    for size in range(1, max_size + 1):
        for chosen in itertools.combinations(FACTORS, size):
            s = frozenset(chosen)
            if any(f <= s for f in found):
                continue
            if decide(KB, flips(asserted, chosen)).scenario != now:
                found.append(s)
    return found


BASES: list[dict[str, bool]] = [
    {},
    {"D1": True, "D2": True, "D3": True},
    {"I1": True, "I2": True, "I3": True, "I4": True, "B1": False},
    {"D1": True, "D2": True, "D3": True, "D4": True, "I1": True, "I2": True, "I3": True,
     "I4": True},
    {"B1": True, "B2": True, "D1": True, "D2": True, "D3": True, "D4": True, "I7": False},
]


@pytest.mark.parametrize("base", BASES)
def test_tipping_points_match_brute_force(base: dict[str, bool]) -> None:
    truth = brute_force(base, 3)
    every = tipping_points(base, max_size=3, all_minimal=True, limit=None)
    assert {frozenset(c.id for c in p.changes) for p in every.points} == set(truth)
    assert len(every.points) == every.total == len(truth)  # each set listed once
    smallest = tipping_points(base, max_size=3, limit=None)
    if truth:
        d = min(len(s) for s in truth)
        assert smallest.distance == every.distance == d
        assert {frozenset(c.id for c in p.changes) for p in smallest.points} == {
            s for s in truth if len(s) == d}
    else:
        assert smallest.distance is None and not smallest.points
    now = decide(KB, base)
    assert smallest.scenario == now.scenario and smallest.shares == now.shares
    for p in every.points:
        after = flips(base, tuple(c.id for c in p.changes))
        outcome = decide(KB, after)
        assert p.scenario == outcome.scenario != now.scenario
        assert p.shares == outcome.shares
        for c in p.changes:
            assert c.before == base.get(c.id)
            assert c.after is (base.get(c.id) is not True)
            assert c.locator == KB.locator_of(c.id)


def test_the_article_situation_is_eight_changes_from_a_tipping_point() -> None:
    near = tipping_points("article-2010")
    # no set of 3 changes; the count lattice (8 x 8 x 9 cells) says the nearest needs 8
    assert near.distance is None and not near.points and near.searched == 8 * 8 * 9
    assert near.nearest == 8 and near.work.complete
    far = tipping_points("article-2010", max_size=8)
    assert far.distance == 8 and far.total == 7168 and len(far.sets) == 8
    assert len(far.points) == 20  # a page; limit=None lists all 7168
    assert len(tipping_points("article-2010", max_size=8, limit=None).points) == 7168
    example = far.points[0]
    assert len(example.changes) == 8
    assert decide(KB, flips(near.asserted, tuple(c.id for c in example.changes))
                  ).scenario == example.scenario != "balance"


def test_tipping_points_input_checks_and_json() -> None:
    for bad in (0, -1, 1.5, True):
        with pytest.raises(kzpolicy.InputError, match="max_size"):
            tipping_points({}, max_size=bad)  # type: ignore[arg-type]
    t = tipping_points({"D1": True, "D2": True, "D3": True})
    assert TippingPoints.model_validate_json(t.model_dump_json()) == t
    assert tipping_points({}, max_size=99).max_size == len(FACTORS)


# ---------------------------------------------------------------------- assess_many
def test_assess_many_equals_assess() -> None:
    inputs: list[dict[str, bool]] = [base for base, _ in random_pairs(200, seed=3)]
    many = assess_many(inputs)
    assert many == [kzpolicy.assess(x, engine="compiled") for x in inputs]
    for got, x in zip(many, inputs, strict=True):
        ref = kzpolicy.assess(x)
        assert got.scenario == ref.scenario
        assert got.flagged_ids() == ref.flagged_ids()
    assert assess_many([["D1"], {"D2": True}], preset="article-2010") == [
        kzpolicy.assess(["D1"], preset="article-2010"),
        kzpolicy.assess({"D2": True}, preset="article-2010")]
    assert assess_many([]) == []


def test_assess_many_names_the_bad_input() -> None:
    with pytest.raises(kzpolicy.UnknownConditionError, match=r"condition set 1: .*'D8'"):
        assess_many([{"D1": True}, {"D9": True}])
    with pytest.raises(kzpolicy.InputError, match=r"condition set 0: .*true or false"):
        assess_many([{"D1": 1}])
    with pytest.raises(kzpolicy.InputError, match="list of condition sets"):
        assess_many({"D1": True})
    with pytest.raises(kzpolicy.UnknownIdError, match="article-2010"):
        assess_many([{}], preset="article2010")


# ---------------------------------------------------------------------- command line
def test_cli_what_if_formats(cli_run: CliRun) -> None:
    code, text = cli_run(*["what-if", "--preset", "article-2010", "--set", "D1", "--set", "D3"])
    assert code == 0
    assert "Scenario: balance -> balance (unchanged)" in text
    assert "d1_t1" in text and "scenarios / distancing_factors / item 1" in text
    code, raw = cli_run(*["what-if", "--preset", "article-2010", "--set", "D1", "--set", "D3",
                      "--format", "json"])
    assert code == 0
    assert WhatIf.model_validate(json.loads(raw)) == what_if("article-2010", ["D1", "D3"])
    code, md = cli_run(*["what-if", "--base", "D1", "--base", "D2", "--base", "D3=true",
                     "--set", "D4", "--clear", "D1", "--format", "markdown"])
    assert code == 0 and md.startswith("## What if:") and "| rule |" in md


@pytest.mark.parametrize(("argv", "fragment"), [
    (["what-if", "--set", "D9"], "unknown condition 'D9'"),
    (["what-if", "--preset", "article-2010"], "nothing to change"),
    (["what-if", "--set", "D1=maybe"], "must be true or false"),
    (["what-if", "--set", "D1", "--clear", "D1"], "both set and cleared"),
    (["tipping-points", "--max-size", "x"], "--max-size x"),
    (["tipping-points", "--max-size", "0"], "at least 1"),
    (["tipping-points", "--preset", "nope"], "unknown preset"),
])
def test_cli_bad_input_exits_2_with_one_line(cli_run: CliRun,
    argv: list[str], fragment: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _ = cli_run(*argv)
    err = capsys.readouterr().err
    assert code == 2
    assert fragment in err and err.count("\n") == 1


def test_cli_tipping_points(cli_run: CliRun) -> None:
    code, text = cli_run(*["tipping-points", "--set", "D1", "--set", "D2", "--set", "D3"])
    assert code == 0 and "Distance to a tipping point: 1 change(s)" in text
    code, raw = cli_run(*["tipping-points", "--preset", "article-2010", "--format", "json"])
    data = json.loads(raw)
    assert code == 0 and data["distance"] is None and data["max_size"] == 3
    code, md = cli_run(*["tipping-points", "--set", "D1", "--set", "D2", "--set", "D3", "--all",
                     "--max-size", "2", "--format", "markdown"])
    assert code == 0 and md.startswith("## Tipping points from `balance`")
