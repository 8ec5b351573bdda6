"""The text of ``Assessment.explain()``: the chain of reasons, for a person to read.

Every ID comes with its label; each reason says in words which asserted conditions it
rests on ("D2 holds (…)", "X does not hold (…)") before the rule that links them, whose ID,
stance and locator stay for whoever checks the article; items that share the same
chain of reasons (a scenario's outcomes) are listed together with the chain said once;
a tie for runner-up is named as a tie. Lines are wrapped at 100 columns.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable

from kzpolicy.engine.results import Assessment, Flagged, Step
from kzpolicy.errors import InputError
from kzpolicy.kb.loading import knowledge_base_of

__all__ = ["explain", "labeller", "runner_up_text", "step_conditions"]

WIDTH = 100
_SIDE = {"us_nato": "the US and NATO", "none": "no side", "russia": "Russia"}
_KIND = {"consequence": "scenario outcome", "rivalry": "rivalry effect"}


def labeller(a: Assessment) -> Callable[[str], str]:
    """``label(ID)``: the label of a condition, item or scenario of ``a``'s knowledge base
    (empty when that knowledge base is no longer loaded, or for an ID it lacks)."""
    try:
        kb = knowledge_base_of(a.kb_version)
    except InputError:
        return lambda ident: ""

    def label(ident: str) -> str:
        return kb.label_of(ident) if kb.kind_or_none(ident) is not None else ""

    return label


def _named(ident: str, label: Callable[[str], str]) -> str:
    text = label(ident)
    return f"{ident} ({text})" if text else ident


def step_conditions(step: Step, label: Callable[[str], str]) -> str:
    """The asserted conditions a step rests on, in words."""
    parts = []
    for root in step.conditions:
        if root.endswith("=false"):
            ident = root[: -len("=false")]
            parts.append(f"{_named(ident, label)} does not hold")
        else:
            parts.append(f"{_named(root, label)} holds")
    return "; ".join(parts) or "nothing asserted"


def runner_up_text(a: Assessment) -> str:
    """The runner-up, or the tie for it, in words."""
    sc = a.scenario
    best = sc.shares[sc.runner_up]
    tied = [s for s, v in sc.shares.items() if s != sc.id and v == best]
    if len(tied) > 1:
        return f"{' and '.join(tied)} tie for runner-up at {best:.2f}"
    return f"runner-up {sc.runner_up} at {best:.2f}"


def _wrap(text: str, indent: str, more: str | None = None) -> list[str]:
    return textwrap.wrap(text, WIDTH, initial_indent=indent,
                         subsequent_indent=more if more is not None else indent + "  ",
                         break_on_hyphens=False) or [indent]


def _because(steps: tuple[Step, ...], label: Callable[[str], str], item_locator: object
             ) -> list[str]:
    lines: list[str] = []
    for step in steps:
        see = "" if step.locator == item_locator else f"; see {step.locator}"
        lines += _wrap(f"because {step_conditions(step, label)}", "    ")
        lines += _wrap(f"rule {step.rule} ({step.stance}): {step.label}{see}", "      ")
    return lines


def _items(title: str, flagged: tuple[Flagged, ...], label: Callable[[str], str]
           ) -> list[str]:
    lines = ["", f"{title} ({len(flagged)}):"]
    groups: list[list[Flagged]] = []
    for f in flagged:  # items with one same chain of reasons are said together
        if groups and groups[-1][0].because == f.because and groups[-1][0].kind == f.kind:
            groups[-1].append(f)
        else:
            groups.append([f])
    for group in groups:
        first = group[0]
        kind = _KIND.get(first.kind, first.kind)
        if len(group) == 1:
            lines += _wrap(f"- {first.id} [{kind}, {first.stance}] {first.label} "
                           f"({first.locator})", "", "    ")
        else:
            lines.append(f"- {', '.join(f.id for f in group)} [{kind}s], for one same reason:")
            for f in group:
                lines += _wrap(f"{f.id} [{f.stance}] {f.label} ({f.locator})", "    ", "      ")
        lines += _because(first.because, label, first.locator if len(group) == 1 else None)
    return lines


def explain(a: Assessment) -> str:
    """The chain of reasons of an assessment as text (``Assessment.explain``)."""
    label = labeller(a)
    sc = a.scenario
    shares = ", ".join(f"{k} {v:.2f}" for k, v in sc.shares.items())
    lines = [
        f"Implied scenario: {sc.id} ({sc.label})",
        f"  shares {shares}; threshold {sc.threshold:.2f}",
        f"  {runner_up_text(a)}; margin {sc.margin:+.2f}",
        *_wrap(f"decided by {sc.decided_by}: {sc.reason}", "  ", "    "),
        *_wrap(f"advantage: {_SIDE.get(sc.advantage.side, sc.advantage.side)} "
               f"({sc.advantage.locator})", "  ", "    "),
        *_wrap(f"the article's judgement: {sc.judgement.statement} ({sc.judgement.locator})",
               "  ", "    "),
        "",
        f"Asserted ({len(a.asserted)}):" if a.asserted else "Asserted: nothing",
    ]
    for ident, value in a.asserted.items():
        lines += _wrap(f"{ident} {'holds' if value else 'does not hold'}"
                       + (f": {label(ident)}" if label(ident) else ""), "  ", "    ")
    for w in a.warnings:
        lines += _wrap(f"Warning: {w}", "", "  ")
    lines += _items("Risks flagged", a.risks, label)
    lines += _items("Strengths and opportunities engaged", a.engaged, label)
    if a.findings:
        lines += ["", f"The authors' findings on this ({len(a.findings)}):"]
        for fd in a.findings:
            lines += _wrap(f"- {fd.id} [{fd.stance}, noted for {', '.join(fd.noted_for)}] "
                           f"{fd.label} ({fd.locator}): {fd.statement}", "", "    ")
    lines += ["", "Firing order:"]
    for t in a.trace:
        lines += _wrap(f"{t.order}. {t.rule}: {t.label} -> {', '.join(t.flagged)}", "  ",
                       "     ")
    unknown = "; ".join(_named(c, label) for c in a.unknown) or "none"
    lines += ["", *_wrap(f"Unknown (not asserted, {len(a.unknown)}): {unknown}", "", "  "),
              f"Knowledge base {a.kb_version}"]
    return "\n".join(lines)
