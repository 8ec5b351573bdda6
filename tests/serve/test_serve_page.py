"""The interactive page of `kzpolicy serve` in a real browser (Playwright driving the
system Chromium, fixtures of conftest.py): toggling a condition shows exactly what the
API answers for the same input, the state round-trips through the URL, and data is shown
as text, never markup."""

from __future__ import annotations

import json
import shutil
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kzpolicy.kb.loading import load
from kzpolicy.serve import create_app
from kzpolicy.serve.server import running

pytest.importorskip("playwright.sync_api")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="no system Chromium"),
]
# function predicates (a bare expression would be eval'd, which the page's CSP forbids)
READY = "() => document.body.dataset.state === 'ready'"
READY_FOR = "(q) => document.body.dataset.state === 'ready' && document.body.dataset.query === q"


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    tab = context.new_page()
    tab.set_default_timeout(20_000)
    problems: list[str] = []
    tab.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda e: problems.append(str(e)))
    tab.problems = problems
    try:
        yield tab
    finally:
        context.close()


def _post(base_url: str, path: str, body: dict[str, Any]) -> Any:
    request = urllib.request.Request(base_url + path, data=json.dumps(body).encode(),
                                     headers={"content-type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.loads(answer.read())


def _wait_for(page: Any, query: str) -> None:
    page.wait_for_function(READY_FOR, arg=query)


def _ids(page: Any, selector: str, key: str) -> list[str]:
    return list(page.eval_on_selector_all(selector, f"els => els.map(e => e.dataset.{key})"))


def _shown(page: Any) -> dict[str, Any]:
    return {
        "scenario": page.text_content("#scenario-id"),
        "basis": page.get_attribute("#scenario-standing", "data-basis"),
        "outcomes": _ids(page, "#outcomes [data-flagged-id]", "flaggedId"),
        "risks": _ids(page, "#risks [data-flagged-id]", "flaggedId"),
        "engaged": _ids(page, "#engaged [data-flagged-id]", "flaggedId"),
        "contested": _ids(page, "#contested [data-contested-id]", "contestedId"),
        "notes": _ids(page, "#notes [data-note-id]", "noteId"),
        "findings": _ids(page, "#findings [data-finding-id]", "findingId"),
    }


def _about_all_scenarios() -> set[str]:
    """The findings that concern every scenario: shown once, as a note, not listed."""
    kb = load()
    return {f.id for f in kb.findings.values() if set(kb.scenarios) <= set(f.concerns)}


def _expected(assessment: dict[str, Any]) -> dict[str, Any]:
    notes = _about_all_scenarios()
    return {"scenario": assessment["scenario"]["id"],
            "basis": assessment["scenario"]["basis"],
            "outcomes": [f["id"] for f in assessment["outcomes"]],
            "risks": [f["id"] for f in assessment["risks"]],
            "engaged": [f["id"] for f in assessment["engaged"]],
            "contested": [f["id"] for f in assessment["contested"]],
            "notes": [f["id"] for f in assessment["findings"] if f["id"] in notes],
            "findings": [f["id"] for f in assessment["findings"] if f["id"] not in notes]}


def test_the_page_shows_what_the_api_answers(page: Any, base_url: str) -> None:
    page.goto(base_url + "/")
    _wait_for(page, "")
    labels = page.locator("#conditions tr[data-condition-row]")
    assert labels.count() == len(load().condition_ids)
    assert _shown(page) == _expected(_post(base_url, "/v1/assess", {}))

    page.check("#c-D1-true")
    _wait_for(page, "?true=D1")
    assert _shown(page) == _expected(_post(base_url, "/v1/assess", {"conditions": {"D1": True}}))

    for ident in ("D2", "D3", "D4"):
        page.check(f"#c-{ident}-true")
    page.check("#c-B1-false")
    query = "?true=D1,D2,D3,D4&false=B1"
    _wait_for(page, query)
    conditions = {"D1": True, "D2": True, "D3": True, "D4": True, "B1": False}
    expected = _expected(_post(base_url, "/v1/assess", {"conditions": conditions}))
    assert _shown(page) == expected
    assert expected["risks"]  # the check compares something
    assert page.url == base_url + "/" + query
    # the network diagram of the same input, with what fired
    assert page.locator("#network-host svg.network").count() == 1
    assert page.locator("#network-host svg .node.on").count() > 0
    # the shares chart: one bar per scenario
    assert page.locator("#shares [data-scenario]").count() == len(load().scenarios)
    assert page.problems == []


def test_every_item_not_flagged_opens_to_why_not(page: Any, base_url: str) -> None:
    page.goto(base_url + "/?true=D4")
    _wait_for(page, "?true=D4")
    assessment = _post(base_url, "/v1/assess", {"conditions": {"D4": True}})
    reached = {f["id"] for g in ("outcomes", "risks", "engaged") for f in assessment[g]}
    listed = set(_ids(page, "#not-flagged [data-why-not-id]", "whyNotId"))
    items = {i for i, info in load().items.items() if info.kind != "stimulus"}
    assert listed == items - reached and "T8" in listed
    page.click('#not-flagged [data-why-not-id="T8"] summary')
    page.wait_for_selector('[data-why-not-id="T8"] .why-not-summary')
    why = _post(base_url, "/v1/why-not", {"conditions": {"D4": True}, "item": "T8"})
    box = '[data-why-not-id="T8"]'
    assert page.text_content(f"{box} .why-not-summary") == why["summary"]
    assert page.get_attribute(f'{box} [data-literal="china_suspicion_grows"]',
                              "data-state") == "unknown"
    # contested after a denial: its box says whose, and stays open across the change
    page.check("#c-region_relations_cool-false")
    _wait_for(page, "?true=D4&false=region_relations_cool")
    page.click('#not-flagged [data-why-not-id="T7"] summary')
    page.wait_for_selector('[data-why-not-id="T7"] .side-you')
    assert "region_relations_cool" in page.text_content('[data-why-not-id="T7"] .side-you')
    page.wait_for_selector('[data-why-not-id="T8"] .why-not-summary')  # asked again
    assert page.problems == []


def test_the_url_state_round_trips(page: Any, browser: Any, base_url: str) -> None:
    page.goto(base_url + "/?true=I1,I2&false=B2")
    _wait_for(page, "?true=I1,I2&false=B2")
    assert page.is_checked("#c-I1-true") and page.is_checked("#c-B2-false")
    assert page.is_checked("#c-D1-unknown")
    page.select_option("#vs", "article-2010")
    query = "?true=I1,I2&false=B2&vs=article-2010"
    _wait_for(page, query)
    shown = _shown(page)
    delta = page.get_attribute("[data-delta-scenario]", "data-delta-scenario")
    whatif = _post(base_url, "/v1/what-if", {"preset": "article-2010",
                                             "changes": {"I1": True, "I2": True, "B2": False}})
    assert delta == whatif["scenario"]["after"]

    page.reload()
    _wait_for(page, query)
    assert page.is_checked("#c-I1-true") and page.is_checked("#c-B2-false")
    assert page.input_value("#vs") == "article-2010"
    assert _shown(page) == shown

    other = browser.new_page()  # a shared link opens the same view
    try:
        other.goto(page.url)
        _wait_for(other, query)
        assert _shown(other) == shown
    finally:
        other.close()

    page.check("#c-I1-unknown")  # back to unknown: gone from the URL
    _wait_for(page, "?true=I2&false=B2&vs=article-2010")
    page.click("#reset")
    _wait_for(page, "?vs=article-2010")
    assert page.problems == []


def test_unknown_ids_in_the_url_are_ignored_and_said(page: Any, base_url: str) -> None:
    page.goto(base_url + "/?true=D1,NOPE&vs=nothing")
    _wait_for(page, "?true=D1")
    assert "NOPE" in page.text_content("#status")
    assert "vs=nothing" in page.text_content("#status")


def test_data_is_shown_as_text_not_markup(browser: Any, stock_copy: Path) -> None:
    path = stock_copy / "conditions.yaml"
    text = path.read_text(encoding="utf-8")
    evil = "<img src=x onerror=document.title='pwned'> <b>bold</b>"
    path.write_text(text.replace("label: Cooperation with NATO intensifies",
                                 f"label: \"{evil}\"", 1), encoding="utf-8")
    with running(create_app(load(stock_copy))) as url:
        tab = browser.new_page()
        try:
            tab.goto(url + "/")
            tab.wait_for_function(READY)
            row = tab.locator('tr[data-condition-row="cooperation_intensifies"]')
            assert evil in row.text_content()
            assert tab.locator("#conditions img, #conditions b").count() == 0
            assert tab.title() != "pwned"
        finally:
            tab.close()


def test_a_phone_needs_no_horizontal_scroll(browser: Any, base_url: str) -> None:
    tab = browser.new_page(viewport={"width": 390, "height": 844})
    try:
        tab.goto(base_url + "/?true=D1,D2,D3,D4&false=B1&vs=article-2010")
        tab.wait_for_function(READY)
        width = tab.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 390
    finally:
        tab.close()


def test_starting_from_a_preset_adopts_its_conditions(page: Any, base_url: str) -> None:
    page.goto(base_url + "/?vs=balance")
    _wait_for(page, "?vs=balance")
    page.click("#adopt")
    page.wait_for_function("() => document.body.dataset.query.startsWith('?true=')")
    page.wait_for_function(READY)
    preset = _post(base_url, "/v1/what-if", {"preset": "balance", "changes": {}})
    for ident, value in preset["asserted_before"].items():
        assert page.is_checked(f"#c-{ident}-{'true' if value else 'false'}")
    expected = _expected(_post(base_url, "/v1/assess",
                               {"conditions": preset["asserted_before"]}))
    assert _shown(page) == expected
    assert page.problems == []


def test_the_page_states_the_standing_of_every_answer(page: Any, base_url: str) -> None:
    """Nothing asserted: the outcomes stand apart, as interpretations holding by default,
    under the authors' caveat that the scenarios are hypothetical."""
    page.goto(base_url + "/")
    _wait_for(page, "")
    answer = _post(base_url, "/v1/assess", {})
    assert _shown(page) == _expected(answer)
    assert answer["outcomes"] and not answer["risks"]
    standing = page.text_content("#scenario-standing")
    assert "interpretation (decision rule)" in standing
    assert f"holds by default: no factor of {answer['scenario']['id']} asserted" in standing
    for o in answer["outcomes"]:
        item = page.locator(f'#outcomes [data-flagged-id="{o["id"]}"] .standing')
        assert item.get_attribute("data-basis") == "default"
        text = item.text_content()
        assert "interpretation via " + ", ".join(o["interpretations"]) in text
        assert "holds by default" in text
    assert page.is_visible("#scenario-notes")
    note = page.text_content('#notes [data-note-id="scenarios_are_hypothetical"]')
    assert load().findings["scenarios_are_hypothetical"].statement in note
    assert page.locator('#findings [data-finding-id="scenarios_are_hypothetical"]').count() == 0
    assert page.problems == []


def test_a_contested_item_shows_both_sides(page: Any, base_url: str) -> None:
    query = "?true=I1,I2,I3,I4,I5,I6,I7&false=region_relations_cool,nato_demonstrative_partnership"
    page.goto(base_url + "/" + query)
    _wait_for(page, query)
    conditions = {**{f"I{n}": True for n in range(1, 8)}, "region_relations_cool": False,
                  "nato_demonstrative_partnership": False}
    answer = _post(base_url, "/v1/assess", {"conditions": conditions})
    assert _shown(page) == _expected(answer)
    assert "T7" in _shown(page)["contested"] and "T7" not in _shown(page)["risks"]
    item = page.locator('#contested [data-contested-id="T7"]')
    rules = item.locator(".side-rules").text_content()
    assert "integration_t7" in rules and "interpretation via" in rules
    assert "scenarios / integration_outcome / item 4" in rules
    denied = item.locator('[data-denied-id="region_relations_cool"]').text_content()
    assert load().label_of("region_relations_cool") in denied
    assert str(load().locator_of("region_relations_cool")) in denied
    assert page.problems == []


def test_the_what_if_says_why_before_and_after(page: Any, base_url: str) -> None:
    """With the preset of 2010 and every distancing factor, the scenario stays: the page
    says why on both sides, and a risk added is not painted as good news."""
    ids = ",".join(f"D{n}" for n in range(1, 9))
    query = f"?true={ids}&vs=article-2010"
    page.goto(base_url + "/" + query)
    _wait_for(page, query)
    whatif = _post(base_url, "/v1/what-if", {"preset": "article-2010",
                                             "changes": {f"D{n}": True for n in range(1, 9)}})
    s = whatif["scenario"]
    assert not s["changed"] and s["warnings_after"]
    before = page.text_content('[data-decision="before"]')
    after = page.text_content('[data-decision="after"]')
    assert s["reason_before"] in before and "no decision warning" in before
    assert s["reason_after"] in after
    assert all(w in after for w in s["warnings_after"])
    colours = page.evaluate("""() => Object.fromEntries([...document.querySelectorAll(
        '#delta [data-delta]')].map(e => [e.dataset.delta, getComputedStyle(e).color]))""")
    good = colours["engaged_added"]
    assert colours["risks_added"] != good and colours["risks_removed"] == good
    assert colours["outcomes_added"] not in (good, colours["risks_added"])
    assert page.problems == []


def test_the_reading_selector_reads_the_rules_under_a_reading(page: Any, base_url: str) -> None:
    page.goto(base_url + "/?vs=article-2010")
    _wait_for(page, "?vs=article-2010")
    options = page.eval_on_selector_all("#reading option", "els => els.map(e => e.value)")
    assert options[:2] == ["article", "count-4"] and "stated-only" in options
    page.select_option("#reading", "stated-only")
    _wait_for(page, "?vs=article-2010&reading=stated-only")
    expected = _expected(_post(base_url, "/v1/assess", {"reading": "stated-only"}))
    assert _shown(page) == expected
    assert page.text_content("#scenario-id") == "undecided"
    assert "not decided" in (page.text_content("#scenario-standing") or "")
    assert "reading stated-only" in (page.text_content("#kb") or "")
    assert "draws the link itself" in (page.text_content("#reading-about") or "")
    page.reload()  # the reading is in the address
    _wait_for(page, "?vs=article-2010&reading=stated-only")
    assert page.input_value("#reading") == "stated-only"
    page.goto(base_url + "/?reading=nothing")
    _wait_for(page, "")
    assert "reading=nothing" in (page.text_content("#status") or "")
    assert page.problems == []
