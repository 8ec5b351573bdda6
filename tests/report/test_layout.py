"""The rule network's layout: crossing counts and the ordering that reduces them."""

from __future__ import annotations

import itertools
import random

import pytest

import kzpolicy
from kzpolicy.report.graph import Edge, Network, Node, fact_key, network, rule_key
from kzpolicy.report.html import page
from kzpolicy.report.layout import _crossings, _order, count_crossings, layout


def _brute(upper: list[str], lower: list[str], links: list[tuple[str, str]]) -> int:
    top = {k: i for i, k in enumerate(upper)}
    low = {k: i for i, k in enumerate(lower)}
    pairs = [(top[a], low[b]) for a, b in links if a in top and b in low]
    return sum(1 for (a1, b1), (a2, b2) in itertools.combinations(pairs, 2)
               if (a1 - a2) * (b1 - b2) < 0)


def test_crossings_of_a_tiny_graph() -> None:
    # a─y, b─x cross once; a─x, b─y do not; a fan a─x, a─y never crosses itself
    assert count_crossings([["a", "b"], ["x", "y"]], [("a", "y"), ("b", "x")]) == 1
    assert count_crossings([["a", "b"], ["x", "y"]], [("a", "x"), ("b", "y")]) == 0
    assert count_crossings([["a", "b"], ["x", "y"]], [("a", "x"), ("a", "y")]) == 0
    # shared end points do not cross: a─x and b─x meet at x
    assert count_crossings([["a", "b"], ["x"]], [("a", "x"), ("b", "x")]) == 0
    # three columns add up: one crossing between each pair of adjacent columns
    layers = [["a", "b"], ["x", "y"], ["p", "q"]]
    links = [("a", "y"), ("b", "x"), ("x", "q"), ("y", "p")]
    assert count_crossings(layers, links) == 2
    assert count_crossings([["a", "b"], ["y", "x"], ["p", "q"]], links) == 0


def test_the_crossing_counter_agrees_with_brute_force() -> None:
    rng = random.Random(15)
    for _ in range(200):
        upper = [f"u{i}" for i in range(rng.randint(0, 7))]
        lower = [f"l{i}" for i in range(rng.randint(0, 7))]
        links = list({(rng.choice(upper), rng.choice(lower))
                      for _ in range(rng.randint(0, 15))} if upper and lower else set())
        rng.shuffle(upper)
        rng.shuffle(lower)
        assert _crossings(upper, lower, links) == _brute(upper, lower, links)


def test_ordering_untangles_a_twisted_graph() -> None:
    layers = [["a", "b", "c"], ["z", "y", "x"]]
    links = [("a", "x"), ("b", "y"), ("c", "z")]
    assert count_crossings(layers, links) == 3
    ordered = _order(layers, links)
    assert count_crossings(ordered, links) == 0
    assert sorted(ordered[0]) == ["a", "b", "c"] and sorted(ordered[1]) == ["x", "y", "z"]


def test_ties_keep_the_article_order() -> None:
    """Nodes whose order changes no crossing stay as the knowledge base lists them."""
    def n(ident: str, kind: str) -> Node:
        return Node(rule_key(ident) if kind == "rule" else fact_key(ident), ident, kind,
                    ident, "")

    nodes = [n(f"C{i}", "condition") for i in range(1, 6)] + [n("r", "rule"),
                                                             n("T1", "threat")]
    edges = (*(Edge(f"fact:C{i}", "rule:r", "when") for i in range(1, 6)),
             Edge("rule:r", "fact:T1", "then"))
    lay = layout(Network("kb", {x.key: x for x in nodes}, edges))
    column = sorted((b for b in lay.boxes.values() if b.column == 0), key=lambda b: b.y)
    assert [b.key for b in column] == [f"fact:C{i}" for i in range(1, 6)]
    assert lay.crossings == lay.initial_crossings == 0


def test_the_stock_network_crosses_less_than_in_article_order(
    capsys: pytest.CaptureFixture[str],
) -> None:
    lay = layout(network(kzpolicy.load()))
    assert lay.crossings <= lay.initial_crossings
    assert lay.crossings * 4 < lay.initial_crossings  # the sweeps do real work here
    with capsys.disabled():
        print(f"\nstock rule network: {lay.initial_crossings} edge crossings in article "
              f"order, {lay.crossings} after the sweeps")
    text = page(kzpolicy.assess(preset="article-2010"))
    assert (f"from {lay.initial_crossings} (the article's order) to {lay.crossings}."
            in text)
