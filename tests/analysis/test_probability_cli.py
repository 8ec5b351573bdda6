"""The `kzpolicy probabilities` command: formats, --exact, --sensitivity, fixed conditions,
and bad input as exit 2 with one line naming the value and the fix; the reports."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import pytest

import kzpolicy
from conftest import CliRun
from kzpolicy.analysis.probabilities import Probabilities
from kzpolicy.analysis.sensitivity import Sensitivity

ARGV = ["probabilities", "--prob", "D1=0.7", "--prob", "B2=0.4", "--preset", "article-2010"]
TIPPING = {"B1": 0.2, "B2": 0.3, "B3": 0.2, "B4": 0.4, "D1": 0.9, "D2": 0.8, "D3": 0.8,
           "D4": 0.7, "D5": 0.6, "D6": 0.5}


def test_json_is_the_library_result(cli_run: CliRun) -> None:
    code, raw = cli_run(*ARGV, "--format", "json")
    assert code == 0
    got = Probabilities.model_validate(json.loads(raw))
    assert got == kzpolicy.probabilities({"D1": 0.7, "B2": 0.4}, preset="article-2010")
    code, raw = cli_run(*ARGV, "--format", "json", "--exact", "--set", "tough_rivalry")
    exact = Probabilities.model_validate(json.loads(raw))
    assert exact.fixed["tough_rivalry"] is True
    assert exact.exact_beliefs == {"B2": Fraction(2, 5), "D1": Fraction(7, 10)}
    assert all(i.exact is not None for i in exact.risks)


def test_text_markdown_and_html(cli_run: CliRun) -> None:
    code, text = cli_run(*ARGV)
    assert code == 0 and text.startswith("Exact probabilities")
    assert "most likely scenario: balance" in text and "Risks (possible:" in text
    code, md = cli_run(*ARGV, "--format", "markdown", "--exact")
    assert code == 0 and md.startswith("## Exact probabilities") and "D1=7/10" in md
    code, page = cli_run(*ARGV, "--format", "html")
    assert code == 0 and page.startswith("<!DOCTYPE html>") and "<script" not in page
    assert "Exact probabilities" in page


def test_fractions_on_the_command_line(cli_run: CliRun) -> None:
    code, raw = cli_run("probabilities", "--prob", "D1=1/3", "--exact", "--format", "json")
    assert code == 0
    got = Probabilities.model_validate(json.loads(raw))
    t1 = next(i for i in got.risks if i.id == "T1")
    assert t1.exact == Fraction(1, 3)


def test_probabilities_from_a_file(cli_run: CliRun, tmp_path: Path) -> None:
    file = tmp_path / "beliefs.yaml"
    file.write_text("D1: 0.7\nB2: 0.4\n", encoding="utf-8")
    code, raw = cli_run("probabilities", "--probabilities", str(file), "--preset",
                        "article-2010", "--format", "json")
    assert code == 0
    assert Probabilities.model_validate(json.loads(raw)) == kzpolicy.probabilities(
        {"D1": 0.7, "B2": 0.4}, preset="article-2010")


def test_sensitivity_views(cli_run: CliRun, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "240")  # wide enough that no cell wraps
    argv = ["probabilities", "--preset", "article-2010", "--sensitivity",
            *(x for c, p in TIPPING.items() for x in ("--prob", f"{c}={p}"))]
    code, raw = cli_run(*argv, "--format", "json")
    assert code == 0
    got = Sensitivity.model_validate(json.loads(raw))
    assert got == kzpolicy.sensitivity(TIPPING, preset="article-2010")
    code, text = cli_run(*argv)
    assert code == 0 and "Beliefs ranked" in text and "balance to distancing" in text
    code, md = cli_run(*argv, "--format", "markdown")
    assert code == 0 and "| # | belief |" in md
    code, page = cli_run(*argv, "--format", "html")
    assert code == 0 and 'id="tornado-chart"' in page and "<script" not in page
    assert page.count("<rect") >= len(TIPPING)


@pytest.mark.parametrize(("extra", "fragment"), [
    (["--prob", "D1"], "write ID=P"),
    (["--prob", "D1=x"], "'x' is not a number from 0 to 1"),
    (["--prob", "D1=1.5"], "from 0 to 1, got 1.5"),
    (["--prob", "D9=0.5"], "unknown condition 'D9'"),
    (["--prob", "D1=0.5", "--prob", "D1=0.6"], "given two probabilities"),
    (["--prob", "D1=0.5", "--set", "D1"], "both fixed and given a probability"),
    (["--prob", "D1=0.5", "--preset", "article-2011"], "article-2010"),
    ([], "at least one probability"),
])
def test_bad_input_is_one_line_and_exit_2(cli_run: CliRun, capsys: pytest.CaptureFixture[str],
                                          extra: list[str], fragment: str) -> None:
    code, _ = cli_run("probabilities", *extra)
    err = capsys.readouterr().err
    assert code == 2 and fragment in err and err.count("\n") == 1, err


def test_the_renderers_escape_what_they_show() -> None:
    from kzpolicy.report import html

    svg = html.tornado_chart([html.TornadoBar("<b>", 0.1, 0.9, "a & b")], 0.5, caption="<x>")
    assert "<b>" not in svg and "&lt;b&gt;" in svg and "&amp;" in svg and "&lt;x&gt;" in svg
    page = kzpolicy.render(kzpolicy.sensitivity(TIPPING, preset="article-2010"), "html")
    assert page.count('id="tornado-chart"') == 1
