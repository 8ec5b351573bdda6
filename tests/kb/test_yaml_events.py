"""The YAML reader built from libyaml's events (kzpolicy.kb.strict_yaml._from_events)
against the node reader (libyaml's composer and PyYAML's strict constructor): on the
stock files, on generated rules and on thousands of generated YAML documents (every
kind of scalar, flow and block collections, comments, anchors, aliases, tags, merge
keys, duplicate and complex keys, several documents) it gives the same data and the
same lines, or leaves the document to the node reader, which reads or refuses it."""

from __future__ import annotations

import math
import random
from pathlib import Path
from typing import Any

import pytest

from kzpolicy.kb import strict_yaml
from kzpolicy.kb.limits import ReadingLimits
from kzpolicy.kb.loading import stock_rules_path

LIMITS = ReadingLimits()


def same(a: Any, b: Any) -> bool:
    """Equal data, NaN equal to NaN and types compared too (1 is not True nor 1.0)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def by_nodes(text: str) -> tuple[Any, strict_yaml.LineIndex] | Exception:
    try:
        root, data = strict_yaml._compose(text, "t.yaml", LIMITS, construct=True)
    except Exception as exc:  # the refusal the node reader gives
        return exc
    return data, strict_yaml.LineIndex(root)


def check(text: str) -> bool:
    """The event reader agrees with the node reader on ``text``; whether it read it."""
    try:
        data, known = strict_yaml._from_events(text, LIMITS)
    except strict_yaml._NodesNeededError:
        return False
    nodes = by_nodes(text)
    assert not isinstance(nodes, Exception), (text, nodes)
    expected, index = nodes
    assert same(data, expected), (text, data, expected)
    for path, line in known.items():
        assert index.line(path) == line, (text, path)
    if isinstance(expected, dict):  # every top-level key and list item is known
        for key, value in expected.items():
            if type(key) is str:
                assert (key,) in known, (text, key)
                if isinstance(value, list):
                    assert all((key, n) in known for n in range(len(value))), (text, key)
    return True


def test_every_stock_file_is_read_from_events() -> None:
    files = sorted(Path(stock_rules_path()).rglob("*.yaml"))
    assert len(files) >= 15
    for file in files:
        assert check(file.read_text(encoding="utf-8")), file.name


# ------------------------------------------------------------------ generated documents
SCALARS = [
    "word", "two words", "D1", "-", "a-b_c", "'quoted'", '"double \\u00e9"', "''", '""',
    "0", "12", "-3", "+4", "0x1F", "0o17", "017", "1_000", "0b101", "190:20:30", "3.5",
    "-.5e3", "1e5", ".inf", "-.Inf", ".nan", "1_000.5", "true", "False", "yes", "No",
    "on", "OFF", "y", "null", "~", "Null", "2010-01-01", "2001-12-14t21:59:43.10-05:00",
    "'2010-01-01'", "|\n  block\n  text\n", ">\n  folded\n  text\n", "|-\n  kept\n",
    "'it''s'", "\"tab\\there\"", "a: b", "'#not comment'", "x # comment", "=", "<<",
    "!!str 12", "!!int '7'", "!!float 1", "!!bool yes", "!!null ''", "!custom x",
    "&anchor v", "*anchor", "?", "@", "12:30", "é", "1.0e+3", "0.", "-0", "+.inf",
    "9" * 30,
]
KEYS = ["a", "b", "key", "D1", "1", "true", "null", "~", "'a'", "\"b\"", "<<", "=",
        "1.5", "? [x]", "? {k: v}", "2010-01-01", "x y", "a"]


SPECIAL = {"!!str 12", "!!int '7'", "!!float 1", "!!bool yes", "!!null ''", "!custom x",
           "&anchor v", "*anchor", "=", "<<"}
PLAIN = [x for x in SCALARS if x not in SPECIAL]
PLAIN_KEYS = ["a", "b", "key", "D1", "1", "true", "null", "'a'", "\"b\"", "2010-01-01",
              "x y", "c", "d", "e"]


def scalar(rng: random.Random) -> str:
    return rng.choice(SCALARS if rng.random() < 0.05 else PLAIN)


def keys(rng: random.Random, n: int) -> list[str]:
    """``n`` keys of one mapping: mostly distinct plain ones, now and then anything."""
    if rng.random() < 0.1:
        return [rng.choice(KEYS) for _ in range(n)]
    return rng.sample(PLAIN_KEYS, n)


def block(rng: random.Random, depth: int, indent: int) -> str:
    """A block mapping or sequence at ``indent``, or a scalar or flow value."""
    pad = " " * indent
    if depth <= 0 or rng.random() < 0.3:
        value = rng.choice([scalar(rng), flow(rng, 2), "[]", "{}"])
        return " " + value.replace("\n", "\n" + pad + "  ") if "\n" in value else " " + value
    out = []
    if rng.random() < 0.5:
        for key in keys(rng, rng.randint(1, 4)):
            out.append(f"{pad}{key}:{block(rng, depth - 1, indent + 2)}")
    else:
        for _ in range(rng.randint(1, 4)):
            out.append(f"{pad}-{block(rng, depth - 1, indent + 2)}")
    return "\n" + "\n".join(out)


def flow(rng: random.Random, depth: int) -> str:
    if depth <= 0 or rng.random() < 0.4:
        return rng.choice(["a", "1", "true", "null", "'q'", "2.5", "x y", ".nan"])
    if rng.random() < 0.5:
        return "[" + ", ".join(flow(rng, depth - 1) for _ in range(rng.randint(0, 3))) + "]"
    pairs = (f"{k}: {flow(rng, depth - 1)}"
             for k in rng.sample(["a", "b", "c", "1", "true", "a"], rng.randint(0, 3)))
    return "{" + ", ".join(pairs) + "}"


def document(rng: random.Random) -> str:
    top = []
    for key in keys(rng, rng.randint(1, 5)):
        top.append(f"{key}:{block(rng, 3, 2)}")
    text = "\n".join(top) + "\n"
    roll = rng.random()
    if roll < 0.05:
        text = "---\n" + text + "---\nmore: 1\n"
    elif roll < 0.1:
        text = "# a comment\n" + text + "# the end\n"
    elif roll < 0.15:
        text = "- " + text.replace("\n", "\n  ").rstrip() + "\n"
    return text


def test_generated_documents_read_alike() -> None:
    rng = random.Random(2026)
    read = left = 0
    for _ in range(3000):
        text = document(rng)
        if by_nodes(text).__class__ is tuple and check(text):
            read += 1
        else:
            # left to the node reader: parse_yaml gives what the node reader gives
            nodes = by_nodes(text)
            got: Any
            try:
                got = strict_yaml.parse_yaml(text, "t.yaml", LIMITS)[0]
            except Exception as exc:  # the same refusal as the node reader's
                got = exc
            if isinstance(nodes, Exception):
                assert type(got) is type(nodes) and str(got) == str(nodes), (text, got)
            else:
                assert same(got, nodes[0]), text
            left += 1
    assert read >= 800 and left >= 300, (read, left)


def test_what_is_left_to_the_node_reader() -> None:
    """Each thing the event reader does not read itself."""
    for text in ["a: &x 1\nb: *x\n", "a: &x 1\n", "a: !!str 1\n", "a: !!map {b: 1}\n",
                 "<<: {a: 1}\nb: 2\n", "a: 1\na: 2\n", "1: a\n1.0: b\n", "? [x]\n: 1\n",
                 "1.5: a\n", "---\na: 1\n---\nb: 2\n", "a: [\n", "x: " + "[" * 70 + "]" * 70,
                 "=: 1\n"]:
        with pytest.raises(strict_yaml._NodesNeededError):
            strict_yaml._from_events(text, LIMITS)


def test_lines_past_the_known_ones_compose_the_nodes() -> None:
    text = "items:\n  - id: a\n    label: x\n  - id: b\n    label:\n      - deep\n"
    data, index = strict_yaml.parse_yaml(text, "t.yaml", LIMITS)
    assert data == {"items": [{"id": "a", "label": "x"}, {"id": "b", "label": ["deep"]}]}
    assert index._root is None  # nothing composed yet
    assert index.line(("items",)) == 1 and index.line(("items", 1)) == 4
    assert index._root is None
    assert index.line(("items", 1, "label", 0)) == 6  # composed now
    assert index._root is not None
    assert index.line(("missing",)) == 1
