"""The what-if page for a reader on a phone and by keyboard or screen reader, in the
system Chromium: axe-core (vendored under tests/serve/vendor/, MPL-2.0, header kept)
finds no violation at 390 and 1280 px, before and after a what-if, target sizes
included; the answer in short (implied scenario, shares, what just changed) stays in
view after toggling any belief; every control is at least 24 by 24 px; an ID never
wraps; a risk added reads as bad news. Screenshots of both widths go to
build/screenshots/ (git ignores build/) for a person to look at."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kzpolicy.kb.loading import load

pytest.importorskip("playwright.sync_api")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="no system Chromium"),
]
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
SHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"
READY = "() => document.body.dataset.state === 'ready'"
#: ready, and the summary tells of the change just made
SAID = ("(id) => document.body.dataset.state === 'ready' && "
        "document.getElementById('summary-changed').textContent.startsWith(id + ' set to')")
#: axe's rules, with target size (WCAG 2.2, 24 by 24 px; off by default) turned on
RUN_AXE = """async () => {
  const r = await axe.run(document, { rules: { "target-size": { enabled: true } } });
  return r.violations.map((v) => ({ id: v.id, nodes: v.nodes.map((n) => n.target.join(" ")) }));
}"""
WIDTHS = (390, 1280)


@pytest.fixture
def tab(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    width = getattr(request, "param", 390)
    context = browser.new_context(viewport={"width": width, "height": 844},
                                  bypass_csp=True)  # to inject axe; the page's own CSP stays
    page = context.new_page()
    page.set_default_timeout(20_000)
    try:
        yield page
    finally:
        context.close()


def _open(tab: Any, base_url: str, query: str = "") -> None:
    tab.goto(base_url + "/" + query)
    tab.wait_for_function(READY)


def _axe(tab: Any) -> list[dict[str, Any]]:
    if not tab.evaluate("() => typeof axe !== 'undefined'"):
        tab.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    found: list[dict[str, Any]] = tab.evaluate(RUN_AXE)
    return found


def _toggle(tab: Any, ident: str, value: str = "true") -> None:
    tab.locator(f"#c-{ident}-{value}").check()
    tab.wait_for_function(SAID, arg=ident)


def test_axe_is_vendored_with_its_licence() -> None:
    head = AXE.read_text(encoding="utf-8")[:600]
    assert head.startswith("/*! axe v4.") and "Mozilla Public" in head
    assert (AXE.parent / "axe-core.LICENSE").read_text(encoding="utf-8").startswith(
        "Mozilla Public License")


@pytest.mark.parametrize("tab", WIDTHS, indirect=True, ids=lambda w: f"{w}px")
def test_axe_finds_no_violation_before_and_after_a_what_if(tab: Any, base_url: str) -> None:
    width = tab.viewport_size["width"]
    SHOTS.mkdir(parents=True, exist_ok=True)
    _open(tab, base_url)
    assert _axe(tab) == []
    tab.screenshot(path=str(SHOTS / f"page-{width}px-before.png"), full_page=True)
    tab.select_option("#vs", "article-2010")
    tab.wait_for_function(READY)
    _toggle(tab, "D1")
    _toggle(tab, "D3")
    assert tab.locator("#delta [data-delta]").count() > 0  # the what-if is on the page
    assert _axe(tab) == []
    tab.screenshot(path=str(SHOTS / f"page-{width}px-after.png"), full_page=True)
    tab.screenshot(path=str(SHOTS / f"page-{width}px-after-viewport.png"))
    assert (SHOTS / f"page-{width}px-after.png").stat().st_size > 0


def _in_view(tab: Any, selector: str) -> bool:
    box = tab.locator(selector).bounding_box()
    height = tab.viewport_size["height"]
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= height


def test_the_answer_stays_in_view_on_a_phone_after_any_toggle(tab: Any,
                                                               base_url: str) -> None:
    _open(tab, base_url)
    kb = load()
    for n, ident in enumerate(kb.condition_ids):
        value = "true" if n % 2 == 0 else "false"
        _toggle(tab, ident, value)  # playwright scrolls the control into view first
        assert _in_view(tab, "#summary-scenario"), ident
        assert _in_view(tab, "#summary-changed"), ident
        assert tab.text_content("#summary-scenario") == tab.text_content("#scenario-id")
        said = tab.text_content("#summary-changed")
        assert said.startswith(f"{ident} set to {value}: scenario "), said
    shares = tab.text_content("#summary-shares")
    assert all(s in shares for s in kb.scenarios)


def test_a_move_of_the_scenario_is_said_in_the_summary(tab: Any, base_url: str) -> None:
    _open(tab, base_url, "?true=D1,D2,D3")
    _toggle(tab, "D4")
    assert tab.text_content("#summary-scenario") == "distancing"
    assert "scenario balance \u2192 distancing" in tab.text_content("#summary-changed")
    assert "risks +" in tab.text_content("#summary-changed")


@pytest.mark.parametrize("tab", WIDTHS, indirect=True, ids=lambda w: f"{w}px")
def test_every_control_is_big_enough_and_no_id_wraps(tab: Any, base_url: str) -> None:
    _open(tab, base_url, "?true=D1")
    small = tab.evaluate("""() => Array.from(document.querySelectorAll(
        'input, button, select, summary, a, label')).filter((e) => {
          const r = e.getBoundingClientRect();
          return r.width > 0 && (r.width < 24 || r.height < 24);
        }).map((e) => e.outerHTML.slice(0, 80))""")
    assert small == []
    wrapped = tab.evaluate("""() => Array.from(document.querySelectorAll('code')).filter(
        (e) => e.getClientRects().length > 1 || getComputedStyle(e).whiteSpace !== 'nowrap'
      ).map((e) => e.textContent)""")
    assert wrapped == []
    # the page is as wide as the screen: nothing but the diagram's own box scrolls sideways
    assert tab.evaluate("() => document.documentElement.scrollWidth") <= tab.viewport_size[
        "width"]


def _rgb(css: str) -> tuple[int, ...]:
    return tuple(int(x) for x in re.findall(r"\d+", css)[:3])


def test_colours_tell_bad_news_from_good(tab: Any, base_url: str) -> None:
    _open(tab, base_url, "?vs=article-2010")
    _toggle(tab, "D1")
    red, green, _ = _rgb(tab.evaluate(
        "() => getComputedStyle(document.querySelector('[data-delta=risks_added]')).color"))
    assert red > green  # a risk added is bad news: red, never green
    red, green, _ = _rgb(tab.evaluate(
        "() => getComputedStyle(document.querySelector('[data-delta=engaged_added]')).color"))
    assert green > red


def test_a_belief_changes_by_keyboard_and_stays_visible(tab: Any, base_url: str) -> None:
    _open(tab, base_url)
    tab.focus("#c-D8-unknown")
    tab.keyboard.press("ArrowLeft")  # a radio group: the arrows move and choose
    tab.wait_for_function(SAID, arg="D8")
    assert tab.evaluate("() => document.activeElement.id") == "c-D8-false"
    assert tab.text_content("#summary-changed").startswith("D8 set to false")
    control = tab.locator("#c-D8-false").bounding_box()
    summary = tab.locator("#summary").bounding_box()
    assert control is not None and summary is not None
    assert control["y"] >= summary["y"] + summary["height"]  # not hidden under the summary
