"""The text an analyst reads: labels beside IDs, reasons in words, a shared chain said once,
ties named as ties, lines within 100 columns."""

from __future__ import annotations

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
    assert "- BC1, BC2, BC3, BC4, BC5, BC6 [scenario outcomes], for one same reason:" in text
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
    assert "intensify_t1" not in text and "cooperation_intensifies holds" in text
    md = kzpolicy.render(a, "markdown")
    assert "integration and distancing tie for runner-up" in md
