"""A file of the command line is read exactly or refused (issue 21: F3, F5, F7, F17):
duplicate keys, an integer past 4,300 digits and exact fractions past 4,300 digits are
one line and exit status 2, never a traceback or a silent last-wins; an empty
``--rules`` is refused, never read as "not given"."""

from __future__ import annotations

from pathlib import Path

import pytest

import kzpolicy
from conftest import CliRun

#: 14 beliefs of the smallest float: their exact probabilities need over 4,300 digits
TINY = [a for c in ("D1", "D2", "D3", "D4", "D5", "D6", "D7", "D8", "B1", "B2", "B3", "B4",
                    "B5", "B6") for a in ("--prob", f"{c}=5e-324")]


def _file(tmp_path: Path, text: str, name: str = "x.json") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def _refused(capsys: pytest.CaptureFixture[str], code: int, out: str) -> str:
    err = capsys.readouterr().err
    assert (code, out) == (2, ""), err
    assert err.count("\n") == 1 and err.startswith("kzpolicy: error: "), err
    return err


@pytest.mark.parametrize(("command", "option"), [
    ("assess", "--file"), ("monte-carlo", "--probabilities"),
    ("probabilities", "--probabilities")])
def test_a_key_given_twice_in_a_json_file_is_refused(
        cli_run: CliRun, capsys: pytest.CaptureFixture[str], tmp_path: Path,
        command: str, option: str) -> None:
    text = '{"D1": true, "D1": false}' if command == "assess" else '{"D1": 0.2, "D1": 0.9}'
    err = _refused(capsys, *cli_run(command, option, _file(tmp_path, text)))
    assert "the key 'D1' is given twice" in err and option in err


@pytest.mark.parametrize(("command", "option"), [
    ("assess", "--file"), ("monte-carlo", "--probabilities")])
def test_an_integer_past_4300_digits_in_a_json_file_is_refused(
        cli_run: CliRun, capsys: pytest.CaptureFixture[str], tmp_path: Path,
        command: str, option: str) -> None:
    path = _file(tmp_path, '{"D1": ' + "1" * 5000 + "}")
    err = _refused(capsys, *cli_run(command, option, path))
    assert "an integer of 5,000 digits is over the 4,300 digits read" in err


@pytest.mark.parametrize("fmt", ["text", "markdown", "json", "html"])
def test_exact_fractions_past_4300_digits_are_refused_in_every_format(
        cli_run: CliRun, capsys: pytest.CaptureFixture[str], fmt: str) -> None:
    err = _refused(capsys, *cli_run("probabilities", "--exact", *TINY, "--format", fmt))
    assert "a fraction of more than 4,300 digits" in err
    assert "fewer decimal places" in err


def test_an_exact_belief_past_4300_digits_is_refused() -> None:
    from fractions import Fraction

    with pytest.raises(kzpolicy.InputError, match="the probability of 'D1' is a fraction"):
        kzpolicy.probabilities({"D1": Fraction(1, 10 ** 5000)}, exact=True)


@pytest.mark.parametrize("argv", [["assess", "--rules", ""], ["assess", "--rules", " "],
                                  ["serve", "--rules", ""], ["check", ""],
                                  ["list", "rules", "--rules", ""]])
def test_an_empty_rules_path_is_refused(cli_run: CliRun, capsys: pytest.CaptureFixture[str],
                                        argv: list[str]) -> None:
    err = _refused(capsys, *cli_run(*argv))
    assert "the path is empty" in err


@pytest.mark.parametrize("call", [kzpolicy.load, kzpolicy.check])
def test_the_library_refuses_an_empty_path_too(call: object) -> None:
    assert callable(call)
    with pytest.raises(kzpolicy.InputError, match="path is empty"):
        call("")
