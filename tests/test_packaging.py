"""The wheel ships the stock rules and py.typed, and an installed kzpolicy finds its rules."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import kzpolicy

ROOT = Path(__file__).resolve().parents[1]

PROBE = """
import json, sys
import kzpolicy
from kzpolicy.kb.loading import stock_rules_path
print(json.dumps({
    "file": kzpolicy.__file__,
    "rules": str(stock_rules_path()),
    "version": kzpolicy.load().version,
}))
"""


def probe(pythonpath: Path, cwd: Path) -> dict[str, str]:
    """Import kzpolicy in a fresh interpreter with ``pythonpath`` first on sys.path."""
    env = {**os.environ, "PYTHONPATH": str(pythonpath)}
    env.pop("PYTHONSAFEPATH", None)
    done = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=cwd, env=env, capture_output=True, text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, str] = json.loads(done.stdout)
    return result


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "--quiet", str(ROOT), "-w", str(out)],
        check=True, capture_output=True,
    )
    wheels = list(out.glob("kzpolicy-*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


@pytest.fixture(scope="module")
def site(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("install") / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--quiet", "--target",
         str(target), str(wheel)],
        check=True, capture_output=True,
    )
    return target


def test_wheel_contains_the_rules_and_py_typed(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {n.removeprefix("kzpolicy/_rules/") for n in names
               if n.startswith("kzpolicy/_rules/")}
    assert shipped == {p.name for p in (ROOT / "rules").glob("*.yaml")}
    assert "kzpolicy/py.typed" in names
    assert "kzpolicy/__init__.py" in names


def test_installed_wheel_uses_its_own_rules(site: Path, tmp_path: Path) -> None:
    found = probe(site, cwd=tmp_path)
    site_dir = site.resolve()
    assert Path(found["file"]).resolve().is_relative_to(site_dir)
    rules = Path(found["rules"]).resolve()
    assert rules == site_dir / "kzpolicy" / "_rules"
    assert found["version"] == kzpolicy.load().version


def test_checkout_uses_the_rules_folder(tmp_path: Path) -> None:
    found = probe(ROOT / "src", cwd=tmp_path)
    assert Path(found["file"]).resolve() == ROOT / "src" / "kzpolicy" / "__init__.py"
    assert Path(found["rules"]).resolve() == ROOT / "rules"
    assert found["version"] == kzpolicy.load().version
