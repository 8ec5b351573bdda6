"""Text and Markdown of what the caller has not said: why-not, counterfactuals, stability.

Each result reads as a head (a few lines) and sections; :func:`sections` gives them as
tables, which the Markdown and the HTML page (:func:`kzpolicy.report.html.reasoning_page`)
show; the text is written for a terminal (every line within 100 columns). The words of a
change and of a compact pick of interchangeable factors (:func:`change_words`,
:func:`pick_words`, :func:`change_set_words`) are shared with the tipping points' text.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from kzpolicy.analysis.bounds import Work
from kzpolicy.analysis.counterfactuals import ChangeSet, Counterfactuals, FactorPick
from kzpolicy.analysis.stability import Relevance, Stability, Verdict
from kzpolicy.analysis.whatif import ConditionChange
from kzpolicy.analysis.whynot import Route, RouteLiteral, WhyNot
from kzpolicy.report.table import md_escape, md_table, table

__all__ = [
    "Section",
    "change_set_words",
    "change_words",
    "markdown",
    "open_words",
    "pick_words",
    "sections",
    "text",
    "work_words",
]

Result = WhyNot | Counterfactuals | Stability
Section = tuple[str, list[str], list[list[object]]]
WIDTH = 100


# ---------------------------------------------------------------------- shared words
def change_words(c: ConditionChange) -> str:
    """One change: ``set D4 true``, ``set region_relations_cool false``, ``clear B1``."""
    if c.after is None:
        return f"clear {c.id}"
    return f"set {c.id} {'true' if c.after else 'false'}"


def _pool(ids: Sequence[str]) -> str:
    return ", ".join(ids)


def pick_words(p: FactorPick) -> str:
    """Interchangeable changes: ``any 2 of D5, D6, D7, D8 true``, ``all of I1, ..., I7
    true``, ``any 1 of B1, ..., B7 not true (cleared or denied)``."""
    how = "all" if p.count == len(p.pool) else f"any {p.count}"
    if p.direction == "true":
        return f"{how} of {_pool(p.pool)} true"
    return f"{how} of {_pool(p.pool)} not true (cleared or denied)"


def change_set_words(cs: ChangeSet) -> str:
    """A compact line: its named changes and its picks, joined by "and"."""
    parts = [change_words(c) for c in cs.changes] + [pick_words(p) for p in cs.picks]
    return " and ".join(parts) if parts else "no change"


def work_words(work: Work) -> str:
    """How much was searched and whether the answer is whole."""
    if work.complete:
        return f"{work.searched:,} cells searched"
    return (f"PARTIAL: the {work.bound} bound was hit after {work.searched:,} cells "
            f"({work.note})")


def _wrap(line: str, indent: str = "", more: str = "   ") -> list[str]:
    return textwrap.wrap(line, WIDTH, initial_indent=indent, subsequent_indent=indent + more,
                         break_on_hyphens=False) or [indent]


def _alternatives(values: Sequence[str]) -> str:
    if len(values) <= 1:
        return "".join(values) or "nothing"
    return ", ".join(values[:-1]) + " or " + values[-1]


# ---------------------------------------------------------------------- why not
def _literal_words(lit: RouteLiteral) -> str:
    name = ("not " if lit.negated else "") + lit.id
    if lit.state == "missing":
        return f"{name} {'not implied' if lit.kind == 'scenario' else 'not reached'}"
    return f"{name} {lit.state}"


def _route_head(r: Route) -> str:
    part = f"#{r.conjunction}" if r.conjunction else ""
    fires = "fires" if r.fires else f"{r.missing} missing"
    return f"{r.rule}{part} ({fires}; {r.stance}; {r.locator}): {r.label}"


def _route_lines(routes: Sequence[Route], indent: str, out: list[str]) -> None:
    for n, r in enumerate(routes, 1):
        out += _wrap(f"{n}. {_route_head(r)}", indent)
        for lit in r.literals:
            out += _wrap(f"- {_literal_words(lit)}: {lit.label} ({lit.locator})",
                         indent + "   ")
            if lit.via:
                out.append(f"{indent}     " + ("brought by:" if lit.state == "held"
                                              else "which could come from:"))
                _route_lines(lit.via, indent + "       ", out)


def _route_rows(routes: Sequence[Route], prefix: str = "") -> list[list[object]]:
    rows: list[list[object]] = []
    for n, r in enumerate(routes, 1):
        number = f"{prefix}{n}"
        rows.append([number, r.rule + (f"#{r.conjunction}" if r.conjunction else ""),
                     "fires" if r.fires else r.missing, r.stance,
                     "; ".join(_literal_words(lit) for lit in r.literals), str(r.locator),
                     r.label])
        for lit in r.literals:
            rows += _route_rows(lit.via, f"{number}.")
    return rows


def _why_not_head(w: WhyNot) -> list[str]:
    head = [f"Why {'' if w.status in ('flagged', 'implied') else 'not '}{w.target.id} "
            f"({w.kind}: {w.target.label}; {w.target.locator})?", w.summary]
    head += [f"Denied by the caller: {d.id} ({d.label}; {d.locator})" for d in w.denied]
    if not w.work.complete:
        head.append(work_words(w.work))
    return head


def _why_not_sections(w: WhyNot) -> list[Section]:
    if w.decision is not None:
        d = w.decision
        rows: list[list[object]] = [
            [r.id, f"{r.true} of {r.factors}", f"{r.share:.2f}", "yes" if r.pole else "no",
             r.to_threshold, r.label] for r in d.shares]
        fewest = "no factor counts" if d.fewest_changes is None else str(d.fewest_changes)
        return [(f"The decision rule ({d.rule}, {d.stance}; {d.locator}): threshold "
                 f"{d.threshold:.2f}, default {d.default}; fewest factor changes that imply "
                 f"{w.target.id}: {fewest}",
                 ["scenario", "true", "share", "pole", "to threshold", "label"], rows)]
    return [("Routes that could bring it, nearest first",
             ["#", "rule", "missing", "stance", "literals", "locator", "label"],
             _route_rows(w.routes))]


def _why_not_text(w: WhyNot) -> list[str]:
    out: list[str] = []
    for line in _why_not_head(w):
        out += _wrap(line)
    if w.decision is not None:
        for title, headers, rows in _why_not_sections(w):
            out += ["", *_wrap(title), ""]
            out.append(table(headers, rows, width=WIDTH))
        return out
    if w.routes:
        out += ["", "Routes that could bring it, nearest first:"]
        _route_lines(w.routes, "  ", out)
    return out


# ---------------------------------------------------------------------- counterfactuals
_ACTION_WORDS = {"flag": "flag", "clear": "clear", "imply": "imply", "leave": "leave"}


def _counterfactual_head(c: Counterfactuals) -> list[str]:
    t = c.target
    head = [f"What would {_ACTION_WORDS[t.action]} {t.id} ({t.kind}: {t.label}; {t.locator})?"
            f" Now: {c.now}."]
    if c.holds_now:
        head.append("It holds already: no change is needed.")
    elif c.distance is None:
        head.append("No set of changes within the search reaches it.")
    else:
        head.append(f"Fewest changes: {c.distance}. {len(c.sets)} way(s) listed "
                    f"({c.total:,} concrete set(s) of changes)"
                    + (f"; {c.larger} more above {c.max_changes} change(s) not listed"
                       if c.larger else "") + ".")
    head.append(work_words(c.work))
    return head


def _counterfactual_rows(c: Counterfactuals) -> list[list[object]]:
    return [[n, cs.size, change_set_words(cs), cs.outcome, cs.scenario, f"{cs.sets:,}"]
            for n, cs in enumerate(c.sets, 1)]


def _counterfactual_sections(c: Counterfactuals) -> list[Section]:
    out: list[Section] = [
        ("Minimal sets of changes, smallest first",
         ["#", "changes", "what", "then", "scenario then", "concrete sets"],
         _counterfactual_rows(c))]
    if c.listing:
        out.append((f"Concrete sets {c.offset + 1} to {c.offset + len(c.listing)} of "
                    f"{c.total:,}", ["#", "changes", "scenario then"],
                    [[c.offset + n, "; ".join(change_words(x) for x in s.changes), s.scenario]
                     for n, s in enumerate(c.listing, 1)]))
    return out


def _counterfactual_text(c: Counterfactuals) -> list[str]:
    out: list[str] = []
    for line in _counterfactual_head(c):
        out += _wrap(line)
    if c.sets:
        out.append("")
    for n, cs in enumerate(c.sets, 1):
        sets = f"; {cs.sets:,} sets" if cs.sets > 1 else ""
        out += _wrap(f"{n}. [{cs.size} change{'s' if cs.size != 1 else ''}] "
                     f"{change_set_words(cs)} -> {cs.outcome}"
                     + (f" (scenario {cs.scenario}{sets})" if cs.outcome != cs.scenario
                        else f" ({sets[2:]})" if sets else ""), "", "     ")
    if c.listing:
        out += ["", f"Concrete sets {c.offset + 1} to {c.offset + len(c.listing)} of "
                f"{c.total:,}:"]
        for n, s in enumerate(c.listing, c.offset + 1):
            out += _wrap(f"{n}. " + "; ".join(change_words(x) for x in s.changes)
                         + f" -> scenario {s.scenario}", "  ", "     ")
    return out


# ---------------------------------------------------------------------- stability
def open_words(v: Verdict) -> list[str]:
    """What an open conclusion is open on, conditions with the same effect together:
    ``D1, D2, D3 (true: balance or distancing; false: balance)``."""
    groups: list[tuple[list[str], Relevance]] = []
    for r in v.open_on:
        if groups and (groups[-1][1].if_true, groups[-1][1].if_false) == (r.if_true,
                                                                           r.if_false):
            groups[-1][0].append(r.id)
        else:
            groups.append(([r.id], r))
    return [f"{', '.join(ids)} (true: {_alternatives(r.if_true)}; false: "
            f"{_alternatives(r.if_false)})" for ids, r in groups]


def _verdict_line(v: Verdict) -> str:
    if not v.checked:
        return f"{v.id}: not checked (a bound of the budget was hit)"
    if v.settled:
        return f"{v.id}: settled, {v.possible[0]}"
    return (f"{v.id} ({v.kind}, now {v.now}): open, can be {_alternatives(v.possible)}; "
            f"open on " + "; ".join(open_words(v)))


def _stability_head(s: Stability) -> list[str]:
    head = [f"Stability over the {s.completions:,} completions of {len(s.unknown)} unknown "
            f"condition(s): {s.settled} conclusion(s) settled, {s.open} open.",
            "Scenario: " + _verdict_line(s.scenario).split(": ", 1)[1]
            .replace(f"({s.scenario.kind}, ", "(")]
    if not s.work.complete:
        head.append(work_words(s.work))
    return head


def _lead_rows(s: Stability, top: int | None = None) -> list[list[object]]:
    leads = s.next if top is None else s.next[:top]
    return [[n, x.id, x.moves, ", ".join(x.conclusions),
             "-" if x.expected_change is None else f"{x.expected_change:.4f} (p {x.belief:g})",
             x.label] for n, x in enumerate(leads, 1)]


def _stability_sections(s: Stability, top: int | None = None) -> list[Section]:
    open_items = [v for v in s.items if v.checked and not v.settled]
    settled = [v for v in s.items if v.settled]
    return [
        ("Open conclusions", ["conclusion", "now", "can be", "open on"],
         [[v.id, v.now, _alternatives(v.possible), "; ".join(open_words(v))]
          for v in ([s.scenario] if not s.scenario.settled else []) + open_items]),
        ("Settled items", ["item", "settled as", "label"],
         [[v.id, v.possible[0], v.label] for v in settled]),
        ("What to find out next", ["#", "condition", "moves", "conclusions",
                                   "expected change", "label"], _lead_rows(s, top)),
    ]


def _settled_lines(s: Stability) -> list[str]:
    """The settled items grouped by the value they are settled at, and those a bound left
    unchecked."""
    settled: dict[str, list[str]] = {}
    for v in s.items:
        if v.settled:
            settled.setdefault(v.possible[0], []).append(v.id)
    out: list[str] = []
    if settled:
        out += ["", f"Settled ({sum(len(x) for x in settled.values())}):"]
        for value, ids in settled.items():
            out += _wrap(f"{value}: {', '.join(ids)}", "  ", "   ")
    unchecked = [v.id for v in s.items if not v.checked]
    if unchecked:
        out += ["", *_wrap("Not checked (a bound was hit): " + ", ".join(unchecked))]
    return out


def _lead_lines(s: Stability, top: int | None) -> list[str]:
    """What to find out next, the first ``top`` (None: all)."""
    if not s.next:
        return []
    leads = s.next if top is None else s.next[:top]
    out = ["", "What to find out next (what it could move):"]
    for n, x in enumerate(leads, 1):
        expected = ("" if x.expected_change is None
                    else f"; expected change {x.expected_change:.4f} at p {x.belief:g}")
        out += _wrap(f"{n}. {x.id} ({x.label}): {x.moves} conclusion(s), "
                     f"{', '.join(x.conclusions)}{expected}", "  ", "     ")
    if len(leads) < len(s.next):
        out.append(f"  ... {len(s.next) - len(leads)} more")
    return out


def _stability_text(s: Stability, top: int | None = None) -> list[str]:
    out: list[str] = []
    for line in _stability_head(s):
        out += _wrap(line)
    open_items = [v for v in s.items if v.checked and not v.settled]
    if open_items:
        out += ["", f"Open ({len(open_items)}):"]
        for v in open_items:
            out += _wrap(_verdict_line(v), "  ", "     ")
    return out + _settled_lines(s) + _lead_lines(s, top)


# ---------------------------------------------------------------------- the formats
def sections(result: Result, top: int | None = None) -> tuple[list[str], list[Section]]:
    """The head lines and the tables of a why-not, counterfactual or stability result
    (``top``: the leads a stability lists; None: all)."""
    if isinstance(result, WhyNot):
        return _why_not_head(result), _why_not_sections(result)
    if isinstance(result, Counterfactuals):
        return _counterfactual_head(result), _counterfactual_sections(result)
    return _stability_head(result), _stability_sections(result, top)


def text(result: Result, top: int | None = None) -> str:
    """The result for a terminal, every line within 100 columns."""
    if isinstance(result, WhyNot):
        lines = _why_not_text(result)
    elif isinstance(result, Counterfactuals):
        lines = _counterfactual_text(result)
    else:
        lines = _stability_text(result, top)
    return "\n".join(lines)


def markdown(result: Result, top: int | None = None) -> str:
    """The result as Markdown: the head, then each section as a table."""
    head, tables = sections(result, top)
    out = [f"## {md_escape(head[0])}", "", *(f"- {md_escape(h)}" for h in head[1:])]
    for title, headers, rows in tables:
        out += ["", f"### {md_escape(title)}", ""]
        if rows:
            out += md_table(rows, headers)
        else:
            out.append("None.")
    return "\n".join(out) + "\n"
