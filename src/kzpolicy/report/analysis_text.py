"""Text and Markdown reports of what-if, tipping-point, landscape, Monte Carlo, exact
probability and sensitivity results.

:func:`sections` gives the head lines and tables of each, which its HTML page
(:func:`kzpolicy.report.html.probability_page`) and its notebook view show too.
"""

from __future__ import annotations

from fractions import Fraction

from kzpolicy.analysis.landscape import Landscape
from kzpolicy.analysis.montecarlo import Estimate, ItemEstimate, MonteCarlo
from kzpolicy.analysis.probabilities import ItemProbability, Probabilities
from kzpolicy.analysis.sensitivity import BeliefSensitivity, Sensitivity
from kzpolicy.analysis.tipping import TippingPoints
from kzpolicy.analysis.whatif import ConditionChange, ItemRef, RuleRef, WhatIf
from kzpolicy.kb.schema import ARTICLE
from kzpolicy.report.reasoning_text import change_set_words, change_words, work_words
from kzpolicy.report.source_kb import made_with
from kzpolicy.report.table import md_table as _md
from kzpolicy.report.table import shared_notes, table
from kzpolicy.report.words import truth

__all__ = ["Result", "Section", "markdown", "sections", "text", "tipping_text", "title"]

Section = tuple[str, list[str], list[list[object]]]
#: the column of a table that lists the conditions a probability depends on
_LIST = "depends on"
Result = WhatIf | TippingPoints | Landscape | MonteCarlo | Probabilities | Sensitivity


def _change(c: ConditionChange) -> str:
    return f"{c.id} ({c.label}) {truth(c.before)} -> {truth(c.after)}"


def _shares(shares: dict[str, float]) -> str:
    return "  ".join(f"{k} {v:.2f}" for k, v in shares.items())


def _pct(x: float) -> str:
    return f"{100 * x:.2f}%"


# ---------------------------------------------------------------------- sections
def _whatif_sections(w: WhatIf) -> list[Section]:
    def items(refs: tuple[ItemRef, ...]) -> list[list[object]]:
        return [[r.id, r.kind, str(r.locator), r.label] for r in refs]

    def rules(refs: tuple[RuleRef, ...]) -> list[list[object]]:
        return [[r.id, r.stance, str(r.locator), r.label] for r in refs]

    ih, rh = ["id", "kind", "locator", "label"], ["rule", "stance", "locator", "label"]
    return [
        ("Outcomes added", ih, items(w.outcomes_added)),
        ("Outcomes removed", ih, items(w.outcomes_removed)),
        ("Risks added", ih, items(w.risks_added)),
        ("Risks removed", ih, items(w.risks_removed)),
        ("Engaged added", ih, items(w.engaged_added)),
        ("Engaged removed", ih, items(w.engaged_removed)),
        ("Contested added (implied, but denied by a condition asserted false)", ih,
         items(w.contested_added)),
        ("Contested removed", ih, items(w.contested_removed)),
        ("Rules started firing", rh, rules(w.rules_started)),
        ("Rules stopped firing", rh, rules(w.rules_stopped)),
    ]


def _whatif_head(w: WhatIf) -> list[str]:
    sc = w.scenario
    moved = "changed" if sc.changed else "unchanged"
    shares = "   ".join(
        f"{k} {v:.2f} -> {sc.shares_after[k]:.2f}" for k, v in sc.shares_before.items()
    )
    lines = [
        "What if: " + (", ".join(_change(c) for c in w.changes) or "no change"),
        f"Scenario: {sc.before} -> {sc.after} ({moved})",
        f"Shares:   {shares}",
    ]
    if sc.reason_before == sc.reason_after:
        lines.append(f"Why:      {sc.reason_after}")
    else:
        lines += [f"Before:   {sc.reason_before}", f"After:    {sc.reason_after}"]
    lines += [f"Warning (before): {x}" for x in sc.warnings_before
              if x not in sc.warnings_after]
    lines += [f"Warning:  {x}" for x in sc.warnings_after]
    return lines


def _tipping_rows(t: TippingPoints) -> list[list[object]]:
    return [[n, cs.size, change_set_words(cs), cs.scenario, f"{cs.sets:,}", _shares(cs.shares)]
            for n, cs in enumerate(t.sets, 1)]


def _point_rows(t: TippingPoints) -> list[list[object]]:
    return [[t.offset + n, "; ".join(change_words(c) for c in p.changes), p.scenario,
             "; ".join(str(c.locator) for c in p.changes)]
            for n, p in enumerate(t.points, 1)]


def tipping_text(t: TippingPoints, listed: bool = False) -> str:
    """Tipping points as text that fits 100 columns: every way compactly, the smallest
    first, each with where it leads and the shares it gives; with ``listed``, the page
    of concrete sets too."""
    import textwrap

    def wrap(line: str, indent: str = "", more: str = "     ") -> list[str]:
        return textwrap.wrap(line, 100, initial_indent=indent,
                             subsequent_indent=indent + more, break_on_hyphens=False)

    out = [f"Scenario: {t.scenario}   shares {_shares(t.shares)}", *wrap(_tipping_head(t), "",
                                                                         "")]
    for n, cs in enumerate(t.sets, 1):
        sets = f"{cs.sets:,} sets" if cs.sets > 1 else "1 set"
        out += wrap(f"{n}. to {cs.scenario} ({_changes(cs.size)}; {sets}): "
                    f"{change_set_words(cs)}")
        out.append(f"     shares then: {_shares(cs.shares)}")
    out += wrap(_named(t), "", "  ")
    if listed and t.points:
        out += ["", f"Sets {t.offset + 1} to {t.offset + len(t.points)} of {t.total:,} "
                "(a factor made not true is listed as false; clearing it is the same):"]
        for n, p in enumerate(t.points, t.offset + 1):
            out += wrap(f"{n}. to {p.scenario}: " + "; ".join(change_words(c)
                                                              for c in p.changes), "  ")
    return "\n".join(out)


def _named(t: TippingPoints) -> str:
    """The conditions the ways name by ID, each with its label, said once."""
    kb = made_with(t)
    ids = dict.fromkeys([*(c.id for cs in t.sets for c in cs.changes),
                         *(f for cs in t.sets for p in cs.picks for f in p.pool)])
    if kb is None or not ids:
        return ""
    return "Named: " + "; ".join(f"{i} {kb.label_of(i)}" for i in ids)


def _changes(n: int) -> str:
    return "1 change" if n == 1 else f"{n} changes"


def _tipping_head(t: TippingPoints) -> str:
    why = f"Now: {t.reason}. " + "".join(f"Warning: {w}. " for w in t.warnings)
    return why + _tipping_distance(t)


def _tipping_distance(t: TippingPoints) -> str:
    if t.distance is None:
        nearest = ("" if t.nearest is None else
                   f" The nearest tipping point needs {t.nearest} changes "
                   f"(--max-size {t.nearest}).")
        return (f"No set of at most {_changes(t.max_size)} switches the scenario."
                f"{nearest} ({work_words(t.work)}.)")
    return (f"Distance to a tipping point: {t.distance} change(s); {len(t.sets)} way(s), "
            f"{t.total:,} set(s) of factors ({work_words(t.work)}).")


def _estimate_row(label: str, e: Estimate) -> list[object]:
    return [label, f"{e.probability:.4f}", f"[{e.low:.4f}, {e.high:.4f}]", e.count]


def _item_rows(items: tuple[ItemEstimate, ...]) -> list[list[object]]:
    return [[*_estimate_row(i.id, i), i.kind, i.label] for i in items if i.count]


# ---------------------------------------------------------------------- probabilities


def _p(x: float, exact: Fraction | None = None) -> str:
    return f"{x:.4f}" if exact is None else f"{x:.4f} ({exact})"


def _beliefs(beliefs: dict[str, float], exact: dict[str, Fraction] | None) -> str:
    return ", ".join(f"{c}={exact[c] if exact else v}" for c, v in beliefs.items()) or "none"


def _probability_head(r: Probabilities) -> list[str]:
    return [f"Exact probabilities (method: {r.method}); beliefs: "
            f"{_beliefs(r.beliefs, r.exact_beliefs)}",
            f"{len(r.fixed)} condition(s) fixed, {len(r.unknown)} unknown; most likely "
            f"scenario: {r.most_likely}"]


def _probability_sections(r: Probabilities) -> list[Section]:
    def items(rows: tuple[ItemProbability, ...]) -> list[list[object]]:
        return [[i.id, _p(i.probability, i.exact), ", ".join(i.depends_on) or "-", i.kind,
                 i.label] for i in rows if i.probability > 0]

    ih = ["id", "probability", _LIST, "kind", "label"]
    return [
        ("Scenarios", ["scenario", "probability", _LIST, "label"],
         [[s.id, _p(s.probability, s.exact), ", ".join(s.depends_on) or "-", s.label]
          for s in r.scenarios.values()]),
        (f"Outcomes (possible: {len(items(r.outcomes))} of {len(r.outcomes)})", ih,
         items(r.outcomes)),
        (f"Risks (possible: {len(items(r.risks))} of {len(r.risks)})", ih, items(r.risks)),
        (f"Engaged (possible: {len(items(r.engaged))} of {len(r.engaged)})", ih,
         items(r.engaged)),
    ]


def _signed(x: float, exact: Fraction | None = None) -> str:
    return f"{x:+.4f}" if exact is None else f"{x:+.4f} ({exact})"


def _top_scenario(b: BeliefSensitivity) -> str:
    w = max(b.scenarios, key=lambda w: (round(abs(w.swing), 12), w.swing))
    return f"{w.id} {_signed(w.swing, w.exact)}" if w.swing else "-"


def _top_item(b: BeliefSensitivity) -> str:
    return f"{b.items[0].id} {_signed(b.items[0].swing, b.items[0].exact)}" if b.items else "-"


def _tipping(b: BeliefSensitivity) -> str:
    t = b.tipping
    if t is None:
        return "none"
    value = f"{t.value:.4f}" if t.exact is None else f"{t.value:.4f} ({t.exact})"
    return f"at {value}: {t.before} to {t.after}"


def _sensitivity_head(r: Sensitivity) -> list[str]:
    return [f"Sensitivity (exact, method: {r.method}); beliefs: "
            f"{_beliefs(r.beliefs, r.exact_beliefs)}",
            "Most likely scenario: " + r.most_likely + " ("
            + ", ".join(f"{s} {p:.4f}" for s, p in r.scenarios.items()) + ")",
            *_ties(r)]


def _ties(r: Sensitivity) -> list[str]:
    """Each tie of the ranking said once: the beliefs that share a rank."""
    ranks: dict[int, list[str]] = {}
    for b in r.ranked:
        ranks.setdefault(b.rank, []).append(b.id)
    return [f"Tied at rank {rank} (they move the scenario alike): {', '.join(ids)}"
            for rank, ids in ranks.items() if len(ids) > 1]


def _by_swing(b: BeliefSensitivity, by: str) -> str:
    w = next(w for w in b.scenarios if w.id == by)
    return _signed(w.swing, w.exact)


def _sensitivity_sections(r: Sensitivity) -> list[Section]:
    ids = list(r.scenarios)
    by = r.by
    moved = "the scenario" if by is None else f"the probability of {by}"
    return [
        (f"Beliefs ranked by how much they move {moved} (a tie shares its rank)",
         ["#", "belief", "p", "largest scenario swing" if by is None else f"{by} swing",
          "largest item swing", "most likely scenario changes", "label"],
         [[b.rank, b.id, f"{b.belief:g}",
           _top_scenario(b) if by is None else _by_swing(b, by), _top_item(b), _tipping(b),
           b.label]
          for b in r.ranked]),
        ("Scenario probability, belief false to true",
         ["belief", *ids],
         [[b.id, *(f"{w.low:.4f} to {w.high:.4f}" for w in b.scenarios)] for b in r.ranked]),
    ]


def _landscape_head(r: Landscape) -> list[str]:
    return [f"{r.combinations} combinations of {r.factors} factors; context: "
            + (", ".join(f"{k}={truth(v)}" for k, v in r.context.items()) or "none")]


def _landscape_sections(r: Landscape) -> list[Section]:
    return [
        ("Scenarios", ["scenario", "combinations", "share"],
         [[s, c, _pct(r.scenario_shares[s])] for s, c in r.scenarios.items()]),
        ("Influence (combinations in which switching the factor alone changes the scenario)",
         ["factor", "scenario", "changes", "share", "label"],
         [[f.id, f.scenario, f.changes, _pct(f.share), f.label] for f in r.influence]),
        ("Items flagged or engaged", ["id", "kind", "combinations", "share", "label"],
         [[i.id, i.kind, i.count, _pct(i.share), i.label] for i in r.items if i.count]),
    ]


def _monte_carlo_head(r: MonteCarlo) -> list[str]:
    return [f"{r.samples} samples, seed {r.seed}, {_pct(r.confidence)} Wilson intervals"]


def _monte_carlo_sections(r: MonteCarlo) -> list[Section]:
    out: list[Section] = [("Scenarios", ["scenario", "probability", "interval", "samples"],
                           [_estimate_row(s, e) for s, e in r.scenarios.items()])]
    for title, items in (("Outcomes", r.outcomes), ("Risks", r.risks),
                         ("Engaged", r.engaged)):
        rows = _item_rows(items)
        out.append((f"{title} (flagged in some sample: {len(rows)} of {len(items)})",
                    ["id", "probability", "interval", "samples", "kind", "label"], rows))
    return out


def _tipping_sections(t: TippingPoints) -> list[Section]:
    out: list[Section] = [("Ways to a tipping point, the smallest first",
                           ["#", "changes", "what", "leads to", "sets", "shares then"],
                           _tipping_rows(t))]
    if t.points:
        out.append((f"Sets {t.offset + 1} to {t.offset + len(t.points)} of {t.total:,}",
                    ["#", "changes", "leads to", "locators"], _point_rows(t)))
    return out


def title(result: Result) -> str:
    """The title of a result's page."""
    return {Probabilities: "Exact probabilities", Sensitivity: "Sensitivity of the "
            "probabilities", WhatIf: "What if", TippingPoints: "Tipping points",
            Landscape: "Landscape of the scenario factors", MonteCarlo: "Monte Carlo "
            "estimates"}[type(result)]


def sections(result: Result) -> tuple[list[str], list[Section]]:
    """The head lines and the tables (title, headers, rows) of any result of this module:
    what the HTML pages and the notebook views show."""
    if isinstance(result, Probabilities):
        return _probability_head(result), _probability_sections(result)
    if isinstance(result, Sensitivity):
        return _sensitivity_head(result), _sensitivity_sections(result)
    if isinstance(result, WhatIf):
        return _whatif_head(result), _whatif_sections(result)
    if isinstance(result, TippingPoints):
        return ([f"Scenario: {result.scenario}; shares {_shares(result.shares)}",
                 _tipping_head(result)], _tipping_sections(result))
    if isinstance(result, Landscape):
        return _landscape_head(result), _landscape_sections(result)
    return _monte_carlo_head(result), _monte_carlo_sections(result)


# ---------------------------------------------------------------------- text
def text(result: Result) -> str:
    """A compact plain-text report of any what-if family result."""
    out: list[str] = []
    if isinstance(result, Probabilities | Sensitivity):
        head, tables = sections(result)
        out += head
        for title, headers, rows in tables:
            out += ["", f"{title}:"]
            out.append(_lists_below(headers, rows) if rows else "None.")
    elif isinstance(result, WhatIf):
        out += _whatif_head(result)
        for title, headers, rows in _whatif_sections(result):
            out += ["", f"{title} ({len(rows)}):"]
            if rows:
                out.append(table(headers, rows))
    elif isinstance(result, TippingPoints):
        out.append(tipping_text(result))
    elif isinstance(result, Landscape):
        out += _landscape_head(result)
        for title, headers, rows in _landscape_sections(result):
            out += ["", f"{title}:", table(headers, rows)]
    else:
        out += _monte_carlo_text(result)
    return "\n".join(out + _reading(result))


def _lists_below(headers: list[str], rows: list[list[object]]) -> str:
    """A table whose ``depends on`` column (a long list of IDs) goes under its rows, said
    once for a run of rows that depend on the same conditions."""
    if _LIST not in headers:
        return table(headers, rows)
    k = headers.index(_LIST)
    return table([h for h in headers if h != _LIST], [[*r[:k], *r[k + 1:]] for r in rows],
                 below=shared_notes([str(r[k]) for r in rows], [str(r[0]) for r in rows],
                                    _LIST))


def _reading(result: Result) -> list[str]:
    """The line naming the reading a result was made under (none for ``article``)."""
    if result.reading == ARTICLE:
        return []
    return ["", f"Reading: {result.reading} (knowledge base {result.kb_version})"]


def _monte_carlo_text(result: MonteCarlo) -> list[str]:
    out = _monte_carlo_head(result)
    for n, (title, headers, rows) in enumerate(_monte_carlo_sections(result)):
        out += [""] + ([] if n == 0 else [f"{title}:"])
        if rows:
            out.append(table(headers, rows))
    return out


# ---------------------------------------------------------------------- markdown
def markdown(result: Result) -> str:
    """The same reports as Markdown, for notes and issues."""
    out: list[str] = []
    if isinstance(result, Probabilities | Sensitivity):
        head, tables = sections(result)
        out += [f"## {head[0]}", "", *(f"- {h}" for h in head[1:])]
        for title, headers, rows in tables:
            out += ["", f"### {title}", ""]
            out += _md(rows, headers) if rows else ["None."]
    elif isinstance(result, WhatIf):
        head = _whatif_head(result)
        out += [f"## {head[0]}", "", *(f"- {h}" for h in head[1:])]
        for title, headers, rows in _whatif_sections(result):
            out += ["", f"### {title} ({len(rows)})", ""]
            out += _md(rows, headers) if rows else ["None."]
    elif isinstance(result, TippingPoints):
        out += [f"## Tipping points from `{result.scenario}`", "",
                f"Shares: {_shares(result.shares)}. {_tipping_head(result)}"]
        if result.sets:
            out += ["", *_md(_tipping_rows(result),
                             ["#", "changes", "what", "leads to", "sets", "shares then"])]
        if result.points:
            out += ["", f"### Sets {result.offset + 1} to "
                    f"{result.offset + len(result.points)} of {result.total:,}", "",
                    *_md(_point_rows(result), ["#", "changes", "leads to", "locators"])]
    elif isinstance(result, Landscape):
        out += [f"## Landscape: {result.combinations} combinations of {result.factors} "
                "factors", "",
                *_md([[s, c, _pct(result.scenario_shares[s])]
                      for s, c in result.scenarios.items()],
                     ["scenario", "combinations", "share"]),
                "", "### Influence", "",
                *_md([[f.id, f.scenario, f.changes, _pct(f.share), f.label]
                      for f in result.influence],
                     ["factor", "scenario", "changes", "share", "label"]),
                "", "### Items", "",
                *_md([[i.id, i.kind, i.count, _pct(i.share), i.label]
                      for i in result.items if i.count],
                     ["id", "kind", "combinations", "share", "label"])]
    else:
        out += [f"## Monte Carlo: {result.samples} samples, seed {result.seed}", "",
                *_md([_estimate_row(s, e) for s, e in result.scenarios.items()],
                     ["scenario", "probability", "interval", "samples"])]
        for title, items in (("Outcomes", result.outcomes), ("Risks", result.risks),
                             ("Engaged", result.engaged)):
            rows = _item_rows(items)
            out += ["", f"### {title}", ""]
            out += _md(rows, ["id", "probability", "interval", "samples", "kind", "label"]) \
                if rows else ["None in any sample."]
    return "\n".join(out + _reading(result)) + "\n"
