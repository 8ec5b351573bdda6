"""The JSON writer of results not yet read against pydantic's own, byte for byte.

``Assessment.model_dump_json()`` on a deferred result writes from the chain of reasons
(:mod:`kzpolicy.engine.result_json`) without building the models; every text here is
compared with ``BaseModel.model_dump_json`` on the same result (which builds them):
compact and indented, on both engines, on the stock rules, under every stock reading,
on generated knowledge bases (negations, chains, cycles, scenario triggers), with
denials that contest items, with the writer's tables warm, emptied and full.
"""

from __future__ import annotations

import json
import random
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

import kzpolicy
from kzpolicy.engine import result_json
from kzpolicy.engine.build import _Builder
from kzpolicy.engine.results import _INSTANCE_DICT, _REST, Assessment
from kzpolicy.kb.loading import read_as

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import fuzz

KB = kzpolicy.load()
INDENTS = (None, 2, 0, 4)
READINGS = ("stated-only", "count-4", "more-than-half", "ties-to-pole")


def _inputs(kb: kzpolicy.KnowledgeBase, rng: random.Random, n: int) -> list[dict[str, bool]]:
    """Inputs of every density, each scenario's factors true with their own odds, and
    the presupposed conditions denied often (contested items)."""
    ids = list(kb.condition_ids)
    denied = sorted({c for cs in kb.presupposed.values() for c in cs})
    out = []
    for _ in range(n):
        picked = rng.sample(ids, rng.randint(0, len(ids)))
        x = {c: rng.random() < 0.6 for c in picked}
        for c in denied:
            if rng.random() < 0.3:
                x[c] = False
        out.append(x)
    return [{}, *out]


def _pending(a: Assessment) -> bool:
    return _REST in _INSTANCE_DICT.__get__(a)


def _same(kb: kzpolicy.KnowledgeBase, x: dict[str, bool], engine: str = "bitset") -> int:
    """Compare the two writers on ``x`` in every layout; the number of texts compared."""
    for indent in INDENTS:
        fast = kzpolicy.assess(x, kb=kb, engine=engine)  # type: ignore[arg-type]
        assert _pending(fast)
        text = fast.model_dump_json(indent=indent)
        assert _pending(fast), "writing the JSON built the models"
        want = BaseModel.model_dump_json(fast, indent=indent)  # builds them
        assert text == want, (x, indent)
    return len(INDENTS)


def test_stock_rules_both_engines() -> None:
    rng = random.Random(7)
    n = 0
    for x in _inputs(KB, rng, 300):
        n += _same(KB, x, "bitset")
    for x in _inputs(KB, rng, 40):
        n += _same(KB, x, "durable")
    assert n == (301 + 41) * len(INDENTS)


@pytest.mark.parametrize("reading", READINGS)
def test_under_every_stock_reading(reading: str) -> None:
    kb = read_as("test", KB, reading)
    for x in _inputs(kb, random.Random(reading), 80):
        _same(kb, x)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> list[kzpolicy.KnowledgeBase]:
    """The first six random rule sets over the stock vocabulary that load."""
    return fuzz.loadable_kbs(tmp_path_factory.mktemp("generated"), 6, seed=100)


def test_generated_knowledge_bases(generated: list[kzpolicy.KnowledgeBase]) -> None:
    rng = random.Random(11)
    for n, kb in enumerate(generated):
        for x in _inputs(kb, rng, 60):
            _same(kb, x)
        reading = read_as("test", kb, READINGS[n % len(READINGS)])
        for x in _inputs(reading, rng, 20):
            _same(reading, x)


def test_contested_items_are_written_with_their_denials() -> None:
    denied = {c: False for cs in KB.presupposed.values() for c in cs}
    for x in _inputs(KB, random.Random(3), 60):
        x = {**x, **denied}
        a = kzpolicy.assess(x, kb=KB, engine="bitset")
        data = json.loads(a.model_dump_json())
        _same(KB, x)
        if data["contested"]:
            break
    else:
        raise AssertionError("no input contested an item")


def test_tables_emptied_or_full_change_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    builder = KB.derived(_Builder)
    xs = _inputs(KB, random.Random(5), 60)
    before = [kzpolicy.assess(x, kb=KB).model_dump_json() for x in xs]
    builder.forget()
    assert not builder.writer(None).item_texts
    assert [kzpolicy.assess(x, kb=KB).model_dump_json() for x in xs] == before
    monkeypatch.setattr(result_json, "_TEXT_LIMIT", 3)  # every table full at once
    builder.forget()
    assert [kzpolicy.assess(x, kb=KB).model_dump_json() for x in xs] == before
    assert len(builder.writer(None).item_texts) <= 3


@pytest.mark.parametrize("options", [{"indent": 17}, {"exclude": {"trace"}},
                                     {"by_alias": True}, {"round_trip": True}])
def test_any_other_option_is_pydantics(options: dict[str, Any]) -> None:
    a = kzpolicy.assess(["D1", "tough_rivalry"], kb=KB)
    b = kzpolicy.assess(["D1", "tough_rivalry"], kb=KB)
    b.scenario  # noqa: B018  (built: pydantic's writer only)
    assert a.model_dump_json(**options) == BaseModel.model_dump_json(b, **options)


def test_a_result_already_read_or_validated_is_written_by_pydantic() -> None:
    a = kzpolicy.assess(["D1", "B2"], kb=KB)
    text = a.model_dump_json(indent=2)
    a.risks  # noqa: B018  (now built)
    assert not _pending(a)
    assert a.model_dump_json(indent=2) == text
    back = Assessment.model_validate_json(text)
    assert back.model_dump_json(indent=2) == text
    assert back == a


def test_text_like_the_writers_hole_marks_is_written_as_it_is(tmp_path: Path) -> None:
    """A knowledge base's labels and statements may hold anything the loader accepts,
    the writer's own hole marks included (they are random, and checked against the
    fixed text): a rule label and a scenario statement written like them."""
    from kzpolicy.kb.loading import stock_rules_path

    folder = tmp_path / "rules"
    shutil.copytree(stock_rules_path(), folder)
    odd = '@@kzpolicy-hole-0@@ "kzpolicy-hole-1" {0} {} \\\\ é'
    rules = folder / "rules.yaml"
    text = rules.read_text(encoding="utf-8")
    label = "Stepping back for fear of Russian and Chinese strain is threat T1"
    assert label in text
    rules.write_text(text.replace(label, f"{label} {odd}"), encoding="utf-8")
    scenarios = folder / "scenarios.yaml"
    text = scenarios.read_text(encoding="utf-8")
    statement = "No side gains an objective advantage."
    assert statement in text
    scenarios.write_text(text.replace(statement, f"{statement} {odd}"), encoding="utf-8")
    kb = kzpolicy.load(folder)
    assert odd in kb.rule_index["d2_t1"].label
    for x in ({"D2": True}, {}, {"D1": True, "D2": True, "B2": False}):
        _same(kb, x)
        _same(kb, x, "durable")


@pytest.mark.parametrize("indent", [2.0, "2"])
def test_an_indent_that_is_no_int_is_refused_as_pydantic_refuses_it(indent: Any) -> None:
    a = kzpolicy.assess(["D1"], kb=KB)
    with pytest.raises(TypeError) as want:
        BaseModel.model_dump_json(kzpolicy.assess(["D1"], kb=KB), indent=indent)
    with pytest.raises(TypeError) as got:
        a.model_dump_json(indent=indent)
    assert str(got.value) == str(want.value)
