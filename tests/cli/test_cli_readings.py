"""--reading on every command that reads a knowledge base (one option, from cli/options.py),
`kzpolicy assess --robustness`, `kzpolicy robustness` and `kzpolicy diff`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from conftest import CliRun

#: every command that reads a knowledge base and answers with JSON, with the arguments it
#: needs
JSON_COMMANDS = [
    ["assess", "--set", "D1"],
    ["what-if", "--base", "D1", "--set", "D2"],
    ["tipping-points", "--set", "D1"],
    ["landscape"],
    ["monte-carlo", "--prob", "D1=0.5", "--samples", "50", "--seed", "1"],
    ["probabilities", "--prob", "D1=0.5"],
    ["probabilities", "--prob", "D1=0.5", "--sensitivity"],
    ["robustness", "--set", "D1"],
]


@pytest.mark.parametrize("argv", JSON_COMMANDS, ids=lambda a: " ".join(a[:2]))
def test_every_result_records_the_reading_of_the_command(cli_run: CliRun,
                                                         argv: list[str]) -> None:
    code, out = cli_run(*argv, "--reading", "count-4", "--format", "json")
    assert code == 0, out
    data = json.loads(out)
    assert data["reading"] == "count-4"
    assert "+count-4." in data["kb_version"]


@pytest.mark.parametrize("command", ["list", "check", "assess", "report", "graph", "what-if",
                                     "tipping-points", "landscape", "monte-carlo",
                                     "probabilities", "coverage", "serve", "robustness",
                                     "diff"])
def test_every_command_that_reads_rules_takes_reading(command: str,
                                                      capsys: pytest.CaptureFixture[str]
                                                      ) -> None:
    from kzpolicy.cli.main import main

    with pytest.raises(SystemExit):
        main([command, "--help"])
    assert "--reading NAME|FILE" in capsys.readouterr().out


def test_the_other_commands_read_under_the_reading(cli_run: CliRun) -> None:
    code, out = cli_run("list", "rules", "--reading", "stated-only", "--format", "json")
    assert code == 0 and len(json.loads(out)) == 36
    code, out = cli_run("graph", "--reading", "stated-only")
    assert code == 0 and "+stated-only." in out.splitlines()[0] and "d1_t1" not in out
    code, out = cli_run("report", "--set", "D1", "--reading", "stated-only", "--format",
                        "markdown")
    assert code == 0 and "reading `stated-only`" in out and "No scenario implied" in out


def test_assess_robustness_in_every_format(cli_run: CliRun, tmp_path: Path) -> None:
    code, out = cli_run("assess", "--preset", "article-2010", "--robustness")
    assert code == 0
    assert "Scenario balance: holds under 4 of 5 readings; not under stated-only" in out
    for fmt in ("markdown", "html"):
        code, out = cli_run("assess", "--preset", "article-2010", "--robustness",
                            "--format", fmt)
        assert code == 0 and "holds under 4 of 5 readings" in out
    code, out = cli_run("assess", "--preset", "article-2010", "--robustness", "--format",
                        "json")
    assert json.loads(out)["scenario"]["summary"] == "holds under 4 of 5 readings"
    code, out = cli_run("assess", "--preset", "article-2010",
                        "--robustness=article,stated-only")
    assert code == 0 and "holds under 1 of 2 readings" in out
    assert cli_run("assess", "--robustness", "--explain")[0] == 2


def test_diff_a_folder_and_a_reading(cli_run: CliRun) -> None:
    code, out = cli_run("diff", "rules", "--reading", "count-4")
    assert code == 0
    assert "298,015 change their implied scenario" in out
    assert "decision    decision  changed  form" in out
    code, out = cli_run("diff", "rules", "--reading", "count-4", "--format", "json")
    assert json.loads(out)["scenario_changed"] == 298015
    code, out = cli_run("diff", "rules", "rules", "--format", "markdown")
    assert code == 0 and "0 change their implied scenario" in out
    assert cli_run("diff", "rules")[0] == 2  # nothing to compare with


def test_check_validates_a_users_reading(cli_run: CliRun, tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(yaml.safe_dump({"reading": {
        "id": "mine", "label": "m", "statement": "m", "reason": "m",
        "locator": {"section": "scenarios"},
        "changes": [{"drop": {"ids": ["d1_tt"]}, "reason": "m"}]}}), encoding="utf-8")
    code, out = cli_run("check", "--reading", str(path))
    assert code == 1 and "drop names 'd1_tt'" in out
    code, out = cli_run("check", "--reading", "stated-only", "--format", "json")
    assert code == 0
    found = {r["id"]: r for r in json.loads(out)["readings"]}
    assert any("S2" in n for n in found["stated-only"]["unreachable"])


def test_an_unknown_reading_is_bad_input(cli_run: CliRun,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = cli_run("assess", "--reading", "stated")
    assert code == 2
    assert "unknown reading 'stated'. Did you mean 'stated-only'" in capsys.readouterr().err
