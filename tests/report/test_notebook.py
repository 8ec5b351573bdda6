"""Every result type shows in a notebook: ``_repr_html_`` is the report's page in a frame
of its own (HTML that parses, no script), ``_repr_markdown_`` its Markdown; a batch shows
a summary, never its rows."""

from __future__ import annotations

import html
from html.parser import HTMLParser
from typing import Any

import pytest

import kzpolicy

BELIEFS = {"D1": 0.7, "B2": 0.4, "I1": 0.5}


def _results() -> dict[str, Any]:
    return {
        "Assessment": kzpolicy.assess(preset="article-2010"),
        "WhatIf": kzpolicy.what_if(changes={"D1": True, "D3": True}, preset="article-2010"),
        "TippingPoints": kzpolicy.tipping_points({"I1": True, "I2": True, "I3": True}),
        "Landscape": kzpolicy.landscape(),
        "Probabilities": kzpolicy.probabilities(BELIEFS),
        "Sensitivity": kzpolicy.sensitivity(BELIEFS),
        "MonteCarlo": kzpolicy.monte_carlo(BELIEFS, samples=500, seed=1),
        "Batch": kzpolicy.assess_many(
            [{"D1": True}, dict.fromkeys(["D1", "D2", "D3", "D4", "D5"], True)] * 300),
    }


RESULTS = _results()


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


def test_every_result_type_of_the_issue_is_covered() -> None:
    assert {type(r).__name__ for r in RESULTS.values()} == set(RESULTS)


@pytest.mark.parametrize("name", sorted(RESULTS))
def test_a_result_shows_as_html_without_script(name: str) -> None:
    frame = RESULTS[name]._repr_html_()
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


@pytest.mark.parametrize("name", sorted(RESULTS))
def test_a_result_shows_as_markdown(name: str) -> None:
    md = RESULTS[name]._repr_markdown_()
    assert md.startswith("## ") and "|---|" in md  # a title and a table
    assert "<script" not in md


def test_a_batch_shows_a_summary_not_its_rows() -> None:
    batch = RESULTS["Batch"]
    md = batch._repr_markdown_()
    assert "A batch of 600 assessments" in md
    assert "| balance | 300 | 50.00% |" in md and "| distancing | 300 | 50.00% |" in md
    assert len(md.splitlines()) < 100
    page = _srcdoc(batch._repr_html_())
    assert "A batch of 600 assessments" in page
