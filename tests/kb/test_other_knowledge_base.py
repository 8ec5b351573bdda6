"""A second knowledge base, with other sides and other scenarios than the article's,
loads, checks clean, assesses the same on both engines and renders: the article's
vocabulary is data (rules/), not code (fixtures/other_kb, a made-up article)."""

from __future__ import annotations

from pathlib import Path

import pytest

import kzpolicy
from kzpolicy.bdd.steps import STEP_LIBRARY
from kzpolicy.bdd.world import World

OTHER = Path(__file__).parent / "fixtures" / "other_kb"
KB = kzpolicy.load(OTHER)
STOCK = kzpolicy.load()

CASES = [
    ({"K1": True, "K2": True}, "compact", "downstream", {"KC1"}),
    ({"P1": True, "P2": True, "drought": True}, "split", "upstream", {"PC1", "X1", "X2"}),
    ({}, "drift", "both_banks", {"VC1"}),
    ({"K1": True, "P1": True, "drought": False}, "drift", "both_banks", {"VC1", "X2", "G1"}),
]


def test_it_loads_and_checks_clean() -> None:
    assert kzpolicy.check(OTHER) == []
    assert list(KB.sides) == ["upstream", "downstream", "both_banks"]
    assert list(KB.scenarios) == ["compact", "drift", "split"]
    assert not set(KB.sides) & set(STOCK.sides)
    assert not set(KB.scenarios) & set(STOCK.scenarios)
    assert KB.side_named("The  Headwaters") == "upstream" and KB.side_named("Russia") is None


@pytest.mark.parametrize(("conditions", "scenario", "side", "flagged"), CASES)
def test_both_engines_assess_it_alike(conditions: dict[str, bool], scenario: str, side: str,
                                      flagged: set[str]) -> None:
    durable = kzpolicy.assess(conditions, kb=KB, engine="durable")
    bitset = kzpolicy.assess(conditions, kb=KB, engine="bitset")
    assert durable == bitset
    assert durable.scenario.advantage is not None
    assert (durable.scenario.id, durable.scenario.advantage.side) == (scenario, side)
    assert durable.flagged_ids() == flagged


def test_it_renders_with_its_own_words() -> None:
    a = kzpolicy.assess({"P1": True, "P2": True, "drought": True}, kb=KB)
    text = kzpolicy.render(a, "text", kb=KB)
    assert "Scenario: split (An open split over the river)" in text
    assert "Advantage: upstream" in text and "X1" in text
    explained = kzpolicy.explain(a, kb=KB)
    assert "advantage: the upstream states (futures (end of the third future))" in explained
    assert "because P1 (A new upstream dam) holds; P2 (Commission walk-out) holds" in explained
    md = kzpolicy.render(a, "markdown", kb=KB)
    assert "Advantage: **upstream**" in md and "```mermaid" in md


def test_its_features_name_its_sides() -> None:
    (step,) = [d for d in STEP_LIBRARY if d.pattern.startswith("the objective advantage")]
    World(KB)  # a scenario on this knowledge base reads its sides
    assert step.arguments("the objective advantage goes to the headwaters") == {
        "side": "upstream"}
    assert not step.matches("then", "the objective advantage goes to Russia")
    World(STOCK)
    assert step.arguments("the objective advantage goes to Russia") == {"side": "russia"}
    assert not step.matches("then", "the objective advantage goes to the headwaters")
