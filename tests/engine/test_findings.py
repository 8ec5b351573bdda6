"""The authors' findings: queried from the knowledge base, noted in assessments, listed.

An assessment notes a finding exactly when something the finding concerns is flagged,
implied or asserted true; the test checks that against a plain recomputation on random
inputs, on both engines, and that findings reach every output format.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

import kzpolicy
from conftest import CliRun
from kzpolicy.engine.results import Assessment

KB = kzpolicy.load()


def _expected(a: Assessment) -> dict[str, tuple[str, ...]]:
    present = {a.scenario.id, *a.flagged_ids(), *(c for c, v in a.asserted.items() if v)}
    return {f.id: tuple(c for c in f.concerns if c in present)
            for f in KB.findings.values() if present.intersection(f.concerns)}


def test_the_stock_rules_hold_findings_from_every_part_of_the_argument() -> None:
    sections = {f.locator.section for f in KB.findings.values()}
    assert {"stimuli", "scenarios", "regional_security", "vectors", "conclusion"} <= sections
    assert all(f.stance == "stated" or f.reason for f in KB.findings.values())


def test_finding_and_findings_on() -> None:
    fd = KB.finding("dialogue_platform")
    assert "tough_rivalry" in fd.concerns
    assert fd in KB.findings_on("C1")
    assert [f.id for f in KB.findings_on("integration")] == [
        "nato_draws_kazakhstan_west", "region_sensitive_to_extremes",
        "scenarios_are_hypothetical", "no_sharp_turn_west", "scenarios_name_problems"]
    assert KB.findings_on("R1") == []


def test_unknown_finding_names_the_closest() -> None:
    with pytest.raises(kzpolicy.UnknownIdError, match="dialogue_platform"):
        KB.finding("dialog_platform")
    with pytest.raises(kzpolicy.UnknownIdError, match="'T1'"):
        KB.findings_on("T11")
    with pytest.raises(kzpolicy.ArgumentTypeError, match="not int 3"):
        KB.finding(3)  # type: ignore[arg-type]


@pytest.mark.parametrize("engine", ["durable", "bitset"])
def test_findings_are_noted_exactly_when_a_concern_is_present(engine: str) -> None:
    rng = random.Random(2010)
    ids = list(KB.condition_ids)
    seen: set[str] = set()
    for _ in range(300):
        chosen = rng.sample(ids, rng.randint(0, len(ids)))
        given = {c: rng.random() < 0.7 for c in chosen}
        a = kzpolicy.assess(given, engine=engine)  # type: ignore[arg-type]
        got = {f.id: f.noted_for for f in a.findings}
        assert got == _expected(a), given
        assert [f.id for f in a.findings] == [f for f in KB.findings if f in got]
        seen |= set(got)
    assert seen == set(KB.findings)  # every finding shows on some input


def test_a_finding_carries_its_statement_locator_and_stance() -> None:
    a = kzpolicy.assess(["tough_rivalry"])
    (ref,) = [f for f in a.findings if f.id == "dialogue_platform"]
    fd = KB.finding("dialogue_platform")
    assert (ref.label, ref.statement, ref.locator, ref.stance, ref.reason) == (
        fd.label, fd.statement, fd.locator, fd.stance, fd.reason)
    assert ref.noted_for == ("tough_rivalry", "C1", "C2", "C3", "C4", "C5")


def test_findings_round_trip_through_json() -> None:
    a = kzpolicy.assess(preset="article-2010")
    assert a.findings
    again = Assessment.model_validate_json(a.model_dump_json())
    assert again == a and again.findings == a.findings
    assert "findings" in Assessment.model_json_schema()["properties"]


def test_a_knowledge_base_without_findings_notes_none(stock_copy: Path) -> None:
    (stock_copy / "findings.yaml").unlink()
    kb = kzpolicy.load(stock_copy)
    assert kb.findings == {}
    assert kzpolicy.assess(["tough_rivalry"], kb=kb).findings == ()


def test_findings_reach_every_format() -> None:
    a = kzpolicy.assess(["tough_rivalry"])
    text = kzpolicy.render(a)
    assert "Findings of the authors on this" in text and "dialogue_platform" in text
    md = kzpolicy.render(a, "markdown")
    assert "### The authors' findings on this" in md and "| dialogue_platform |" in md
    html = kzpolicy.render(a, "html")
    assert 'id="findings"' in html and "dialogue_platform" in html
    assert "The authors' findings on this" in a.explain()


def test_hostile_finding_text_is_escaped(stock_copy: Path) -> None:
    (stock_copy / "zz_hostile.yaml").write_text(
        "findings:\n"
        "  - id: hostile\n"
        "    label: <script>alert(1)</script>\n"
        "    statement: a | pipe and <b>bold</b>\n"
        "    locator: {section: conclusion}\n"
        "    concerns: [C1]\n"
        "    stance: stated\n", encoding="utf-8")
    kb = kzpolicy.load(stock_copy)
    a = kzpolicy.assess(["tough_rivalry"], kb=kb)
    assert "<script>" not in kzpolicy.render(a, "html", kb=kb)
    md = kzpolicy.render(a, "markdown", kb=kb)
    assert "<script>" not in md and "a \\| pipe" in md


def test_cli_lists_findings(cli_run: CliRun) -> None:
    code, text = cli_run("list", "findings")
    assert code == 0 and "dialogue_platform" in text and "concerns" in text
    code, out = cli_run("list", "findings", "--format", "json")
    records = json.loads(out)
    assert {r["id"] for r in records} == set(KB.findings)
    assert all(r["locator"]["section"] for r in records)
