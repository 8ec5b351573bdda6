"""The HTML report: one self-contained page per assessment, or per before/after pair.

:func:`page` shows the implied scenario with the three shares as a chart, the
margin and runner-up, the flagged risks and engaged items as a table (kind,
locator, stance, because), the rule network as a diagram with what fired
highlighted, the conditions given and the knowledge-base version.
:func:`comparison_page` shows two assessments (a what-if's before and after) as
one before/after view. The page has no script, no link and no font or image to
fetch: styles are inline, drawings are inline SVG (see :mod:`kzpolicy.report.svg`).
It reflows to a phone's width and prints on paper.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from html import escape
from importlib import resources
from importlib.metadata import PackageNotFoundError, version

from kzpolicy.engine.results import Assessment, Flagged, ScenarioResult
from kzpolicy.kb.knowledge import KnowledgeBase
from kzpolicy.report import svg as _svg
from kzpolicy.report.graph import KIND_COLOURS, Activity, Edge, Network, activity, network
from kzpolicy.report.layout import layout
from kzpolicy.report.source_kb import source_kb

__all__ = ["comparison_page", "page"]

_KIND_NAMES = {
    "factor": "scenario factor", "condition": "condition", "rule": "rule",
    "scenario": "scenario", "threat": "threat", "weakness": "weakness",
    "rivalry": "rivalry effect", "consequence": "scenario outcome",
    "strength": "strength", "opportunity": "opportunity",
}


def _version() -> str:
    try:
        return version("kzpolicy")
    except PackageNotFoundError:  # pragma: no cover - a bare checkout
        return "unknown"


# --------------------------------------------------------------------------- pieces
def _bars(sc: ScenarioResult, series: str) -> list[_svg.Bar]:
    return [_svg.Bar(name, f"{name}: share {share:.2f}" + (" (implied)" if name == sc.id
                                                          else ""),
                     share, series, name == sc.id)
            for name, share in sc.shares.items()]


def _because(f: Flagged) -> str:
    items = []
    for s in f.because:
        roots = ", ".join(s.conditions) or "no condition (default)"
        items.append(
            f"<li><code>{escape(s.rule)}</code> {escape(s.label)} "
            f'<span class="muted">· {escape(s.stance)} · from {escape(roots)} · '
            f"{escape(str(s.locator))}</span></li>"
        )
    return f'<ol class="because">{"".join(items)}</ol>'


def _item_rows(rows: Iterable[tuple[Flagged, str | None]]) -> str:
    out = []
    for f, change in rows:
        cls = f' class="{change}"' if change else ""
        change_cell = (f'<td data-label="change"><span class="chip {change}">{change}</span></td>'
                       if change else "")
        out.append(
            f'<tr id="item-{escape(f.id)}"{cls}>{change_cell}'
            f'<td data-label="id"><code>{escape(f.id)}</code></td>'
            f'<td data-label="kind"><span class="sw k-{escape(f.kind)}"></span>'
            f"{escape(_KIND_NAMES.get(f.kind, f.kind))}</td>"
            f'<td data-label="label">{escape(f.label)}</td>'
            f'<td data-label="locator">{escape(str(f.locator))}</td>'
            f'<td data-label="stance">{escape(f.stance)}</td>'
            f'<td data-label="because">{_because(f)}</td></tr>'
        )
    return "".join(out)


def _items_table(title: str, ident: str, rows: Sequence[tuple[Flagged, str | None]]) -> str:
    if not rows:
        return f'<h3 id="{ident}">{escape(title)} (0)</h3><p class="muted">None.</p>'
    change = '<th scope="col">change</th>' if rows[0][1] is not None else ""
    return (
        f'<h3 id="{ident}">{escape(title)} ({len(rows)})</h3>'
        f'<table class="items" aria-labelledby="{ident}"><thead><tr>{change}'
        '<th scope="col">id</th><th scope="col">kind</th><th scope="col">label</th>'
        '<th scope="col">locator</th><th scope="col">stance</th><th scope="col">because</th>'
        f"</tr></thead><tbody>{_item_rows(rows)}</tbody></table>"
    )


def _conditions(kb: KnowledgeBase, a: Assessment, before: Assessment | None = None) -> str:
    def value(x: bool | None) -> str:
        return "unknown" if x is None else ("true" if x else "false")

    keys = list(a.asserted)
    if before is not None:
        keys = list(dict.fromkeys([*before.asserted, *a.asserted]))
    rows = []
    for ident in keys:
        label = kb.label_of(ident) if ident in kb.condition_ids else ident
        kind = "scenario factor" if ident in kb.factors else "condition"
        now = a.asserted.get(ident)
        cells = f'<td data-label="value" class="v-{value(now)}">{value(now)}</td>'
        cls = ""
        if before is not None:
            was = before.asserted.get(ident)
            cls = ' class="changed"' if was != now else ""
            cells = (f'<td data-label="before" class="v-{value(was)}">{value(was)}</td>'
                     f'<td data-label="after" class="v-{value(now)}">{value(now)}</td>')
        rows.append(f'<tr id="cond-{escape(ident)}"{cls}><td data-label="id"><code>'
                    f"{escape(ident)}</code></td>{cells}"
                    f'<td data-label="label">{escape(label)}</td>'
                    f'<td data-label="kind">{kind}</td></tr>')
    heads = ('<th scope="col">before</th><th scope="col">after</th>' if before is not None
             else '<th scope="col">value</th>')
    table = (f'<table class="conditions"><thead><tr><th scope="col">id</th>{heads}'
             '<th scope="col">label</th><th scope="col">kind</th></tr></thead>'
             f"<tbody>{''.join(rows)}</tbody></table>" if rows
             else '<p class="muted">No condition was given.</p>')
    unknown = ", ".join(a.unknown) or "none"
    return (f"{table}<p class=\"muted\">Not asserted (unknown, {len(a.unknown)}): "
            f"{escape(unknown)}.</p>")


def _legend(extra: str = "") -> str:
    kinds = "".join(f'<li><span class="sw k-{k}"></span>{escape(name)}</li>'
                    for k, name in _KIND_NAMES.items())
    return (f'<ul class="legend">{kinds}'
            '<li><span class="ln on"></span>fired</li>'
            '<li><span class="ln idle"></span>did not fire</li>'
            '<li><span class="ln negated"></span>needs the condition false</li>'
            '<li><span class="sw dashed"></span>condition asserted false</li>'
            f"{extra}</ul>")


def _diagram(net: Network, node_state: dict[str, str], edge_state: dict[Edge, str],
             caption: str, extra_legend: str = "") -> str:
    svg = _svg.network_diagram(
        net, layout(net), lambda n: node_state[n.key], lambda e: edge_state[e],
        caption=caption)
    return (
        '<section id="network" aria-labelledby="network-h">'
        '<h2 id="network-h">Rule network</h2>'
        '<p class="muted">Conditions and scenario factors on the left, through the rules, '
        "to the items and scenarios they lead to. Hover a box for its label.</p>"
        f"{_legend(extra_legend)}"
        '<input type="checkbox" id="only-fired" class="toggle">'
        '<label for="only-fired" class="toggle">Show only what fired</label>'
        f'<div class="scroll" role="region" aria-label="rule network diagram" tabindex="0">'
        f"{svg}</div></section>"
    )


def _states(net: Network, act: Activity) -> tuple[dict[str, str], dict[Edge, str]]:
    edges = {e: "on" if act.edge_on(e, net) else "idle" for e in net.edges}
    used_false = {e.source for e, state in edges.items() if e.negated and state == "on"}
    nodes = {}
    for key, node in net.nodes.items():
        state = "on" if act.node_on(node) or key in used_false else "idle"
        nodes[key] = f"false {state}" if node.ident in act.false else state
    return nodes, edges


def _diff_states(
    net: Network, before: Activity, after: Activity
) -> tuple[dict[str, str], dict[Edge, str]]:
    def state(was: bool, now: bool) -> str:
        return {(True, True): "on", (False, True): "gained", (True, False): "lost"}.get(
            (was, now), "idle")

    nodes = {k: state(before.node_on(n), after.node_on(n)) for k, n in net.nodes.items()}
    edges = {e: state(before.edge_on(e, net), after.edge_on(e, net)) for e in net.edges}
    return nodes, edges


def _scenario_block(sc: ScenarioResult) -> str:
    return (
        f'<p class="lede">Implied scenario: <strong class="scenario-name">'
        f"{escape(sc.label)}</strong> <code>{escape(sc.id)}</code></p>"
        '<dl class="stats">'
        f'<div><dt>margin</dt><dd id="margin">{sc.margin:+.2f}</dd></div>'
        f'<div><dt>runner-up</dt><dd id="runner-up"><code>{escape(sc.runner_up)}</code>'
        "</dd></div>"
        f"<div><dt>decided by</dt><dd>{escape(sc.decided_by)}</dd></div>"
        f"<div><dt>threshold</dt><dd>{sc.threshold:.2f}</dd></div>"
        "</dl>"
        f'<p>{escape(sc.reason)}.</p>'
        f"<p>Advantage: <strong>{escape(sc.advantage.side)}</strong> "
        f'<span class="muted">({escape(str(sc.advantage.locator))})</span>. '
        f"Judgement: {escape(sc.judgement.statement)} "
        f'<span class="muted">({escape(str(sc.judgement.locator))})</span></p>'
    )


def _findings(a: Assessment) -> str:
    if not a.findings:
        return ""
    rows = "".join(
        f'<tr><th scope="row"><code>{escape(fd.id)}</code></th>'
        f"<td><strong>{escape(fd.label)}</strong><br>{escape(fd.statement)}"
        + (f'<br><span class="muted">Interpretation: {escape(fd.reason)}</span>'
           if fd.reason else "")
        + f"</td><td>{escape(str(fd.locator))}</td><td>{escape(fd.stance)}</td>"
        f"<td>{escape(', '.join(fd.noted_for))}</td></tr>"
        for fd in a.findings)
    return (
        '<section id="findings" aria-labelledby="findings-h">'
        f'<h2 id="findings-h">The authors\' findings on this ({len(a.findings)})</h2>'
        '<table class="items" aria-labelledby="findings-h"><thead><tr>'
        '<th scope="col">id</th><th scope="col">finding</th><th scope="col">locator</th>'
        '<th scope="col">stance</th><th scope="col">noted for</th></tr></thead>'
        f"<tbody>{rows}</tbody></table></section>"
    )


def _warnings(ws: Iterable[str]) -> str:
    items = "".join(f"<li>{escape(w)}</li>" for w in ws)
    return f'<div class="warn" role="note"><strong>Warning</strong><ul>{items}</ul></div>' \
        if items else ""


def _source(kb: KnowledgeBase) -> str:
    s = kb.source
    return (f"{escape(', '.join(s.authors))}, “{escape(s.title)}”, {escape(s.journal)} "
            f"{escape(s.issue)} ({s.year}), {escape(s.license)}")


def _document(title: str, kb: KnowledgeBase, body: str, kb_version: str) -> str:
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta name="generator" content="kzpolicy {escape(_version())}">'
        f"<title>{escape(title)}</title><style>{_css()}</style></head><body>"
        f'<header><h1>{escape(title)}</h1><p class="muted">Rules from {_source(kb)}. '
        f'Knowledge base <code id="kb-version">{escape(kb_version)}</code>.</p></header>'
        f"<main>{body}</main>"
        f'<footer class="muted">Made by kzpolicy {escape(_version())} from knowledge base '
        f"{escape(kb_version)}. This page loads nothing from elsewhere.</footer>"
        "</body></html>\n"
    )


# --------------------------------------------------------------------------- pages
def page(a: Assessment, *, kb: KnowledgeBase | None = None, title: str | None = None) -> str:
    """One assessment as a self-contained HTML page.

    ``kb`` must be the knowledge base ``a`` was made with (the stock one by default);
    it supplies the rule network and the conditions' labels.
    """
    base = source_kb("page", kb, a)
    sc = a.scenario
    net = network(base)
    chart = _svg.shares_chart(
        [[b] for b in _bars(sc, "now")], sc.threshold,
        caption="Share of each scenario's factors asserted true, with the decision threshold")
    nodes, edges = _states(net, activity(a))
    body = (
        '<section id="scenario" aria-labelledby="scenario-h"><h2 id="scenario-h">Scenario</h2>'
        f'<div class="split"><div>{_scenario_block(sc)}</div>'
        f'<figure class="chart-box">{chart}<figcaption>Scenario shares</figcaption></figure>'
        f"</div>{_warnings(a.warnings)}</section>"
        '<section id="flagged" aria-labelledby="flagged-h"><h2 id="flagged-h">Flagged items</h2>'
        + _items_table("Risks flagged", "risks-h", [(f, None) for f in a.risks])
        + _items_table("Strengths and opportunities engaged", "engaged-h",
                       [(f, None) for f in a.engaged])
        + "</section>"
        + _findings(a)
        + _diagram(net, nodes, edges, "The rule network; what fired is highlighted")
        + '<section id="conditions" aria-labelledby="conditions-h">'
        '<h2 id="conditions-h">Conditions given</h2>'
        + _conditions(base, a) + "</section>"
    )
    return _document(title or f"kzpolicy assessment: {sc.label}", base, body, a.kb_version)


def _changes(before: Sequence[Flagged], after: Sequence[Flagged]
             ) -> list[tuple[Flagged, str | None]]:
    was = {f.id for f in before}
    now = {f.id for f in after}
    rows: list[tuple[Flagged, str | None]] = [
        (f, "kept" if f.id in was else "added") for f in after]
    rows += [(f, "removed") for f in before if f.id not in now]
    return rows


def comparison_page(
    before: Assessment, after: Assessment, *, kb: KnowledgeBase | None = None,
    title: str | None = None,
) -> str:
    """Two assessments (a what-if's before and after) as one before/after page."""
    base = source_kb("comparison_page", kb, before, after)
    b, a = before.scenario, after.scenario
    net = network(base)
    groups = [[bar_b, bar_a] for bar_b, bar_a in zip(_bars(b, "before"), _bars(a, "after"),
                                                     strict=True)]
    chart = _svg.shares_chart(
        groups, a.threshold,
        caption="Share of each scenario's factors asserted true, before and after")
    nodes, edges = _diff_states(net, activity(before), activity(after))
    moved = "unchanged" if a.id == b.id else "changed"
    verdict = (f'<p class="lede">Scenario <span class="chip {moved}">{moved}</span>: '
               f"<code>{escape(b.id)}</code> → <code>{escape(a.id)}</code></p>")
    cols = "".join(
        f'<div class="side {cls}"><h3>{name}</h3>{_scenario_block(sc)}</div>'
        for name, cls, sc in (("Before", "before", b), ("After", "after", a)))
    legend = ('<li><span class="ln gained"></span>fires only after</li>'
              '<li><span class="ln lost"></span>fired only before</li>')
    body = (
        '<section id="scenario" aria-labelledby="scenario-h">'
        '<h2 id="scenario-h">Scenario, before and after</h2>'
        f'{verdict}<figure class="chart-box wide">{chart}<figcaption>Scenario shares: '
        '<span class="key before"></span>before <span class="key after"></span>after'
        f'</figcaption></figure><div class="sides">{cols}</div>'
        f"{_warnings(after.warnings)}</section>"
        '<section id="conditions" aria-labelledby="conditions-h">'
        '<h2 id="conditions-h">Conditions, before and after</h2>'
        + _conditions(base, after, before) + "</section>"
        '<section id="flagged" aria-labelledby="flagged-h"><h2 id="flagged-h">Flagged items, '
        "before and after</h2>"
        + _items_table("Risks", "risks-h", _changes(before.risks, after.risks))
        + _items_table("Strengths and opportunities", "engaged-h",
                       _changes(before.engaged, after.engaged))
        + "</section>"
        + _diagram(net, nodes, edges, "The rule network; what fires before and after",
                   legend)
    )
    return _document(title or f"kzpolicy what-if: {b.label} → {a.label}", base, body,
                     after.kb_version)


@functools.cache
def _css() -> str:
    """The stylesheet (``html.css``) with the node kinds' colours."""
    static = resources.files("kzpolicy.report").joinpath("html.css").read_text(encoding="utf-8")
    kinds = "\n".join(
        f".k-{kind} rect, .sw.k-{kind} {{ fill: {fill}; background: {fill}; stroke: {line}; "
        f"border-color: {line}; }}" for kind, (fill, line) in KIND_COLOURS.items())
    return f"{static}\n{kinds}\n"
