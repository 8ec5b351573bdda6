"""Text and Markdown reports of what-if, tipping-point, landscape and Monte Carlo results."""

from __future__ import annotations

from collections.abc import Sequence

from kzpolicy.analysis.landscape import Estimate, ItemEstimate, Landscape, MonteCarlo
from kzpolicy.analysis.whatif import ConditionChange, ItemRef, RuleRef, TippingPoints, WhatIf
from kzpolicy.report.table import md_escape, table

__all__ = ["markdown", "text"]

Result = WhatIf | TippingPoints | Landscape | MonteCarlo


def _value(v: bool | None) -> str:
    return "unknown" if v is None else ("true" if v else "false")


def _change(c: ConditionChange) -> str:
    return f"{c.id} {_value(c.before)} -> {_value(c.after)}"


def _shares(shares: dict[str, float]) -> str:
    return "  ".join(f"{k} {v:.2f}" for k, v in shares.items())


def _pct(x: float) -> str:
    return f"{100 * x:.2f}%"


def _md(rows: Sequence[Sequence[object]], headers: Sequence[str]) -> list[str]:
    return [
        "| " + " | ".join(headers) + " |",
        "|" + "---|" * len(headers),
        *("| " + " | ".join(md_escape(x) for x in row) + " |" for row in rows),
    ]


# ---------------------------------------------------------------------- sections
def _whatif_sections(w: WhatIf) -> list[tuple[str, list[str], list[list[object]]]]:
    def items(refs: tuple[ItemRef, ...]) -> list[list[object]]:
        return [[r.id, r.kind, str(r.locator), r.label] for r in refs]

    def rules(refs: tuple[RuleRef, ...]) -> list[list[object]]:
        return [[r.id, r.stance, str(r.locator), r.label] for r in refs]

    ih, rh = ["id", "kind", "locator", "label"], ["rule", "stance", "locator", "label"]
    return [
        ("Risks added", ih, items(w.risks_added)),
        ("Risks removed", ih, items(w.risks_removed)),
        ("Engaged added", ih, items(w.engaged_added)),
        ("Engaged removed", ih, items(w.engaged_removed)),
        ("Rules started firing", rh, rules(w.rules_started)),
        ("Rules stopped firing", rh, rules(w.rules_stopped)),
    ]


def _whatif_head(w: WhatIf) -> list[str]:
    sc = w.scenario
    moved = "changed" if sc.changed else "unchanged"
    shares = "   ".join(
        f"{k} {v:.2f} -> {sc.shares_after[k]:.2f}" for k, v in sc.shares_before.items()
    )
    return [
        "What if: " + (", ".join(_change(c) for c in w.changes) or "no change"),
        f"Scenario: {sc.before} -> {sc.after} ({moved})",
        f"Shares:   {shares}",
    ]


def _tipping_rows(t: TippingPoints) -> list[list[object]]:
    return [
        [n, "; ".join(_change(c) for c in p.changes), p.scenario,
         "; ".join(str(c.locator) for c in p.changes), _shares(p.shares)]
        for n, p in enumerate(t.points, 1)
    ]


def _tipping_head(t: TippingPoints) -> str:
    if t.distance is None:
        return (f"No set of at most {t.max_size} factor change(s) switches the scenario "
                f"({t.searched} sets searched).")
    return (f"Distance to a tipping point: {t.distance} change(s); {len(t.points)} set(s) "
            f"shown ({t.searched} sets searched).")


def _estimate_row(label: str, e: Estimate) -> list[object]:
    return [label, f"{e.probability:.4f}", f"[{e.low:.4f}, {e.high:.4f}]", e.count]


def _item_rows(items: tuple[ItemEstimate, ...]) -> list[list[object]]:
    return [[*_estimate_row(i.id, i), i.kind, i.label] for i in items if i.count]


# ---------------------------------------------------------------------- text
def text(result: Result) -> str:
    """A compact plain-text report of any what-if family result."""
    out: list[str] = []
    if isinstance(result, WhatIf):
        out += _whatif_head(result)
        for title, headers, rows in _whatif_sections(result):
            out += ["", f"{title} ({len(rows)}):"]
            if rows:
                out.append(table(headers, rows))
    elif isinstance(result, TippingPoints):
        out += [f"Scenario: {result.scenario}   shares {_shares(result.shares)}",
                _tipping_head(result)]
        if result.points:
            out += ["", table(["#", "changes", "leads to", "locators", "shares"],
                              _tipping_rows(result))]
    elif isinstance(result, Landscape):
        out += [f"{result.combinations} combinations of {result.factors} factors; context: "
                + (", ".join(f"{k}={_value(v)}" for k, v in result.context.items()) or "none"),
                "", table(["scenario", "combinations", "share"],
                          [[s, c, _pct(result.scenario_shares[s])]
                           for s, c in result.scenarios.items()]),
                "", "Influence (combinations in which switching the factor alone changes "
                "the scenario):",
                table(["factor", "scenario", "changes", "share", "label"],
                      [[f.id, f.scenario, f.changes, _pct(f.share), f.label]
                       for f in result.influence]),
                "", "Items flagged or engaged:",
                table(["id", "kind", "combinations", "share", "label"],
                      [[i.id, i.kind, i.count, _pct(i.share), i.label]
                       for i in result.items if i.count])]
    else:
        out += [f"{result.samples} samples, seed {result.seed}, "
                f"{_pct(result.confidence)} Wilson intervals",
                "", table(["scenario", "probability", "interval", "samples"],
                          [_estimate_row(s, e) for s, e in result.scenarios.items()])]
        for title, items in (("Risks", result.risks), ("Engaged", result.engaged)):
            rows = _item_rows(items)
            out += ["", f"{title} (flagged in some sample: {len(rows)} of {len(items)}):"]
            if rows:
                out.append(table(["id", "probability", "interval", "samples", "kind", "label"],
                                 rows))
    return "\n".join(out)


# ---------------------------------------------------------------------- markdown
def markdown(result: Result) -> str:
    """The same reports as Markdown, for notes and issues."""
    out: list[str] = []
    if isinstance(result, WhatIf):
        head = _whatif_head(result)
        out += [f"## {head[0]}", "", f"- {head[1]}", f"- {head[2]}"]
        for title, headers, rows in _whatif_sections(result):
            out += ["", f"### {title} ({len(rows)})", ""]
            out += _md(rows, headers) if rows else ["None."]
    elif isinstance(result, TippingPoints):
        out += [f"## Tipping points from `{result.scenario}`", "",
                f"Shares: {_shares(result.shares)}. {_tipping_head(result)}"]
        if result.points:
            out += ["", *_md(_tipping_rows(result),
                             ["#", "changes", "leads to", "locators", "shares"])]
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
        for title, items in (("Risks", result.risks), ("Engaged", result.engaged)):
            rows = _item_rows(items)
            out += ["", f"### {title}", ""]
            out += _md(rows, ["id", "probability", "interval", "samples", "kind", "label"]) \
                if rows else ["None in any sample."]
    return "\n".join(out) + "\n"
