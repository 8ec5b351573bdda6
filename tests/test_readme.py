"""The README's and the docs pages' Python examples run as written, and the docs build
as a site (``mkdocs build --strict``, offline) when MkDocs is installed (the dev extra)."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
DOCS = ROOT / "docs"
#: README.md and every page of docs/, each with its Python blocks (shell blocks and the
#: like are not run: only ```python blocks are)
FILES = [README, *sorted(DOCS.glob("*.md"))]
BLOCKS = {f.relative_to(ROOT).as_posix():
          re.findall(r"```python\n(.*?)```", f.read_text(encoding="utf-8"), re.S)
          for f in FILES}
CASES = [(name, index) for name, blocks in BLOCKS.items() for index in range(len(blocks))]
#: the page that holds the library reference, with its module map and its error tree
LIBRARY = DOCS / "library.md"


def test_readme_has_examples() -> None:
    assert len(BLOCKS["README.md"]) >= 1
    assert len(BLOCKS["docs/library.md"]) >= 2


@pytest.mark.parametrize(("name", "index"), CASES)
def test_readme_example_runs(name: str, index: int, capsys: pytest.CaptureFixture[str]) -> None:
    namespace: dict[str, object] = {}
    for block in BLOCKS[name][: index + 1]:  # later blocks may use names from earlier ones
        exec(compile(block, f"{name} block {index + 1}", "exec"), namespace)
    capsys.readouterr()


@pytest.mark.parametrize(("name", "index"), CASES)
def test_each_example_imports_what_it_uses(name: str, index: int) -> None:
    """A reader copies one block at a time: each imports the modules it names."""
    block = BLOCKS[name][index]
    for module in ("kzpolicy", "dask", "np"):
        if re.search(rf"(?<![\w.]){module}\.", block):
            assert re.search(rf"^(import \S+ as {module}|import {module})$", block, re.M), (
                f"{name} block {index + 1} uses {module} without importing it")


def _module_map() -> set[str]:
    """The modules the library page's module map lists, as paths under src/kzpolicy/."""
    block = re.search(r"Every module, one concept each.*?```text\nkzpolicy/\n(.*?)```",
                      LIBRARY.read_text(encoding="utf-8"), re.S)
    assert block, "docs/library.md has no module map"
    listed: set[str] = set()
    folders: list[str] = []
    for line in block.group(1).splitlines():
        indent = (len(line) - len(line.lstrip())) // 2 - 1
        name = line.split()[0]
        del folders[indent:]
        if name.endswith("/"):
            folders.append(name)
        else:
            listed.add("".join(folders) + name)
    return listed


def test_the_module_map_is_the_tree() -> None:
    src = ROOT / "src" / "kzpolicy"
    tree = {str(p.relative_to(src)) for p in src.rglob("*.py")
            if p.name != "__init__.py" or p.parent == src}
    assert _module_map() == tree


def test_every_docs_page_is_in_the_site_and_linked_from_the_readme() -> None:
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    readme = README.read_text(encoding="utf-8")
    for page in sorted(DOCS.glob("*.md")):
        assert f": {page.name}\n" in config, page.name
        if page.name != "index.md":
            assert f"](docs/{page.name})" in readme, page.name


@pytest.mark.skipif(importlib.util.find_spec("mkdocs") is None,
                    reason="MkDocs is not installed (it comes with the dev extra)")
def test_the_docs_build_as_a_site(tmp_path: Path) -> None:
    """`make docs` in a temporary folder: strict (a broken link or anchor fails), and
    nothing fetched (the site names no CDN)."""
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict",
         "--config-file", str(ROOT / "mkdocs.yml"), "--site-dir", str(tmp_path / "site")],
        capture_output=True, text=True, timeout=120, check=False, cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    pages = list((tmp_path / "site").rglob("*.html"))
    assert (tmp_path / "site" / "library" / "index.html") in pages
    for page in pages:
        assert "cdnjs" not in page.read_text(encoding="utf-8"), page
