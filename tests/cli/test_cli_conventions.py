"""The command line's conventions, one test each: output files, stdin, repeated flags,
hints, interrupts, write errors and unencodable text. Run through the real entry point
(``python -m kzpolicy``) where the behaviour is the process's own (exit codes,
tracebacks, streams)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import kzpolicy
from conftest import CliRun


def _kz(*argv: str, stdin: str | None = None, env: dict[str, str] | None = None,
        stdout: int | None = subprocess.PIPE) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kzpolicy", *argv], input=stdin, text=True,
        stdout=stdout, stderr=subprocess.PIPE, env={**os.environ, **(env or {})},
        timeout=120, check=False,
    )


def _one_line_error(done: subprocess.CompletedProcess[str], code: int = 2) -> str:
    assert done.returncode == code, done.stderr
    assert "Traceback" not in done.stderr
    lines = [ln for ln in done.stderr.splitlines() if not ln.startswith(("usage:", " "))]
    assert len(lines) == 1, done.stderr
    return lines[0]


def test_python_m_kzpolicy_gives_the_package_version() -> None:
    done = _kz("--version")
    assert done.returncode == 0 and done.stdout.strip() == f"kzpolicy {kzpolicy.__version__}"


def test_bare_kzpolicy_lists_the_commands(cli_run: CliRun) -> None:
    code, text = cli_run()
    assert code == 0
    for command in ("assess", "list", "check", "what-if", "report", "graph", "coverage"):
        assert command in text


@pytest.mark.parametrize("fmt", ["text", "json", "markdown", "html"])
def test_assess_writes_every_format_to_the_output_file(
        cli_run: CliRun, tmp_path: Path, fmt: str) -> None:
    target = tmp_path / f"out.{fmt}"
    code, printed = cli_run("assess", "--preset", "article-2010", "--format", fmt,
                            "-o", str(target))
    assert code == 0 and printed == ""
    written = target.read_text(encoding="utf-8")
    assert "balance" in written
    if fmt == "json":
        assert json.loads(written)["scenario"]["id"] == "balance"


def test_explain_with_another_format_is_refused(cli_run: CliRun) -> None:
    code, _ = cli_run("assess", "--explain", "--format", "json")
    assert code == 2


def test_file_dash_reads_standard_input() -> None:
    done = _kz("assess", "--file", "-", "--format", "json", stdin='["D1", "D2", "D3", "D4"]')
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["scenario"]["id"] == "distancing"
    mapping = _kz("assess", "--file", "-", "--format", "json", stdin="D1: true\nD2: false\n")
    assert json.loads(mapping.stdout)["asserted"] == {"D1": True, "D2": False}


def test_bad_standard_input_is_one_line() -> None:
    line = _one_line_error(_kz("assess", "--file", "-", stdin="D1: [true\n"))
    assert "standard input" in line


@pytest.mark.parametrize(("path", "says"), [
    ("/dev/zero", "not a regular file"),
    ("src", "is a folder"),
    ("no-such.yaml", "no such file"),
])
def test_a_bad_file_is_named_for_what_it_is(path: str, says: str) -> None:
    line = _one_line_error(_kz("assess", "--file", path))
    assert says in line and path in line


@pytest.mark.parametrize("flag", [["--preset", "article-2010"], ["--format", "json"],
                                  ["--rules", "rules"]])
def test_a_repeated_single_value_flag_is_an_error(flag: list[str]) -> None:
    line = _one_line_error(_kz("assess", *flag, *flag))
    assert f"{flag[0]} is given twice" in line


def test_repeatable_flags_stay_repeatable(cli_run: CliRun) -> None:
    code, _ = cli_run("assess", "--set", "D1", "--set", "D2")
    assert code == 0


def test_a_bare_id_gets_a_hint_to_use_set() -> None:
    line = _one_line_error(_kz("assess", "D1"))
    assert "--set D1" in line


def test_a_bad_what_if_value_names_the_what_if_flag() -> None:
    line = _one_line_error(_kz("report", "--set", "D1", "--what-if", "D1=maybe"))
    assert line.startswith("kzpolicy: error: --what-if D1=maybe")


def test_ctrl_c_exits_130_without_a_traceback() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "kzpolicy", "monte-carlo", "--prob", "D1=0.5",
         "--samples", "2000000000", "--seed", "1"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    time.sleep(3)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "interrupted" in err


def test_a_full_disk_is_one_line_and_exit_1() -> None:
    with open("/dev/full", "w") as full:
        done = _kz("assess", "--preset", "article-2010", "--explain", stdout=full.fileno())
    line = _one_line_error(done, code=1)
    assert "cannot write the output" in line


def test_text_the_terminal_cannot_encode_comes_out_escaped() -> None:
    done = _kz("assess", "--preset", "article-2010", "--format", "markdown",
               env={"PYTHONIOENCODING": "ascii"})
    assert done.returncode == 0 and "Traceback" not in done.stderr
    assert "\\u2588" in done.stdout  # the bars of the shares, escaped


def test_every_user_error_is_one_line_and_exit_2() -> None:
    for argv in (["assess", "--set", "D9"], ["assess", "--preset", "nope"],
                 ["list", "nothing"], ["assess", "--rules", "/nonexistent"]):
        _one_line_error(_kz(*argv))


def test_a_deeply_nested_json_file_is_one_line(tmp_path: Path) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    line = _one_line_error(_kz("assess", "--file", str(deep)))
    assert "nested too deep to read" in line  # said to be deep (issue 21, F12)


@pytest.mark.parametrize("command", ["steps", "coverage"])
def test_bdd_commands_without_pytest_bdd_say_what_to_install(command: str) -> None:
    code = ("import sys; sys.modules['pytest_bdd'] = None; "
            f"from kzpolicy.cli.main import main; sys.exit(main([{command!r}]))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, check=False)
    line = _one_line_error(done)
    assert "pip install 'kzpolicy[bdd]'" in line
