"""The journal's reports: a situation assessed, with the caller's evidence beside each
condition, and a timeline, as text and Markdown (and the head and tables its HTML page
shows, :func:`timeline_sections`).

The caller's evidence is theirs, not the article's: it is shown as given (source, date,
note, confidence), beside the conclusions that rest on it.
"""

from __future__ import annotations

from collections.abc import Sequence

from kzpolicy.journal.evidence import EvidenceRef, SituationAssessment
from kzpolicy.journal.timeline import BeliefChange, Difference, Timeline, TimelineEntry
from kzpolicy.kb.knowledge import KnowledgeBase
from kzpolicy.report.table import Section, md_table, sections_markdown, sections_text, table
from kzpolicy.report.text import markdown as assessment_markdown
from kzpolicy.report.text import text as assessment_text

__all__ = [
    "evidence_text",
    "situation_markdown",
    "situation_text",
    "timeline_markdown",
    "timeline_sections",
    "timeline_text",
]

_EVIDENCE = ["condition", "belief", "source", "date", "confidence", "supports", "note"]


def belief_words(value: bool | float | None) -> str:
    """A belief as shown: true, false, a probability, or unknown."""
    if value is None:
        return "unknown"
    if isinstance(value, bool):
        return "true" if value else "false"
    return f"p={value:g}"


def _evidence_rows(evidence: Sequence[EvidenceRef]) -> list[list[object]]:
    return [[e.condition, belief_words(e.value if e.value is not None else e.probability),
             e.source or "-", e.date or "-", e.confidence or "-",
             ", ".join(e.supports) or "-", e.note or "-"] for e in evidence]


def _head(r: SituationAssessment) -> list[str]:
    lines = [f"Situation: {r.title}, as of {r.as_of}" + (f" ({r.file})" if r.file else "")]
    p = r.probabilities
    if p is not None:
        shown = "  ".join(f"{sid} {sp.probability:.3f}" for sid, sp in p.scenarios.items())
        lines.append(f"With the uncertain beliefs ({', '.join(p.beliefs)}): most likely "
                     f"{p.most_likely}; {shown}")
    return lines


def evidence_text(r: SituationAssessment) -> str:
    """The caller's evidence as a text table: each belief, its source, date, confidence,
    the conclusions that rest on it and the note."""
    return (f"The caller's evidence ({len(r.evidence)} beliefs; theirs, not the "
            f"article's):\n" + table(_EVIDENCE, _evidence_rows(r.evidence)))


def situation_text(r: SituationAssessment) -> str:
    """A situation assessed, as text: the situation, the assessment, the probabilities of
    the uncertain beliefs, the caller's evidence."""
    return "\n".join([*_head(r), "", assessment_text(r.assessment), "", evidence_text(r)])


def situation_markdown(r: SituationAssessment, *, kb: KnowledgeBase | None = None) -> str:
    """The same as Markdown, the assessment as :func:`kzpolicy.render` gives it."""
    head = _head(r)
    lines = [f"# {head[0]}", "", *head[1:], "", assessment_markdown(r.assessment, kb=kb),
             f"### The caller's evidence ({len(r.evidence)})", "",
             "The caller's beliefs and where they have them from (not the article's).", "",
             *md_table(_evidence_rows(r.evidence), _EVIDENCE)]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------- timeline
def _shares(values: dict[str, float]) -> str:
    return "  ".join(f"{k} {v:.2f}" for k, v in values.items())


def _difference(d: Difference) -> str:
    if d.kind == "scenario":
        return f"scenario {d.before} → {d.subject}"
    if d.kind == "most-likely":
        return f"most likely {d.before} → {d.subject}"
    return f"risk {d.kind} {d.subject}"


def _caused(d: Difference) -> str:
    if d.searched == 0:
        return "not searched: too many changed beliefs to try"
    if not d.caused_by:
        return f"no set of up to {d.searched} changed beliefs alone; more together"
    return "; ".join(" + ".join(s) for s in d.caused_by)


def _evidence_of(e: TimelineEntry, d: Difference) -> str:
    """The caller's evidence for the beliefs that caused ``d``, as ``ID: source, date``."""
    by_id = {x.condition: x for x in e.evidence}
    named = dict.fromkeys(c for s in d.caused_by for c in s)
    out = []
    for c in named:
        x = by_id.get(c)
        if x is None:
            out.append(f"{c}: dropped")
        elif x.source or x.date or x.note:
            out.append(f"{c}: " + ", ".join(str(v) for v in (x.source, x.date, x.note) if v))
    return "; ".join(out) or "-"


def _change_row(e: TimelineEntry, c: BeliefChange) -> list[object]:
    x = c.evidence
    return [e.as_of, c.condition, f"{belief_words(c.before)} → {belief_words(c.after)}",
            (x.source if x else None) or "-", (x.date if x else None) or "-",
            (x.note if x else None) or "-"]


def timeline_sections(t: Timeline) -> tuple[list[str], list[Section]]:
    """The head lines and the tables of a timeline."""
    dates = [e.as_of for e in t.entries]
    head = [f"Timeline: {t.title or 'the journal'}, {len(dates)} date(s) from {dates[0]} to "
            f"{dates[-1]}",
            f"Knowledge base {t.kb_version}, reading {t.reading}",
            "Caused by: the smallest sets of changed beliefs whose putting back alone "
            f"undoes the difference (up to {t.max_cause}); the beliefs and their evidence "
            "are the caller's, not the article's"]
    by_date: list[list[object]] = [
        [e.as_of, e.title, e.scenario, _shares(e.shares),
         _shares(e.probabilities) if e.probabilities is not None else "-", e.most_likely,
         ", ".join(e.risks) or "-"] for e in t.entries]
    moved: list[list[object]] = [
        [e.as_of, _difference(d), _caused(d), _evidence_of(e, d)]
        for e in t.entries for d in e.differences]
    changed = [_change_row(e, c) for e in t.entries for c in e.changes]
    return head, [
        ("By date", ["as of", "title", "scenario", "shares", "probabilities", "most likely",
                     "risks"], by_date),
        ("What changed and why", ["as of", "difference", "caused by", "their evidence"],
         moved),
        ("Beliefs changed", ["as of", "condition", "belief", "source", "date", "note"],
         changed),
    ]


def timeline_text(t: Timeline) -> str:
    """A timeline as plain text."""
    return sections_text(*timeline_sections(t))


def timeline_markdown(t: Timeline) -> str:
    """A timeline as Markdown."""
    return sections_markdown(*timeline_sections(t))
