"""Inline SVG drawings for the HTML report: the scenario-shares chart, the network
diagram, the sensitivity tornado chart and the timeline chart.

Plain SVG text, no script and no external reference: colours and fonts come from
the page's stylesheet (classes ``k-<kind>``, ``on``, ``idle``, ``gained``,
``lost``). The charts are a few bars, hand-drawn because a charting library (pygal:
LGPL, a default script link to fetch, another dependency) would cost more than
the bars; the diagram's geometry comes from :mod:`kzpolicy.report.layout`.

The geometry is worked out here; the markup is in the Jinja2 templates
``templates/shares_chart.svg``, ``network.svg``, ``tornado.svg`` and ``timeline.svg``,
rendered with
autoescaping (see :mod:`kzpolicy.report.templating`), so no text is written into
the SVG unescaped. Each ``*_context`` function gives what its template needs, so
the HTML page can include the same template inside itself.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from kzpolicy.report.graph import Edge, Network, Node
from kzpolicy.report.layout import Layout
from kzpolicy.report.templating import render

__all__ = [
    "Bar",
    "Series",
    "TornadoBar",
    "Track",
    "diagram_context",
    "node_element_id",
    "node_key_id",
    "shares_chart",
    "shares_context",
    "timeline_chart",
    "timeline_context",
    "tornado_chart",
    "tornado_context",
]

CHART_WIDTH = 440.0


def _unit(value: float) -> float:
    """``value`` clamped to the 0..1 axis the charts draw."""
    return max(0.0, min(1.0, value))


@dataclass(frozen=True, slots=True)
class Track:
    """A chart's horizontal 0..1 axis, in px: the labels end (right-aligned) at
    ``label_end``, the axis runs ``width`` from ``start``, the first bar is ``top``
    down."""

    label_end: float
    start: float
    width: float
    top: float = 26.0

    def length(self, value: float) -> float:
        """How far along the axis ``value`` lies (clamped to 0..1)."""
        return _unit(value) * self.width


SHARES_TRACK = Track(label_end=112.0, start=120.0, width=262.0)
TORNADO_TRACK = Track(label_end=90.0, start=98.0, width=300.0)


@dataclass(frozen=True, slots=True)
class Bar:
    """One bar: a scenario's share in one assessment (``series`` names which one)."""

    scenario: str
    title: str
    share: float
    series: str
    implied: bool


# --------------------------------------------------------------------------- shares
def shares_context(
    groups: Sequence[Sequence[Bar]], threshold: float, *, ident: str = "shares-chart",
    caption: str,
) -> dict[str, Any]:
    """What ``shares_chart.svg`` draws: every bar's place and the threshold line."""
    track = SHARES_TRACK
    per_group = max((len(g) for g in groups), default=1)
    bar_h = 18.0 if per_group == 1 else 13.0
    group_h = per_group * bar_h + (per_group - 1) * 3 + 14
    height = track.top + len(groups) * group_h + 18
    drawn: list[dict[str, Any]] = []
    y = track.top
    for group in groups:
        if not group:
            continue
        name_y = y + (len(group) * bar_h + (len(group) - 1) * 3) / 2 + 4.5
        bars = []
        for bar in group:
            bars.append({"bar": bar, "y": y, "height": bar_h, "width": track.length(bar.share)})
            y += bar_h + 3
        drawn.append({"name": group[0].scenario, "name_y": name_y, "bars": bars})
        y += 11
    return {
        "ident": ident, "caption": caption, "width": CHART_WIDTH, "height": height,
        "label_end": track.label_end, "track_start": track.start, "track_width": track.width,
        "top": track.top, "bottom": y, "groups": drawn, "threshold": threshold,
        "threshold_x": track.start + threshold * track.width,
    }


def shares_chart(
    groups: Sequence[Sequence[Bar]], threshold: float, *, ident: str = "shares-chart",
    caption: str,
) -> str:
    """Horizontal bars, one group per scenario (one bar, or before and after), with the
    decision threshold as a dashed line."""
    return render("shares_chart.svg",
                  chart=shares_context(groups, threshold, ident=ident, caption=caption))


# --------------------------------------------------------------------------- network
def node_element_id(node: Node) -> str:
    """The HTML id of a node's group in the diagram: ``node-T1``, ``rule-d2_t1``."""
    return ("rule-" if node.kind == "rule" else "node-") + node.ident


def node_key_id(node: Node) -> str:
    """The HTML id of a node's row in the key beside the diagram: ``key-node-T1``."""
    return "key-" + node_element_id(node)


def node_tip(node: Node) -> str:
    """A node's full description: ID, kind, label, detail and stance."""
    tip = f"{node.ident} ({node.kind}): {node.label} — {node.detail}"
    return tip + (f" [{node.stance}]" if node.stance else "")


def diagram_context(
    net: Network,
    lay: Layout,
    node_state: Callable[[Node], str],
    edge_state: Callable[[Edge], str],
    *,
    ident: str = "network-diagram",
    caption: str,
    keyed: bool = False,
) -> dict[str, Any]:
    """What ``network.svg`` draws. With ``keyed``, each node links to its row in the
    key beside the diagram (``#key-node-T1``), so a tap shows its label."""
    states = [(r, edge_state(r.edge)) for r in lay.routes]
    edges = []
    # idle edges first, so those that fired are drawn over them
    for route, state in sorted(states, key=lambda rs: rs[1] != "idle"):
        e = route.edge
        edges.append({
            "cls": f"edge e-{e.kind} {state}" + (" negated" if e.negated else ""),
            "path": route.path,
            "arrow": state if state in ("on", "gained", "lost") else "idle",
            "title": ("not " if e.negated else "") + net.nodes[e.source].ident + " → "
            + net.nodes[e.target].ident,
        })
    nodes = []
    for key, box in lay.boxes.items():
        node = net.nodes[key]
        nodes.append({
            "node": node, "box": box, "state": node_state(node), "tip": node_tip(node),
            "element_id": node_element_id(node), "key_id": node_key_id(node),
            "rx": 9 if node.kind == "rule" else 3,
        })
    return {"ident": ident, "caption": caption, "width": lay.width, "height": lay.height,
            "arrows": ("idle", "on", "gained", "lost"), "edges": edges, "nodes": nodes,
            "keyed": keyed, "crossings": lay.crossings,
            "initial_crossings": lay.initial_crossings}


# --------------------------------------------------------------------------- sensitivity
@dataclass(frozen=True, slots=True)
class TornadoBar:
    """One bar of a tornado chart: a probability with one belief false, then true."""

    label: str
    low: float
    high: float
    title: str


def tornado_context(bars: Sequence[TornadoBar], base: float, *, caption: str,
                    ident: str = "tornado-chart") -> dict[str, Any]:
    """What ``tornado.svg`` draws: each bar's span on the 0..1 axis and the base line."""
    track, row = TORNADO_TRACK, 22.0
    top = track.top

    def x(v: float) -> float:
        return round(track.start + track.length(v), 1)

    drawn = []
    for n, bar in enumerate(bars):
        lo, hi = min(bar.low, bar.high), max(bar.low, bar.high)
        up = bar.high >= bar.low
        drawn.append({
            "bar": bar, "y": top + n * row, "up": up, "fill": "#2b6cb0" if up else "#c05621",
            "x": x(lo), "value_x": x(hi) + 4,
            "span": max(0.5, (_unit(hi) - _unit(lo)) * track.width),
        })
    return {"ident": ident, "caption": caption, "height": top + row * len(bars) + 24,
            "label_end": track.label_end, "row": row, "top": top, "bottom": top + row * len(bars),
            "bars": drawn, "base": base, "base_x": x(base), "zero_x": x(0), "one_x": x(1)}


def tornado_chart(bars: Sequence[TornadoBar], base: float, *, caption: str,
                  ident: str = "tornado-chart") -> str:
    """Inline SVG: one horizontal bar per belief from the probability with it false to the
    probability with it true, on a 0..1 axis, the largest first; a dashed line at
    ``base`` (the probability at the beliefs as given). Raising the belief moves the
    probability up (filled) or down (hatched-out, paler)."""
    return render("tornado.svg",
                  tornado=tornado_context(bars, base, caption=caption, ident=ident))




# --------------------------------------------------------------------------- timeline
@dataclass(frozen=True, slots=True)
class Series:
    """One line of a timeline chart: a scenario's value (share or probability) by date."""

    name: str
    values: tuple[float, ...]


#: the lines' colours and dash patterns (a line reads without its colour too)
_LINE_STYLES = (("#2b6cb0", ""), ("#2f855a", "6 3"), ("#c05621", "2 3"),
                ("#6b46c1", "8 3 2 3"), ("#b83280", "1 2"))
TIMELINE_TRACK = Track(label_end=38.0, start=44.0, width=356.0, top=40.0)


def timeline_context(dates: Sequence[str], days: Sequence[int], series: Sequence[Series], *,
                     caption: str, ident: str = "timeline-chart") -> dict[str, Any]:
    """What ``timeline.svg`` draws: each series as a line over the dates, placed by their
    day (``days``, counted from any origin), a 0..1 axis, and a legend above."""
    track, plot_h = TIMELINE_TRACK, 150.0
    first, span = (days[0], (days[-1] - days[0]) or 1) if days else (0, 1)

    def x(day: int) -> float:
        return track.start + (0.5 if len(days) == 1 else (day - first) / span) * track.width

    def y(value: float) -> float:
        return track.top + (1 - _unit(value)) * plot_h

    every = max(1, -(-len(dates) // 6))  # at most six date labels, the last always
    lines = []
    for n, s in enumerate(series):
        colour, dash = _LINE_STYLES[n % len(_LINE_STYLES)]
        points = [(x(d), y(v), v, date) for d, v, date in zip(days, s.values, dates,
                                                               strict=True)]
        lines.append({"series": s, "colour": colour, "dash": dash, "points": points,
                      "path": " ".join(f"{px:.1f},{py:.1f}" for px, py, _, _ in points),
                      "legend_x": track.start + n * 130.0, "legend_y": 16.0})
    labels = [{"x": x(d), "text": date} for i, (d, date) in enumerate(zip(days, dates,
                                                                          strict=True))
              if i % every == 0 or i == len(dates) - 1]
    return {"ident": ident, "caption": caption, "width": CHART_WIDTH,
            "height": track.top + plot_h + 34, "left": track.start,
            "right": track.start + track.width, "top": track.top,
            "bottom": track.top + plot_h, "ticks": [(v, y(v)) for v in (0.0, 0.5, 1.0)],
            "label_end": track.label_end, "lines": lines, "labels": labels}


def timeline_chart(dates: Sequence[str], days: Sequence[int], series: Sequence[Series], *,
                   caption: str, ident: str = "timeline-chart") -> str:
    """Inline SVG: one line per scenario, its share or probability at each date, dates
    placed by time on the horizontal axis; each point carries its value as a tooltip."""
    return render("timeline.svg", timeline=timeline_context(dates, days, series,
                                                            caption=caption, ident=ident))
