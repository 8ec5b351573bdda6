"""The journal on the command line: ``--file`` takes a situation file (its certain beliefs
to ``assess``, its uncertain ones to ``probabilities``), ``assess`` shows the caller's
evidence beside the conclusions, and ``kzpolicy timeline`` prints every format."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import kzpolicy
from conftest import CliRun

EXAMPLES = Path(__file__).parents[2] / "examples" / "journal"
MARCH = EXAMPLES / "2014-03-18.yaml"
JUNE = EXAMPLES / "2014-06-30.yaml"


def test_assess_a_situation_file_shows_the_evidence_beside_what_rests_on_it(
        cli_run: CliRun, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "300")  # a terminal wide enough for each row on a line
    code, out = cli_run("assess", "--file", str(MARCH))
    assert code == 0
    assert out.startswith("Situation: Example: strain in the spring, as of 2014-03-18")
    assert "Scenario: distancing" in out
    evidence = out[out.index("The caller's evidence"):]
    row = next(line for line in evidence.splitlines() if line.startswith("D1 "))
    assert "example: analyst's own judgement" in row and "2014-03-17" in row
    assert re.search(r"\bdistancing, .*\bT1\b", row)  # the conclusions resting on D1


def test_assess_a_situation_as_json_and_markdown(cli_run: CliRun) -> None:
    code, out = cli_run("assess", "--file", str(JUNE), "--format", "json")
    assert code == 0
    found = kzpolicy.SituationAssessment.model_validate_json(out)
    s = kzpolicy.situation(JUNE)
    assert found.assessment == kzpolicy.assess(s.certain())
    assert found.probabilities == kzpolicy.probabilities(s.uncertain(), fixed=s.certain())
    assert {e.condition for e in found.evidence} == set(s.beliefs)
    code, out = cli_run("assess", "--file", str(JUNE), "--format", "markdown")
    assert code == 0 and "### The caller's evidence (10)" in out
    assert "| D1 | p=0.6 | example: analyst's own judgement | 2014-06-25 | low |" in out


def test_the_html_of_a_situation_has_the_evidence_section(cli_run: CliRun) -> None:
    code, out = cli_run("assess", "--file", str(MARCH), "--format", "html")
    assert code == 0
    section = out[out.index('<section id="evidence"'):]
    row = section[section.index('<tr id="evidence-D1">'):].split("</tr>")[0]
    assert "example: analyst&#39;s own judgement" in row and "2014-03-17" in row
    assert "distancing" in row and "<script" not in out


def test_set_beside_a_situation_adds_and_a_contradiction_is_refused(
        cli_run: CliRun, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = cli_run("assess", "--file", str(MARCH), "--set", "D4", "--format", "json")
    assert code == 0
    assert json.loads(out)["assessment"]["asserted"]["D4"] is True
    code, _ = cli_run("assess", "--file", str(MARCH), "--set", "D1=false")
    assert code == 2
    assert "condition 'D1' is given twice" in capsys.readouterr().err


def test_probabilities_of_a_situation_file(cli_run: CliRun) -> None:
    code, out = cli_run("probabilities", "--file", str(JUNE), "--format", "json")
    assert code == 0
    s = kzpolicy.situation(JUNE)
    found = json.loads(out)
    assert found["beliefs"] == s.uncertain() and found["fixed"] == s.certain()


def test_other_commands_take_the_certain_beliefs(cli_run: CliRun) -> None:
    code, out = cli_run("tipping-points", "--file", str(MARCH), "--format", "json")
    assert code == 0
    assert json.loads(out)["scenario"] == "distancing"


def _refusal(cli_run: CliRun, capsys: pytest.CaptureFixture[str], path: Path,
             text: str) -> str:
    """What ``assess --file`` prints on standard error for a file holding ``text``."""
    path.write_text(text, encoding="utf-8")
    code, _ = cli_run("assess", "--file", str(path))
    assert code == 2
    return capsys.readouterr().err


def test_a_malformed_situation_file_is_one_line_naming_file_line_fix(
        cli_run: CliRun, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "s.yaml"
    err = _refusal(cli_run, capsys, path, "title: t\nas_of: 2014-03-18\nbeliefs:\n  D1: maybe\n")
    assert err.startswith(f"kzpolicy: error: {path}:4: beliefs.D1: not a belief: write")


@pytest.mark.parametrize("fmt", ["text", "markdown", "json", "html"])
def test_timeline_prints_every_format(cli_run: CliRun, fmt: str) -> None:
    code, out = cli_run("timeline", str(EXAMPLES), "--format", fmt)
    assert code == 0
    if fmt == "json":
        assert json.loads(out) == json.loads(kzpolicy.timeline(EXAMPLES).model_dump_json())
    elif fmt == "html":
        assert '<svg id="timeline-chart"' in out and "<script" not in out
        assert out.count("<polyline") == 3 and out.count("<circle") == 3 * 4
        assert "Probability of each scenario by date" in out
    else:
        assert "scenario balance → distancing" in out
        assert "D1 + D2" in out  # no single belief undid June's move: the pair did


def test_timeline_max_cause_and_reading(cli_run: CliRun,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    code, out = cli_run("timeline", str(EXAMPLES), "--max-cause", "1", "--format", "json")
    assert code == 0
    june = json.loads(out)["entries"][2]
    assert next(d for d in june["differences"] if d["kind"] == "scenario")["caused_by"] == []
    code, out = cli_run("timeline", str(EXAMPLES), "--reading", "stated-only",
                        "--format", "json")
    assert code == 0 and json.loads(out)["reading"] == "stated-only"
    code, _ = cli_run("timeline", str(EXAMPLES), "--max-cause", "0")
    assert code == 2 and "--max-cause 0: must be at least 1" in capsys.readouterr().err


def test_a_json_condition_file_with_a_key_twice_is_refused(
        cli_run: CliRun, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "c.json"
    err = _refusal(cli_run, capsys, path, '{"D1": true,\n "D1": false}\n')
    assert f"--file {path}:2: the key 'D1' is given twice in one object; give it once" in err
