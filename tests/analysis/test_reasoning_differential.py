"""stability(), counterfactuals() and why_not() against brute force (tests/analysis/brute.py):
every completion of the unknown conditions, every set of changes up to a size, every
input over an item's conditions; on the stock rules and on generated knowledge bases
with negation, chains, cycles and scenario triggers (tests/fuzz.py) and with more
factors (tests/analysis/kbgen.py), and with the cones' full tables turned off so that
the code that fires a cone's rules for one input's assignments runs too.

Zero disagreements over the cases counted in ``CASES`` (at least 2,000 in all); each
test checks that it ran the cases it is counted for.
"""

from __future__ import annotations

import random
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

import kzpolicy
from kzpolicy.analysis import cones

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import brute
import kbgen

import fuzz

pytestmark = pytest.mark.slow

#: the cases each test runs: a case is one input (stability), one input and target
#: (counterfactuals) or one item (why-not) on one knowledge base
CASES = {
    "stability stock": 500,
    "stability generated": 320,
    "stability many factors": 80,
    "stability without full tables": 80,
    "counterfactuals stock, 2 changes": 400,
    "counterfactuals stock, 3 changes": 12,
    "counterfactuals generated": 240,
    "counterfactuals many factors": 60,
    "counterfactuals without full tables": 60,
    "why-not stock": 50,
    "why-not generated": 350,
    "why-not many factors": 50,
    "stability under readings": 240,
    "counterfactuals under readings": 200,
    "why-not under readings": 150,
}


def test_the_cases_number_at_least_two_thousand() -> None:
    assert sum(CASES.values()) >= 2000


# ------------------------------------------------------------------ knowledge bases
@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> list[kzpolicy.KnowledgeBase]:
    """Random rules over the stock vocabulary (negation, chains through items, cycles,
    scenario triggers): the first eight seeds that load."""
    return fuzz.loadable_kbs(tmp_path_factory.mktemp("generated"), 8)


@pytest.fixture(scope="module")
def many(tmp_path_factory: pytest.TempPathFactory) -> kzpolicy.KnowledgeBase:
    """30 factors (10 a scenario) and 60 generated rules over them."""
    return kzpolicy.load(kbgen.many_factors(tmp_path_factory.mktemp("many") / "rules", 30))


@pytest.fixture
def no_full_tables(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> kzpolicy.KnowledgeBase:
    """A copy of the stock rules whose cones keep no full table: every cone of two
    conditions or more is fired for each input's assignments instead."""
    from kzpolicy.kb.loading import stock_rules_path

    shutil.copytree(stock_rules_path(), tmp_path / "rules")
    monkeypatch.setattr(cones, "MAX_FULL_TABLE", 3)
    return kzpolicy.load(tmp_path / "rules")


def _input(kb: kzpolicy.KnowledgeBase, rng: random.Random, most_unknown: int
           ) -> dict[str, bool]:
    """Every condition asserted but a few; each scenario's factors true with their own
    odds, so that inputs fall near the decision's boundaries too."""
    ids = list(kb.condition_ids)
    unknown = set(rng.sample(ids, rng.randint(0, most_unknown)))
    odds = {s: rng.random() for s in kb.scenarios}
    group = {f: info.scenario for f, info in kb.factors.items()}
    return {c: rng.random() < odds.get(group.get(c, ""), 0.5) for c in ids if c not in unknown}


@pytest.fixture(scope="module")
def read(generated: list[kzpolicy.KnowledgeBase]) -> list[kzpolicy.KnowledgeBase]:
    """The stock rules and the generated ones, each under one of the stock readings in
    turn: no decision rule (``stated-only``: every scenario undecided), a count
    threshold, a strict share and ties to a pole."""
    from kzpolicy.kb.loading import read_as

    names = READINGS
    bases = [kzpolicy.load(), *generated]
    return [read_as("test", kb, names[n % len(names)]) for n, kb in enumerate(bases)]


READINGS = ("stated-only", "count-4", "more-than-half", "ties-to-pole")


def _over(kbs: list[kzpolicy.KnowledgeBase], seed: int,
          run: Callable[[kzpolicy.KnowledgeBase, int], tuple[int, list[str]]]
          ) -> tuple[int, list[str]]:
    """``run(kb, seed)`` on each knowledge base (seeds from ``seed``): cases run and
    disagreements, summed."""
    ran, wrong = 0, list[str]()
    for n, kb in enumerate(kbs):
        r, w = run(kb, seed + n)
        ran, wrong = ran + r, wrong + w
    return ran, wrong


# ------------------------------------------------------------------ stability
def _stability_cases(kb: kzpolicy.KnowledgeBase, n: int, seed: int, most_unknown: int = 10
                     ) -> tuple[int, list[str]]:
    rng = random.Random(seed)
    wrong: list[str] = []
    for _ in range(n):
        given = _input(kb, rng, most_unknown)
        truth = brute.completions(kb, given)
        got = brute.reported(kzpolicy.stability(given, kb=kb))
        if got != truth:
            bad = next(k for k in truth if truth[k] != got.get(k))
            wrong.append(f"{given}: {bad}: brute {truth[bad]}, stability {got.get(bad)}")
    return n, wrong


def test_stability_on_the_stock_rules() -> None:
    ran, wrong = _stability_cases(kzpolicy.load(), CASES["stability stock"], 1)
    assert ran == CASES["stability stock"] and wrong == []


def test_stability_on_generated_rules(generated: list[kzpolicy.KnowledgeBase]) -> None:
    each = CASES["stability generated"] // len(generated)
    ran, wrong = _over(generated, 100, lambda kb, seed: _stability_cases(kb, each, seed))
    assert ran == CASES["stability generated"] and wrong == []


def test_stability_with_many_factors(many: kzpolicy.KnowledgeBase) -> None:
    ran, wrong = _stability_cases(many, CASES["stability many factors"], 7)
    assert ran == CASES["stability many factors"] and wrong == []


def test_stability_without_full_tables(no_full_tables: kzpolicy.KnowledgeBase) -> None:
    ran, wrong = _stability_cases(no_full_tables, CASES["stability without full tables"], 3)
    assert ran == CASES["stability without full tables"] and wrong == []


def test_stability_under_readings(read: list[kzpolicy.KnowledgeBase]) -> None:
    name = "stability under readings"
    each = CASES[name] // 8
    ran, wrong = _over(read[:8], 400, lambda kb, seed: _stability_cases(kb, each, seed))
    assert ran == CASES[name] and wrong == []
    assert {kb.decision.form for kb in read[:8]} == {"none", "count", "share"}


# ------------------------------------------------------------------ counterfactuals
def _target(kb: kzpolicy.KnowledgeBase, rng: random.Random) -> tuple[str, str]:
    action = rng.choice(["flag", "clear", "flag", "clear", "imply", "leave"])
    if action in ("imply", "leave"):
        return action, rng.choice(list(kb.scenarios))
    items = [i for i, info in kb.items.items() if info.kind != "stimulus"]
    return action, rng.choice(items)


def _counterfactual_cases(kb: kzpolicy.KnowledgeBase, n: int, seed: int, k: int
                          ) -> tuple[int, int, list[str]]:
    """Cases run, cases whose answer is a non-empty change, and the disagreements."""
    rng = random.Random(seed)
    wrong: list[str] = []
    changing = 0
    for _ in range(n):
        given = _input(kb, rng, len(kb.condition_ids))
        action, ident = _target(kb, rng)
        truth = brute.minimal_changes(kb, given, (action, ident), k)
        c = kzpolicy.counterfactuals(given, f"{action} {ident}", kb=kb, max_changes=k,
                                     limit=10**7)
        got = brute.listed(c)
        changing += bool(truth - {frozenset()})
        if got != truth or len(c.listing) != c.total or c.work.bound not in (None, "changes"):
            wrong.append(f"{action} {ident} from {given}: only brute {truth - got}, only "
                         f"counterfactuals {got - truth}")
    return n, changing, wrong


def test_counterfactuals_on_the_stock_rules() -> None:
    name = "counterfactuals stock, 2 changes"
    ran, changing, wrong = _counterfactual_cases(kzpolicy.load(), CASES[name], 2, 2)
    assert ran == CASES[name] and wrong == []
    assert changing > CASES[name] // 4  # most cases have a change to find


def test_counterfactuals_of_three_changes_on_the_stock_rules() -> None:
    name = "counterfactuals stock, 3 changes"
    ran, _, wrong = _counterfactual_cases(kzpolicy.load(), CASES[name], 3, 3)
    assert ran == CASES[name] and wrong == []


def test_counterfactuals_on_generated_rules(generated: list[kzpolicy.KnowledgeBase]) -> None:
    name = "counterfactuals generated"
    each = CASES[name] // len(generated)
    ran, wrong = _over(generated, 200, lambda kb, seed: _counterfactual_cases(
        kb, each, seed, 2)[::2])
    assert ran == CASES[name] and wrong == []


def test_counterfactuals_with_many_factors(many: kzpolicy.KnowledgeBase) -> None:
    name = "counterfactuals many factors"
    ran, _, wrong = _counterfactual_cases(many, CASES[name], 5, 2)
    assert ran == CASES[name] and wrong == []


def test_counterfactuals_without_full_tables(no_full_tables: kzpolicy.KnowledgeBase) -> None:
    name = "counterfactuals without full tables"
    ran, _, wrong = _counterfactual_cases(no_full_tables, CASES[name], 6, 2)
    assert ran == CASES[name] and wrong == []


def test_counterfactuals_under_readings(read: list[kzpolicy.KnowledgeBase]) -> None:
    name = "counterfactuals under readings"
    each = CASES[name] // 8
    ran, wrong = _over(read[:8], 500, lambda kb, seed: _counterfactual_cases(
        kb, each, seed, 2)[::2])
    assert ran == CASES[name] and wrong == []


# ------------------------------------------------------------------ why not
def _why_not_cases(kb: kzpolicy.KnowledgeBase, seed: int) -> tuple[int, list[str]]:
    rng = random.Random(seed)
    wrong: list[str] = []
    items = [i for i, info in kb.items.items() if info.kind != "stimulus"]
    for item in items:
        given = _input(kb, rng, len(kb.condition_ids))
        truth = brute.rules_that_can_bring(kb, item)
        w = kzpolicy.why_not(given, item, kb=kb)
        if brute.named_rules(w) != truth or not w.work.complete:
            wrong.append(f"{item}: only brute {truth - brute.named_rules(w)}, only why_not "
                         f"{brute.named_rules(w) - truth}")
    return len(items), wrong


def test_why_not_names_exactly_the_rules_on_the_stock_rules() -> None:
    ran, wrong = _why_not_cases(kzpolicy.load(), 1)
    assert ran == CASES["why-not stock"] and wrong == []


def test_why_not_names_exactly_the_rules_on_generated_rules(
        generated: list[kzpolicy.KnowledgeBase]) -> None:
    ran, wrong = _over(generated[:7], 300, _why_not_cases)
    assert ran == CASES["why-not generated"] and wrong == []


def test_why_not_names_exactly_the_rules_with_many_factors(
        many: kzpolicy.KnowledgeBase) -> None:
    ran, wrong = _why_not_cases(many, 9)
    assert ran == CASES["why-not many factors"] and wrong == []


def test_why_not_names_exactly_the_rules_under_readings(
        read: list[kzpolicy.KnowledgeBase]) -> None:
    ran, wrong = _over(read[:3], 600, _why_not_cases)
    assert ran == CASES["why-not under readings"] and wrong == []
