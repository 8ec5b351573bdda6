"""No command cuts its text: every command of the command-line reference (docs/cli.md), run
over the stock rules and presets at a narrow terminal, prints no "…"; table cells wrap
within their columns; reasons name each condition with its label; ties in the
sensitivity ranking share a rank; beliefs come by group (``--prob factors=P``), for
every condition (``--prob-all P``), and the ranking for one scenario (``--by``)."""

from __future__ import annotations

import json

import pytest

import kzpolicy
from conftest import CliRun
from kzpolicy.report.table import table

KB = kzpolicy.load()

#: every command of the reference (docs/cli.md's "Command line" block), with stock input
COMMANDS = [
    *(["list", what] for what in ("swot", "factors", "scenarios", "conditions", "rules",
                                  "stages", "programmes", "partners", "rivalry", "outcomes",
                                  "stimuli", "milestones", "findings", "doctrines",
                                  "presets", "readings")),
    ["check"],
    ["check", "--reading", "stated-only"],
    ["assess", "--preset", "article-2010"],
    ["assess", "--preset", "article-2010", "--explain"],
    ["assess", "--preset", "article-2010", "--open"],
    ["assess", "--preset", "article-2010", "--format", "markdown"],
    ["assess", "--preset", "article-2010", "--robustness"],
    ["assess", "--set", "info_scarce=false", "--set", "cooperation_intensifies"],
    ["what-if", "--preset", "article-2010", "--set", "D1", "--set", "D3"],
    ["tipping-points", "--preset", "article-2010"],
    ["tipping-points", "--preset", "article-2010", "--max-size", "4", "--limit", "5"],
    ["why-not", "T6", "--preset", "article-2010"],
    ["why-not", "integration", "--preset", "article-2010"],
    ["counterfactuals", "--imply", "integration", "--preset", "article-2010"],
    ["stability", "--preset", "article-2010"],
    ["landscape"],
    ["probabilities", "--prob", "D1=0.7", "--prob", "B2=0.4", "--preset", "article-2010"],
    ["probabilities", "--prob-all", "0.5", "--sensitivity"],
    ["probabilities", "--prob", "factors=0.5", "--by", "integration"],
    ["monte-carlo", "--prob", "D1=0.7", "--prob", "D2=0.5", "--samples", "2000"],
    ["report", "--preset", "article-2010", "--what-if", "D1", "--format", "markdown"],
    ["graph"],
    ["steps"],
    ["robustness", "--preset", "article-2010"],
    ["diff", "rules", "--reading", "stated-only"],
]


@pytest.mark.parametrize("argv", COMMANDS, ids=" ".join)
def test_no_command_cuts_its_text(cli_run: CliRun, monkeypatch: pytest.MonkeyPatch,
                                  argv: list[str]) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    code, text = cli_run(*argv)
    assert code in (0, 1), text  # coverage-like commands exit 1 on findings
    assert text.strip()
    assert "…" not in text


def test_a_table_wraps_a_long_cell_within_its_column() -> None:
    label = "a label of many words " * 6
    out = table(["id", "label"], [["LONG_ID_1", label.strip()], ["B2", "short"]], width=40)
    lines = out.splitlines()
    assert all(len(line) <= 40 for line in lines)
    assert " ".join(" ".join(ln[11:].split()) for ln in lines[2:-1]) == label.strip()
    assert lines[-1].split() == ["B2", "short"]


def test_a_table_never_breaks_a_word_and_runs_wide_instead() -> None:
    out = table(["id"], [["X" * 50]], width=20)
    assert "X" * 50 in out.splitlines()


def test_a_note_goes_under_its_row() -> None:
    out = table(["id", "label"], [["A", "a"], ["B", "b"]], below=[None, "because C holds"])
    assert out.splitlines()[-1] == "    because C holds"


def test_assess_names_each_condition_of_a_reason_with_its_label(cli_run: CliRun) -> None:
    code, text = cli_run("assess", "--preset", "article-2010")
    assert code == 0
    flat = " ".join(text.split())
    assert f"B1 ({KB.label_of('B1')}) holds" in flat
    assert "B1 holds" not in flat
    # the six balance outcomes share one reason: said once, naming them
    assert "BC1, BC2, BC3, BC4, BC5, BC6: because (asserted)" in flat


def _sensitivity(cli_run: CliRun, *argv: str) -> dict[str, object]:
    code, text = cli_run("probabilities", "--sensitivity", "--format", "json", *argv)
    assert code == 0, text
    data: dict[str, object] = json.loads(text)
    return data


def test_tied_beliefs_share_a_rank_said_once(cli_run: CliRun) -> None:
    data = _sensitivity(cli_run, "--prob", "factors=0.5")
    ranked = data["ranked"]
    assert isinstance(ranked, list)
    ranks = {b["id"]: b["rank"] for b in ranked}
    swing = {b["id"]: round(b["scenario_swing"], 12) for b in ranked}
    for a in ranks:
        for b in ranks:
            assert (ranks[a] == ranks[b]) == (swing[a] == swing[b]), (a, b)
    assert len(set(ranks.values())) < len(ranks)  # the stock factors do tie
    _, text = cli_run("probabilities", "--prob", "factors=0.5", "--sensitivity")
    tied = [ln for ln in text.splitlines() if ln.startswith("Tied at rank")]
    assert len(tied) == len({r for r in ranks.values()
                             if list(ranks.values()).count(r) > 1})


def test_by_ranks_for_one_scenario(cli_run: CliRun) -> None:
    data = _sensitivity(cli_run, "--prob", "factors=0.5", "--by", "integration")
    assert data["by"] == "integration"
    ranked = data["ranked"]
    assert isinstance(ranked, list)
    swings = [abs(next(w["swing"] for w in b["scenarios"] if w["id"] == "integration"))
              for b in ranked]
    assert swings == sorted(swings, reverse=True)
    assert ranked[0]["id"].startswith("I")  # the integration factors move it most
    code, _ = cli_run("probabilities", "--prob", "D1=0.5", "--by", "nowhere")
    assert code == 2


def test_a_group_and_prob_all_fill_in_around_what_is_given(cli_run: CliRun) -> None:
    code, text = cli_run("probabilities", "--format", "json", "--prob", "factors=0.5",
                         "--prob", "integration=0.3", "--prob", "I1=0.9")
    assert code == 0
    beliefs = json.loads(text)["beliefs"]
    assert set(beliefs) == set(KB.factors)
    assert beliefs["I1"] == 0.9 and beliefs["I2"] == 0.3 and beliefs["D1"] == 0.5
    code, text = cli_run("probabilities", "--format", "json", "--prob-all", "1/2",
                         "--set", "info_scarce")
    assert code == 0
    data = json.loads(text)
    assert set(data["beliefs"]) == set(KB.condition_ids) - {"info_scarce"}
    assert data["fixed"] == {"info_scarce": True}


def test_monte_carlo_takes_prob_all(cli_run: CliRun) -> None:
    code, text = cli_run("monte-carlo", "--prob-all", "0.5", "--samples", "200", "--seed",
                         "1", "--format", "json")
    assert code == 0
    assert len(json.loads(text)["probabilities"]) == len(KB.condition_ids)


def test_what_if_and_tipping_points_name_their_conditions_with_labels(
        cli_run: CliRun) -> None:
    _, text = cli_run("what-if", "--preset", "article-2010", "--set", "D1")
    assert text.startswith(f"What if: D1 ({KB.label_of('D1')}) unknown -> true")
    _, text = cli_run("tipping-points", "--set", "I1", "--set", "I2", "--set", "I3")
    flat = " ".join(text.split())
    assert "any 1 of I4, I5, I6, I7 true" in flat
    assert all(f"{i} {KB.label_of(i)}" in flat for i in ("I4", "I5", "I6", "I7"))
