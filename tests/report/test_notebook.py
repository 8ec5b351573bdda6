"""Every result type shows in a notebook: ``_repr_html_`` is the report's page in a frame
of its own (HTML that parses, no script), ``_repr_markdown_`` its Markdown; a batch shows
a summary, never its rows."""

from __future__ import annotations

import html
from html.parser import HTMLParser
from typing import Any

import pytest

#: the result types a notebook shows (tests/report/conftest.py makes one of each)
NAMES = ["Assessment", "Batch", "Counterfactuals", "KnowledgeBaseDiff", "Landscape",
         "MonteCarlo", "Probabilities", "Robustness", "Sensitivity", "SituationAssessment",
         "Stability", "Timeline", "TippingPoints", "WhatIf", "WhyNot"]


class _Tags(HTMLParser):
    """The tags of a document, and whether every one it opens it closes."""

    VOID = frozenset({"meta", "br", "img", "link", "input", "hr", "col", "path", "rect",
                      "line", "circle", "polygon", "polyline", "text", "use", "stop"})

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag not in self.VOID:
            self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.VOID:
            return
        assert self.open and self.open[-1] == tag, (tag, self.open[-5:])
        self.open.pop()


def _srcdoc(frame: str) -> str:
    start = frame.index('srcdoc="') + len('srcdoc="')
    return html.unescape(frame[start:frame.index('"', start)])


def test_every_result_type_is_covered(notebook_results: dict[str, Any]) -> None:
    assert {type(r).__name__ for r in notebook_results.values()} == set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_a_result_shows_as_html_without_script(name: str,
                                               notebook_results: dict[str, Any]) -> None:
    frame = notebook_results[name]._repr_html_()
    assert frame.startswith("<iframe ") and frame.endswith("</iframe>")
    assert "<script" not in frame.lower()
    page = _srcdoc(frame)
    assert page.lstrip().lower().startswith("<!doctype html>")
    parser = _Tags()
    parser.feed(page)
    parser.close()
    assert parser.open == []
    assert "script" not in parser.tags and "table" in parser.tags
    assert "link" not in parser.tags and 'src="http' not in page  # nothing fetched


@pytest.mark.parametrize("name", NAMES)
def test_a_result_shows_as_markdown(name: str, notebook_results: dict[str, Any]) -> None:
    md = notebook_results[name]._repr_markdown_()
    assert md.startswith(("# ", "## ")) and "|---|" in md  # a title and a table
    assert "<script" not in md


def test_a_batch_shows_a_summary_not_its_rows(notebook_results: dict[str, Any]) -> None:
    batch = notebook_results["Batch"]
    md = batch._repr_markdown_()
    assert "A batch of 600 assessments" in md
    assert "| balance | 300 | 50.00% |" in md and "| distancing | 300 | 50.00% |" in md
    assert len(md.splitlines()) < 100
    page = _srcdoc(batch._repr_html_())
    assert "A batch of 600 assessments" in page
