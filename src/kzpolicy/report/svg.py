"""Inline SVG drawings for the HTML report: the scenario-shares chart and the network diagram.

Plain SVG text, no script and no external reference: colours and fonts come from
the page's stylesheet (classes ``k-<kind>``, ``on``, ``idle``, ``gained``,
``lost``). The chart is three bars, hand-drawn because a charting library (pygal:
LGPL, a default script link to fetch, another dependency) would cost more than
the bars; the diagram's geometry comes from :mod:`kzpolicy.report.layout`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

from kzpolicy.report.graph import Edge, Network, Node
from kzpolicy.report.layout import Layout

__all__ = ["Bar", "network_diagram", "node_element_id", "shares_chart"]

CHART_WIDTH = 440.0
LABEL_END = 112.0
TRACK_START = 120.0
TRACK_WIDTH = 262.0
TOP = 26.0


@dataclass(frozen=True, slots=True)
class Bar:
    """One bar: a scenario's share in one assessment (``series`` names which one)."""

    scenario: str
    title: str
    share: float
    series: str
    implied: bool


def _num(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def shares_chart(
    groups: Sequence[Sequence[Bar]], threshold: float, *, ident: str = "shares-chart",
    caption: str,
) -> str:
    """Horizontal bars, one group per scenario (one bar, or before and after), with the
    decision threshold as a dashed line."""
    per_group = max((len(g) for g in groups), default=1)
    bar_h = 18.0 if per_group == 1 else 13.0
    group_h = per_group * bar_h + (per_group - 1) * 3 + 14
    height = TOP + len(groups) * group_h + 18
    out = [
        f'<svg id="{ident}" class="chart" viewBox="0 0 {_num(CHART_WIDTH)} {_num(height)}" '
        f'role="img" aria-labelledby="{ident}-title">',
        f'<title id="{ident}-title">{escape(caption)}</title>',
    ]
    y = TOP
    for group in groups:
        if not group:
            continue
        name_y = y + (len(group) * bar_h + (len(group) - 1) * 3) / 2 + 4.5
        out.append(f'<text class="name" x="{_num(LABEL_END)}" y="{_num(name_y)}" '
                   f'text-anchor="end">{escape(group[0].scenario)}</text>')
        for bar in group:
            width = max(0.0, min(1.0, bar.share)) * TRACK_WIDTH
            cls = f"bar s-{escape(bar.series)}" + (" implied" if bar.implied else "")
            out += [
                f'<g class="{cls}" data-scenario="{escape(bar.scenario)}">',
                f"<title>{escape(bar.title)}</title>",
                f'<rect class="track" x="{_num(TRACK_START)}" y="{_num(y)}" '
                f'width="{_num(TRACK_WIDTH)}" height="{_num(bar_h)}" rx="3"/>',
                f'<rect class="value" x="{_num(TRACK_START)}" y="{_num(y)}" '
                f'width="{_num(width)}" height="{_num(bar_h)}" rx="3"/>',
                f'<text class="val" x="{_num(TRACK_START + TRACK_WIDTH + 6)}" '
                f'y="{_num(y + bar_h / 2 + 4)}">{bar.share:.2f}</text>',
                "</g>",
            ]
            y += bar_h + 3
        y += 11
    tx = TRACK_START + threshold * TRACK_WIDTH
    out += [
        f'<line class="threshold" x1="{_num(tx)}" x2="{_num(tx)}" y1="{_num(TOP - 6)}" '
        f'y2="{_num(y - 6)}"/>',
        f'<text class="tick" x="{_num(tx)}" y="{_num(TOP - 10)}" text-anchor="middle">'
        f"threshold {threshold:.2f}</text>",
        f'<text class="tick" x="{_num(TRACK_START)}" y="{_num(y + 8)}" '
        'text-anchor="middle">0</text>',
        f'<text class="tick" x="{_num(TRACK_START + TRACK_WIDTH)}" y="{_num(y + 8)}" '
        'text-anchor="middle">1</text>',
        "</svg>",
    ]
    return "\n".join(out)


def node_element_id(node: Node) -> str:
    """The HTML id of a node's group in the diagram: ``node-T1``, ``rule-d2_t1``."""
    return ("rule-" if node.kind == "rule" else "node-") + node.ident


def network_diagram(
    net: Network,
    lay: Layout,
    node_state: Callable[[Node], str],
    edge_state: Callable[[Edge], str],
    *,
    ident: str = "network-diagram",
    caption: str,
) -> str:
    """The network as SVG; ``node_state`` and ``edge_state`` give each element's state
    class (``on``, ``idle``, ``gained``, ``lost``, ``false``…)."""
    out = [
        f'<svg id="{ident}" class="network" width="{_num(lay.width)}" '
        f'height="{_num(lay.height)}" viewBox="0 0 {_num(lay.width)} {_num(lay.height)}" '
        f'role="img" aria-labelledby="{ident}-title">',
        f'<title id="{ident}-title">{escape(caption)}</title>',
        "<defs>",
        *(f'<marker id="{ident}-arrow-{s}" class="arrow {s}" viewBox="0 0 6 6" refX="6" '
          'refY="3" markerWidth="6" markerHeight="6" orient="auto">'
          '<path d="M0,0 L6,3 L0,6 z"/></marker>' for s in ("idle", "on", "gained", "lost")),
        "</defs>",
        '<g class="edges">',
    ]
    states = [(r, edge_state(r.edge)) for r in lay.routes]
    # idle edges first, so those that fired are drawn over them
    for route, state in sorted(states, key=lambda rs: rs[1] != "idle"):
        e = route.edge
        src, dst = net.nodes[e.source], net.nodes[e.target]
        arrow = state if state in ("on", "gained", "lost") else "idle"
        cls = f"edge e-{e.kind} {state}" + (" negated" if e.negated else "")
        note = "not " if e.negated else ""
        out.append(f'<path class="{cls}" d="{route.path}" '
                   f'marker-end="url(#{ident}-arrow-{arrow})"><title>{escape(note + src.ident)}'
                   f" → {escape(dst.ident)}</title></path>")
    out += ["</g>", '<g class="nodes">']
    for key, box in lay.boxes.items():
        node = net.nodes[key]
        state = node_state(node)
        tip = f"{node.ident} ({node.kind}): {node.label} — {node.detail}"
        if node.stance:
            tip += f" [{node.stance}]"
        out += [
            f'<g id="{escape(node_element_id(node))}" class="node k-{node.kind} {state}" '
            f'data-id="{escape(node.ident)}">',
            f"<title>{escape(tip)}</title>",
            f'<rect x="{_num(box.x)}" y="{_num(box.y)}" width="{_num(box.width)}" '
            f'height="{_num(box.height)}" rx="{9 if node.kind == "rule" else 3}"/>',
            f'<text x="{_num(box.x + 7)}" y="{_num(box.y + 14)}">{escape(node.ident)}</text>',
            "</g>",
        ]
    out += ["</g>", "</svg>"]
    return "\n".join(out)
