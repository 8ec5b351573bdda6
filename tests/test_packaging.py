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
    assert shipped == {str(p.relative_to(ROOT / "rules")) for p in (ROOT / "rules").rglob("*.yaml")}
    assert "readings/stated-only.yaml" in shipped  # the stock readings travel with the rules
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


def test_the_wheel_carries_the_license_and_the_stylesheet(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names), sorted(names)
    assert "kzpolicy/report/html.css" in names
    # the HTML report's Jinja2 templates are package data
    for name in ("base.html", "page.html", "comparison.html", "analysis.html", "macros.html",
                 "shares_chart.svg", "network.svg", "tornado.svg"):
        assert f"kzpolicy/report/templates/{name}" in names, name


def test_the_sdist_carries_the_license_and_the_changelog(tmp_path: Path) -> None:
    import tarfile

    subprocess.run(
        [sys.executable, "-m", "build", "--sdist", "--no-isolation", "--outdir",
         str(tmp_path), str(ROOT)],
        check=True, capture_output=True,
    )
    (sdist,) = tmp_path.glob("kzpolicy-*.tar.gz")
    with tarfile.open(sdist) as tar:
        names = {n.split("/", 1)[1] for n in tar.getnames() if "/" in n}
    assert {"LICENSE", "CHANGELOG.md", "README.md", "mkdocs.yml", "pyproject.toml"} <= names


def test_pytest_and_pytest_bdd_are_only_in_the_bdd_extra(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as z:
        (meta,) = [n for n in z.namelist() if n.endswith(".dist-info/METADATA")]
        lines = z.read(meta).decode().splitlines()
    requires = [ln.removeprefix("Requires-Dist: ") for ln in lines
                if ln.startswith("Requires-Dist:")]
    for req in requires:
        if req.startswith(("pytest", "gherkin")):
            assert "; extra ==" in req.replace('"', "'"), req  # never unconditional
    assert "Provides-Extra: bdd" in lines


def test_the_changelog_names_this_version() -> None:
    assert f"## [{kzpolicy.__version__}]" in (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")


UNRELATED = "def test_unrelated():\n    assert 1 + 1 == 2\n"
ASKS_FOR_THE_WORLD = "def test_world(kzpolicy_world):\n    pass\n"


def test_install_stages_in_a_fresh_venv(wheel: Path, tmp_path: Path) -> None:
    """A plain install has no pytest; adding pytest (no pytest-bdd) and then the bdd
    extra leaves an unrelated project's pytest runs untouched and adds no marker."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    py = str(venv / "bin" / "python")
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    if sys.version_info >= (3, 13):
        env["CPPFLAGS"] = env.get("CPPFLAGS", "") + " -DPyEval_CallObject=PyObject_CallObject"

    def pip(*args: str) -> None:
        subprocess.run([py, "-m", "pip", "install", "--quiet", *args], check=True, env=env,
                       capture_output=True)

    def run(*args: str, cwd: Path = tmp_path) -> subprocess.CompletedProcess[str]:
        return subprocess.run([py, *args], cwd=cwd, env=env, capture_output=True, text=True,
                              check=False)

    # 1. kzpolicy alone: it works, and brings neither pytest nor pytest-bdd
    if sys.version_info >= (3, 13):  # a cached durable-rules wheel may predate the define
        pip("--no-cache-dir", "--no-deps", "durable-rules==2.0.28")
    pip(str(wheel))
    done = run("-c", "import kzpolicy; print(kzpolicy.assess().scenario.id)")
    assert done.returncode == 0 and done.stdout.strip() == "balance", done.stderr
    listed = run("-m", "pip", "list", "--format", "json").stdout
    names = {p["name"].lower() for p in json.loads(listed)}
    assert "kzpolicy" in names and not names & {"pytest", "pytest-bdd"}

    project = tmp_path / "project"
    project.mkdir()
    (project / "test_unrelated.py").write_text(UNRELATED, encoding="utf-8")

    # 2. pytest without pytest-bdd: the plugin loads, changes nothing, explains itself
    pip("pytest")
    done = run("-m", "pytest", "-q", "-p", "no:cacheprovider", cwd=project)
    assert done.returncode == 0 and "1 passed" in done.stdout, done.stdout + done.stderr
    markers = run("-m", "pytest", "--markers", cwd=project).stdout
    assert "kzpolicy" not in markers and "@pytest.mark.balance" not in markers
    (project / "test_world.py").write_text(ASKS_FOR_THE_WORLD, encoding="utf-8")
    done = run("-m", "pytest", "-q", "-p", "no:cacheprovider", "test_world.py", cwd=project)
    assert done.returncode == 1 and "pip install 'kzpolicy[bdd]'" in done.stdout
    (project / "test_world.py").unlink()

    # 3. the bdd extra: still no marker, the unrelated project still passes
    pip("pytest-bdd")
    done = run("-m", "pytest", "-q", "-p", "no:cacheprovider", cwd=project)
    assert done.returncode == 0 and "1 passed" in done.stdout, done.stdout + done.stderr
    markers = run("-m", "pytest", "--markers", cwd=project).stdout
    assert "@pytest.mark.balance" not in markers and "@pytest.mark.threats" not in markers
