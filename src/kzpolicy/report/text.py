"""Text and Markdown summaries of an assessment for the command line.

The Markdown carries what the HTML report shows, for notes and issues: the shares
(with bars), margin and runner-up, the flagged items with kind, locator, stance and
because, what fired as a Mermaid diagram, the conditions given and the knowledge
base; :func:`markdown_comparison` does the same for a before/after pair.
"""

from __future__ import annotations

from collections.abc import Sequence

from kzpolicy.engine.results import Assessment, Contested, Flagged, ScenarioResult
from kzpolicy.kb.knowledge import KnowledgeBase
from kzpolicy.kb.schema import ARTICLE
from kzpolicy.report import words
from kzpolicy.report.explain import NO_LABELS, Labels, runner_up_text, step_conditions
from kzpolicy.report.source_kb import source_kb
from kzpolicy.report.table import md_escape as _md_escape
from kzpolicy.report.table import shared_notes, table
from kzpolicy.report.words import basis_words, stance_words, standing, truth

__all__ = ["markdown", "markdown_comparison", "text"]


def _because(f: Flagged, labels: Labels = NO_LABELS) -> str:
    """The reasons of a flagged item in words (rule IDs are in JSON and --explain)."""
    return " | ".join(dict.fromkeys(step_conditions(s, labels) for s in f.because))


def _denied(c: Contested, labels: Labels = NO_LABELS) -> str:
    return "; ".join(f"{labels.named(d.id)}=false" for d in c.denied)


def _groups(a: Assessment) -> tuple[tuple[str, tuple[Flagged, ...]], ...]:
    """The item groups of a result with their titles, in the order every output uses."""
    return ((_outcomes_title(a), a.outcomes), ("Risks", a.risks), ("Engaged", a.engaged))


def _outcomes_title(a: Assessment) -> str:
    """The title of the outcomes: the implied scenario's, or none when undecided."""
    if words.undecided(a.scenario):
        return "Outcomes (no scenario implied, so none)"
    return f"Outcomes of {a.scenario.id}"


def _scenario_lines(a: Assessment) -> list[str]:
    """The scenario part of :func:`text`: the decision, how it was reached, the reading."""
    sc = a.scenario
    shares = "  ".join(f"{k} {v:.2f}" for k, v in sc.shares.items())
    out = [f"Scenario: {sc.id} ({sc.label})",
           f"Standing: {stance_words(sc)}; {basis_words(sc.basis, sc.id)}"]
    if sc.form == "share":
        out.append(f"Shares:   {shares}   {words.rule_words(sc)}")
    else:
        out += [f"Counts:   {words.counts_words(sc, '  ')}   {words.rule_words(sc)}",
                f"Shares:   {shares}"]
    if sc.margin is not None:
        out.append(f"Margin:   {sc.margin:+.2f}; {runner_up_text(a)}; decided by "
                   f"{sc.decided_by}")
    out.append(f"Reason:   {sc.reason}")
    if sc.advantage is not None:
        out.append(f"Advantage: {sc.advantage.side}")
    if a.reading != ARTICLE:
        out.append(f"Reading:  {words.reading_words(a.reading, a.kb_version)}")
    return out


def text(a: Assessment, *, kb: KnowledgeBase | None = None) -> str:
    """A compact text summary: scenario with its standing and reason, shares, outcomes,
    risks, engaged and contested items; every condition a reason rests on is named with
    its label, under the row (or once under the rows that share it). ``kb`` (default: the
    one ``a`` was made with, when still loaded) gives the labels."""
    labels = Labels.of(a) if kb is None else Labels(source_kb("text", kb, a))
    out = [*_scenario_lines(a), *(f"Warning:  {w}" for w in a.warnings)]
    for title, rows in _groups(a):
        out += ["", f"{title} ({len(rows)}):"]
        if rows:
            out.append(table(["id", "kind", "standing", "label"],
                             [[f.id, f.kind, standing(f, named=False), f.label]
                              for f in rows],
                             below=shared_notes([_because(f, labels) for f in rows],
                                          [f.id for f in rows], "because (asserted)")))
    if a.contested:
        out += ["", f"Contested ({len(a.contested)}): implied by the rules, denied by a "
                "condition asserted false; not flagged:"]
        out.append(table(["id", "kind", "label", "denied"],
                         [[c.id, c.kind, c.label, _denied(c, labels)] for c in a.contested],
                         below=shared_notes([" | ".join(dict.fromkeys(step_conditions(s, labels)
                                                                for s in c.because))
                                       for c in a.contested],
                                      [c.id for c in a.contested],
                                      "implied because (asserted)")))
    if a.findings:
        out += ["", f"Findings of the authors on this ({len(a.findings)}):"]
        out.append(table(["id", "stance", "noted for", "label"],
                         [[fd.id, fd.stance, ", ".join(fd.noted_for), fd.label]
                          for fd in a.findings]))
    out += ["", f"Unknown: {len(a.unknown)} condition(s) not asserted; "
            f"knowledge base {a.kb_version}"]
    return "\n".join(out)


def _bar(share: float) -> str:
    filled = round(max(0.0, min(1.0, share)) * 10)
    return "█" * filled + "░" * (10 - filled)


def _fired(a: Assessment, base: KnowledgeBase) -> list[str]:
    from kzpolicy.report.graph import fired_network, to_mermaid

    return ["```mermaid", to_mermaid(fired_network(a, base)).rstrip("\n"), "```"]


def _item_table(rows: Sequence[tuple[Flagged, str | None]],
                labels: Labels = NO_LABELS) -> list[str]:
    if not rows:
        return ["None."]
    change = rows[0][1] is not None
    head = "| change " if change else ""
    lines = [f"{head}| id | kind | label | locator | standing | because |",
             "|---" * (7 if change else 6) + "|"]
    for f, what in rows:
        cell = f"| {what} " if change else ""
        lines.append(f"{cell}| {f.id} | {f.kind} | {_md_escape(f.label)} | "
                     f"{_md_escape(f.locator)} | {_md_escape(standing(f))} | "
                     f"{_md_escape(_because(f, labels))} |")
    return lines


def _contested_table(contested: Sequence[Contested], labels: Labels = NO_LABELS
                     ) -> list[str]:
    """Each contested item with both sides: the rules' chain and the caller's denial."""
    lines = ["| id | kind | label | locator | implied because | denied by the caller |",
             "|---|---|---|---|---|---|"]
    for c in contested:
        denied = "; ".join(f"`{d.id}=false` {d.label} ({d.locator})" for d in c.denied)
        implied = " | ".join(step_conditions(s, labels) for s in c.because)
        lines.append(f"| {c.id} | {c.kind} | {_md_escape(c.label)} | {_md_escape(c.locator)} "
                     f"| {_md_escape(implied)} ({_md_escape(standing(c))}) | "
                     f"{_md_escape(denied)} |")
    return lines


def _given(a: Assessment) -> str:
    return ", ".join(f"`{k}={truth(v)}`" for k, v in a.asserted.items())


def markdown(a: Assessment, *, kb: KnowledgeBase | None = None) -> str:
    """The same content as the HTML report, as Markdown for notes and issues.

    ``kb`` (default: the one ``a`` was made with, among those loaded) labels the
    conditions and draws the diagram of what fired.
    """
    base = source_kb("markdown", kb, a)
    labels = Labels(base)
    lines = _md_scenario(a)
    if a.warnings:
        lines += ["", *(f"> **Warning:** {_md_escape(w)}" for w in a.warnings)]
    for title, rows in ((_outcomes_title(a), a.outcomes), ("Risks flagged", a.risks),
                        ("Strengths and opportunities engaged", a.engaged)):
        lines += ["", f"### {title} ({len(rows)})", ""]
        lines += _item_table([(f, None) for f in rows], labels)
    if a.contested:
        lines += ["", f"### Contested ({len(a.contested)})", "",
                  "The rules imply these, but a condition the caller asserted false denies "
                  "what they amount to: neither flagged nor dropped.", ""]
        lines += _contested_table(a.contested, labels)
    if a.findings:
        lines += ["", f"### The authors' findings on this ({len(a.findings)})", "",
                  "| id | finding | locator | stance | noted for |", "|---|---|---|---|---|"]
        lines += [f"| {fd.id} | **{_md_escape(fd.label)}**: {_md_escape(fd.statement)} | "
                  f"{_md_escape(fd.locator)} | {fd.stance} | {', '.join(fd.noted_for)} |"
                  for fd in a.findings]
    lines += ["", "### What fired", "", *_fired(a, base)]
    lines += ["", f"Conditions given: {_given(a) or 'none'}.",
              f"Not asserted (unknown): {len(a.unknown)}. Knowledge base `{a.kb_version}`, "
              f"reading `{a.reading}`."]
    return "\n".join(lines) + "\n"


def _md_scenario(a: Assessment) -> list[str]:
    """The scenario part of :func:`markdown`: the evidence of each scenario, the decision
    and its standing, what the article says of the scenario."""
    sc = a.scenario
    head = (f"## No scenario implied: {_md_escape(sc.label)}" if words.undecided(sc)
            else f"## Implied scenario: {_md_escape(sc.label)} (`{sc.id}`)")
    lines = [head, "", "| scenario | share | |", "|---|---|---|",
             *(f"| {k}{' (implied)' if k == sc.id else ''} | {v:.2f} | `{_bar(v)}` |"
               for k, v in sc.shares.items()), ""]
    if sc.form != "share":
        lines += [f"Factors asserted true: {words.counts_words(sc)}.", ""]
    if sc.margin is None:
        lines.append(f"{_md_escape(sc.reason[:1].upper() + sc.reason[1:])}.")
    else:
        tie = runner_up_text(a)
        lines.append(f"{words.rule_words(sc).capitalize()}; margin {sc.margin:+.2f} over "
                     f"`{sc.runner_up}` (runner-up{'; ' + tie if 'tie' in tie else ''}); "
                     f"decided by {sc.decided_by}: {_md_escape(sc.reason)}.")
    lines += ["", f"Standing: {_md_escape(stance_words(sc))}; {basis_words(sc.basis, sc.id)}."]
    if sc.advantage is not None and sc.judgement is not None:
        lines += ["", f"Advantage: **{sc.advantage.side}** ({_md_escape(sc.advantage.locator)}). "
                  f"Judgement: {_md_escape(sc.judgement.statement)} "
                  f"({_md_escape(sc.judgement.locator)})"]
    if a.reading != ARTICLE:
        lines += ["", f"Reading: `{a.reading}` (knowledge base `{a.kb_version}`)."]
    return lines


def _margin(sc: ScenarioResult) -> str:
    """``margin +0.50 over `balance`, `` (nothing when no scenario was implied)."""
    return "" if sc.margin is None else f"margin {sc.margin:+.2f} over `{sc.runner_up}`, "


def _changes(before: Sequence[Flagged], after: Sequence[Flagged]
             ) -> list[tuple[Flagged, str | None]]:
    was, now = {f.id for f in before}, {f.id for f in after}
    rows: list[tuple[Flagged, str | None]] = [
        (f, "kept" if f.id in was else "added") for f in after]
    return rows + [(f, "removed") for f in before if f.id not in now]


def markdown_comparison(
    before: Assessment, after: Assessment, *, kb: KnowledgeBase | None = None
) -> str:
    """A before/after pair (a what-if) as Markdown: shares side by side, the conditions
    that changed, the items added, kept and removed, and what fires after."""
    base = source_kb("markdown", kb, after)
    b, a = before.scenario, after.scenario
    verdict = "unchanged" if a.id == b.id else "changed"
    lines = [
        f"## What-if: `{b.id}` → `{a.id}` ({verdict})",
        "",
        "| scenario | before | after |",
        "|---|---|---|",
        *(f"| {k} | {b.shares[k]:.2f} `{_bar(b.shares[k])}` | "
          f"{a.shares.get(k, 0.0):.2f} `{_bar(a.shares.get(k, 0.0))}` |" for k in b.shares),
        "",
        f"Before: {_md_escape(b.label)}, {_margin(b)}decided by {b.decided_by}: "
        f"{_md_escape(b.reason)}.",
        "",
        f"After: {_md_escape(a.label)}, {_margin(a)}decided by {a.decided_by}: "
        f"{_md_escape(a.reason)}.",
    ]
    for when, warned in (("before", before.warnings), ("after", after.warnings)):
        lines += ["", *(f"> **Warning ({when}):** {_md_escape(w)}" for w in warned)]

    keys = dict.fromkeys([*before.asserted, *after.asserted])
    changed = [k for k in keys if before.asserted.get(k) != after.asserted.get(k)]
    lines += ["", f"### Conditions changed ({len(changed)})", ""]
    lines += (["| id | before | after |", "|---|---|---|",
               *(f"| {k} | {truth(before.asserted.get(k))} | {truth(after.asserted.get(k))} |"
                 for k in changed)] if changed else ["None."])
    for title, was, now in (("Outcomes", before.outcomes, after.outcomes),
                            ("Risks", before.risks, after.risks),
                            ("Strengths and opportunities", before.engaged, after.engaged)):
        rows = _changes(was, now)
        lines += ["", f"### {title} ({len(rows)})", "", *_item_table(rows)]
    if before.contested or after.contested:
        lines += ["", "### Contested", "",
                  f"Before: {', '.join(c.id for c in before.contested) or 'none'}. After:",
                  "", *(_contested_table(after.contested) if after.contested else ["None."])]
    lost = sorted({t.rule for t in before.trace} - {t.rule for t in after.trace})
    lines += ["", "### What fires after", "", *_fired(after, base), "",
              "Rules that fired only before: "
              + (", ".join(f"`{r}`" for r in lost) or "none") + "."]
    lines += ["", f"Conditions given after: {_given(after) or 'none'}.",
              f"Knowledge base `{after.kb_version}`."]
    return "\n".join(lines) + "\n"
