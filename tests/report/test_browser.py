"""The HTML report in a real headless browser: Playwright driving Debian's chromium.

Playwright never downloads a browser here: it launches the system executable
(``/usr/bin/chromium``, or ``KZPOLICY_CHROMIUM``), which the project's set-up
installs (``make test`` runs ``make chromium`` before pytest). Without it these
tests skip, saying what to run, except under CI, where they fail.

Each page is loaded from a file; any console error or warning, uncaught exception
or request other than the page itself fails the test. Screenshots are judged by
the browser's own PNG decoder: the PNG is drawn on a canvas in a blank page and
its pixels counted (distinct colours, the share that is not near-white, pixels
near a given colour). Set KZPOLICY_SCREENSHOTS to a folder to keep them.
"""

from __future__ import annotations

import os
import re
from base64 import b64encode
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kzpolicy.engine.results import Assessment
from kzpolicy.kb.knowledge import KnowledgeBase
from kzpolicy.report.graph import network
from kzpolicy.report.html import comparison_page, page
from kzpolicy.report.svg import node_element_id, node_key_id

try:
    from playwright.sync_api import (
        Browser,
        ConsoleMessage,
        Error,
        Locator,
        Page,
        Request,
        ViewportSize,
        sync_playwright,
    )
except ImportError:  # pragma: no cover - the dev extra installs it
    pytest.skip("the browser tests need playwright (pip install -e '.[dev]')",
                allow_module_level=True)


CHROMIUM = os.environ.get("KZPOLICY_CHROMIUM", "/usr/bin/chromium")
PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1280, "height": 900}

pytestmark = pytest.mark.slow


# --------------------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not os.access(CHROMIUM, os.X_OK):
        why = (f"the browser tests need Debian's chromium at {CHROMIUM}; `make chromium` "
               "installs it (as root: apt-get update -qq && apt-get install -y -qq chromium)")
        if os.environ.get("CI"):
            pytest.fail(why)
        pytest.skip(why)
    root = hasattr(os, "geteuid") and os.geteuid() == 0
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                               args=["--no-sandbox"] if root else [])
        try:
            yield b
        finally:
            b.close()


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory, article: Assessment,
          what_if: tuple[Assessment, Assessment]) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("pages")
    files = {"report": folder / "report.html", "what-if": folder / "what-if.html"}
    files["report"].write_text(page(article), encoding="utf-8")
    files["what-if"].write_text(comparison_page(*what_if), encoding="utf-8")
    return files


class Tab:
    """One page in its own context, with every problem it reports while it lives."""

    def __init__(self, browser: Browser, path: Path, *, phone: bool = False) -> None:
        self.context = browser.new_context(
            viewport=PHONE if phone else DESKTOP,
            is_mobile=phone, has_touch=phone, device_scale_factor=1)
        self.page = self.context.new_page()
        self.url = path.resolve().as_uri()
        self.problems: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda exc: self.problems.append(f"exception: {exc}"))
        self.page.on("request", self._request)
        self.page.goto(self.url, wait_until="load")

    def _console(self, msg: ConsoleMessage) -> None:
        if msg.type in ("error", "warning", "assert"):
            self.problems.append(f"console {msg.type}: {msg.text}")

    def _request(self, request: Request) -> None:
        if request.url.split("#")[0] != self.url:
            self.problems.append(f"request: {request.url}")

    def js(self, expression: str, arg: Any = None) -> Any:
        return self.page.evaluate(expression, arg)

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def tabs(browser: Browser) -> Iterator[list[Tab]]:
    """Open tabs; closed after the test, which must leave none with a problem."""
    opened: list[Tab] = []
    yield opened
    problems = [p for t in opened for p in t.problems]
    for t in opened:
        t.close()
    assert problems == []


def _open(tabs: list[Tab], browser: Browser, path: Path, *, phone: bool = False
          ) -> Tab:
    tab = Tab(browser, path, phone=phone)
    tabs.append(tab)
    assert tab.problems == []
    return tab


# --------------------------------------------------------------------------- pixels
_INK = """async ([data, targets]) => {
  const img = new Image();
  img.src = 'data:image/png;base64,' + data;
  await img.decode();
  const c = document.createElement('canvas');
  c.width = img.naturalWidth; c.height = img.naturalHeight;
  const g = c.getContext('2d');
  g.drawImage(img, 0, 0);
  const d = g.getImageData(0, 0, c.width, c.height).data;
  const colours = new Set(); let dark = 0; const near = targets.map(() => 0);
  for (let i = 0; i < d.length; i += 4) {
    const r = d[i], gr = d[i + 1], b = d[i + 2];
    colours.add((r << 16) | (gr << 8) | b);
    if (Math.min(r, gr, b) < 235) dark++;
    targets.forEach((t, n) => {
      if (Math.max(Math.abs(r - t[0]), Math.abs(gr - t[1]), Math.abs(b - t[2])) < 24) near[n]++;
    });
  }
  return {width: c.width, height: c.height, colours: colours.size,
          dark: dark / (c.width * c.height), near};
}"""


@pytest.fixture(scope="module")
def decoder(browser: Browser) -> Iterator[Page]:
    """A blank page whose canvas decodes screenshots."""
    context = browser.new_context()
    blank = context.new_page()
    yield blank
    context.close()


def ink(decoder: Page, png: bytes, *targets: tuple[int, int, int]
        ) -> dict[str, Any]:
    """Pixel statistics of a PNG, decoded by the browser: ``colours`` (distinct),
    ``dark`` (share not near-white) and ``near`` (pixels near each target colour)."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    stats: dict[str, Any] = decoder.evaluate(_INK, [b64encode(png).decode(), list(targets)])
    return stats


def shot(tab: Tab, name: str, tmp: Path, locator: Locator | None = None,
         *, full_page: bool = False) -> bytes:
    data = (locator.screenshot() if locator is not None
            else tab.page.screenshot(full_page=full_page))
    (tmp / name).write_bytes(data)
    keep = os.environ.get("KZPOLICY_SCREENSHOTS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        (Path(keep) / name).write_bytes(data)
    return data


def test_the_pixel_check_tells_a_blank_page(
    browser: Browser, decoder: Page, tmp_path: Path, tabs: list[Tab]
) -> None:
    blank = tmp_path / "blank.html"
    blank.write_text("<!DOCTYPE html><title>blank</title>", encoding="utf-8")
    tab = _open(tabs, browser, blank)
    stats = ink(decoder, shot(tab, "blank.png", tmp_path), (255, 255, 255))
    assert (stats["width"], stats["height"]) == (1280, 900)
    assert stats["colours"] == 1 and stats["dark"] == 0
    assert stats["near"] == [1280 * 900]


# --------------------------------------------------------------------------- desktop
_DRAWN = """() => {
  const box = e => { const r = e.getBoundingClientRect();
    return {x: r.x + scrollX, y: r.y + scrollY, width: r.width, height: r.height}; };
  const chart = document.getElementById('shares-chart');
  const net = document.getElementById('network-diagram');
  const bb = net.getBBox();
  return {
    chart: box(chart), chartBBox: chart.getBBox().width * chart.getBBox().height,
    bars: [...chart.querySelectorAll('g.bar')].map(g => [g.dataset.scenario,
          g.querySelector('rect.value').getBBox().width]),
    diagram: box(net), diagramBBox: [bb.width, bb.height],
    nodes: net.querySelectorAll('g.node').length,
    edges: net.querySelectorAll('path.edge').length,
    on: [...net.querySelectorAll('g.node.on')].map(g => g.dataset.id),
    textWidth: [...net.querySelectorAll('g.node text')].reduce((s, t) =>
          s + t.getComputedTextLength(), 0),
    rows: document.querySelectorAll('tr[id^="item-"]').length,
    pageWidth: document.documentElement.scrollWidth, viewWidth: innerWidth,
  };
}"""


def test_browser_renders_the_report(
    browser: Browser, tabs: list[Tab], pages: dict[str, Path], decoder: Page,
    tmp_path: Path, article: Assessment, kb: KnowledgeBase
) -> None:
    tab = _open(tabs, browser, pages["report"])
    drawn = tab.js(_DRAWN)
    net = network(kb)
    assert drawn["chartBBox"] > 0 and drawn["chart"]["width"] > 200
    assert dict(drawn["bars"])["balance"] > 0
    assert [s for s, w in drawn["bars"]] == list(article.scenario.shares)
    assert drawn["diagramBBox"][0] > 500 and drawn["diagramBBox"][1] > 500
    assert drawn["nodes"] == len(net.nodes) and drawn["edges"] == len(net.edges)
    assert drawn["textWidth"] > 0
    assert article.flagged_ids() <= set(drawn["on"])
    assert drawn["rows"] == len(article.outcomes) + len(article.risks) + len(article.engaged)
    # the authors' caveat on their scenarios: one note, on screen under the scenario
    note = tab.page.locator("#scenario-notes")
    assert note.is_visible() and note.get_attribute("role") == "note"
    assert tab.page.locator("#note-scenarios_are_hypothetical").is_visible()
    assert tab.js("document.querySelector('#scenario-notes').compareDocumentPosition("
                  "document.getElementById('outcomes')) & Node.DOCUMENT_POSITION_FOLLOWING")
    assert drawn["pageWidth"] <= drawn["viewWidth"]
    # on a desktop the whole diagram fits its box: no pan cue
    assert not tab.page.locator("#pan-cue").is_visible()

    stats = ink(decoder, shot(tab, "report-desktop.png", tmp_path))
    assert stats["colours"] > 50 and stats["dark"] > 0.03, "the screenshot is blank"
    stats = ink(decoder, shot(tab, "report-diagram.png", tmp_path,
                              tab.page.locator("#network-diagram")), (0xEA, 0x58, 0x0C))
    assert stats["colours"] > 50 and stats["dark"] > 0.03, "the diagram screenshot is blank"
    assert stats["near"][0] > 200, "no fired edge is drawn highlighted"
    stats = ink(decoder, shot(tab, "report-chart.png", tmp_path,
                              tab.page.locator("#shares-chart")), (0x6D, 0x28, 0xD9))
    assert stats["near"][0] > 200, "the implied scenario's bar is missing"


def test_only_what_fired_hides_the_rest(
    browser: Browser, tabs: list[Tab], pages: dict[str, Path], tmp_path: Path
) -> None:
    tab = _open(tabs, browser, pages["report"])
    diagram = tab.page.locator("#network-diagram")
    whole = shot(tab, "diagram-all.png", tmp_path, diagram)
    tab.page.locator("label[for=only-fired]").click()
    assert tab.js("getComputedStyle(document.querySelector('#network-diagram g.node.idle'))"
                  ".display") == "none"
    fired = shot(tab, "diagram-fired.png", tmp_path, diagram)
    assert fired != whole


def test_every_label_is_readable_without_hover(
    browser: Browser, tabs: list[Tab], pages: dict[str, Path], kb: KnowledgeBase
) -> None:
    """The key beside the diagram shows every box's label as text, open by default; a
    click on a box brings its row up, and the row leads back to the box."""
    tab = _open(tabs, browser, pages["report"])
    net = network(kb)
    key = tab.page.locator("#network-key")
    assert key.is_visible() and key.get_attribute("open") is not None
    rows = tab.js("[...document.querySelectorAll('#network-key tbody tr')].map(r => "
                  "[r.id, r.innerText])")
    assert len(rows) == len(net.nodes)
    by_id = dict(rows)
    for node in net.nodes.values():
        text = by_id[node_key_id(node)]
        assert node.ident in text and " ".join(node.label.split()) in " ".join(text.split())
    node = net.node("T1")
    tab.page.locator(f"#{node_element_id(node)} a").click()
    row = tab.page.locator(f"#{node_key_id(node)}")
    assert tab.page.url.endswith(f"#{node_key_id(node)}")
    assert row.evaluate("r => r.matches(':target')") and row.is_visible()
    assert row.evaluate("r => { const b = r.getBoundingClientRect();"
                        " return b.top >= 0 && b.bottom <= innerHeight; }")
    assert row.evaluate("r => getComputedStyle(r).backgroundColor") != "rgba(0, 0, 0, 0)"
    row.locator("a").click()
    assert tab.page.url.endswith(f"#{node_element_id(node)}")
    box = tab.page.locator(f"#{node_element_id(node)}")
    assert box.evaluate("g => g.matches(':target')")
    assert box.evaluate("g => { const b = g.getBoundingClientRect();"
                        " return b.top >= 0 && b.bottom <= innerHeight; }")


# --------------------------------------------------------------------------- phone
def test_browser_phone_width(
    browser: Browser, tabs: list[Tab], pages: dict[str, Path], decoder: Page,
    tmp_path: Path, kb: KnowledgeBase
) -> None:
    tab = _open(tabs, browser, pages["report"], phone=True)
    drawn = tab.js(_DRAWN)
    assert drawn["viewWidth"] == PHONE["width"]
    assert drawn["pageWidth"] <= drawn["viewWidth"], "the page scrolls sideways on a phone"
    assert drawn["chart"]["width"] <= drawn["viewWidth"]
    # nothing sticks out of the screen but what is inside the diagram's own pan box
    wide = tab.js("""() => [...document.querySelectorAll('body *')]
        .filter(e => !e.closest('#network-box') || e.id === 'network-box')
        .filter(e => e.getBoundingClientRect().right > innerWidth + 0.5)
        .map(e => e.tagName + '#' + e.id + '.' + e.className)""")
    assert wide == []
    scroller = tab.js("() => { const s = document.getElementById('network-box');"
                      " return [s.clientWidth, s.scrollWidth]; }")
    assert scroller[0] <= PHONE["width"] < scroller[1], "the diagram should pan inside its box"
    cue = tab.page.locator("#pan-cue")
    assert cue.is_visible() and "scroll sideways" in cue.inner_text()
    hidden = tab.js("getComputedStyle(document.querySelector('table.items thead')).display")
    assert hidden == "none", "tables should turn into cards on a phone"
    stats = ink(decoder, shot(tab, "report-phone.png", tmp_path))
    assert stats["colours"] > 30 and stats["dark"] > 0.03, "the phone screenshot is blank"

    # a tap on a box off to the right shows its label; the pan box scrolled to it
    node = network(kb).node("balance")
    tab.page.locator(f"#{node_element_id(node)} a").tap()
    row = tab.page.locator(f"#{node_key_id(node)}")
    assert row.evaluate("r => r.matches(':target')")
    assert node.label.split()[0] in row.inner_text()
    assert row.evaluate("r => { const b = r.getBoundingClientRect();"
                        " return b.top >= 0 && b.bottom <= innerHeight && b.right <= innerWidth; }")


def test_the_diagram_fits_a_phone_at_a_tick(
    browser: Browser, tabs: list[Tab], pages: dict[str, Path], decoder: Page,
    tmp_path: Path
) -> None:
    tab = _open(tabs, browser, pages["report"], phone=True)
    tab.page.locator("label[for=fit-diagram]").tap()
    fit = tab.js("() => { const s = document.getElementById('network-box');"
                 " const d = document.getElementById('network-diagram').getBoundingClientRect();"
                 " return [s.clientWidth, s.scrollWidth, d.width, d.height]; }")
    assert fit[1] <= fit[0] <= PHONE["width"] and 0 < fit[2] <= fit[0] and fit[3] > 100
    assert not tab.page.locator("#pan-cue").is_visible()
    stats = ink(decoder, shot(tab, "diagram-phone-fit.png", tmp_path,
                              tab.page.locator("#network-diagram")), (0xEA, 0x58, 0x0C))
    assert stats["colours"] > 30 and stats["near"][0] > 20, "the fitted diagram is blank"


# --------------------------------------------------------------------------- print
def test_browser_print(
    browser: Browser, tabs: list[Tab], pages: dict[str, Path]
) -> None:
    tab = _open(tabs, browser, pages["report"])
    tab.page.emulate_media(media="print")
    fit = tab.js("() => { const r = document.getElementById('network-diagram')"
                 ".getBoundingClientRect(); return [r.width, document.body.clientWidth,"
                 " getComputedStyle(document.querySelector('label.toggle')).display,"
                 " getComputedStyle(document.getElementById('pan-cue')).display]; }")
    assert 0 < fit[0] <= fit[1] and fit[2] == "none" and fit[3] == "none"
    pdf = tab.page.pdf(print_background=True)
    assert pdf.startswith(b"%PDF") and len(pdf) > 20_000
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) >= 2


# --------------------------------------------------------------------------- what-if
def test_browser_renders_the_what_if(
    browser: Browser, tabs: list[Tab], pages: dict[str, Path], decoder: Page,
    tmp_path: Path, what_if: tuple[Assessment, Assessment]
) -> None:
    tab = _open(tabs, browser, pages["what-if"])
    drawn = tab.js(_DRAWN)
    assert len(drawn["bars"]) == 2 * len(what_if[1].scenario.shares)
    assert drawn["chartBBox"] > 0 and drawn["nodes"] > 0
    counts = tab.js("[document.querySelectorAll('#network-diagram .gained').length,"
                    " document.querySelectorAll('#network-diagram .lost').length]")
    assert counts[0] > 0 and counts[1] > 0
    # a risk added is bad news: never painted in the green of good news
    before, after = what_if
    added = sorted({f.id for f in after.risks} - {f.id for f in before.risks})
    removed = sorted({f.id for f in before.risks} - {f.id for f in after.risks})
    assert added and removed
    colour = "id => { const r = document.getElementById('item-' + id);" \
        " return [getComputedStyle(r).backgroundColor," \
        " getComputedStyle(r.querySelector('.chip')).color]; }"
    green = tab.js(colour, removed[0])  # a risk removed is the good news
    assert green[1] == "rgb(21, 128, 61)"
    for ident in added:
        assert tab.js(colour, ident)[0] != green[0] and tab.js(colour, ident)[1] != green[1]
    stats = ink(decoder, shot(tab, "what-if-desktop.png", tmp_path))
    assert stats["colours"] > 50 and stats["dark"] > 0.03, "the what-if screenshot is blank"
    stats = ink(decoder, shot(tab, "what-if-diagram.png", tmp_path,
                              tab.page.locator("#network-diagram")),
                (0x15, 0x80, 0x3D), (0xDC, 0x26, 0x26))
    assert stats["near"][0] > 100, "no gained edge drawn"
    assert stats["near"][1] > 100, "no lost edge drawn"


# --------------------------------------------------------------------------- timeline
_TIMELINE = """() => {
  const chart = document.getElementById('timeline-chart');
  const r = chart.getBoundingClientRect();
  return {
    chart: [r.width, r.height], lines: chart.querySelectorAll('polyline').length,
    points: chart.querySelectorAll('circle').length,
    scenarios: [...chart.querySelectorAll('g.line')].map(g => g.dataset.scenario),
    labels: [...chart.querySelectorAll('text.tick')].map(t => t.textContent),
    pageWidth: document.documentElement.scrollWidth, viewWidth: innerWidth,
    wide: [...document.querySelectorAll('body *')]
      .filter(e => !e.closest('.table-scroll') || e.classList.contains('table-scroll'))
      .filter(e => e.getBoundingClientRect().right > innerWidth + 0.5)
      .map(e => e.tagName + '.' + e.className),
    scripts: document.scripts.length,
  };
}"""


@pytest.mark.parametrize("phone", [False, True], ids=["1280px", "390px"])
def test_browser_renders_the_timeline(
    browser: Browser, tabs: list[Tab], decoder: Page, tmp_path: Path, phone: bool
) -> None:
    from kzpolicy.journal.timeline import timeline
    from kzpolicy.report.html import timeline_page

    journal = Path(__file__).parents[2] / "examples" / "journal"
    t = timeline(journal)
    path = tmp_path / "timeline.html"
    path.write_text(timeline_page(t), encoding="utf-8")
    tab = _open(tabs, browser, path, phone=phone)
    drawn = tab.js(_TIMELINE)
    width = (PHONE if phone else DESKTOP)["width"]
    assert drawn["viewWidth"] == width and drawn["scripts"] == 0
    assert drawn["pageWidth"] <= width, "the page scrolls sideways"
    assert drawn["wide"] == [], "something sticks out of the screen"
    assert drawn["scenarios"] == list(t.scenarios) and drawn["lines"] == len(t.scenarios)
    assert drawn["points"] == len(t.scenarios) * len(t.entries)
    assert {e.as_of.isoformat() for e in t.entries} <= set(drawn["labels"])
    assert 300 <= drawn["chart"][0] <= width and drawn["chart"][1] > 150
    name = f"timeline-{'phone' if phone else 'desktop'}.png"
    stats = ink(decoder, shot(tab, name, tmp_path, tab.page.locator("#timeline-chart")),
                (0x2B, 0x6C, 0xB0), (0xC0, 0x56, 0x21))
    assert stats["colours"] > 30 and stats["near"][0] > 100 and stats["near"][1] > 50, \
        "the lines are not drawn"
    stats = ink(decoder, shot(tab, "full-" + name, tmp_path, full_page=True))
    assert stats["colours"] > 30 and stats["dark"] > 0.02, "the page screenshot is blank"
def test_every_result_shows_in_a_notebook_frame(
        browser: Browser, notebook_results: dict[str, Any]) -> None:
    """What Jupyter does with ``_repr_html_``: the frame's page loads on its own, with its
    tables and no console error."""
    for name, result in notebook_results.items():
        tab = browser.new_page(viewport=DESKTOP)
        errors: list[str] = []

        def console(msg: ConsoleMessage, seen: list[str] = errors) -> None:
            if msg.type == "error":
                seen.append(msg.text)

        def uncaught(error: Error, seen: list[str] = errors) -> None:
            seen.append(str(error))

        tab.on("console", console)
        tab.on("pageerror", uncaught)
        try:
            tab.set_content("<!doctype html><html lang='en'><title>notebook</title><body>"
                            + result._repr_html_() + "</body></html>")
            frame = tab.frame_locator("iframe")
            assert frame.locator("h1").count() == 1, name
            assert frame.locator("table").count() > 0, name
            assert frame.locator("script").count() == 0, name
            assert errors == [], (name, errors)
        finally:
            tab.close()
