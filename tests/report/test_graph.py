"""The rule network as a graph: completeness, DOT and Mermaid exports, layout, `graph` CLI."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest

import kzpolicy
from conftest import CliRun
from kzpolicy.kb import expr
from kzpolicy.kb.kinds import FLAGGABLE
from kzpolicy.kb.knowledge import KnowledgeBase
from kzpolicy.report.graph import (
    Activity,
    Edge,
    Network,
    Node,
    activity,
    fact_key,
    fired_network,
    network,
    rule_key,
    to_dot,
    to_mermaid,
)
from kzpolicy.report.layout import _crossings, _isotonic, layout


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return kzpolicy.load()


@pytest.fixture(scope="module")
def net(kb: KnowledgeBase) -> Network:
    return network(kb)




# --------------------------------------------------------------------------- the graph
def test_every_condition_factor_rule_item_and_scenario_is_a_node(
    kb: KnowledgeBase, net: Network
) -> None:
    assert {n.ident for n in net.nodes.values() if n.kind == "rule"} == {
        r.id for r in kb.rules}
    facts = {n.ident for n in net.nodes.values() if n.kind != "rule"}
    assert set(kb.conditions) <= facts
    assert set(kb.factors) <= facts
    assert set(kb.scenarios) <= facts
    assert {i for i, info in kb.items.items() if info.kind in FLAGGABLE} <= facts
    assert net.kb_version == kb.version


def test_edges_are_the_rules_when_and_then(kb: KnowledgeBase, net: Network) -> None:
    for rule in kb.rules:
        into = {e for e in net.edges if e.target == rule_key(rule.id)}
        assert {net.nodes[e.source].ident for e in into} == expr.refs(rule.when)
        assert {net.nodes[e.source].ident for e in into if e.negated} == expr.negated(
            rule.when)
        out = {net.nodes[e.target].ident for e in net.edges if e.source == rule_key(rule.id)}
        assert out == set(rule.then)
    for ident, info in kb.factors.items():
        assert Edge(fact_key(ident), fact_key(info.scenario), "factor") in net.edges
    assert all(e.source in net.nodes and e.target in net.nodes for e in net.edges)


def test_activity_marks_what_fired(kb: KnowledgeBase, net: Network) -> None:
    a = kzpolicy.assess({"D1": True, "D2": True, "D3": True, "cooperation_intensifies": True})
    act = activity(a)
    on_rules = {n.ident for n in net.nodes.values() if n.kind == "rule" and act.node_on(n)}
    assert on_rules == {t.rule for t in a.trace} - {kb.decision.id}
    assert {n.ident for n in net.nodes.values() if n.kind != "rule" and act.node_on(n)} == (
        a.flagged_ids() | {"D1", "D2", "D3", "cooperation_intensifies", a.scenario.id})
    # a premise edge is on only when its rule fired and the premise held
    on = [e for e in net.edges if act.edge_on(e, net) and e.kind == "when"]
    assert on and all(net.nodes[e.target].ident in act.fired for e in on)
    assert all(net.nodes[e.source].ident in act.holds for e in on)
    factor_on = {net.nodes[e.source].ident for e in net.edges
                 if e.kind == "factor" and act.edge_on(e, net)}
    assert factor_on == set(a.scenario.evidence)


def test_negated_premise_edge_is_on_only_when_the_condition_is_false() -> None:
    nodes = {k: Node(k, k.split(":")[1], kind, "", "") for k, kind in
             (("fact:A", "condition"), ("rule:r", "rule"), ("fact:T", "threat"))}
    edge = Edge("fact:A", "rule:r", "when", negated=True)
    net = Network("kb", nodes, (edge, Edge("rule:r", "fact:T", "then")))
    fired = Activity(frozenset({"T"}), frozenset({"A"}), frozenset({"r"}), frozenset())
    assert fired.edge_on(edge, net)
    held = Activity(frozenset({"A", "T"}), frozenset(), frozenset({"r"}), frozenset())
    assert not held.edge_on(edge, net)


def test_fired_network_is_exactly_what_fired(kb: KnowledgeBase) -> None:
    a = kzpolicy.assess(preset="article-2010")
    fired = fired_network(a, kb)
    rules = {n.ident for n in fired.nodes.values() if n.kind == "rule"}
    assert rules == {t.rule for t in a.trace}
    facts = {n.ident for n in fired.nodes.values() if n.kind != "rule"}
    assert a.flagged_ids() | {a.scenario.id} <= facts
    assert facts <= a.flagged_ids() | {a.scenario.id} | set(a.asserted)
    assert fired.node("B1").kind == "factor"
    assert fired.node("cooperation_intensifies").label == kb.label_of("cooperation_intensifies")
    for step in (s for f in (*a.outcomes, *a.risks, *a.engaged) for s in f.because):
        for lit in step.matched:
            ident = lit.removeprefix("not ")
            assert Edge(fact_key(ident), rule_key(step.rule), "when",
                        lit.startswith("not ")) in fired.edges
    # without the knowledge base the conditions keep their IDs as labels
    bare = fired_network(a)
    assert bare.node("cooperation_intensifies").label == "cooperation_intensifies"


#: I1-I7 imply integration, whose outcome T7 is; the caller denies the cooling T7 amounts to
CONTESTED = {**{f"I{n}": True for n in range(1, 8)}, "region_relations_cool": False,
             "nato_demonstrative_partnership": False}


def test_a_contested_item_is_reached_but_does_not_hold(kb: KnowledgeBase, net: Network) -> None:
    a = kzpolicy.assess(CONTESTED)
    assert [c.id for c in a.contested] == ["T7"]
    act = activity(a)
    assert act.contested == {"T7"} and "T7" not in act.holds
    node = net.node("T7")
    assert not act.node_on(node)
    # the rules that imply it fired, and their edges into it carry the assessment
    implied = [e for e in net.edges if e.target == node.key and act.edge_on(e, net)]
    assert {net.nodes[e.source].ident for e in implied} >= {"integration_t7", "i3_t7"}
    # only what fired: the contested item is there, as the item it is, with its chain
    fired = fired_network(a, kb)
    assert fired.node("T7").kind == "threat" and fired.node("T7").label == kb.label_of("T7")
    assert Edge(rule_key("integration_t7"), fact_key("T7"), "then") in fired.edges
    for s in a.contested[0].because:
        for lit in s.matched:
            assert Edge(fact_key(lit.removeprefix("not ")), rule_key(s.rule), "when",
                        lit.startswith("not ")) in fired.edges
    # a picture says so: dashed in DOT, a class of its own in Mermaid
    line = next(x for x in to_dot(net, act).splitlines() if x.startswith('  "fact:T7" ['))
    assert 'style="filled,dashed"' in line
    text = to_mermaid(net, act)
    _mermaid_parts(text)
    assert "  class n_T7 contested" in text.splitlines()
    assert "contested" not in to_mermaid(net, activity(kzpolicy.assess(preset="article-2010")))


def test_outcomes_are_in_the_fired_network_with_their_kind(kb: KnowledgeBase) -> None:
    a = kzpolicy.assess({})
    fired = fired_network(a, kb)
    assert [o.id for o in a.outcomes] and not a.risks
    for o in a.outcomes:
        assert fired.node(o.id).kind == "consequence" and fired.node(o.id).label == o.label


# --------------------------------------------------------------------------- DOT
_DOT_QUOTED = r'"(?:[^"\\]|\\.)*"'
_DOT_NODE = re.compile(rf"^  ({_DOT_QUOTED}) \[(.+)\];$")
_DOT_EDGE = re.compile(rf"^  ({_DOT_QUOTED}) -> ({_DOT_QUOTED})( \[.+\])?;$")
_DOT_ATTR = re.compile(rf"(\w+)=({_DOT_QUOTED}|[\w.]+)(, |$)")


def _dot_parts(text: str) -> tuple[set[str], list[tuple[str, str]]]:
    lines = text.splitlines()
    assert lines[0].startswith("// ") and lines[1] == "digraph kzpolicy {" and lines[-1] == "}"
    nodes: set[str] = set()
    edges: list[tuple[str, str]] = []
    for line in lines[2:-1]:
        if (m := _DOT_NODE.match(line)) is not None:
            attrs = m.group(2)
            assert "".join(x.group(0) for x in _DOT_ATTR.finditer(attrs)) == attrs, line
            nodes.add(m.group(1)[1:-1])
        elif (m := _DOT_EDGE.match(line)) is not None:
            edges.append((m.group(1)[1:-1], m.group(2)[1:-1]))
        else:
            assert re.match(r"^  (rankdir=LR|node \[.+\]|edge \[.+\]);$", line), line
    return nodes, edges


def test_dot_is_well_formed_and_complete(kb: KnowledgeBase, net: Network) -> None:
    text = to_dot(net)
    nodes, edges = _dot_parts(text)
    assert nodes == set(net.nodes)
    assert len(edges) == len(net.edges)
    assert all(a in nodes and b in nodes for a, b in edges)
    assert {rule_key(r.id) for r in kb.rules} <= nodes
    assert {fact_key(c) for c in kb.condition_ids} <= nodes
    assert text.count("{") == text.count("}")


def test_dot_marks_what_fired(net: Network) -> None:
    act = activity(kzpolicy.assess(preset="article-2010"))
    text = to_dot(net, act)
    _dot_parts(text)
    assert '"rule:intensify_t1" [' in text
    fired_line = next(x for x in text.splitlines() if x.startswith('  "rule:intensify_t1" ['))
    assert "penwidth" in fired_line
    idle_line = next(x for x in text.splitlines() if x.startswith('  "rule:d2_t1" ['))
    assert "penwidth" not in idle_line


def test_dot_escapes_quotes() -> None:
    node = Node("fact:X", "X", "condition", 'say "hi"\\', "here")
    text = to_dot(Network("kb-test", {"fact:X": node}, ()))
    nodes, _ = _dot_parts(text)
    assert nodes == {"fact:X"}
    assert r'say \"hi\"\\' in text


# --------------------------------------------------------------------------- Mermaid
_MM_NODE = re.compile(r'^  (\w+)(\["|\(\["|\{\{")([^"]*)("\]|"\]\)|"\}\})$')
_MM_EDGE = re.compile(r"^  (\w+) (-->|==>|-\.->|-\. not \.->) (\w+)$")
_MM_CLASS = re.compile(r"^  (classDef \w+ [\w:#,.\-]+|class [\w,]+ \w+)$")
_MM_SHAPES = {'["': '"]', '(["': '"])', '{{"': '"}}'}


def _mermaid_parts(text: str) -> tuple[dict[str, str], list[tuple[str, str, str]]]:
    lines = text.splitlines()
    assert lines[0] == "flowchart LR"
    nodes: dict[str, str] = {}
    edges: list[tuple[str, str, str]] = []
    for line in lines[1:]:
        if (m := _MM_NODE.match(line)) is not None:
            assert _MM_SHAPES[m.group(2)] == m.group(4), line
            assert m.group(1) not in nodes, f"duplicate node {m.group(1)}"
            nodes[m.group(1)] = m.group(3)
        elif (m := _MM_EDGE.match(line)) is not None:
            edges.append((m.group(1), m.group(2), m.group(3)))
        else:
            assert _MM_CLASS.match(line), line
    assert all(a in nodes and b in nodes for a, _, b in edges)
    return nodes, edges


def test_mermaid_is_well_formed_and_complete(kb: KnowledgeBase, net: Network) -> None:
    nodes, edges = _mermaid_parts(to_mermaid(net))
    assert len(nodes) == len(net.nodes) and len(edges) == len(net.edges)
    texts = set(nodes.values())
    assert {r.id for r in kb.rules} <= texts
    for ident in kb.condition_ids:
        assert any(t == ident or t.startswith(ident + ": ") for t in texts), ident
    assert all(arrow != "==>" for _, arrow, _ in edges)


def test_mermaid_marks_what_fired_and_escapes() -> None:
    kb = kzpolicy.load()
    net = network(kb)
    a = kzpolicy.assess(preset="article-2010")
    text = to_mermaid(net, activity(a))
    nodes, edges = _mermaid_parts(text)
    assert any(arrow == "==>" for _, arrow, _ in edges)
    fired = next(x for x in text.splitlines() if x.startswith("  class ") and
                 x.endswith(" fired"))
    assert "r_intensify_t1" in fired.split()[1].split(",")
    odd = Node("fact:x-1", "x-1", "threat", 'a "quoted" <b>#1</b>', "")
    clash = Node("fact:x_1", "x_1", "threat", "plain", "")
    text = to_mermaid(Network("kb", {"fact:x-1": odd, "fact:x_1": clash}, ()))
    nodes, _ = _mermaid_parts(text)
    assert set(nodes) == {"n_x_1", "n_x_1_2"}
    assert "#quot;quoted#quot;" in text and "#lt;b#gt;" in text and '"quoted"' not in text


def test_fired_network_exports(kb: KnowledgeBase) -> None:
    a = kzpolicy.assess(preset="article-2010")
    nodes, edges = _mermaid_parts(to_mermaid(fired_network(a, kb)))
    assert "r_scenario_decision" in nodes and "n_balance" in nodes
    assert ("r_scenario_decision", "-->", "n_balance") in edges
    _dot_parts(to_dot(fired_network(a, kb)))


# --------------------------------------------------------------------------- layout
def test_layout_places_every_node_without_overlap(net: Network) -> None:
    lay = layout(net)
    assert set(lay.boxes) == set(net.nodes)
    assert len(lay.routes) == len(net.edges)
    by_column: dict[int, list[tuple[float, float]]] = {}
    for box in lay.boxes.values():
        assert box.x >= 0 and box.x + box.width <= lay.width
        assert box.y >= 0 and box.y + box.height <= lay.height
        by_column.setdefault(box.column, []).append((box.y, box.y + box.height))
    for spans in by_column.values():
        spans.sort()
        assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))
    for edge in net.edges:  # the stock network is acyclic: every edge runs rightwards
        assert lay.boxes[edge.source].column < lay.boxes[edge.target].column
    conditions = {lay.boxes[k].column for k, n in net.nodes.items()
                  if n.kind in ("condition", "factor")}
    assert conditions == {0}
    assert all(r.path.startswith("M") and " C" in r.path for r in lay.routes)


def test_layout_copes_with_a_cycle_and_an_isolated_item() -> None:
    def n(ident: str, kind: str) -> Node:
        key = rule_key(ident) if kind == "rule" else fact_key(ident)
        return Node(key, ident, kind, ident, "")

    nodes = [n("A", "condition"), n("r1", "rule"), n("X", "threat"), n("r2", "rule"),
             n("Y", "weakness"), n("Z", "strength")]
    edges = (Edge("fact:A", "rule:r1", "when"), Edge("rule:r1", "fact:X", "then"),
             Edge("fact:X", "rule:r2", "when"), Edge("rule:r2", "fact:Y", "then"),
             Edge("fact:Y", "rule:r2", "when"))
    lay = layout(Network("kb", {x.key: x for x in nodes}, edges))
    assert set(lay.boxes) == {x.key for x in nodes}
    assert lay.boxes["fact:Z"].column >= 1
    assert len(lay.routes) == len(edges)


def test_isotonic_and_crossings() -> None:
    assert _isotonic([1.0, 3.0, 2.0, 4.0]) == [1.0, 2.5, 2.5, 4.0]
    assert _isotonic([3.0, 2.0, 1.0]) == [2.0, 2.0, 2.0]
    assert _crossings(["a", "b"], ["x", "y"], [("a", "y"), ("b", "x")]) == 1
    assert _crossings(["a", "b"], ["x", "y"], [("a", "x"), ("b", "y")]) == 0
    assert _crossings(["a", "b", "c"], ["x", "y", "z"],
                      [("a", "z"), ("b", "y"), ("c", "x")]) == 3


# --------------------------------------------------------------------------- CLI
def test_cli_graph_dot_and_mermaid(cli_run: CliRun, net: Network) -> None:
    go = cli_run
    code, text = go("graph")
    assert code == 0 and _dot_parts(text)[0] == set(net.nodes)
    code, text = go("graph", "--format", "mermaid")
    assert code == 0 and len(_mermaid_parts(text)[0]) == len(net.nodes)
    code, text = go("graph", "--format", "mermaid", "--preset", "article-2010")
    assert code == 0 and "==>" in text


def test_cli_graph_to_file_and_bad_input(
    cli_run: CliRun, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    go = cli_run
    target = tmp_path / "net.dot"
    code, text = go("graph", "-o", str(target))
    assert code == 0 and text == ""
    assert target.read_text(encoding="utf-8").startswith("// kzpolicy rule network")
    code, _ = go("graph", "--preset", "nope")
    assert code == 2 and "unknown preset" in capsys.readouterr().err
    code, _ = go("graph", "-o", str(tmp_path / "missing" / "net.dot"))
    assert code == 1 and "cannot write" in capsys.readouterr().err


def test_a_graph_of_an_assessment_draws_the_knowledge_base_it_came_from(
    stock_copy: Path,
) -> None:
    extra = stock_copy / "zz_extra.yaml"
    extra.write_text(
        "rules:\n"
        "  - id: extra_rule\n"
        "    label: An extra link for the test\n"
        "    when: D5\n"
        "    then: [T6]\n"
        "    stance: interpretation\n"
        "    reason: a test rule\n"
        "    locator: {section: scenarios, list: distancing_factors, item: 5}\n",
        encoding="utf-8")
    kb = kzpolicy.load(stock_copy)
    a = kzpolicy.assess(["D5"], kb=kb)
    assert "extra_rule" in kzpolicy.graph(assessment=a)   # found by its kb_version
    assert "extra_rule" in kzpolicy.render(a, "markdown")
    assert "extra_rule" in kzpolicy.render(a, "html")
    with pytest.raises(kzpolicy.InputError, match="pass the knowledge base it was made with"):
        kzpolicy.graph(kzpolicy.load(), assessment=a)
    with pytest.raises(kzpolicy.InputError, match="pass the knowledge base it was made with"):
        kzpolicy.render(a, "markdown", kb=kzpolicy.load())
