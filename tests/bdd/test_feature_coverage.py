"""`kzpolicy coverage`: the features exercise every article item, factor and rule, and
the report can tell when they do not."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import kzpolicy
from conftest import CliRun
from kzpolicy.bdd.feature_coverage import FeatureCoverage, default_features_dir, feature_coverage
from kzpolicy.bdd.step_docs import render_step_list
from kzpolicy.kb.knowledge import KnowledgeBase

ROOT = Path(__file__).resolve().parents[2]
FEATURES = ROOT / "features"
SECTIONS = ["swot", "rivalry", "outcomes", "factors", "rules", "stages", "doctrines",
            "programmes", "cells"]


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return kzpolicy.load()


@pytest.fixture(scope="module")
def report(kb: KnowledgeBase) -> FeatureCoverage:
    return feature_coverage(kb, FEATURES)


def _features(tmp_path: Path, text: str) -> FeatureCoverage:
    (tmp_path / "mine.feature").write_text(text, encoding="utf-8")
    return feature_coverage(kzpolicy.load(), tmp_path)


# --------------------------------------------------------------------------- the project's features
def test_every_scenario_of_the_features_passes_on_replay(report: FeatureCoverage) -> None:
    assert report.failures == []
    assert report.files == len(list(FEATURES.glob("*.feature")))
    assert report.runs > 150


@pytest.mark.parametrize("key", SECTIONS)
def test_the_features_exercise_all_of_it(report: FeatureCoverage, key: str) -> None:
    section = report.section(key)
    assert section.entries
    assert section.missing() == []
    assert section.exercised == len(section.entries)


def test_the_report_covers_the_whole_article(report: FeatureCoverage, kb: KnowledgeBase) -> None:
    def ids(key: str) -> list[str]:
        return [e.id for e in report.section(key).entries]

    kinds = {"S": 7, "W": 5, "O": 7, "T": 8}
    swot = ids("swot")
    assert {k: sum(1 for i in swot if i[0] == k) for k in kinds} == kinds
    assert ids("rivalry") == ["C1", "C2", "C3", "C4", "C5"]
    outcomes = ids("outcomes")
    assert len(outcomes) == 18 and {i[:2] for i in outcomes} == {"IC", "BC", "DC"}
    assert ids("factors") == list(kb.factors)
    assert ids("rules") == [r.id for r in kb.rules]
    assert len(ids("stages")) == 4 and len(ids("doctrines")) == 2
    assert len(ids("cells")) == len(kb.cells)
    assert report.complete


def test_every_item_is_reached_by_a_rule_and_d5_by_none(report: FeatureCoverage) -> None:
    for key in ("swot", "rivalry", "outcomes"):
        assert all(e.links for e in report.section(key).entries), key
    bare = [e.id for e in report.section("factors").entries if not e.links]
    assert bare == ["D5"]  # evidence for distancing only (see `kzpolicy check`)
    t8 = next(e for e in report.section("swot").entries if e.id == "T8")
    assert set(t8.links) == {"crisis_t8"}  # the article's one condition for T8 (audit D-4, D-5)


def test_risks_and_rules_need_both_a_flagged_and_a_clear_check(report: FeatureCoverage) -> None:
    for key in ("swot", "rivalry", "outcomes", "rules"):
        for e in report.section(key).entries:
            assert e.positive and e.negative, e.id


# --------------------------------------------------------------------------- the report can fail
ONE_SIDED = """\
Feature: Only one side of T6
  Scenario: T6 flagged
    Given the condition "russia_west_worsen" holds
    When the situation is assessed
    Then the threat "T6" is flagged
"""

BOTH_SIDES = ONE_SIDED + """
  Scenario: T6 not flagged
    Given the condition "russia_west_worsen" does not hold
    When the situation is assessed
    Then the threat "T6" is not flagged
"""


def test_an_item_checked_one_way_only_is_not_exercised(tmp_path: Path) -> None:
    r = _features(tmp_path, ONE_SIDED)
    assert not r.complete
    assert "T6" in r.section("swot").missing()
    assert "russia_west_t6" in r.section("rules").missing()
    t6 = next(e for e in r.section("swot").entries if e.id == "T6")
    assert [str(x) for x in t6.positive] == [f"{tmp_path.name}/mine.feature:2 T6 flagged"]


def test_an_item_checked_both_ways_is_exercised(tmp_path: Path) -> None:
    r = _features(tmp_path, BOTH_SIDES)
    assert "T6" not in r.section("swot").missing()
    assert "russia_west_t6" not in r.section("rules").missing()
    assert "T1" in r.section("swot").missing()
    assert r.section("factors").exercised == 0  # no step checked the implied scenario


def test_a_rule_sharing_its_flag_with_another_is_not_relied_on(tmp_path: Path) -> None:
    r = _features(tmp_path, """\
Feature: Two reasons for T1
  Scenario: D1 and D2 both flag T1
    Given the conditions "D1, D2" hold
    When the situation is assessed
    Then the threat "T1" is flagged
""")
    rules = {e.id: e for e in r.section("rules").entries}
    assert not rules["d1_t1"].positive and not rules["d2_t1"].positive
    assert next(e for e in r.section("swot").entries if e.id == "T1").positive


def test_naming_a_rule_in_the_explanation_relies_on_it(tmp_path: Path) -> None:
    r = _features(tmp_path, """\
Feature: Two reasons for T1, one named
  Scenario: D1 and D2 both flag T1
    Given the conditions "D1, D2" hold
    When the situation is assessed
    Then the explanation of "T1" goes through the rule "d2_t1"
""")
    rules = {e.id: e for e in r.section("rules").entries}
    assert rules["d2_t1"].positive and not rules["d1_t1"].positive


def test_a_failing_scenario_is_listed_and_credits_nothing(tmp_path: Path) -> None:
    r = _features(tmp_path, ONE_SIDED.replace('"T6" is flagged', '"T6" is not flagged'))
    assert len(r.failures) == 1
    assert "T6 is flagged, but should not be" in r.failures[0].message
    assert r.failures[0].step.startswith("line 5: Then")
    assert all(not e.positive and not e.negative for e in r.section("swot").entries)


def test_a_step_the_library_does_not_have_is_listed(tmp_path: Path) -> None:
    r = _features(tmp_path, ONE_SIDED.replace("Then the threat", "Then surely the threat"))
    (message,) = [f.message for f in r.failures]
    assert message.startswith("no kzpolicy step reads it; did you mean 'Then ")


def test_an_unexamined_refusal_is_a_failure(tmp_path: Path) -> None:
    r = _features(tmp_path, ONE_SIDED.replace("russia_west_worsen", "russia_west_worse")
                  .split("    Then")[0])
    assert r.failures and r.failures[0].step == "end of scenario"


def test_no_features_folder_is_bad_input(tmp_path: Path) -> None:
    with pytest.raises(kzpolicy.InputError, match=r"no \.feature files"):
        feature_coverage(kzpolicy.load(), tmp_path)
    with pytest.raises(kzpolicy.InputError, match="no such features folder"):
        feature_coverage(kzpolicy.load(), tmp_path / "missing")


def test_the_default_features_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(kzpolicy.InputError, match=r"no features/ folder in .*--features DIR"):
        default_features_dir()  # never the source checkout's, when run elsewhere
    (tmp_path / "features").mkdir()
    assert default_features_dir() == tmp_path / "features"


def test_the_text_report_says_what_exercised_means(cli_run: CliRun) -> None:
    _, text = cli_run("coverage", "--features", str(FEATURES))
    header = text.split("\n\n", 1)[0]
    assert "exercised: a scenario that passes checks the entry" in header
    assert "flagged and another sees it not flagged" in header


# --------------------------------------------------------------------------- the subcommands
def test_cli_coverage_text_reports_everything_exercised(cli_run: CliRun) -> None:
    status, text = cli_run("coverage", "--features", str(FEATURES))
    assert status == 0
    assert "not exercised: none" in text
    assert "failing scenario runs: none" in text
    for title in ("SWOT items: 27 of 27 reached by a rule, 27 of 27 exercised",
                  "Rivalry effects: 5 of 5 reached by a rule, 5 of 5 exercised",
                  "Scenario factors: 21 of 22 reached by a rule, 22 of 22 exercised",
                  "Rules: 56 of 56 exercised", "Milestones: 24 of 24 exercised",
                  "The authors' findings: 32 of 32 exercised"):
        assert title in text


def test_cli_coverage_json(cli_run: CliRun) -> None:
    status, text = cli_run("coverage", "--features", str(FEATURES), "--format", "json")
    data = json.loads(text)
    assert status == 0 and data["complete"] is True and data["failures"] == []
    swot = data["sections"]["swot"]
    assert swot["total"] == swot["reached_by_rule"] == swot["exercised"] == 27
    t1 = next(e for e in swot["entries"] if e["id"] == "T1")
    assert t1["reached_by_rule"] and t1["flagged_in"] and t1["not_flagged_in"]
    assert "d1_t1" in t1["reached_by"]


def test_cli_coverage_exits_1_when_something_is_not_exercised(
    cli_run: CliRun, tmp_path: Path
) -> None:
    (tmp_path / "mine.feature").write_text(BOTH_SIDES, encoding="utf-8")
    status, text = cli_run("coverage", "--features", str(tmp_path))
    assert status == 1
    assert "not exercised: swot: S1" in text
    status, text = cli_run("coverage", "--features", str(tmp_path), "--format", "json")
    assert status == 1 and "T1" in json.loads(text)["not_exercised"]["swot"]


def test_cli_steps_prints_the_step_list(cli_run: CliRun) -> None:
    status, text = cli_run("steps")
    assert status == 0 and text == render_step_list()
