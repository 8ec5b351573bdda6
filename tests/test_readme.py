"""The README's Python examples run as written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)


def test_readme_has_examples() -> None:
    assert len(BLOCKS) >= 2


@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_readme_example_runs(index: int, capsys: pytest.CaptureFixture[str]) -> None:
    namespace: dict[str, object] = {}
    for block in BLOCKS[: index + 1]:  # later blocks may use names from earlier ones
        exec(compile(block, f"README.md block {index + 1}", "exec"), namespace)
    capsys.readouterr()


@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_each_example_imports_what_it_uses(index: int) -> None:
    """A reader copies one block at a time: each imports the modules it names."""
    block = BLOCKS[index]
    for module in ("kzpolicy", "dask", "np"):
        if re.search(rf"(?<![\w.]){module}\.", block):
            assert re.search(rf"^(import \S+ as {module}|import {module})$", block, re.M), (
                f"README block {index + 1} uses {module} without importing it")


def _module_map() -> set[str]:
    """The modules the README's module map lists, as paths under src/kzpolicy/."""
    block = re.search(r"Every module, one concept each.*?```text\nkzpolicy/\n(.*?)```",
                      README.read_text(encoding="utf-8"), re.S)
    assert block, "the README has no module map"
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
    src = README.parent / "src" / "kzpolicy"
    tree = {str(p.relative_to(src)) for p in src.rglob("*.py")
            if p.name != "__init__.py" or p.parent == src}
    assert _module_map() == tree
