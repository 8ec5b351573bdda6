"""assess(): accepted inputs, bad input as errors, presets, results as JSON, the CLI."""

from __future__ import annotations

import json
from typing import Any

import pytest

import kzpolicy
from conftest import CliRun
from kzpolicy.engine.results import Assessment


def test_input_forms_agree() -> None:
    as_list = kzpolicy.assess(["D1", "D2"])
    as_dict = kzpolicy.assess({"D1": True, "D2": True})
    as_model = kzpolicy.assess(kzpolicy.Conditions({"D1": True, "D2": True}))
    assert as_list == as_dict == as_model
    assert as_list.asserted == {"D1": True, "D2": True}


def test_unknown_condition_is_a_key_error_naming_the_closest() -> None:
    with pytest.raises(kzpolicy.UnknownConditionError) as info:
        kzpolicy.assess({"tough_rivalri": True})
    err = info.value
    assert isinstance(err, KeyError)
    assert isinstance(err, kzpolicy.KzPolicyError)
    assert err.value == "tough_rivalri"
    assert err.suggestions[0] == "tough_rivalry"
    assert "tough_rivalri" in str(err) and "tough_rivalry" in str(err)


@pytest.mark.parametrize(
    ("bad", "fragment"),
    [
        ({"D1": 1}, "must be true or false"),
        ({"D1": "yes"}, "must be true or false"),
        ({"D1": None}, "must be true or false"),
        ("D1", "single string"),
        (42, "not int"),
        ({1: True}, "must be a string"),
    ],
)
def test_bad_values_raise_input_error(bad: Any, fragment: str) -> None:
    with pytest.raises(kzpolicy.InputError, match=fragment):
        kzpolicy.assess(bad)


def test_unknown_preset_suggests() -> None:
    with pytest.raises(kzpolicy.UnknownIdError, match="article-2010"):
        kzpolicy.assess(preset="article2010")


def test_preset_overlay_changes_only_what_is_given() -> None:
    base = kzpolicy.assess(preset="article-2010")
    over = kzpolicy.assess({"cooperation_intensifies": False, "tough_rivalry": True},
                           preset="article-2010")
    assert base.asserted["cooperation_intensifies"] is True
    assert over.asserted["cooperation_intensifies"] is False
    assert {"C1", "C2", "C3", "C4", "C5"} <= over.flagged_ids()
    assert "T1" in base.flagged_ids() and "T1" not in over.flagged_ids()


def test_unknown_differs_from_false() -> None:
    unknown = kzpolicy.assess([])
    false = kzpolicy.assess({"tough_rivalry": False})
    assert "tough_rivalry" in unknown.unknown
    assert "tough_rivalry" not in false.unknown
    assert false.asserted == {"tough_rivalry": False}


def test_result_is_frozen_and_round_trips_through_json() -> None:
    a = kzpolicy.assess(preset="distancing")
    again = Assessment.model_validate_json(a.model_dump_json())
    assert again == a
    with pytest.raises(ValueError, match="frozen"):
        a.scenario.id = "balance"


def test_every_flagged_item_explains_itself() -> None:
    a = kzpolicy.assess({"I1": True, "I2": True, "I3": True, "I4": True,
                         "cooperation_intensifies": True})
    assert a.scenario.id == "integration"
    t1 = a.item("T1")
    assert t1 is not None
    rules = [s.rule for s in t1.because]
    assert {"integration_t1", "intensify_t1", "scenario_decision"} <= set(rules)
    assert rules.index("scenario_decision") < rules.index("integration_t1")
    text = a.explain()
    assert "Implied scenario: integration" in text
    assert "integration_t1" in text and "scenarios / integration_outcome / item 1" in text


def test_chained_rule_explains_its_upstream_rules() -> None:
    a = kzpolicy.assess({"D1": True, "D2": True, "D3": True, "D4": True})
    c2 = a.item("C2")
    assert c2 is not None
    rules = [s.rule for s in c2.because]
    assert rules[-1] == "competition_c2"
    assert {"scenario_decision", "distancing_outcome"} <= set(rules)
    assert c2.stance == "interpretation"
    (last,) = [s for s in c2.because if s.rule == "competition_c2"]
    assert last.matched == ("DC7",)
    assert set(last.conditions) == {"D1", "D2", "D3", "D4"}


def test_trace_is_in_the_articles_terms() -> None:
    a = kzpolicy.assess(["D7"])
    assert [t.order for t in a.trace] == list(range(1, len(a.trace) + 1))
    first = a.trace[0]
    assert first.rule == "d7_t4" and first.flagged == ("T4",)
    assert str(first.locator) == "scenarios / distancing_factors / item 7"


def test_cli_assess_json(cli_run: CliRun) -> None:
    code, text = cli_run("assess", "--set", "D1", "--set", "D2=true", "--set", "D3",
                     "--set", "D4", "--format", "json")
    assert code == 0
    data = json.loads(text)
    assert data["scenario"]["id"] == "distancing"
    assert "T1" in [r["id"] for r in data["risks"]]


def test_cli_assess_preset_explain_and_markdown(cli_run: CliRun) -> None:
    code, text = cli_run("assess", "--preset", "article-2010", "--explain")
    assert code == 0 and "Implied scenario: balance" in text
    code, md = cli_run("assess", "--preset", "article-2010", "--format", "markdown")
    assert code == 0 and md.startswith("## Implied scenario") and "| T1 |" in md


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["assess", "--set", "D9"], "'D9'"),
        (["assess", "--set", "D1=perhaps"], "true or false"),
        (["assess", "--set", "D1", "--set", "D1=false"], "given twice"),
        (["assess", "--preset", "nope"], "unknown preset"),
        (["assess", "--file", "/nonexistent.yaml"], "no such file"),
    ],
)
def test_cli_bad_input_exits_2_with_one_line(cli_run: CliRun,
    argv: list[str], fragment: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _ = cli_run(*argv)
    err = capsys.readouterr().err
    assert code == 2
    assert fragment in err
    assert err.count("\n") == 1


def test_cli_file_input(cli_run: CliRun, tmp_path: Any) -> None:
    f = tmp_path / "c.yaml"
    f.write_text("D1: true\nD2: true\nD3: true\nD4: true\n")
    code, text = cli_run("assess", "--file", str(f), "--format", "json")
    assert code == 0 and json.loads(text)["scenario"]["id"] == "distancing"
    g = tmp_path / "c.json"
    g.write_text(json.dumps(["I1", "I2", "I3", "I4"]))
    code, text = cli_run("assess", "--file", str(g), "--format", "json")
    assert code == 0 and json.loads(text)["scenario"]["id"] == "integration"


def test_cli_schema(cli_run: CliRun) -> None:
    code, text = cli_run("schema")
    assert code == 0
    schema = json.loads(text)
    assert schema["assessment"]["title"] == "Assessment"
    assert "scenario" in schema["assessment"]["properties"]
    assert schema["conditions"]["additionalProperties"] == {"type": "boolean"}
