"""The HTML report: one self-contained page per assessment, or per before/after pair.

:func:`page` shows the implied scenario with the three shares as a chart, the
margin and runner-up, the flagged risks and engaged items as a table (kind,
locator, stance, because), the rule network as a diagram with what fired
highlighted, the conditions given and the knowledge-base version.
:func:`comparison_page` shows two assessments (a what-if's before and after) as
one before/after view. The page has no script, no link and no font or image to
fetch: styles are inline, drawings are inline SVG (see :mod:`kzpolicy._svg`).
It reflows to a phone's width and prints on paper.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape
from importlib.metadata import PackageNotFoundError, version

from . import _svg
from ._graph import Activity, Edge, Network, activity, network
from ._layout import layout
from .errors import InputError
from .knowledge import KnowledgeBase, load
from .results import Assessment, Flagged, ScenarioResult

__all__ = ["comparison_page", "page"]

_KIND_NAMES = {
    "factor": "scenario factor", "condition": "condition", "rule": "rule",
    "scenario": "scenario", "threat": "threat", "weakness": "weakness",
    "rivalry": "rivalry effect", "consequence": "scenario outcome",
    "strength": "strength", "opportunity": "opportunity",
}


def _kb_for(kb: KnowledgeBase | None, *assessments: Assessment) -> KnowledgeBase:
    base = kb if kb is not None else load()
    for a in assessments:
        if a.kb_version != base.version:
            raise InputError(
                f"the assessment was made with knowledge base {a.kb_version}, but the report "
                f"would draw {base.version}; pass the knowledge base it was made with (kb=...)"
            )
    return base


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
        f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>"
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
    base = _kb_for(kb, a)
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
    base = _kb_for(kb, before, after)
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


def _node_css() -> str:
    colours = {
        "factor": ("#dbeafe", "#1d4ed8"), "condition": ("#e0f2fe", "#0369a1"),
        "rule": ("#f3f4f6", "#4b5563"), "scenario": ("#ede9fe", "#6d28d9"),
        "threat": ("#fee2e2", "#b91c1c"), "weakness": ("#ffedd5", "#c2410c"),
        "rivalry": ("#fce7f3", "#be185d"), "consequence": ("#f5f5f4", "#57534e"),
        "strength": ("#dcfce7", "#15803d"), "opportunity": ("#d1fae5", "#047857"),
    }
    return "".join(
        f".k-{k} rect,.sw.k-{k}{{fill:{fill};background:{fill};stroke:{line};"
        f"border-color:{line}}}" for k, (fill, line) in colours.items())


_CSS = (
    ":root{--ink:#111827;--muted:#4b5563;--line:#d1d5db;--on:#ea580c;--gain:#15803d;"
    "--lose:#dc2626;--bar:#6d28d9;--soft:#f9fafb}"
    "*{box-sizing:border-box}"
    "html{-webkit-text-size-adjust:100%}"
    "body{margin:0 auto;max-width:74rem;padding:1rem;color:var(--ink);background:#fff;"
    "font:16px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif}"
    "h1{font-size:1.5rem;margin:.2rem 0}h2{font-size:1.25rem;margin:1.6rem 0 .5rem;"
    "border-bottom:1px solid var(--line)}h3{font-size:1.05rem;margin:1.1rem 0 .4rem}"
    "code{font:0.9em ui-monospace,Menlo,Consolas,monospace}"
    ".muted{color:var(--muted);font-size:.92em}"
    ".lede{font-size:1.15rem}"
    ".split{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:1.2rem;"
    "align-items:start}"
    ".sides{display:grid;grid-template-columns:1fr 1fr;gap:1rem}"
    ".side{border:1px solid var(--line);border-radius:6px;padding:0 .8rem}"
    ".side.after{border-color:var(--bar)}"
    ".stats{display:flex;flex-wrap:wrap;gap:.5rem 1.4rem;margin:.5rem 0}"
    ".stats div{min-width:6rem}.stats dt{font-size:.8rem;color:var(--muted)}"
    ".stats dd{margin:0;font-size:1.3rem;font-weight:600}"
    "figure{margin:0}.chart-box{border:1px solid var(--line);border-radius:6px;"
    "padding:.4rem .6rem}.chart-box.wide{max-width:40rem;margin:.6rem 0}"
    "figcaption{font-size:.85rem;color:var(--muted)}"
    "svg.chart{width:100%;height:auto;display:block;font:13px system-ui,sans-serif}"
    ".chart .track{fill:#eef0f3}.chart .value{fill:#a5b4fc}"
    ".chart .implied .value{fill:var(--bar)}.chart .s-before .value{fill:#9ca3af}"
    ".chart .s-after .value{fill:#a5b4fc}.chart .s-after.implied .value{fill:var(--bar)}"
    ".chart .name{font-weight:600}.chart .val{font-variant-numeric:tabular-nums}"
    ".chart .threshold{stroke:var(--ink);stroke-dasharray:4 3}"
    ".chart .tick{font-size:11px;fill:var(--muted)}"
    ".key{display:inline-block;width:.8em;height:.8em;margin:0 .25em 0 .6em;"
    "vertical-align:-.05em}.key.before{background:#9ca3af}.key.after{background:var(--bar)}"
    ".warn{border-left:4px solid #d97706;background:#fffbeb;padding:.4rem .8rem;"
    "margin:.8rem 0}"
    "table{border-collapse:collapse;width:100%;font-size:.92rem}"
    "th,td{border-bottom:1px solid var(--line);padding:.35rem .45rem;text-align:left;"
    "vertical-align:top}thead th{background:var(--soft);font-size:.85rem}"
    ".because{margin:0;padding-left:1.1rem}.because li{margin:.1rem 0}"
    "tr.added{background:#f0fdf4}tr.removed{background:#fef2f2}tr.changed{background:#fffbeb}"
    ".chip{display:inline-block;border-radius:99px;padding:0 .5rem;font-size:.8rem;"
    "border:1px solid var(--line)}.chip.added,.chip.changed{border-color:var(--gain);"
    "color:var(--gain)}.chip.removed{border-color:var(--lose);color:var(--lose)}"
    ".v-true{color:var(--gain);font-weight:600}.v-false{color:var(--lose);font-weight:600}"
    ".v-unknown{color:var(--muted)}"
    ".sw{display:inline-block;width:.8em;height:.8em;border:1px solid;border-radius:2px;"
    "margin-right:.35em;vertical-align:-.05em}"
    ".legend{display:flex;flex-wrap:wrap;gap:.2rem 1rem;list-style:none;padding:0;"
    "font-size:.85rem;margin:.4rem 0}"
    ".ln{display:inline-block;width:1.6em;height:0;border-top:2px solid #cbd5e1;"
    "margin-right:.35em;vertical-align:middle}.ln.on{border-top:3px solid var(--on)}"
    ".ln.negated{border-top-style:dashed}.ln.gained{border-top:3px solid var(--gain)}"
    ".ln.lost{border-top:3px dashed var(--lose)}"
    ".toggle{font-size:.9rem}label.toggle{margin-left:.3rem}"
    ".scroll{overflow-x:auto;border:1px solid var(--line);border-radius:6px;"
    "margin-top:.5rem;background:#fff}"
    "svg.network{display:block;font:11px ui-monospace,Menlo,Consolas,monospace}"
    ".network .edge{fill:none;stroke:#cbd5e1;stroke-width:1}"
    ".network .edge.negated{stroke-dasharray:5 3}"
    ".network .edge.on{stroke:var(--on);stroke-width:2}"
    ".network .edge.gained{stroke:var(--gain);stroke-width:2.2}"
    ".network .edge.lost{stroke:var(--lose);stroke-width:2;stroke-dasharray:6 3}"
    ".network .arrow path{fill:#cbd5e1}.network .arrow.on path{fill:var(--on)}"
    ".network .arrow.gained path{fill:var(--gain)}.network .arrow.lost path{fill:var(--lose)}"
    ".network .node rect{stroke-width:1}.network .node text{fill:var(--ink)}"
    ".network .node.idle{opacity:.45}"
    ".network .node.on rect,.network .node.gained rect{stroke-width:2.5}"
    ".network .node.on text,.network .node.gained text{font-weight:700}"
    ".network .node.gained rect{stroke:var(--gain)}"
    ".network .node.lost rect{stroke:var(--lose);stroke-dasharray:4 2;stroke-width:2}"
    ".network .node.false rect{stroke-dasharray:3 2}"
    "#only-fired:checked~.scroll .idle{display:none}"
    + _node_css()
    + "footer{margin-top:2rem;border-top:1px solid var(--line);padding-top:.5rem}"
    "@media (max-width:44rem){body{padding:.6rem;font-size:15px}"
    ".split,.sides{grid-template-columns:1fr}"
    "table.items thead,table.conditions thead{display:none}"
    "table.items tr,table.conditions tr{display:block;border-bottom:2px solid var(--line);"
    "padding:.3rem 0}"
    "table.items td,table.conditions td{display:block;border:0;padding:.1rem .2rem}"
    "table.items td::before,table.conditions td::before{content:attr(data-label) ': ';"
    "color:var(--muted);font-size:.8rem}"
    "}"
    "@media print{body{max-width:none;padding:0;font-size:10.5pt}"
    "*{-webkit-print-color-adjust:exact;print-color-adjust:exact}"
    ".toggle{display:none}.scroll{overflow:visible;max-height:none;border:0}"
    "svg.network{width:100%;height:auto}"
    "tr,.side,figure,.warn{break-inside:avoid}h2,h3{break-after:avoid}"
    "#network{break-before:page}}"
)
