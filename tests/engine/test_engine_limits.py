"""durable-rules' limits are the durable engine's, not the knowledge base's, and each one is
proven at its edge with a knowledge base generated here.

For every limit of ``kzpolicy.kb.limits`` (facts per production, distinct facts, consumers
per fact, productions): exactly at the limit, durable-rules,
the bitset engine and the independent fixpoint oracle of tests/fuzz.py give the same
answers on random inputs; one past it, the knowledge base loads, ``kzpolicy check`` says
"bitset only" and why, ``assess(engine="durable")`` refuses it with that reason before any
durable network or session exists, and the bitset engine's answers are the oracle's.
Strata are bounded by the productions, and a network thousands of strata deep runs three
ways. Live sessions: 1,024 sessions open at once on one network answer right, the 1,025th is
refused with a clear error.
"""

from __future__ import annotations

import random
import re
import shutil
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
import yaml

import fuzz
import kzpolicy
from conftest import CliRun
from kzpolicy.engine.bitset import bitset
from kzpolicy.engine.durable import rules as durable_engine
from kzpolicy.engine.durable.limits import (
    MAX_CONSUMERS,
    MAX_FACTS,
    MAX_NEEDS,
    MAX_PRODUCTIONS,
    MAX_SESSIONS,
    MAX_STRATUM,
    durable_limits,
)
from kzpolicy.engine.durable.rules import durable_rules
from kzpolicy.engine.network import strata
from kzpolicy.kb import expr
from kzpolicy.kb.expr import dnf

WIDE = Path(__file__).parent / "fixtures" / "too_wide_for_durable"
SEVENTEEN = ["I1", "I2", "I3", "I4", "I5", "I6", "I7", "B1", "B2", "B3", "B4", "B5", "B6",
             "B7", "D1", "D2", "D3"]
#: items the generated rules flag and chain through (no scenario outcome: those need their
#: scenario, which the reachability check would ask of every rule that reads them; no item
#: that presupposes conditions: check refuses a rule that reads one)
CHAIN = sorted(i for i, info in kzpolicy.load().items.items()
               if info.kind in ("threat", "weakness", "strength", "opportunity", "rivalry")
               and not info.presupposes)


# ------------------------------------------------------------------ writing knowledge bases
class _NoAliases(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True


def _rule(i: int, when: Any, then: tuple[str, ...] = ("T1",)) -> dict[str, Any]:
    return {"id": f"lim_{i}", "label": f"Limit rule {i}", "when": when, "then": list(then),
            "stance": "interpretation", "reason": "a test of an engine limit",
            "locator": {"section": "scenarios", "list": "threats", "item": 1}}


def _write(folder: Path, rules: list[dict[str, Any]]) -> Path:
    """Add ``rules`` to the rules folder, and a condition for every ``x<n>`` they name."""
    names = sorted(set(re.findall(r"\bx\d+\b", repr([r["when"] for r in rules]))),
                   key=lambda n: int(n[1:]))
    conditions = [{"id": n, "label": f"Extra condition {n}", "description": "a test condition",
                   "locator": {"section": "scenarios", "list": "threats", "item": 1}}
                  for n in names]
    data = {"rules": rules, "conditions": conditions}
    (folder / "zz_limits.yaml").write_text(yaml.dump(data, Dumper=_NoAliases, width=1000),
                                          encoding="utf-8")
    return folder


def _literal(fact: str) -> Any:
    return {"not": fact.removeprefix(expr.NEGATION_PREFIX)} \
        if fact.startswith(expr.NEGATION_PREFIX) else fact


def _stock_conjunctions() -> list[frozenset[str]]:
    return [c for r in kzpolicy.load().rules for c in dnf(r.when)]


def _stock_uses(fact: str) -> int:
    return sum(1 for c in _stock_conjunctions() if fact in c)


# ------------------------------------------------------------------ the knowledge bases
def needs(n: int) -> list[dict[str, Any]]:
    """One rule whose one conjunction needs ``n`` facts (two of them negated), and a rule
    chaining on what it flags."""
    facts = [f"x{i}" for i in range(n - 2)] + ["not:x900", "not:x901"]
    return [_rule(0, {"all": [_literal(f) for f in facts]}, ("T2",)),
            _rule(1, {"all": ["T2", "x0"]}, ("W1",))]


def facts(n: int) -> list[dict[str, Any]]:
    """Rules that together need ``n`` distinct facts (the stock ones included): the
    literals ``x<i>`` and ``not:x<i>``, two per rule, flagging and chaining on items."""
    stock = {f for c in _stock_conjunctions() for f in c} | {"T1", "W1"}
    new = [f"x{i // 2}" if i % 2 == 0 else f"not:x{i // 2}" for i in range(n - len(stock))]
    rules = []
    for k, fact in enumerate(new):
        other = new[(k + 7) % len(new)]
        pair = [fact] if other.removeprefix("not:") == fact.removeprefix("not:") else [fact, other]
        rules.append(_rule(k, {"all": [_literal(f) for f in pair]}, (CHAIN[k % len(CHAIN)],)))
    rules.append(_rule(len(new), {"all": ["T1", "W1"]}, ("O1",)))  # a chain over them
    return rules


def consumers(n: int) -> list[dict[str, Any]]:
    """Rules that make ``n`` conjunctions (the stock ones included) need D2."""
    others = ["D1", "D3", "D4", "D5", "D6", "D7", "D8", "I1", "I2", "I3", "B1", "B2"]
    return [_rule(i, {"all": ["D2", others[i % len(others)]]}, (CHAIN[i % len(CHAIN)],))
            for i in range(n - _stock_uses("D2"))]


def productions(n: int) -> list[dict[str, Any]]:
    """Rules that expand to ``n`` conjunctions with the stock ones: each of the first is
    an ``any`` of 256 pairs (the most one `when` may expand to)."""
    rules: list[dict[str, Any]] = []
    left = n - len(_stock_conjunctions())
    while left:
        k, m = len(rules), min(256, left)
        pairs = [{"all": [f"x{k * 16 + j // 16}", f"x{300 + (k + j % 16) % 32}"]}
                 for j in range(m)]
        rules.append(_rule(k, {"any": pairs} if m > 1 else pairs[0], (CHAIN[k % len(CHAIN)],)))
        left -= m
    return rules


def chain(n: int) -> list[dict[str, Any]]:
    """A deep network: rules that with the stock ones make ``n`` productions, each reading
    what the one before flags (as many strata as rules)."""
    rules = []
    for i in range(n - len(_stock_conjunctions())):
        item, then = CHAIN[i % len(CHAIN)], CHAIN[(i + 1) % len(CHAIN)]
        rules.append(_rule(i, {"all": [item, f"x{i % 400}"]}, (then,)))
    return rules


Build = Callable[[int], list[dict[str, Any]]]
#: (what is limited, how the knowledge base is built, the limit, the refusal past it)
EDGES: list[tuple[str, Build, int, str]] = [
    ("needs", needs, MAX_NEEDS, f"needs {MAX_NEEDS + 1} facts; the engine allows {MAX_NEEDS}"),
    ("facts", facts, MAX_FACTS, f"use {MAX_FACTS + 1} distinct facts; the engine allows "
     f"{MAX_FACTS}"),
    ("consumers", consumers, MAX_CONSUMERS, f"'D2' is needed by {MAX_CONSUMERS + 1} rule "
     f"conjunctions; the engine allows {MAX_CONSUMERS}"),
    ("productions", productions, MAX_PRODUCTIONS, f"expand to {MAX_PRODUCTIONS + 1} "
     f"conjunctions; the engine allows {MAX_PRODUCTIONS}"),
]
CASES = [pytest.param(name, build, limit, refusal, id=name,
                      marks=[pytest.mark.slow] if name == "productions" else [])
         for name, build, limit, refusal in EDGES]


# ------------------------------------------------------------------ three ways
def _inputs(kb: kzpolicy.KnowledgeBase, rng: random.Random, n: int) -> Iterator[dict[str, bool]]:
    """Random inputs over the generated conditions and some stock ones: mostly what the
    rules ask of them, so that wide conjunctions hold in some; the first asserts that."""
    read = {f for r in kb.rules if r.id.startswith("lim_") for c in dnf(r.when) for f in c}
    extra = [c for c in kb.condition_ids
             if re.fullmatch(r"x\d+", c) or c in read or f"not:{c}" in read]
    stock = [c for c in kb.condition_ids if c not in extra]
    likely = {c: c in read for c in extra}  # the value the rules ask of it (often True)
    yield dict(likely)
    for _ in range(n - 1):
        given = {c: (rng.random() < 0.92) == v for c, v in likely.items() if rng.random() < 0.9}
        given.update({c: rng.random() < 0.6 for c in rng.sample(stock, rng.randint(0, 12))})
        yield given


def _three_ways(kb: kzpolicy.KnowledgeBase, n: int, *, durable: bool = True) -> None:
    """``n`` random inputs: the engines agree with each other and with the oracle, and
    the generated rules fire in some of them."""
    rng = random.Random(11)
    fired = Counter[bool]()
    for given in _inputs(kb, rng, n):
        b = kzpolicy.assess(given, kb=kb, engine="bitset")
        if durable:
            assert kzpolicy.assess(given, kb=kb) == b, given
        assert b.flagged_ids() == fuzz.reported(kb, given, b.scenario.id), given
        fired[any(step.rule.startswith("lim_") for step in b.trace)] += 1
    assert fired[True], "the generated rules must fire in some inputs"


def _no_durable_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a durable network was built for a knowledge base beyond it")

    monkeypatch.setattr(durable_engine, "DurableNetwork", refuse)


# ------------------------------------------------------------------ the edges
@pytest.mark.parametrize(("name", "build", "limit", "refusal"), CASES)
def test_at_the_limit_all_three_agree(name: str, build: Build, limit: int, refusal: str,
                                      stock_copy: Path) -> None:
    kb = kzpolicy.load(_write(stock_copy, build(limit)))
    assert durable_limits(kb) == []
    _three_ways(kb, 15 if name == "productions" else 40)


@pytest.mark.parametrize(("name", "build", "limit", "refusal"), CASES)
def test_one_past_the_limit_only_bitset_runs_it(
    name: str, build: Build, limit: int, refusal: str, stock_copy: Path, cli_run: CliRun,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    folder = _write(stock_copy, build(limit + 1))
    kb = kzpolicy.load(folder)
    assert kzpolicy.check(folder) == []
    assert [p.message for p in durable_limits(kb) if refusal in p.message]
    code, text = cli_run("check", str(folder))
    assert code == 0 and "engines: bitset only" in text and refusal in text
    _no_durable_network(monkeypatch)
    with pytest.raises(kzpolicy.InputError, match=re.escape(refusal) + ".*engine='bitset'"):
        kzpolicy.assess(["tough_rivalry"], kb=kb)
    _three_ways(kb, 15, durable=False)


def test_strata_are_bounded_by_the_production_limit() -> None:
    """Strata are no limit of their own: a stratum is at most the number of rules, which
    durable's production limit keeps below the highest priority durable takes (a network
    one production deeper is refused as one production too many, above)."""
    assert MAX_PRODUCTIONS < MAX_STRATUM


@pytest.mark.slow
def test_a_network_deeper_than_python_recursion_runs_three_ways(stock_copy: Path) -> None:
    """Strata used to be computed recursively: a chain of 1,000 rules (well within every
    durable limit) made both engines raise RecursionError."""
    kb = kzpolicy.load(_write(stock_copy, chain(1200)))
    assert durable_limits(kb) == []
    assert max(strata(kb).values()) > sys.getrecursionlimit()
    _three_ways(kb, 6)


def test_the_bitset_index_grows_with_the_rules_not_with_their_fan_out(
        stock_copy: Path) -> None:
    """A chain through a few shared items: each item is produced and needed by a
    hundred rules. Kept per production, the index held every consumer of every
    production's facts (rules x fan-out); kept per fact, it holds each once."""
    kb = kzpolicy.load(_write(stock_copy, chain(1500)))
    engine = bitset(kb)
    needs = sum(len(p.needs) for p in engine.productions)
    held = sum(len(t) for table in (engine._watchers, engine._later_of, engine._needing)
               for t in table)
    assert max(len(t) for t in engine._needing) > 40  # the fan-out is there
    assert held <= 3 * needs


@pytest.mark.slow
def test_a_chain_of_ten_thousand_rules_answers_in_a_fraction_of_its_loading(
        stock_copy: Path) -> None:
    """Issue 21 (F14): on a chain through a few shared items the bitset engine's first
    assessment took 13 s at 4,000 rules and gave no answer in 300 s at 10,000 (strata,
    the phase-2 fixpoint, the index and the agenda of cyclic rules were quadratic); now
    building the engine and firing the 10,000 rules takes a fraction of reading them
    (about 8 s here), and firing them again milliseconds. (What the assessment then
    builds on first read, each item's "because" with every step upstream of it, is
    the result model's and is not timed here.)"""
    folder = _write(stock_copy, chain(10_000))
    start = time.monotonic()
    kb = kzpolicy.load(folder, limits=kzpolicy.ReadingLimits(file_bytes=10_000_000))
    loading = time.monotonic() - start
    given = dict.fromkeys(kb.condition_ids, True)
    start = time.monotonic()
    kzpolicy.assess(given, kb=kb, engine="bitset")  # builds the engine, fires the rules
    assert time.monotonic() - start < 0.5 * loading, loading
    start = time.monotonic()
    _, firings = bitset(kb).evaluate_one(given)
    assert time.monotonic() - start < 0.1 * loading, loading
    assert len(firings) > 9_000


# ------------------------------------------------------------------ live sessions
def test_at_the_session_limit_every_session_answers_right_and_one_more_is_refused() -> None:
    """1,024 sessions open at once on one network, each with its own random input, give
    the bitset engine's and the oracle's answers; the 1,025th is refused, also through
    ``assess``, while the bitset engine still answers."""
    kb = kzpolicy.load()
    rules = durable_rules(kb)
    rng = random.Random(5)
    cases = []
    for given in fuzz.random_inputs(rng, MAX_SESSIONS):
        b = kzpolicy.assess(given, kb=kb, engine="bitset")
        # the engine's facts: the items reported, and the contested ones
        cases.append((given, b.scenario.id, b.flagged_ids() | {c.id for c in b.contested}))
    with ExitStack() as stack:
        sessions = [stack.enter_context(rules.network.session()) for _ in cases]
        for session, (given, _, _) in zip(sessions, cases, strict=True):
            session.assert_facts([c if v else expr.NEGATION_PREFIX + c for c, v in given.items()])
        for session, (_, scenario, _) in zip(sessions, cases, strict=True):
            session.assert_facts([scenario])
        items = set(kb.items)
        for session, (given, scenario, flagged) in zip(sessions, cases, strict=True):
            assert session.present & items == flagged == fuzz.oracle(kb, given, scenario)
        assert len({frozenset(s.present) for s in sessions}) > 100  # they differ
        with pytest.raises(kzpolicy.EngineError, match=f"{MAX_SESSIONS} sessions are open"):
            stack.enter_context(rules.network.session())
        with pytest.raises(kzpolicy.EngineError, match=f"{MAX_SESSIONS} sessions are open"):
            kzpolicy.assess(["tough_rivalry"])
        b = kzpolicy.assess(["tough_rivalry"], engine="bitset")
    assert kzpolicy.assess(["tough_rivalry"]) == b  # a session is free again


# ------------------------------------------------------------------ the stock fixture
def test_a_knowledge_base_beyond_durable_loads_and_runs_on_bitset(stock_copy: Path) -> None:
    shutil.copytree(WIDE, stock_copy, dirs_exist_ok=True)
    kb = kzpolicy.load(stock_copy)
    assert kzpolicy.check(stock_copy) == []
    with pytest.raises(kzpolicy.InputError, match=r"needs 17 facts.*engine='bitset'"):
        kzpolicy.assess(SEVENTEEN, kb=kb)
    a = kzpolicy.assess(SEVENTEEN, kb=kb, engine="bitset")
    assert any(step.rule == "too_wide" for step in a.item("T1").because)  # type: ignore[union-attr]


def test_check_says_which_engines_run_it(stock_copy: Path, cli_run: CliRun) -> None:
    code, text = cli_run("check", str(stock_copy))
    assert code == 0 and "engines: durable (the default) and bitset" in text
    shutil.copytree(WIDE, stock_copy, dirs_exist_ok=True)
    code, text = cli_run("check", str(stock_copy))
    assert code == 0 and "engines: bitset only" in text and "needs 17 facts" in text


def test_past_the_consumer_limit_durable_does_not_answer_wrong(stock_copy: Path) -> None:
    """The defect the limit of 255 mends: at 256 consumers durable flagged T1 for
    ``tough_rivalry`` "because" of D2, which nobody asserted."""
    kb = kzpolicy.load(_write(stock_copy, consumers(MAX_CONSUMERS + 1)))
    with pytest.raises(kzpolicy.InputError, match=f"needed by {MAX_CONSUMERS + 1}"):
        kzpolicy.assess(["tough_rivalry"], kb=kb)
    a = kzpolicy.assess(["tough_rivalry"], kb=kb, engine="bitset")
    assert all("D2" not in step.matched for f in a.risks for step in f.because)
