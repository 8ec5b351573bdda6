"""The text an analyst reads: labels beside IDs, reasons in words, a shared chain said once,
ties named as ties, lines within 100 columns."""

from __future__ import annotations

from pathlib import Path

import pytest

import kzpolicy

KB = kzpolicy.load()


def test_the_2010_explanation_reads_in_words() -> None:
    text = kzpolicy.assess(preset="article-2010").explain()
    assert all(len(line) <= 100 for line in text.splitlines())
    assert "integration and distancing tie for runner-up at 0.00" in text
    assert f"  B1 holds: {KB.label_of('B1')}" in text
    assert f"because cooperation_intensifies ({KB.label_of('cooperation_intensifies')}) holds" \
        in text
    assert "rule intensify_t1 (stated)" in text  # rule IDs stay in --explain
    # the six balance outcomes share one chain of reasons: said once
    # (with their standing: the decision rule in their chain is an interpretation)
    assert ("- BC1, BC2, BC3, BC4, BC5, BC6 [scenario outcomes, interpretation via "
            "scenario_decision], for one same reason:") in " ".join(text.split())
    assert text.count("rule balance_outcome (stated)") == 1
    unknown = text[text.index("Unknown (not asserted, "):]
    assert f"D1 ({KB.label_of('D1')})" in " ".join(unknown.split())


def test_a_condition_asserted_false_is_said_not_to_hold() -> None:
    a = kzpolicy.assess({"D1": True, "D2": True, "D3": True, "D4": True, "D5": True,
                         "I1": True, "info_scarce": False})
    text = a.explain()
    assert "info_scarce does not hold" in text
    assert "runner-up integration at 0.14" in text and "tie for runner-up" not in text


def test_the_summary_names_ties_and_keeps_rule_ids_out() -> None:
    a = kzpolicy.assess(preset="article-2010")
    text = kzpolicy.render(a)
    assert "integration and distancing tie for runner-up" in text
    assert "intensify_t1" not in text
    # each condition a reason rests on is named with its label
    assert (f"cooperation_intensifies ({KB.label_of('cooperation_intensifies')}) holds"
            in " ".join(text.split()))
    md = kzpolicy.render(a, "markdown")
    assert "integration and distancing tie for runner-up" in md


def test_kzpolicy_explain_is_the_method() -> None:
    a = kzpolicy.assess(preset="article-2010")
    assert kzpolicy.explain(a) == a.explain() == kzpolicy.explain(a, kb=KB)
    assert "advantage: no side (" in a.explain()  # the side's label from rules/ `sides`


def test_a_report_resolves_its_knowledge_base_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from kzpolicy.report import source_kb

    looked_up: list[str] = []

    def lookup(version: str) -> kzpolicy.KnowledgeBase:
        looked_up.append(version)
        return KB

    monkeypatch.setattr(source_kb, "knowledge_base_of", lookup)
    a = kzpolicy.assess(preset="article-2010")
    md = kzpolicy.render(a, "markdown")
    assert looked_up == [a.kb_version]  # once per render, not once per part
    assert f"cooperation_intensifies ({KB.label_of('cooperation_intensifies')}) holds" in md
    looked_up.clear()
    for fmt in ("text", "markdown", "html"):  # a knowledge base given is used as it is
        kzpolicy.render(a, fmt, kb=KB)
    assert kzpolicy.explain(a, kb=KB) == a.explain()
    assert looked_up == [a.kb_version]  # only a.explain(), which has no kb to go by


def test_labels_come_from_the_knowledge_base_given(stock_copy: Path) -> None:
    scenarios = stock_copy / "scenarios.yaml"
    label = KB.label_of("D1")
    scenarios.write_text(scenarios.read_text(encoding="utf-8").replace(
        f"label: {label}", "label: A relabelled factor", 1), encoding="utf-8")
    other = kzpolicy.load(stock_copy)
    a = kzpolicy.assess(["D1"], kb=other)
    assert "D1 holds: A relabelled factor" in kzpolicy.explain(a, kb=other)
    assert "D1 (A relabelled factor) holds" in kzpolicy.render(a, "markdown", kb=other)
    with pytest.raises(kzpolicy.InputError, match="pass the knowledge base it was made with"):
        kzpolicy.explain(a, kb=KB)
