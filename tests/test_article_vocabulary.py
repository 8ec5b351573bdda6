"""The article's vocabulary lives in rules/, not in the code: no identifier of the stock
knowledge base (a scenario, a side, a SWOT or other item, a condition, a rule, a
finding, a preset, a state, a table row, a programme, a stage, a doctrine, a milestone)
appears as a string literal in ``src/kzpolicy``, outside docstrings and examples.

Examples are what a reader is shown and may take from the article: the ``example=`` of
a step, and help or error text that says "such as" or "e.g.". The side ``none`` is left
out of the search: it is also an ordinary English word, which the code prints.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

import kzpolicy

SRC = Path(__file__).resolve().parents[1] / "src" / "kzpolicy"
KB = kzpolicy.load()

#: sides whose ID is an everyday word the code may well print for its own sake
EVERYDAY_WORDS = {"none"}


def _vocabulary(kb: kzpolicy.KnowledgeBase) -> set[str]:
    ids = {*kb.scenarios, *kb.sides, *kb.items, *kb.condition_ids, *kb.findings,
           *kb.presets, *kb.states, *kb.rows, *kb.programmes}
    ids |= {r.id for r in kb.rules} | {s.id for s in kb.stages}
    ids |= {d.id for d in kb.doctrines} | {m.id for m in kb.milestones}
    return ids - EVERYDAY_WORDS


VOCABULARY = _vocabulary(KB)
WORD = re.compile(r"(?<![\w-])(" + "|".join(sorted(map(re.escape, VOCABULARY), key=len,
                                                    reverse=True)) + r")(?![\w-])")
EXAMPLE = re.compile(r"\bsuch as\b|\be\.g\.")
#: a comment of a template, stylesheet or script (Jinja, HTML, CSS and JS, JS lines)
COMMENT = re.compile(r"\{#.*?#\}|<!--.*?-->|/\*.*?\*/|(?<![:\\])//[^\n]*", re.S)


def _docstrings(tree: ast.AST) -> set[int]:
    """The ids of the string nodes that are docstrings (of a module, class or function,
    or the string after an assignment that documents it)."""
    found: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if not isinstance(body, list):
            continue
        for before, stmt in zip([None, *body], body, strict=False):
            if (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant)
                    and isinstance(stmt.value.value, str)
                    and (before is None or isinstance(before, ast.Assign | ast.AnnAssign))):
                found.add(id(stmt.value))
    return found


def _examples(tree: ast.AST) -> set[int]:
    """The ids of the string nodes given as ``example=``."""
    return {id(n) for kw in ast.walk(tree) if isinstance(kw, ast.keyword)
            and kw.arg == "example" for n in ast.walk(kw.value)}


def literals(source: str) -> Iterator[tuple[int, str, list[str]]]:
    """(line, text, article identifiers) of each string literal of ``source`` that names
    an identifier of the stock knowledge base and is neither a docstring nor an example."""
    tree = ast.parse(source)
    allowed = _docstrings(tree) | _examples(tree)
    for node in ast.walk(tree):
        if (isinstance(node, ast.Constant) and isinstance(node.value, str)
                and id(node) not in allowed and not EXAMPLE.search(node.value)):
            found = WORD.findall(node.value)
            if found:
                yield node.lineno, node.value, found


def test_the_vocabulary_is_the_knowledge_base_s() -> None:
    assert {"integration", "balance", "distancing", "us_nato", "russia", "S1", "T7",
            "tough_rivalry", "article-2010"} <= VOCABULARY
    assert len(VOCABULARY) > 200


@pytest.mark.parametrize("path", sorted(SRC.rglob("*.py")), ids=lambda p: str(p.relative_to(SRC)))
def test_no_article_identifier_is_a_literal_in_the_code(path: Path) -> None:
    hits = [f"{path.name}:{line}: {found} in {text[:60]!r}"
            for line, text, found in literals(path.read_text(encoding="utf-8"))]
    assert hits == [], "move the article's words into rules/ (or make them an example)"


@pytest.mark.parametrize("code", [
    'if side == "russia":\n    pass\n',
    'SIDES = ("us_nato", "none")\n',
    'label = {"T7": "a threat"}\n',
    'doc = "The scenario: integration, balance or distancing."\n',
    'def f() -> None:\n    """A docstring."""\n    return g("balance")\n',
])
def test_the_scan_finds_a_planted_identifier(code: str) -> None:
    assert list(literals(code))


@pytest.mark.parametrize("code", [
    'def f() -> None:\n    """The scenario balance, the side russia, the threat T7."""\n',
    'X = 1\n"""X counts the threats such as T7."""\n',
    'step(example=\'Then the implied scenario is "balance"\')\n',
    'expect(x, "a scenario ID such as \'balance\'")\n',
    'HELP = "e.g. --prob D1=0.3"\n',
    'text = "none"\n',
])
def test_docstrings_and_examples_may_name_the_article(code: str) -> None:
    assert list(literals(code)) == []


@pytest.mark.parametrize("path", sorted(p for p in SRC.rglob("*") if p.suffix in
                                        {".html", ".svg", ".js", ".css"}),
                         ids=lambda p: str(p.relative_to(SRC)))
def test_no_article_identifier_in_a_template_or_the_page(path: Path) -> None:
    # comments may give examples, as docstrings do
    code = COMMENT.sub("", path.read_text(encoding="utf-8"))
    assert WORD.findall(code) == []
