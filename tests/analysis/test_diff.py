"""kzpolicy.diff: entries field by field, and the impact counted over every factor
combination, checked against brute-force enumeration of all 2^22 combinations (each one
evaluated on the bitset engine under both knowledge bases), for every stock reading and
for generated knowledge bases and readings."""

from __future__ import annotations

import random
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

import kzpolicy
from fuzz import random_rules, write_kb
from kzpolicy.analysis.landscape import CHUNK_BITS, literal_columns
from kzpolicy.engine.bitset import bitset
from kzpolicy.kb.loading import stock_rules_path

KB = kzpolicy.load()
READINGS = sorted(p.stem for p in (stock_rules_path() / "readings").glob("*.yaml"))
OTHER_KB = Path(__file__).resolve().parents[1] / "kb" / "fixtures" / "other_kb"


def brute_force(a: kzpolicy.KnowledgeBase, b: kzpolicy.KnowledgeBase,
                context: dict[str, bool]) -> tuple[Counter[tuple[str, str]],
                                                   dict[str, tuple[int, int, int]]]:
    """Every combination of the factors evaluated under ``a`` and ``b``: the (scenario
    before, scenario after) pairs counted, and per item (flagged before, after, on one
    side only)."""
    factors = list(a.factors)
    ea, eb = bitset(a), bitset(b)
    chunk = 1 << CHUNK_BITS
    x = np.arange(chunk, dtype=np.uint32)
    true, false = literal_columns(context)
    for i in range(CHUNK_BITS):
        col = ((x >> i) & 1).astype(np.bool_)
        true[factors[i]], false[factors[i]] = col, ~col
    items = [i for i in {**a.items, **b.items} if i in a.items and a.items[i].kind != "stimulus"]
    moves: Counter[tuple[str, str]] = Counter()
    per_item = {i: [0, 0, 0] for i in items}
    for start in range(0, 1 << len(factors), chunk):
        for i in range(CHUNK_BITS, len(factors)):
            on = bool(start >> i & 1)
            true[factors[i]], false[factors[i]] = on, not on
        ra, rb = ea.evaluate(chunk, true, false), eb.evaluate(chunk, true, false)
        pairs = ra.scenario.astype(np.int64) * len(rb.scenario_ids) + rb.scenario
        for code, n in zip(*np.unique(pairs, return_counts=True), strict=True):
            k = int(code)
            moves[(ra.scenario_ids[k // len(rb.scenario_ids)],
                   rb.scenario_ids[k % len(rb.scenario_ids)])] += int(n)
        for item in items:
            fa = np.broadcast_to(ra.flagged(item), chunk)
            fb = np.broadcast_to(rb.flagged(item), chunk)
            counts = per_item[item]
            counts[0] += int(np.count_nonzero(fa))
            counts[1] += int(np.count_nonzero(fb))
            counts[2] += int(np.count_nonzero(fa != fb))
    return moves, {i: (c[0], c[1], c[2]) for i, c in per_item.items()}


def check_against_brute_force(d: kzpolicy.KnowledgeBaseDiff, a: kzpolicy.KnowledgeBase,
                              b: kzpolicy.KnowledgeBase, context: dict[str, bool]) -> None:
    moves, items = brute_force(a, b, context)
    assert d.combinations == 1 << len(a.factors)
    assert {(m.before, m.after): m.combinations for m in d.moves} == dict(moves)
    assert d.scenario_changed == sum(n for (x, y), n in moves.items() if x != y)
    counted = {i.id: (i.before, i.after, i.changed) for i in d.items}
    for item, found in items.items():
        if item in counted:
            assert counted[item] == found, item
        else:  # not listed: its flagging and its rules are the same on both sides
            assert found[2] == 0, item


@pytest.mark.slow
@pytest.mark.parametrize("name", READINGS)
def test_the_impact_of_each_stock_reading_equals_brute_force(name: str) -> None:
    d = kzpolicy.diff(reading=name)
    check_against_brute_force(d, KB, kzpolicy.load(reading=name), {})


@pytest.mark.slow
def test_the_impact_with_a_context_fixed_equals_brute_force() -> None:
    context = {"cooperation_intensifies": True, "region_relations_cool": False,
               "tough_rivalry": True, "nato_demonstrative_partnership": True}
    d = kzpolicy.diff(reading="stated-only", context=context)
    assert d.context == context
    check_against_brute_force(d, KB, kzpolicy.load(reading="stated-only"), context)


def _random_reading(rng: random.Random, kb: kzpolicy.KnowledgeBase) -> dict[str, Any]:
    """A reading that drops, adds and replaces random rules and changes the decision."""
    rules = [r.id for r in kb.rules]
    added = random_rules(rng, 6)
    for r in added:
        r["id"] = "new_" + r["id"]
    dropped = rng.sample(rules, 5)
    replaced = random_rules(rng, 3)
    kept = [r for r in rules if r not in dropped]
    for r, target in zip(replaced, rng.sample(kept, 3), strict=True):
        r["id"] = target
    form = rng.choice(["share", "count", "none"])
    decision: dict[str, Any] = {"form": form, "strict": rng.random() < 0.5}
    decision["threshold"] = rng.choice([3, 4, 5]) if form == "count" else rng.choice(
        [0.4, 0.5, 0.6])
    changes = [{"drop": {"ids": dropped}, "reason": "r"},
               {"add": added, "reason": "r"}, {"replace": replaced, "reason": "r"},
               {"decision": decision, "reason": "r"}]
    return {"id": "random", "label": "Random", "statement": "s", "reason": "r",
            "locator": {"section": "scenarios"}, "changes": changes}


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_generated_knowledge_bases_and_readings_equal_brute_force(seed: int,
                                                                  tmp_path: Path) -> None:
    rng = random.Random(seed)
    a = kzpolicy.load(write_kb(tmp_path / "a", random_rules(rng, 25)))
    while True:  # a random rule may never hold (X and not X): the reading is then refused
        reading = kzpolicy.Reading.model_validate(_random_reading(rng, a))
        if not kzpolicy.check(tmp_path / "a", reading=reading):
            break
    b = kzpolicy.load(tmp_path / "a", reading=reading)
    context = {c: rng.random() < 0.5 for c in rng.sample(list(KB.conditions), 4)}
    d = kzpolicy.diff(a, reading=reading, context=context)
    assert d.after == b.version and d.reading_after == "random"
    check_against_brute_force(d, a, b, context)


@pytest.mark.slow
def test_two_generated_folders_equal_brute_force(tmp_path: Path) -> None:
    rng = random.Random(9)
    a = write_kb(tmp_path / "a", random_rules(rng, 20))
    b = write_kb(tmp_path / "b", random_rules(rng, 20))
    d = kzpolicy.diff(a, b)
    check_against_brute_force(d, kzpolicy.load(a), kzpolicy.load(b), {})
    assert {e.id for e in d.entries if e.change == "changed"} >= {"fuzz_0"}


# ---------------------------------------------------------------------- entries
def test_a_decision_variant_changes_one_entry_field_by_field() -> None:
    d = kzpolicy.diff(reading="count-4")
    assert [(e.collection, e.id, e.change) for e in d.entries] == [
        ("decision", "decision", "changed")]
    fields = {f.path: (f.before, f.after) for f in d.entries[0].fields}
    assert fields["form"] == ("share", "count")
    assert fields["threshold"] == (0.5, 4.0)
    assert set(fields) == {"label", "form", "threshold", "reason"}


def test_stated_only_removes_the_twenty_interpretation_rules() -> None:
    d = kzpolicy.diff(reading="stated-only")
    removed = {e.id for e in d.entries if e.change == "removed"}
    assert removed == {r.id for r in KB.rules if r.stance == "interpretation"}
    assert len(removed) == 20
    assert d.scenario_changed == d.combinations == 1 << 22
    assert {m.after for m in d.moves} == {"undecided"}
    t7 = next(i for i in d.items if i.id == "T7")
    assert set(t7.rules_removed) == {"d4_t7", "i3_t7", "cooling_t7"}
    assert t7.reads_scenario  # integration_t7 reads the implied scenario


def test_a_changed_rule_is_diffed_field_by_field(tmp_path: Path) -> None:
    folder = tmp_path / "rules"
    shutil.copytree(stock_rules_path(), folder)
    path = folder / "rules.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    rule = next(r for r in data["rules"] if r["id"] == "d2_t1")
    rule["when"] = {"all": ["D2", "D3"]}
    rule["locator"]["item"] = 3
    data["rules"] = [r for r in data["rules"] if r["id"] != "exercises_s6"]
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    (folder / "extra.yaml").write_text(yaml.safe_dump({"rules": [{
        "id": "extra_s6", "label": "Exercises again", "when": "joint_exercises",
        "then": ["S6"], "stance": "stated",
        "locator": {"section": "scenarios", "list": "strengths", "item": 6}}]}))
    d = kzpolicy.diff(None, folder)
    by_id = {e.id: e for e in d.entries}
    assert by_id["d2_t1"].change == "changed"
    assert {f.path: (f.before, f.after) for f in by_id["d2_t1"].fields} == {
        "when": ("D2", {"all": ["D2", "D3"]}), "locator.item": (2, 3)}
    assert (by_id["exercises_s6"].change, by_id["extra_s6"].change) == ("removed", "added")
    t1 = next(i for i in d.items if i.id == "T1")
    assert t1.rules_changed == ("d2_t1",) and t1.changed > 0
    s6 = next(i for i in d.items if i.id == "S6")
    assert (s6.rules_added, s6.rules_removed, s6.changed) == (("extra_s6",), ("exercises_s6",),
                                                             0)


def test_knowledge_bases_with_other_factors_are_diffed_without_an_impact() -> None:
    d = kzpolicy.diff(None, OTHER_KB)
    assert d.combinations is None and d.scenario_changed is None and d.moves == ()
    assert d.impact_note is not None and "factors" in d.impact_note
    assert any(e.change == "added" for e in d.entries)


def test_a_diff_needs_something_to_compare_with() -> None:
    with pytest.raises(kzpolicy.InputError, match="a second knowledge base or a reading"):
        kzpolicy.diff()


def test_every_format_says_the_impact() -> None:
    d = kzpolicy.diff(reading="more-than-half")
    assert "286,720 change their implied scenario" in kzpolicy.render(d)
    assert "286,720 change their implied scenario" in kzpolicy.render(d, "markdown")
    assert "286,720 change their implied scenario" in kzpolicy.render(d, "html")
    assert '"scenario_changed":286720' in d.model_dump_json()
