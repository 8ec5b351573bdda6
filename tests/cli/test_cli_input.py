"""One parser per kind of option (cli/options.py): ``--prob`` reads 0.3 and 3/10 for
``monte-carlo`` and ``probabilities`` alike; one rule for an ID given twice; files named by
the option that gave them."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import pytest

import kzpolicy
from conftest import CliRun
from kzpolicy.analysis.montecarlo import MonteCarlo
from kzpolicy.analysis.probabilities import Probabilities
from kzpolicy.cli.options import merge, parse_prob
from kzpolicy.errors import InputError

RUN = ["--samples", "3000", "--seed", "11", "--format", "json"]


def test_monte_carlo_reads_a_fraction(cli_run: CliRun) -> None:
    code, raw = cli_run("monte-carlo", "--prob", "D1=3/10", "--prob", "D2=1/2", *RUN)
    assert code == 0
    got = MonteCarlo.model_validate(json.loads(raw))
    assert got.probabilities == {"D1": 0.3, "D2": 0.5}
    assert got == kzpolicy.monte_carlo({"D1": 0.3, "D2": 0.5}, samples=3000, seed=11)
    code, decimal = cli_run("monte-carlo", "--prob", "D1=0.3", "--prob", "D2=0.5", *RUN)
    assert code == 0 and decimal == raw


def test_probabilities_reads_the_same_fraction(cli_run: CliRun) -> None:
    code, raw = cli_run("probabilities", "--prob", "D1=3/10", "--exact", "--format", "json")
    assert code == 0
    got = Probabilities.model_validate(json.loads(raw))
    assert got.exact_beliefs == {"D1": Fraction(3, 10)}


@pytest.mark.parametrize("command", ["monte-carlo", "probabilities"])
@pytest.mark.parametrize(("extra", "fragment"), [
    (["--prob", "D1"], "--prob D1: write ID=P with P from 0 to 1"),
    (["--prob", "=0.5"], "--prob =0.5: write ID=P"),
    (["--prob", "D1=x"], "--prob D1=x: 'x' is not a number from 0 to 1 (write 0.3 or 3/10)"),
    (["--prob", "D1=1/0"], "'1/0' is not a number"),
    (["--prob", "D1=3/2"], "the probability of 'D1' must be from 0 to 1, got Fraction(3, 2)"),
    (["--prob", "D1=0.5", "--prob", "D1=1/2"], None),  # the same value twice is fine
    (["--prob", "D1=0.5", "--prob", "D1=0.6"],
     "condition 'D1' is given two probabilities; give one"),
    (["--prob", "D1=0.5", "--set", "D1"], "'D1' is both fixed and given a probability"),
    ([], "give at least one probability: --prob ID=P, --prob-all P or --probabilities FILE"),
])
def test_both_commands_read_beliefs_alike(cli_run: CliRun, capsys: pytest.CaptureFixture[str],
                                          command: str, extra: list[str],
                                          fragment: str | None) -> None:
    code, _ = cli_run(command, *extra, "--samples", "10", "--seed", "1") \
        if command == "monte-carlo" else cli_run(command, *extra)
    err = capsys.readouterr().err
    if fragment is None:
        assert code == 0, err
    else:
        assert code == 2 and fragment in err and err.count("\n") == 1, err


@pytest.mark.parametrize("command", ["monte-carlo", "probabilities"])
def test_a_probabilities_file_is_named_by_its_option(cli_run: CliRun, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str],
                                                      command: str) -> None:
    listed = tmp_path / "beliefs.yaml"
    listed.write_text("- D1\n- D2\n", encoding="utf-8")
    for path, says in [(str(listed), "expected a mapping of condition IDs to probabilities"),
                       (str(tmp_path / "none.yaml"), "no such file")]:
        code, _ = cli_run(command, "--probabilities", path)
        err = capsys.readouterr().err
        assert code == 2 and f"--probabilities {path}: {says}" in err, err
    both = tmp_path / "both.yaml"
    both.write_text("D1: 0.5\n", encoding="utf-8")
    code, _ = cli_run(command, "--probabilities", str(both), "--prob", "D1=0.25")
    assert code == 2 and "given two probabilities" in capsys.readouterr().err


def test_a_conditions_file_is_read_as_the_library_reads_conditions(
        cli_run: CliRun, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("D1: maybe\n", encoding="utf-8")
    code, _ = cli_run("assess", "--file", str(bad))
    with pytest.raises(InputError) as info:
        kzpolicy.assess({"D1": "maybe"})
    assert code == 2 and capsys.readouterr().err == f"kzpolicy: error: {info.value}\n"
    scalar = tmp_path / "scalar.yaml"
    scalar.write_text("3\n", encoding="utf-8")
    code, _ = cli_run("assess", "--file", str(scalar))
    assert code == 2 and f"--file {scalar}: expected a mapping" in capsys.readouterr().err
    given = tmp_path / "given.yaml"
    given.write_text("D1: true\n", encoding="utf-8")
    code, _ = cli_run("assess", "--file", str(given), "--set", "D1=false")
    assert code == 2 and "'D1' is given twice, once true and once false" in (
        capsys.readouterr().err)


@pytest.mark.parametrize("argv", [
    ["what-if", "--set", "D1", "--set", "D1=false"],
    ["report", "--what-if", "D1", "--what-if", "D1=false"],
    ["assess", "--set", "D1", "--set", "D1=false"],
])
def test_a_condition_given_true_and_false_is_refused_everywhere(
        cli_run: CliRun, capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    code, _ = cli_run(*argv)
    err = capsys.readouterr().err
    assert code == 2 and "condition 'D1' is given twice, once true and once false" in err


def test_merge_and_parse_prob() -> None:
    assert merge([("D1", True), ("D2", False), ("D1", True)]) == {"D1": True, "D2": False}
    with pytest.raises(InputError, match=r"^condition 'D1' is given two values$"):
        merge([("D1", 0.5), ("D1", 0.25)], "two values")
    assert parse_prob("D1=0.3") == ("D1", 0.3)
    assert parse_prob("D1= 3/10 ") == ("D1", Fraction(3, 10))
    assert isinstance(parse_prob("D1=1")[1], float)
