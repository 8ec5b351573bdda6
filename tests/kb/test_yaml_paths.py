"""libyaml and the pure-Python YAML path read rules files alike: same data, same lines,
same refusals (libyaml is what loading uses when PyYAML has it)."""

from __future__ import annotations

from pathlib import Path

import pytest

import kzpolicy
from kzpolicy.kb import strict_yaml
from kzpolicy.kb.loading import stock_rules_path
from kzpolicy.kb.strict_yaml import parse_yaml

PATHS = [pytest.param(True, id="libyaml"), pytest.param(False, id="pure-python")]
BOMB = "a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n"


@pytest.fixture(params=PATHS)
def path(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> bool:
    if request.param and not strict_yaml.HAVE_LIBYAML:
        pytest.fail("PyYAML here has no libyaml; install its wheel (pip install pyyaml)")
    monkeypatch.setattr(strict_yaml, "use_libyaml", request.param)
    return bool(request.param)


def test_libyaml_is_what_loading_uses() -> None:
    assert strict_yaml.HAVE_LIBYAML and strict_yaml.use_libyaml


@pytest.mark.parametrize(("text", "fragment", "line"), [
    (BOMB, "aliases", 2),
    ("x: " + "[" * 100 + "]" * 100 + "\n", "nested more than 64", 1),
    ("x: " + "[" * 10_000 + "]" * 10_000 + "\n", "nest", 1),  # libyaml stops at 1,000 itself
    ("k: 1\nk: 2\n", "duplicate key 'k' (first defined on line 1)", 2),
    ("n: !!int abc\n", "invalid YAML value", None),
    ("a: [1, 2\n", "invalid YAML", 2),
])
def test_the_same_refusals(path: bool, text: str, fragment: str, line: int | None) -> None:
    with pytest.raises(kzpolicy.RulesFileError) as info:
        parse_yaml(text, "t.yaml")
    assert fragment in str(info.value)
    if line is not None:
        assert info.value.line == line


def test_the_same_data_and_lines_for_every_stock_file(monkeypatch: pytest.MonkeyPatch) -> None:
    for file in sorted(Path(stock_rules_path()).glob("*.yaml")):
        text = file.read_text(encoding="utf-8")
        got = {}
        for flag in (True, False):
            monkeypatch.setattr(strict_yaml, "use_libyaml", flag)
            data, index = parse_yaml(text, file.name)
            key = next(iter(data))
            lines = [index.line((key, n)) for n in range(len(data[key]))] \
                if isinstance(data[key], list) else [index.line((key,))]
            got[flag] = (data, lines)
        assert got[True] == got[False], file.name


def test_the_same_knowledge_base(monkeypatch: pytest.MonkeyPatch, stock_copy: Path) -> None:
    versions = set()
    for flag in (True, False):
        monkeypatch.setattr(strict_yaml, "use_libyaml", flag)
        kb = kzpolicy.load(stock_copy)
        versions.add((kb.version, tuple(sorted(kb.origins.items()))))
    assert len(versions) == 1
