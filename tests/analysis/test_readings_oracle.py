"""Each stock reading's answers against an independent evaluation of the edited rules.

For every reading of rules/readings/, 1,200 random condition sets (each scenario's factors
asserted at its own random density, the context conditions at random, some left
unknown) are assessed by kzpolicy under the reading (alternately on durable-rules and on
the bitset engine) and by ``readings_oracle``, which edits the YAML with its own code and
evaluates it with its own decision rule and fixpoint. Scenario, items reached and items
contested must agree on every set; the sets must reach every scenario each reading can
imply, so the decision rules are exercised at their edges.
"""

from __future__ import annotations

import random
import zlib
from pathlib import Path

import pytest
import yaml
from readings_oracle import UNDECIDED, Rules, evaluate

import kzpolicy
from kzpolicy.kb.loading import stock_rules_path

RULES = stock_rules_path()
READINGS = sorted(p.stem for p in (RULES / "readings").glob("*.yaml"))
BASE = Rules.read(RULES)
KB = kzpolicy.load()
SETS = 1200


def _condition_sets(seed: int, n: int) -> list[dict[str, bool]]:
    rng = random.Random(seed)
    factors = {sid: [f.id for f in sc.factors] for sid, sc in KB.scenarios.items()}
    out = []
    for _ in range(n):
        asserted: dict[str, bool] = {}
        for ids in factors.values():
            density = rng.choice([0.0, 0.3, 0.5, 0.6, 0.8, 1.0])
            for f in ids:
                roll = rng.random()
                if roll < 0.85:  # asserted: true at the density, else false
                    asserted[f] = rng.random() < density
        for c in KB.conditions:
            roll = rng.random()
            if roll < 0.6:
                asserted[c] = roll < 0.4
        out.append(asserted)
    return out


def test_every_stock_reading_is_covered() -> None:
    assert {"article", "stated-only", "count-4", "more-than-half", "ties-to-pole"} <= set(
        READINGS)


@pytest.mark.parametrize("name", READINGS)
def test_a_stock_reading_agrees_with_the_independent_evaluation(name: str) -> None:
    reading = yaml.safe_load((RULES / "readings" / f"{name}.yaml").read_text("utf-8"))
    rules = BASE.read_as(reading["reading"])
    kb = kzpolicy.load(reading=name)
    seen: set[str] = set()
    for n, asserted in enumerate(_condition_sets(zlib.crc32(name.encode()), SETS)):
        want = evaluate(rules, asserted)
        got = kzpolicy.assess(asserted, kb=kb, engine="durable" if n % 2 else "bitset")
        assert got.reading == name and got.kb_version == kb.version
        assert (got.scenario.id, got.flagged_ids(), {c.id for c in got.contested}) == (
            want.scenario, set(want.reached), set(want.contested)), (name, asserted)
        seen.add(want.scenario)
    possible = {UNDECIDED} if rules.decision.get("form") == "none" else set(KB.scenarios)
    assert seen == possible  # the sets reach every outcome the reading's rule can give


def test_the_oracle_tells_the_readings_apart() -> None:
    """The evaluation is not blind to readings: on these sets each pair of readings
    disagrees somewhere (so agreeing with kzpolicy under each one says something)."""
    sets = _condition_sets(7, 400)
    answers = {}
    for name in READINGS:
        reading = yaml.safe_load((RULES / "readings" / f"{name}.yaml").read_text("utf-8"))
        rules = BASE.read_as(reading["reading"])
        answers[name] = [evaluate(rules, a) for a in sets]
    for a in READINGS:
        for b in READINGS:
            if a < b:
                assert answers[a] != answers[b], (a, b)


def test_a_users_reading_file_agrees_too(tmp_path: Path) -> None:
    """A reading that adds, replaces and drops rules by ID and changes every decision
    parameter, from a file of the user's."""
    body = {"reading": {
        "id": "mine", "label": "Mine", "statement": "A test reading.", "reason": "tests",
        "locator": {"section": "scenarios"},
        "changes": [
            {"drop": {"ids": ["d1_t1", "b2_s1"]}, "reason": "not convinced"},
            {"add": [{"id": "mine_t6", "label": "D5 strains Russia-West ties", "when": "D5",
                      "then": ["T6"], "stance": "interpretation", "reason": "mine",
                      "locator": {"section": "scenarios", "list": "threats", "item": 6}}],
             "reason": "a new link"},
            {"replace": [{"id": "d2_t1", "label": "D2 and D3 together bring T1",
                          "when": {"all": ["D2", "D3"]}, "then": ["T1"],
                          "stance": "interpretation", "reason": "stricter",
                          "locator": {"section": "scenarios", "list": "distancing_factors",
                                      "item": 2}}],
             "reason": "a stricter link"},
            {"decision": {"form": "count", "threshold": 3, "strict": False},
             "reason": "three factors, ties to the pole"},
        ]}}
    path = tmp_path / "mine.yaml"
    path.write_text(yaml.safe_dump(body), encoding="utf-8")
    rules = BASE.read_as(body["reading"])
    kb = kzpolicy.load(reading=str(path))
    assert kb.reading == "mine"
    for asserted in _condition_sets(11, 1000):
        want = evaluate(rules, asserted)
        got = kzpolicy.assess(asserted, kb=kb, engine="bitset")
        assert (got.scenario.id, got.flagged_ids()) == (want.scenario, set(want.reached))
