"""Text and Markdown of the results about readings: robustness (where each conclusion holds
across readings) and diffs between knowledge bases.

:func:`sections` gives their head lines and tables, which the text, the Markdown and the
HTML page (:func:`kzpolicy.report.html.reading_page`) all show: "holds under 3 of 4
readings" is said the same way in each.
"""

from __future__ import annotations

import json

from kzpolicy.analysis.diff import EntryChange, KnowledgeBaseDiff
from kzpolicy.analysis.robustness import Holds, Robustness
from kzpolicy.kb.schema import ARTICLE
from kzpolicy.report.table import Section, sections_markdown, sections_text
from kzpolicy.report.words import truth

__all__ = ["Section", "markdown", "sections", "text"]

Result = Robustness | KnowledgeBaseDiff


def _value(value: object) -> str:
    if value is None:
        return "-"
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _under(h: Holds) -> str:
    fails = ", ".join(h.fails_under)
    return f"{h.summary}" + (f"; not under {fails}" if fails else "")


# ---------------------------------------------------------------------- robustness
def _robustness_head(r: Robustness) -> list[str]:
    given = ", ".join(f"{k}={truth(v)}" for k, v in r.asserted.items()) or "nothing"
    base = "" if r.reading == ARTICLE else f" (each on top of the reading {r.reading})"
    return [f"Robustness across {len(r.readings)} readings{base}; asserted: {given}",
            f"Scenario {r.scenario.id}: {_under(r.scenario)}",
            f"Knowledge base {r.kb_version}"]


def _robustness_sections(r: Robustness) -> list[Section]:
    return [
        ("Each reading's decision", ["reading", "scenario", "decided by", "reason"],
         [[o.reading, o.scenario, o.decided_by, o.reason] for o in r.readings]),
        ("Scenarios", ["scenario", "holds", "under", "label"],
         [[s.id, s.summary, ", ".join(s.holds_under), s.label] for s in r.scenarios]),
        ("Items", ["id", "kind", "holds", "not under", "label"],
         [[i.id, i.kind, i.summary,
           ", ".join(f"{x} (contested)" if x in i.contested_under else x
                     for x in i.fails_under) or "-", i.label] for i in r.items]),
    ]


# ---------------------------------------------------------------------- diff
def _diff_head(d: KnowledgeBaseDiff) -> list[str]:
    kinds = {k: sum(1 for e in d.entries if e.change == k) for k in ("added", "removed",
                                                                     "changed")}
    head = [f"Diff {d.before} ({d.reading_before}) -> {d.after} ({d.reading_after})",
            f"Entries: {kinds['added']} added, {kinds['removed']} removed, "
            f"{kinds['changed']} changed"]
    if d.combinations is None:
        return [*head, f"Impact not counted: {d.impact_note}"]
    ctx = ", ".join(f"{k}={truth(v)}" for k, v in d.context.items()) or "unknown"
    share = d.scenario_changed / d.combinations if d.scenario_changed is not None else 0.0
    return [*head,
            f"Impact over all {d.combinations:,} combinations of the {d.factors} factors "
            f"(counted; context {ctx}): {d.scenario_changed:,} change their implied scenario "
            f"({100 * share:.2f}%); {len(d.items)} items change their flagging"]


def _fields(e: EntryChange) -> list[list[object]]:
    if not e.fields:
        return [[e.collection, e.id, e.change, "-", "-", "-"]]
    return [[e.collection, e.id, e.change, f.path, _value(f.before), _value(f.after)]
            for f in e.fields]


def _diff_sections(d: KnowledgeBaseDiff) -> list[Section]:
    return [
        ("Entries", ["collection", "id", "change", "field", "before", "after"],
         [row for e in d.entries for row in _fields(e)]),
        ("Implied scenario, before to after (combinations)", ["before", "after",
                                                              "combinations", "changed"],
         [[m.before, m.after, f"{m.combinations:,}", "yes" if m.before != m.after else "no"]
          for m in d.moves]),
        ("Items whose flagging changes", ["id", "kind", "before", "after", "changed",
                                          "rules removed", "rules added", "rules rewritten",
                                          "reads the scenario"],
         [[i.id, i.kind, f"{i.before:,}", f"{i.after:,}", f"{i.changed:,}",
           ", ".join(i.rules_removed) or "-", ", ".join(i.rules_added) or "-",
           ", ".join(i.rules_changed) or "-", "yes" if i.reads_scenario else "no"]
          for i in d.items]),
    ]


def sections(result: Result) -> tuple[list[str], list[Section]]:
    """The head lines and the tables (title, headers, rows) of a robustness or a diff."""
    if isinstance(result, Robustness):
        return _robustness_head(result), _robustness_sections(result)
    return _diff_head(result), _diff_sections(result)


def text(result: Result) -> str:
    """A plain-text report of a robustness or a diff."""
    return sections_text(*sections(result))


def markdown(result: Result) -> str:
    """The same report as Markdown."""
    return sections_markdown(*sections(result))
