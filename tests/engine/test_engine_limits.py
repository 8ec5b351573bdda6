"""durable-rules' limits are the durable engine's, not the knowledge base's: a knowledge
base beyond them loads, `check` says which engines can run it, the durable engine refuses
it with the reason before any session, and the bitset engine runs it. At each limit the
two engines agree."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest

import kzpolicy
from conftest import CliRun
from kzpolicy.kb.expr import dnf
from kzpolicy.kb.limits import MAX_CONSUMERS

WIDE = Path(__file__).parent / "fixtures" / "too_wide_for_durable"
SEVENTEEN = ["I1", "I2", "I3", "I4", "I5", "I6", "I7", "B1", "B2", "B3", "B4", "B5", "B6",
             "B7", "D1", "D2", "D3"]


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


def _consumers(folder: Path, n: int) -> Path:
    """``n`` rules that each need D2 (and one more distinct condition or item)."""
    others = ["D1", "D3", "D4", "D5", "D6", "D7", "D8", "I1", "I2", "I3", "B1", "B2"]
    lines = ["rules:"]
    for i in range(n):
        lines += [f"  - id: many_{i}", f"    label: Consumer {i}",
                  f"    when: {{all: [D2, {others[i % len(others)]}]}}", "    then: [T1]",
                  "    stance: interpretation", "    reason: a test of the engine limit",
                  "    locator: {section: scenarios, list: threats, item: 1}"]
    (folder / "zz_many.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def _stock_uses(fact: str) -> int:
    return sum(1 for r in kzpolicy.load().rules for c in dnf(r.when) if fact in c)


def _agree(kb: kzpolicy.KnowledgeBase, inputs: int = 200) -> None:
    rng = random.Random(1)
    ids = list(kb.condition_ids)
    for _ in range(inputs):
        given = {c: rng.random() < 0.5 for c in rng.sample(ids, 8)}
        assert kzpolicy.assess(given, kb=kb) == kzpolicy.assess(given, kb=kb, engine="bitset")


def test_at_the_consumer_limit_the_engines_agree(stock_copy: Path) -> None:
    kb = kzpolicy.load(_consumers(stock_copy, MAX_CONSUMERS - _stock_uses("D2")))
    _agree(kb)


def test_past_the_consumer_limit_durable_refuses(stock_copy: Path) -> None:
    kb = kzpolicy.load(_consumers(stock_copy, MAX_CONSUMERS - _stock_uses("D2") + 1))
    with pytest.raises(kzpolicy.InputError, match=f"needed by {MAX_CONSUMERS + 1}"):
        kzpolicy.assess(["tough_rivalry"], kb=kb)
    a = kzpolicy.assess(["tough_rivalry"], kb=kb, engine="bitset")
    assert a.item("T1") is None  # D2 was never asserted
