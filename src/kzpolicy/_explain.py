"""Readable explanations of an assessment: the decision, then each flagged item's chain."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .results import Assessment, Flagged

__all__ = ["explain"]

_SIDE = {"us_nato": "the US and NATO", "none": "no side", "russia": "Russia"}


def _flagged(f: Flagged) -> list[str]:
    lines = [f"- {f.id} [{f.kind}, {f.stance}] {f.label} — {f.locator}"]
    for step in f.because:
        cond = ", ".join(step.conditions) or "nothing asserted"
        lines.append(f"    because {step.rule} ({step.stance}): {step.label}")
        lines.append(f"      matched {', '.join(step.matched) or '-'}; from {cond}; "
                     f"see {step.locator}")
    return lines


def explain(a: Assessment) -> str:
    """The chain of reasons of an assessment as text."""
    sc = a.scenario
    shares = ", ".join(f"{k} {v:.2f}" for k, v in sc.shares.items())
    asserted = ", ".join(f"{k}={'true' if v else 'false'}" for k, v in a.asserted.items())
    lines = [
        f"Implied scenario: {sc.id} — {sc.label}",
        f"  shares: {shares}; threshold {sc.threshold:.2f}; runner-up {sc.runner_up}; "
        f"margin {sc.margin:+.2f}",
        f"  decided by {sc.decided_by}: {sc.reason}",
        f"  advantage: {_SIDE.get(sc.advantage.side, sc.advantage.side)} — {sc.advantage.locator}",
        f"  article's judgement: {sc.judgement.statement} — {sc.judgement.locator}",
        "",
        f"Asserted: {asserted or 'nothing'}",
    ]
    for w in a.warnings:
        lines.append(f"Warning: {w}")
    lines += ["", f"Risks flagged ({len(a.risks)}):"]
    for f in a.risks:
        lines += _flagged(f)
    lines += ["", f"Strengths and opportunities engaged ({len(a.engaged)}):"]
    for f in a.engaged:
        lines += _flagged(f)
    lines += ["", "Firing order:"]
    for t in a.trace:
        lines.append(f"  {t.order}. {t.rule}: {t.label} -> {', '.join(t.flagged)} ({t.locator})")
    lines += ["", f"Unknown (not asserted): {', '.join(a.unknown) or 'none'}",
              f"Knowledge base {a.kb_version}"]
    return "\n".join(lines)
