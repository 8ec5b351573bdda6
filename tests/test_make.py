"""The Makefile's own conventions: `make help` lists the targets and PYTHON=, and an
interpreter that does not run is named in one line (no venv is touched by either)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MAKE = shutil.which("make") or "make"


def _make(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([MAKE, "-s", "-C", str(ROOT), *args], capture_output=True,
                          text=True, timeout=60, check=False)


def test_make_help_lists_the_targets_and_python() -> None:
    done = _make("help")
    assert done.returncode == 0, done.stderr
    for word in ("make demo", "make test", "make bench", "make fuzz", "PYTHON="):
        assert word in done.stdout


def test_an_interpreter_that_does_not_run_is_one_clear_line() -> None:
    done = _make("-n", "demo", "PYTHON=no-such-python3.99")
    assert done.returncode != 0
    assert "PYTHON=no-such-python3.99 is not a Python interpreter here" in done.stderr
    assert len([ln for ln in done.stderr.splitlines() if ln.strip()]) == 1


def test_another_python_plans_a_new_venv_without_touching_the_current_one(
        tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    venv.mkdir()
    (venv / ".made-by-python-3.0").touch()
    done = _make("-n", "demo", f"VENV={venv}")
    assert done.returncode == 0, done.stderr
    assert f"rm -rf {venv}" in done.stdout  # planned (make -n), not done
    assert "REPLACING" in done.stdout and "made by Python 3.0" in done.stdout  # said loudly
    assert (venv / ".made-by-python-3.0").exists()


def test_without_python_a_venv_keeps_the_python_that_made_it(tmp_path: Path) -> None:
    """Under pyenv, python3 may name another version from one day to the next: a plain
    `make demo` must not replace the venv (and its dev install) without being asked."""
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "python").symlink_to(sys.executable)
    (venv / f".made-by-python-{sys.version_info[0]}.{sys.version_info[1]}").touch()
    (venv / ".installed").touch()
    done = _make("-n", "demo", f"VENV={venv}")
    assert done.returncode == 0, done.stderr
    assert "rm -rf" not in done.stdout and "REPLACING" not in done.stdout


def test_the_hint_for_a_missing_interpreter_names_ones_that_run() -> None:
    done = _make("-n", "demo", "PYTHON=no-such-python3.99")
    named = done.stderr.split("pick one that runs: ")[1].split(", e.g.")[0].split()
    assert named
    for python in named:
        ran = subprocess.run([python, "-c", "import sys; print(sys.version_info[:2])"],
                             capture_output=True, text=True, check=False)
        assert ran.returncode == 0, python


def test_make_test_runs_the_complexity_gate(tmp_path: Path) -> None:
    done = _make("-n", "test", f"VENV={tmp_path / 'venv'}")  # planned, nothing is run
    assert done.returncode == 0, done.stderr
    gate = "radon cc --show-complexity --min D src/kzpolicy"
    assert gate in done.stdout
    assert done.stdout.index(gate) < done.stdout.index("/bin/pytest")


def test_make_test_quick_is_lint_types_and_the_fast_tests(tmp_path: Path) -> None:
    done = _make("-n", "test-quick", f"VENV={tmp_path / 'venv'}")  # planned, nothing is run
    assert done.returncode == 0, done.stderr
    assert "/bin/ruff check src tests bench" in done.stdout
    assert "/bin/mypy --strict" in done.stdout
    assert "/bin/pytest -m 'not slow'" in done.stdout


def test_ci_runs_the_full_suite_and_the_quick_check_on_both_ends_of_requires_python(
) -> None:
    """Issue 21: CI ran one Python; 3.10 (supported) failed mypy against its numpy
    stubs unseen."""
    import re

    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    project = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    bounds = re.search(r'requires-python = ">=3\.(\d+),<3\.(\d+)"', project)
    assert bounds is not None
    low, high = bounds.groups()
    assert f"OLDEST=3.{low}\n" in ci and f"NEWEST=3.{int(high) - 1}\n" in ci
    assert ci.index("\nmake test\n") < ci.index('make test-quick PYTHON="$py"')
    assert 'VENV=".venv-$v"' in ci
