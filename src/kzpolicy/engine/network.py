"""The rule network of a knowledge base, as both engines see it: strata and firings.

A rule's stratum is its depth in the network (0 over conditions only, else one
more than what it reads); both engines fire producers before consumers by it.
``EngineFiring`` is what either engine reports for a production that fired.
"""

from __future__ import annotations

from dataclasses import dataclass

from kzpolicy.kb import expr, schema
from kzpolicy.kb.knowledge import KnowledgeBase

__all__ = ["EngineFiring", "strata"]


@dataclass(frozen=True, slots=True)
class EngineFiring:
    """A production that fired: its rule, the literals it matched, the phase."""

    rule: schema.Rule
    matched: frozenset[str]
    phase: int


def strata(kb: KnowledgeBase) -> dict[str, int]:
    """Depth of each rule: 0 over conditions only, else 1 + depth of what it reads."""
    producers: dict[str, list[schema.Rule]] = {}
    for r in kb.rules:
        for t in r.then:
            producers.setdefault(t, []).append(r)
    depth: dict[str, int] = {}

    def visit(rule: schema.Rule, stack: frozenset[str]) -> int:
        if rule.id in depth:
            return depth[rule.id]
        d = 0
        for ref in expr.refs(rule.when):
            for p in producers.get(ref, []):
                if p.id not in stack:
                    d = max(d, 1 + visit(p, stack | {p.id}))
            if ref in kb.scenarios:
                d = max(d, 1)
        depth[rule.id] = d
        return d

    for r in kb.rules:
        visit(r, frozenset({r.id}))
    return depth
