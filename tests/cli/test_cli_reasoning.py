"""`kzpolicy why-not`, `counterfactuals`, `stability` and `assess --open`: each format, the
100-column text, the budget options and the one-line refusals."""

from __future__ import annotations

import json

import pytest

import kzpolicy
from conftest import CliRun


def test_why_not_in_every_format(cli_run: CliRun) -> None:
    code, text = cli_run("why-not", "T8", "--preset", "article-2010")
    assert code == 0 and "T8 is not flagged" in text and "crisis_t8" in text
    assert all(len(line) <= 100 for line in text.splitlines())
    code, raw = cli_run("why-not", "T8", "--preset", "article-2010", "--format", "json")
    assert kzpolicy.WhyNot.model_validate(json.loads(raw)) == kzpolicy.why_not(
        preset="article-2010", item="T8")
    _, md = cli_run("why-not", "C2", "--preset", "article-2010", "--format", "markdown")
    assert md.startswith("## Why not C2") and "| 2.1 | distancing_outcome |" in md
    _, page = cli_run("why-not", "distancing", "--preset", "article-2010", "--format", "html")
    assert page.lower().startswith("<!doctype html>") and "fewest factor changes" in page


def test_counterfactuals_compact_and_listed(cli_run: CliRun) -> None:
    code, text = cli_run("counterfactuals", "--preset", "article-2010", "--imply",
                         "distancing")
    assert code == 0 and "Fewest changes: 8" in text and len(text.splitlines()) <= 50
    assert "any 1 of B1, B2, B3, B4, B5, B6, B7 not true (cleared or denied)" in " ".join(
        text.split())
    _, listed = cli_run("counterfactuals", "--set", "D4", "--clear", "T7", "--list")
    assert "set region_relations_cool false -> contested" in listed
    assert "Concrete sets 1 to 3 of 3" in listed
    _, md = cli_run("counterfactuals", "--preset", "article-2010", "--flag", "T8",
                    "--format", "markdown")
    assert "set china_suspicion_grows true and set russia_uzbekistan_crisis true" in md


def test_stability_and_assess_open(cli_run: CliRun) -> None:
    code, text = cli_run("stability", "--preset", "article-2010", "--top", "3")
    assert code == 0 and "Scenario: settled, balance" in text
    assert "1. tough_rivalry" in text and "4. " not in text.split("What to find out")[1]
    assert all(len(line) <= 100 for line in text.splitlines())
    code, both = cli_run("assess", "--preset", "article-2010", "--open")
    assert code == 0 and both.index("Scenario: balance") < both.index("Stability over")
    assert "What to find out next" in both
    _, md = cli_run("assess", "--preset", "article-2010", "--open", "--format", "markdown")
    assert "### What to find out next" in md
    _, raw = cli_run("stability", "--set", "D1", "--set", "D2", "--set", "D3", "--prob",
                     "D4=0.5", "--format", "json")
    first = json.loads(raw)["next"][0]
    assert first["id"] == "D4" and first["belief"] == 0.5 and first["expected_change"] > 0
    # the group forms fill in only the unknown conditions, as in probabilities
    _, raw = cli_run("stability", "--preset", "article-2010", "--prob-all", "0.5",
                     "--format", "json")
    found = json.loads(raw)
    assert {x["belief"] for x in found["next"]} == {0.5}
    assert not {x["id"] for x in found["next"]} & set(found["asserted"])
    _, raw = cli_run("stability", "--preset", "article-2010", "--prob", "factors=0.3",
                     "--format", "json")
    factors = set(kzpolicy.load().factors)
    beliefs = {x["id"]: x["belief"] for x in json.loads(raw)["next"]}
    assert {b for i, b in beliefs.items() if i in factors} == {0.3}
    assert {b for i, b in beliefs.items() if i not in factors} == {None}


@pytest.mark.parametrize(("argv", "fragment"), [
    (["counterfactuals", "--preset", "article-2010"], "give one target"),
    (["counterfactuals", "--flag", "T8", "--clear", "T7"], "give one target"),
    (["counterfactuals", "--flag", "distancing"], "is a scenario"),
    (["counterfactuals", "--imply", "T8"], "unknown scenario 'T8'"),
    (["counterfactuals", "--flag", "T8", "--max-changes", "0"], "at least 1"),
    (["why-not", "T88"], "unknown item or scenario 'T88'"),
    (["why-not", "T8", "--nodes", "0"], "--nodes 0: must be at least 1"),
    (["why-not", "T8", "--seconds", "soon"], "--seconds soon"),
    (["stability", "--preset", "article-2010", "--prob", "B1=0.5"], "'B1' is asserted"),
    (["assess", "--open", "--format", "json"], "--open goes with --format text"),
    (["tipping-points", "--nodes", "x"], "--nodes x"),
])
def test_bad_input_exits_2_with_one_line(cli_run: CliRun, argv: list[str], fragment: str,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = cli_run(*argv)
    err = capsys.readouterr().err
    assert code == 2 and fragment in err and err.count("\n") == 1


def test_a_small_budget_says_the_answer_is_partial(cli_run: CliRun) -> None:
    code, text = cli_run("stability", "--preset", "article-2010", "--nodes", "5")
    assert code == 0 and "PARTIAL: the nodes bound was hit" in " ".join(text.split())
    code, text = cli_run("counterfactuals", "--set", "D4", "--set", "I3", "--clear", "T7",
                         "--nodes", "2000")
    assert code == 0 and "PARTIAL: the nodes bound was hit" in " ".join(text.split())


@pytest.mark.parametrize("argv", [
    ["counterfactuals", "--preset", "article-2010", "--flag", "T8", "--list", "3"],
    ["stability", "--preset", "article-2010"],
])
def test_html_is_one_page_of_the_tables(cli_run: CliRun, argv: list[str]) -> None:
    code, page = cli_run(*argv, "--format", "html")
    assert code == 0 and page.lower().startswith("<!doctype html>")
    assert "<table>" in page and "<script" not in page
    result = (kzpolicy.counterfactuals("article-2010", "flag T8", limit=3)
              if argv[0] == "counterfactuals" else kzpolicy.stability(preset="article-2010"))
    assert kzpolicy.render(result, "html") == page
