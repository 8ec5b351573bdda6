"""Text and Markdown summaries of an assessment for the command line."""

from __future__ import annotations

from ._render import table
from .results import Assessment, Flagged

__all__ = ["markdown", "text"]


def _because(f: Flagged) -> str:
    return "; ".join(
        f"{s.rule} ({', '.join(s.conditions) or 'default'})" for s in f.because
    )


def text(a: Assessment) -> str:
    """A compact text summary: scenario, shares, risks and engaged items."""
    sc = a.scenario
    shares = "  ".join(f"{k} {v:.2f}" for k, v in sc.shares.items())
    out = [
        f"Scenario: {sc.id} ({sc.label})",
        f"Shares:   {shares}   threshold {sc.threshold:.2f}",
        f"Margin:   {sc.margin:+.2f} over {sc.runner_up}; decided by {sc.decided_by}",
        f"Advantage: {sc.advantage.side}",
    ]
    out += [f"Warning:  {w}" for w in a.warnings]
    for title, rows in (("Risks", a.risks), ("Engaged", a.engaged)):
        out += ["", f"{title} ({len(rows)}):"]
        if rows:
            out.append(table(["id", "kind", "stance", "label", "because"],
                             [[f.id, f.kind, f.stance, f.label, _because(f)] for f in rows]))
    out += ["", f"Unknown: {len(a.unknown)} condition(s) not asserted; "
            f"knowledge base {a.kb_version}"]
    return "\n".join(out)


def _md_escape(s: str) -> str:
    return s.replace("|", "\\|")


def markdown(a: Assessment) -> str:
    """The same content as Markdown, for notes and issues."""
    sc = a.scenario
    lines = [
        f"## Implied scenario: {sc.label} (`{sc.id}`)",
        "",
        "| scenario | share |",
        "|---|---|",
        *(f"| {k} | {v:.2f} |" for k, v in sc.shares.items()),
        "",
        f"Threshold {sc.threshold:.2f}; margin {sc.margin:+.2f} over `{sc.runner_up}`; "
        f"decided by {sc.decided_by}: {sc.reason}.",
        "",
        f"Advantage: **{sc.advantage.side}** ({sc.advantage.locator}). "
        f"Judgement: {sc.judgement.statement} ({sc.judgement.locator})",
    ]
    if a.warnings:
        lines += ["", *(f"> **Warning:** {w}" for w in a.warnings)]
    for title, rows in (("Risks flagged", a.risks), ("Strengths and opportunities engaged",
                                                      a.engaged)):
        lines += ["", f"### {title} ({len(rows)})", ""]
        if not rows:
            lines.append("None.")
            continue
        lines += ["| id | kind | label | locator | stance | because |", "|---|---|---|---|---|---|"]
        for f in rows:
            lines.append(f"| {f.id} | {f.kind} | {_md_escape(f.label)} | {f.locator} | "
                         f"{f.stance} | {_md_escape(_because(f))} |")
    asserted = ", ".join(f"`{k}={'true' if v else 'false'}`" for k, v in a.asserted.items())
    lines += ["", f"Conditions given: {asserted or 'none'}.",
              f"Not asserted (unknown): {len(a.unknown)}. Knowledge base `{a.kb_version}`."]
    return "\n".join(lines) + "\n"
