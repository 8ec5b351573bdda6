"""Layered drawing of the rule network: the geometry of the HTML report's SVG diagram.

A Sugiyama-style layout in four steps, left to right:

1. columns: each node one column right of its furthest premise (longest path from
   the conditions), so conditions come first, then rules, items, scenarios, and
   the rules chained on those;
2. an edge that skips columns gets a waypoint in each column it crosses;
3. the order within each column: the article's order first (the knowledge base
   lists conditions, factors, rules and items as the article gives them, and the
   columns keep that order, kinds in :data:`~kzpolicy.report.graph.KIND_ORDER`),
   then a few barycentre sweeps (down and up), keeping the order with the fewest
   edge crossings, and last a transposition of neighbours that cross less the
   other way round (or, crossing as much, then stand in article order);
   :attr:`Layout.initial_crossings` and :attr:`Layout.crossings` give the count
   before and after;
4. vertical places: each node is pulled towards the mean of its neighbours, the
   column kept in order and free of overlaps by isotonic regression (pool
   adjacent violators).

Why no library: grandalf, the pure-Python Sugiyama package, is GPL-2.0/EPL
licensed, pulls in pyparsing, has no type hints and no release since 2023; the
Graphviz bindings need the ``dot`` program at run time. This network is small
(about 150 nodes) and layered by construction, so the few functions here do.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass

from kzpolicy.report.graph import KIND_ORDER, Edge, Network

__all__ = ["Box", "Layout", "Route", "count_crossings", "layout"]

CHAR_WIDTH = 6.6  # 11px monospace
NODE_HEIGHT = 20.0
WAYPOINT_HEIGHT = 2.0
ROW_GAP = 6.0
COLUMN_GAP = 64.0
PAD = 12.0
SWEEPS = 10
TRANSPOSE_ROUNDS = 12
PLACEMENT_ROUNDS = 6


@dataclass(frozen=True, slots=True)
class Box:
    """Where a node is drawn (top-left corner, size) and in which column."""

    key: str
    x: float
    y: float
    width: float
    height: float
    column: int

    @property
    def middle(self) -> float:
        """The vertical centre, where edges attach."""
        return self.y + self.height / 2


@dataclass(frozen=True, slots=True)
class Route:
    """An edge's path as SVG path data."""

    edge: Edge
    path: str


@dataclass(frozen=True, slots=True)
class Layout:
    """The placed network."""

    boxes: dict[str, Box]
    routes: tuple[Route, ...]
    width: float
    height: float
    columns: int
    initial_crossings: int = 0
    """Edge crossings with the columns in article order (before any sweep)."""
    crossings: int = 0
    """Edge crossings as drawn."""


def node_width(ident: str) -> float:
    """The box width for a node label of monospace text."""
    return round(len(ident) * CHAR_WIDTH + 14, 1)


def _columns(net: Network) -> dict[str, int]:
    preds: dict[str, list[str]] = defaultdict(list)
    succs: dict[str, list[str]] = defaultdict(list)
    for e in net.edges:
        preds[e.target].append(e.source)
        succs[e.source].append(e.target)
    indegree = {k: len(preds[k]) for k in net.nodes}
    column = dict.fromkeys(net.nodes, 0)
    ready = [k for k in net.nodes if indegree[k] == 0]
    done: set[str] = set()
    while ready:
        key = ready.pop(0)
        done.add(key)
        for nxt in succs[key]:
            column[nxt] = max(column[nxt], column[key] + 1)
            indegree[nxt] -= 1
            if indegree[nxt] == 0:
                ready.append(nxt)
    last = max(column.values(), default=0)
    for key in net.nodes:  # on a cycle (a user's rules/): park after everything else
        if key not in done:
            column[key] = last + 1
    for key, node in net.nodes.items():  # an item no rule reaches sits with the outcomes
        if not preds[key] and not succs[key] and node.kind not in ("condition", "factor"):
            column[key] = max(last, 1)
    return column


def _crossings(upper: list[str], lower: list[str], links: list[tuple[str, str]]) -> int:
    """Edge crossings between two adjacent columns (inversions, counted with a tree)."""
    top = {k: i for i, k in enumerate(upper)}
    low = {k: i for i, k in enumerate(lower)}
    pairs = sorted((top[a], low[b]) for a, b in links if a in top and b in low)
    tree = [0] * (len(lower) + 1)
    count = 0
    for seen, (_, b) in enumerate(pairs):
        i, below = b + 1, 0
        while i > 0:  # how many seen so far end at or above b
            below += tree[i]
            i -= i & -i
        count += seen - below
        i = b + 1
        while i <= len(lower):
            tree[i] += 1
            i += i & -i
    return count


def count_crossings(layers: list[list[str]], links: list[tuple[str, str]]) -> int:
    """Edge crossings of a layered drawing: ``links`` join keys of adjacent columns
    (long edges already split at a waypoint per column)."""
    return sum(_crossings(layers[i], layers[i + 1], links) for i in range(len(layers) - 1))


def _transpose(ls: list[list[str]], preds: dict[str, list[str]],
               succs: dict[str, list[str]], rank: dict[str, float]) -> None:
    """Swap neighbours in a column while that removes crossings, or keeps as many and
    puts the two in article order (``rank``); each swap lowers (crossings, inversions)."""

    def cost(u: str, v: str, where: dict[str, int], nbrs: dict[str, list[str]]) -> int:
        # crossings between u's and v's edges to one side, u above v
        pv = [where[b] for b in nbrs[v] if b in where]
        return sum(1 for a in nbrs[u] if a in where for b in pv if where[a] > b)

    for _ in range(TRANSPOSE_ROUNDS):
        swapped = False
        for i, layer in enumerate(ls):
            up = {k: n for n, k in enumerate(ls[i - 1])} if i > 0 else {}
            down = {k: n for n, k in enumerate(ls[i + 1])} if i + 1 < len(ls) else {}
            for j in range(len(layer) - 1):
                u, v = layer[j], layer[j + 1]
                now = cost(u, v, up, preds) + cost(u, v, down, succs)
                other = cost(v, u, up, preds) + cost(v, u, down, succs)
                if other < now or (other == now and rank[v] < rank[u]):
                    layer[j], layer[j + 1] = v, u
                    swapped = True
        if not swapped:
            return


def _order(
    layers: list[list[str]], links: list[tuple[str, str]]
) -> list[list[str]]:
    """The order within each column with the fewest crossings found, from ``layers`` in
    article order."""
    preds: dict[str, list[str]] = defaultdict(list)
    succs: dict[str, list[str]] = defaultdict(list)
    for a, b in links:
        preds[b].append(a)
        succs[a].append(b)
    # the article's order breaks ties; a waypoint (``~``) has none of its own
    rank = {k: (float(n) if not k.startswith("~") else float("inf"))
            for layer in layers for n, k in enumerate(layer)}

    def total(ls: list[list[str]]) -> int:
        return count_crossings(ls, links)

    def sweep(ls: list[list[str]], index: int, ref: int, nbrs: dict[str, list[str]]) -> None:
        where = {k: i for i, k in enumerate(ls[ref])}
        current = ls[index]

        def centre(pos_key: tuple[int, str]) -> float:
            pos, key = pos_key
            ps = [where[n] for n in nbrs[key] if n in where]
            return sum(ps) / len(ps) if ps else pos * len(ls[ref]) / max(len(current), 1)

        ls[index] = [k for _, k in sorted(enumerate(current), key=centre)]

    best, best_count = [list(x) for x in layers], total(layers)
    work = [list(x) for x in layers]

    def keep() -> None:
        nonlocal best, best_count
        count = total(work)
        if count < best_count:
            best, best_count = [list(x) for x in work], count

    for _ in range(SWEEPS):
        for i in range(1, len(work)):  # down: by the premises' places
            sweep(work, i, i - 1, preds)
        keep()
        for i in range(len(work) - 2, -1, -1):  # up: by the conclusions' places
            sweep(work, i, i + 1, succs)
        keep()
    _transpose(best, preds, succs, rank)  # never adds a crossing
    return best


def _isotonic(targets: list[float]) -> list[float]:
    """The non-decreasing sequence nearest (least squares) to ``targets``."""
    blocks: list[list[float]] = []  # [mean, weight]
    for t in targets:
        blocks.append([t, 1.0])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            m2, w2 = blocks.pop()
            m1, w1 = blocks.pop()
            blocks.append([(m1 * w1 + m2 * w2) / (w1 + w2), w1 + w2])
    out: list[float] = []
    for mean, weight in blocks:
        out += [mean] * int(weight)
    return out


def _place(
    layers: list[list[str]], links: list[tuple[str, str]], height: dict[str, float]
) -> dict[str, float]:
    """Vertical centres: near the neighbours' mean, in order, without overlaps."""
    nbrs: dict[str, list[str]] = defaultdict(list)
    for a, b in links:
        nbrs[a].append(b)
        nbrs[b].append(a)
    centre: dict[str, float] = {}
    for layer in layers:
        y = 0.0
        for key in layer:
            centre[key] = y + height[key] / 2
            y += height[key] + ROW_GAP
    order = list(range(len(layers)))
    for round_ in range(PLACEMENT_ROUNDS):
        for index in order if round_ % 2 == 0 else reversed(order):
            layer = layers[index]
            if not layer:
                continue
            offsets = [0.0]
            for a, b in itertools.pairwise(layer):
                offsets.append(offsets[-1] + (height[a] + height[b]) / 2 + ROW_GAP)
            wanted = []
            for key in layer:
                ys = [centre[n] for n in nbrs[key]]
                wanted.append(sum(ys) / len(ys) if ys else centre[key])
            fitted = _isotonic([w - o for w, o in zip(wanted, offsets, strict=True)])
            for key, z, o in zip(layer, fitted, offsets, strict=True):
                centre[key] = z + o
    return centre


def layout(net: Network) -> Layout:
    """Place every node of ``net`` and route every edge."""
    column = _columns(net)
    rank = {k: n for n, k in enumerate(KIND_ORDER)}
    keys = sorted(net.nodes, key=lambda k: rank.get(net.nodes[k].kind, len(rank)))
    count = max(column.values(), default=0) + 1
    layers: list[list[str]] = [[] for _ in range(count)]
    for key in keys:
        layers[column[key]].append(key)
    height = dict.fromkeys(net.nodes, NODE_HEIGHT)
    links: list[tuple[str, str]] = []
    chains: dict[Edge, list[str]] = {}
    for n, edge in enumerate(net.edges):
        a, b = column[edge.source], column[edge.target]
        chain = [edge.source]
        for c in range(a + 1, b):
            way = f"~{n}:{c}"
            layers[c].append(way)
            height[way] = WAYPOINT_HEIGHT
            chain.append(way)
        chain.append(edge.target)
        chains[edge] = chain
        if b > a:
            links += list(itertools.pairwise(chain))
    initial = count_crossings(layers, links)
    layers = _order(layers, links)
    centre = _place(layers, links, height)
    top = min(centre[k] - height[k] / 2 for k in centre) if centre else 0.0

    col_width = [max((node_width(net.nodes[k].ident) for k in layer if k in net.nodes),
                     default=0.0) for layer in layers]
    col_x = [PAD]
    for w in col_width[:-1]:
        col_x.append(col_x[-1] + w + COLUMN_GAP)
    boxes: dict[str, Box] = {}
    ways: dict[str, tuple[float, float, float]] = {}
    for c, layer in enumerate(layers):
        for key in layer:
            y = centre[key] - top + PAD
            if key in net.nodes:
                w = node_width(net.nodes[key].ident)
                boxes[key] = Box(key, col_x[c], round(y - NODE_HEIGHT / 2, 1), w, NODE_HEIGHT, c)
            else:
                ways[key] = (col_x[c], col_x[c] + col_width[c], round(y, 1))
    routes = tuple(Route(e, _path(chains[e], boxes, ways)) for e in net.edges)
    width = (col_x[-1] + col_width[-1] + PAD) if layers else 2 * PAD
    bottom = max((b.y + b.height for b in boxes.values()), default=0.0)
    return Layout(boxes, routes, round(width, 1), round(bottom + PAD, 1), count,
                  initial, count_crossings(layers, links))


def _path(
    chain: list[str], boxes: dict[str, Box], ways: dict[str, tuple[float, float, float]]
) -> str:
    src, dst = boxes[chain[0]], boxes[chain[-1]]
    if dst.column <= src.column:  # only on a cycle: a plain line
        return (f"M{src.x + src.width:.1f},{src.middle:.1f} "
                f"L{dst.x:.1f},{dst.middle:.1f}")
    x, y = src.x + src.width, src.middle
    parts = [f"M{x:.1f},{y:.1f}"]

    def curve(x1: float, y1: float) -> None:
        mid = (x + x1) / 2
        parts.append(f"C{mid:.1f},{y:.1f} {mid:.1f},{y1:.1f} {x1:.1f},{y1:.1f}")

    for way in chain[1:-1]:
        left, right, wy = ways[way]
        curve(left, wy)
        parts.append(f"L{right:.1f},{wy:.1f}")
        x, y = right, wy
    curve(dst.x, dst.middle)
    return " ".join(parts)
