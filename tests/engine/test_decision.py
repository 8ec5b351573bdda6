"""The scenario decision rule at its edges: nothing asserted, presets, ties, the threshold."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import kzpolicy
from kzpolicy.kb.loading import stock_rules_path

KB = kzpolicy.load()


def factors(scenario: str, n: int | None = None) -> list[str]:
    ids = [f.id for f in KB.scenario(scenario).factors]
    return ids if n is None else ids[:n]


def test_nothing_asserted_is_the_default_balance() -> None:
    a = kzpolicy.assess()
    assert a.scenario.id == "balance"
    assert a.scenario.decided_by == "default"
    assert a.scenario.shares == {"integration": 0.0, "balance": 0.0, "distancing": 0.0}
    assert a.scenario.margin == 0.0
    assert a.scenario.runner_up == "integration"
    assert a.asserted == {}
    assert set(a.unknown) == set(KB.condition_ids)
    assert a.warnings == ()


@pytest.mark.parametrize(
    ("preset", "scenario", "side"),
    [
        ("article-2010", "balance", "none"),
        ("integration", "integration", "us_nato"),
        ("balance", "balance", "none"),
        ("distancing", "distancing", "russia"),
    ],
)
def test_each_preset(preset: str, scenario: str, side: str) -> None:
    a = kzpolicy.assess(preset=preset)
    assert a.scenario.id == scenario
    assert a.scenario.advantage and a.scenario.advantage.side == side
    assert a.scenario.shares[scenario] == 1.0
    assert {c.id for c in a.scenario.consequences} == {
        c.id for c in KB.scenario(scenario).consequences
    }


def test_article_2010_is_balance_with_the_conclusions_judgement() -> None:
    a = kzpolicy.assess(preset="article-2010")
    assert a.scenario.judgement is not None
    assert a.scenario.judgement.rational is True
    assert a.scenario.judgement.locator.section == "conclusion"
    for pole in ("integration", "distancing"):
        assert KB.scenario(pole).judgement.likelihood == "very_unlikely"
        assert KB.scenario(pole).judgement.desirable is False


def test_threshold_exactly_met_implies_the_pole() -> None:
    a = kzpolicy.assess(factors("distancing", 4))  # 4 of 8 = 0.5, the default threshold
    assert a.scenario.shares["distancing"] == 0.5
    assert a.scenario.id == "distancing"
    assert a.scenario.decided_by == "threshold"
    assert a.scenario.margin == 0.5
    assert a.scenario.evidence == tuple(factors("distancing", 4))


def test_just_below_threshold_stays_balance() -> None:
    a = kzpolicy.assess(factors("distancing", 3))
    assert a.scenario.id == "balance"
    assert a.scenario.runner_up == "distancing"
    assert a.scenario.margin == pytest.approx(-3 / 8)


def test_a_tie_at_the_top_falls_back_to_balance_with_a_warning() -> None:
    a = kzpolicy.assess(factors("integration", 4) + factors("balance", 4))
    assert a.scenario.shares["integration"] == a.scenario.shares["balance"]
    assert a.scenario.id == "balance"
    assert a.scenario.decided_by == "default"
    assert any("ties" in w for w in a.warnings)


def test_both_poles_full_is_balance_and_warns() -> None:
    a = kzpolicy.assess(factors("integration") + factors("distancing"))
    assert a.scenario.shares["integration"] == a.scenario.shares["distancing"] == 1.0
    assert a.scenario.id == "balance"
    assert any("both poles" in w for w in a.warnings)


def test_a_pole_must_lead_strictly() -> None:
    a = kzpolicy.assess(factors("integration", 5) + factors("distancing", 4))
    assert a.scenario.id == "integration"  # 5/7 = 0.71 > 0.5
    assert a.scenario.runner_up == "distancing"
    assert any("both poles" in w for w in a.warnings)


def test_false_factors_count_as_not_true() -> None:
    a = kzpolicy.assess(dict.fromkeys(factors("integration"), False))
    assert a.scenario.shares["integration"] == 0.0
    assert a.scenario.id == "balance"


def test_threshold_is_data(tmp_path: Path) -> None:
    copy = tmp_path / "rules"
    shutil.copytree(stock_rules_path(), copy)
    params = copy / "parameters.yaml"
    params.write_text(params.read_text().replace("threshold: 0.5", "threshold: 0.75"))
    kb = kzpolicy.load(copy)
    conditions = factors("distancing", 4)
    assert kzpolicy.assess(conditions, kb=kb).scenario.id == "balance"
    assert kzpolicy.assess(conditions).scenario.id == "distancing"
    assert kzpolicy.assess(factors("distancing", 6), kb=kb).scenario.id == "distancing"
