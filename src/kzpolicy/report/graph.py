"""The rule network as a graph: conditions and factors → rules → items and scenarios.

Every condition and scenario factor, every rule, every flaggable item and every
scenario of a knowledge base becomes a node; a rule's `when` gives edges into
the rule (dashed for ``not X``), its `then` edges out of it, and each factor
has an edge to the scenario whose share it counts towards (the scenario
decision). :func:`activity` reads an :class:`~kzpolicy.engine.results.Assessment` to
say which nodes and edges fired, and which items the rules implied but the caller's
denial contests. The graph exports to Graphviz DOT and Mermaid;
:mod:`kzpolicy.report.layout` places it for the HTML report's SVG diagram.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from kzpolicy.engine.results import Assessment, Contested, Flagged
from kzpolicy.kb import expr
from kzpolicy.kb.expr import render_when
from kzpolicy.kb.kinds import FLAGGABLE, KINDS
from kzpolicy.kb.knowledge import KnowledgeBase

__all__ = [
    "KIND_COLOURS",
    "KIND_ORDER",
    "Activity",
    "Edge",
    "Network",
    "Node",
    "activity",
    "fired_network",
    "network",
    "to_dot",
    "to_mermaid",
]

EdgeKind = Literal["when", "then", "factor"]

#: the order kinds are listed in legends and exports
KIND_ORDER = ("factor", "condition", "rule", "scenario",
              *(k.id for k in KINDS if k.id in FLAGGABLE))


#: fill and line colour of each kind, shared by DOT, Mermaid and the HTML report
KIND_COLOURS: dict[str, tuple[str, str]] = {
    "factor": ("#dbeafe", "#1d4ed8"), "condition": ("#e0f2fe", "#0369a1"),
    "rule": ("#f3f4f6", "#4b5563"), "scenario": ("#ede9fe", "#6d28d9"),
    "threat": ("#fee2e2", "#b91c1c"), "weakness": ("#ffedd5", "#c2410c"),
    "rivalry": ("#fce7f3", "#be185d"), "consequence": ("#f5f5f4", "#57534e"),
    "strength": ("#dcfce7", "#15803d"), "opportunity": ("#d1fae5", "#047857"),
}


@dataclass(frozen=True, slots=True)
class Node:
    """One node: a fact (condition, factor, item, scenario) or a rule."""

    key: str
    """Unique in the graph: ``rule:ID`` for rules, ``fact:ID`` for everything else."""
    ident: str
    kind: str
    """``condition``, ``factor``, ``rule``, ``scenario`` or an item kind."""
    label: str
    detail: str
    """For a rule its `when` as text; for a factor its scenario; else the locator."""
    stance: str | None = None


@dataclass(frozen=True, slots=True)
class Edge:
    """A directed edge: a fact into a rule (``when``), a rule to a fact (``then``), or a
    factor to its scenario (``factor``)."""

    source: str
    target: str
    kind: EdgeKind
    negated: bool = False


@dataclass(frozen=True, slots=True)
class Network:
    """The whole rule network of one knowledge base."""

    kb_version: str
    nodes: dict[str, Node]
    edges: tuple[Edge, ...]

    def node(self, ident: str, *, rule: bool = False) -> Node:
        """The node of a fact ID (or of a rule ID with ``rule=True``)."""
        return self.nodes[("rule:" if rule else "fact:") + ident]


def fact_key(ident: str) -> str:
    """The node key of a condition, factor, item or scenario."""
    return "fact:" + ident


def rule_key(ident: str) -> str:
    """The node key of a rule."""
    return "rule:" + ident


def network(kb: KnowledgeBase) -> Network:
    """Build the rule network of ``kb``."""
    nodes: dict[str, Node] = {}

    def add(node: Node) -> None:
        nodes.setdefault(node.key, node)

    for ident, info in kb.factors.items():
        add(Node(fact_key(ident), ident, "factor", info.factor.label,
                 f"factor of {info.scenario}"))
    for ident, cond in kb.conditions.items():
        add(Node(fact_key(ident), ident, "condition", cond.label, str(cond.locator)))
    for sc in sorted(kb.scenarios.values(), key=lambda s: s.ordinal):
        add(Node(fact_key(sc.id), sc.id, "scenario", sc.label, str(sc.locator)))
    for ident, item in kb.items.items():
        if item.kind in FLAGGABLE:
            add(Node(fact_key(ident), ident, item.kind, item.label, str(item.locator)))
    edges: list[Edge] = [
        Edge(fact_key(ident), fact_key(info.scenario), "factor")
        for ident, info in kb.factors.items()
    ]
    for rule in kb.rules:
        key = rule_key(rule.id)
        add(Node(key, rule.id, "rule", rule.label, render_when(rule.when), rule.stance))
        for leaf in _leaves(rule.when):
            negated = leaf.startswith("not ")
            ident = leaf[4:] if negated else leaf
            edges.append(Edge(fact_key(ident), key, "when", negated))
        edges += [Edge(key, fact_key(t), "then") for t in rule.then]
    for edge in edges:  # an ID a rule names but the KB does not list (a user's rules/)
        for end in (edge.source, edge.target):
            if end not in nodes:
                ident = end.split(":", 1)[1]
                add(Node(end, ident, "condition", ident, "not listed"))
    return Network(kb.version, nodes, tuple(dict.fromkeys(edges)))


def _leaves(when: expr.Expr) -> list[str]:
    out: list[str] = []

    def walk(e: expr.Expr) -> None:
        if isinstance(e, expr.Ref):
            out.append(e.id)
        elif isinstance(e, expr.Not):
            out.append("not " + e.id)
        else:
            for part in e.parts:
                walk(part)

    walk(when)
    return list(dict.fromkeys(out))


# --------------------------------------------------------------------------- activity
@dataclass(frozen=True, slots=True)
class Activity:
    """What one assessment made of the network."""

    holds: frozenset[str]
    """Facts that hold: conditions asserted true, flagged items, the implied scenario."""
    false: frozenset[str]
    """Conditions asserted false."""
    fired: frozenset[str]
    """Rules that fired (the scenario decision included)."""
    evidence: frozenset[str]
    """Factors counted for the implied scenario."""
    contested: frozenset[str] = frozenset()
    """Items the rules implied while a condition the caller asserted false contradicts
    them: reached by a fired rule, yet not holding."""

    def node_on(self, node: Node) -> bool:
        """Did this node take part (a fired rule, or a fact that holds)?"""
        if node.kind == "rule":
            return node.ident in self.fired
        return node.ident in self.holds

    def edge_on(self, edge: Edge, net: Network) -> bool:
        """Did this edge carry the assessment (a matched premise or a conclusion drawn)?"""
        src, dst = net.nodes[edge.source], net.nodes[edge.target]
        if edge.kind == "factor":
            return src.ident in self.evidence and dst.ident in self.holds
        if edge.kind == "then":
            return src.ident in self.fired
        if dst.ident not in self.fired:
            return False
        return src.ident in (self.false if edge.negated else self.holds)


def activity(a: Assessment) -> Activity:
    """Which facts held and which rules fired in ``a``."""
    holds = {k for k, v in a.asserted.items() if v}
    holds |= a.flagged_ids()
    holds.add(a.scenario.id)
    return Activity(
        holds=frozenset(holds),
        false=frozenset(k for k, v in a.asserted.items() if not v),
        fired=frozenset(t.rule for t in a.trace),
        evidence=frozenset(a.scenario.evidence),
        contested=frozenset(c.id for c in a.contested),
    )


def fired_network(a: Assessment, kb: KnowledgeBase | None = None) -> Network:
    """Only what fired in ``a``: the matched premises, the rules (the scenario decision
    among them) and their conclusions (contested items included). Built from the
    assessment alone; ``kb``, when it is the one ``a`` was made with, adds the conditions'
    labels and kinds."""
    nodes: dict[str, Node] = {}
    edges: list[Edge] = []
    reached: tuple[Flagged | Contested, ...] = (*a.outcomes, *a.risks, *a.engaged,
                                                *a.contested)
    labels = {f.id: (f.kind, f.label, str(f.locator)) for f in reached}
    labels[a.scenario.id] = ("scenario", a.scenario.label, "implied scenario")
    evidence = set(a.scenario.evidence)
    matched: dict[str, dict[str, None]] = {}
    stance: dict[str, str] = {}
    for f in reached:
        for s in f.because:
            matched.setdefault(s.rule, {}).update(dict.fromkeys(s.matched))
            stance[s.rule] = s.stance

    if kb is not None and kb.version == a.kb_version:
        for ident in a.asserted:
            kind = "factor" if ident in kb.factors else "condition"
            labels[ident] = (kind, kb.label_of(ident), str(kb.locator_of(ident)))

    def fact(ident: str) -> str:
        kind, label, detail = labels.get(ident, (
            "factor" if ident in evidence else "condition", ident, "asserted"))
        return nodes.setdefault(fact_key(ident), Node(fact_key(ident), ident, kind, label,
                                                      detail)).key

    for t in a.trace:
        key = rule_key(t.rule)
        nodes.setdefault(key, Node(key, t.rule, "rule", t.label, str(t.locator),
                                   stance.get(t.rule)))
        for lit in matched.get(t.rule, {}):
            negated = lit.startswith("not ")
            edges.append(Edge(fact(lit[4:] if negated else lit), key, "when", negated))
        edges += [Edge(key, fact(target), "then") for target in t.flagged]
    return Network(a.kb_version, nodes, tuple(dict.fromkeys(edges)))


# --------------------------------------------------------------------------- exports
def _ordered(net: Network) -> list[Node]:
    rank = {k: n for n, k in enumerate(KIND_ORDER)}
    return sorted(net.nodes.values(), key=lambda n: rank.get(n.kind, len(rank)))


_DOT_SHAPES = {"rule": "ellipse", "scenario": "hexagon"}


def _dot_str(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def to_dot(net: Network, act: Activity | None = None) -> str:
    """Graphviz DOT of the network (``dot -Tsvg``); with ``act``, what fired is bold and a
    contested item dashed."""
    lines = [
        "// kzpolicy rule network, knowledge base " + net.kb_version,
        "digraph kzpolicy {",
        "  rankdir=LR;",
        '  node [fontname="Helvetica", fontsize=10, style="filled"];',
        '  edge [color="#6b7280", arrowsize=0.6];',
    ]
    for node in _ordered(net):
        fill, line = KIND_COLOURS.get(node.kind, ("#ffffff", "#6b7280"))
        attrs = [f"label={_dot_str(node.ident)}", f"shape={_DOT_SHAPES.get(node.kind, 'box')}",
                 f"fillcolor={_dot_str(fill)}", f"color={_dot_str(line)}",
                 f"tooltip={_dot_str(f'{node.kind}: {node.label} ({node.detail})')}"]
        if act is not None and act.node_on(node):
            attrs.append("penwidth=2.5")
        elif act is not None and node.ident in act.contested and node.kind != "rule":
            attrs += ['style="filled,dashed"', "penwidth=2.5"]
        lines.append(f"  {_dot_str(node.key)} [{', '.join(attrs)}];")
    for edge in net.edges:
        attrs = []
        if edge.negated:
            attrs += ['style="dashed"', 'label="not"']
        elif edge.kind == "factor":
            attrs += ['style="dotted"']
        if act is not None and act.edge_on(edge, net):
            attrs += ['color="#b91c1c"', "penwidth=2"]
        tail = f" [{', '.join(attrs)}]" if attrs else ""
        lines.append(f"  {_dot_str(edge.source)} -> {_dot_str(edge.target)}{tail};")
    lines.append("}")
    return "\n".join(lines) + "\n"


_MERMAID_SHAPES = {"rule": ("([", "])"), "scenario": ("{{", "}}")}
_MERMAID_ID = re.compile(r"[^A-Za-z0-9_]")


def mermaid_id(key: str) -> str:
    """A node key as a Mermaid-safe ID (letters, digits, underscores)."""
    kind, _, ident = key.partition(":")
    return ("r_" if kind == "rule" else "n_") + _MERMAID_ID.sub("_", ident)


def _mermaid_text(text: str) -> str:
    out = text.replace("#", "#35;").replace('"', "#quot;")
    return out.replace("<", "#lt;").replace(">", "#gt;")


def to_mermaid(net: Network, act: Activity | None = None) -> str:
    """A Mermaid flowchart of the network; with ``act``, what fired is thick and outlined,
    a contested item dashed."""
    nodes = _ordered(net)
    ids = _unique_ids(n.key for n in nodes)
    lines = ["flowchart LR"]
    for node in nodes:
        left, right = _MERMAID_SHAPES.get(node.kind, ("[", "]"))
        plain = node.kind == "rule" or node.label == node.ident
        text = node.ident if plain else f"{node.ident}: {node.label}"
        lines.append(f'  {ids[node.key]}{left}"{_mermaid_text(text)}"{right}')
    for edge in net.edges:
        on = act is not None and act.edge_on(edge, net)
        if edge.negated:
            arrow = "-. not .->"
        elif edge.kind == "factor":
            arrow = "-.->"
        else:
            arrow = "==>" if on else "-->"
        lines.append(f"  {ids[edge.source]} {arrow} {ids[edge.target]}")
    used = sorted({n.kind for n in nodes}, key=lambda k: KIND_ORDER.index(k)
                  if k in KIND_ORDER else len(KIND_ORDER))
    for kind in used:
        fill, line = KIND_COLOURS.get(kind, ("#ffffff", "#6b7280"))
        lines.append(f"  classDef {kind} fill:{fill},stroke:{line}")
        members = ",".join(ids[n.key] for n in nodes if n.kind == kind)
        lines.append(f"  class {members} {kind}")
    if act is not None:
        lines += _mermaid_activity(nodes, ids, act)
    return "\n".join(lines) + "\n"


def _mermaid_activity(nodes: list[Node], ids: dict[str, str], act: Activity) -> list[str]:
    """The classes that mark what fired (thick, outlined) and what is contested (dashed)."""
    lines: list[str] = []
    fired = [ids[n.key] for n in nodes if act.node_on(n)]
    if fired:
        lines.append("  classDef fired stroke-width:3px,stroke:#111827")
        lines.append(f"  class {','.join(fired)} fired")
    contested = [ids[n.key] for n in nodes if n.kind != "rule" and n.ident in act.contested]
    if contested:
        lines.append("  classDef contested stroke-width:3px,stroke:#b45309,stroke-dasharray:5")
        lines.append(f"  class {','.join(contested)} contested")
    return lines


def _unique_ids(keys: Iterable[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    taken: set[str] = set()
    for key in keys:
        base = candidate = mermaid_id(key)
        n = 2
        while candidate in taken:
            candidate, n = f"{base}_{n}", n + 1
        taken.add(candidate)
        out[key] = candidate
    return out
