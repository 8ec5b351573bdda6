"""The rule network of a knowledge base, compiled onto durable-rules and run per assessment.

Each rule's `when` becomes one durable production per conjunction of its
disjunctive normal form (``rule#0``, ``rule#1``, ...). Conditions enter as
facts ``X`` (asserted true) or ``not:X`` (asserted false), so negation never
depends on the order facts arrive. A session runs in two phases: the asserted
conditions first, then the scenario the decision rule implies, which lets
scenario-triggered rules chain on everything flagged before.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from . import _expr, model
from ._durable import DurableNetwork, Production
from .knowledge import KnowledgeBase

__all__ = ["CompiledRules", "EngineFiring", "compiled"]


@dataclass(frozen=True, slots=True)
class EngineFiring:
    """A production that fired: its rule, the literals it matched, the phase."""

    rule: model.Rule
    matched: frozenset[str]
    phase: int


def _strata(kb: KnowledgeBase) -> dict[str, int]:
    """Depth of each rule: 0 over conditions only, else 1 + depth of what it reads."""
    producers: dict[str, list[model.Rule]] = {}
    for r in kb.rules:
        for t in r.then:
            producers.setdefault(t, []).append(r)
    depth: dict[str, int] = {}

    def visit(rule: model.Rule, stack: frozenset[str]) -> int:
        if rule.id in depth:
            return depth[rule.id]
        d = 0
        for ref in _expr.refs(rule.when):
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


class CompiledRules:
    """A knowledge base's rules on a private durable ruleset."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        strata = _strata(kb)
        productions: list[Production] = []
        self.meta: dict[str, tuple[model.Rule, frozenset[str]]] = {}
        for rule in kb.rules:
            for k, conj in enumerate(_expr.dnf(rule.when)):
                pid = f"{rule.id}#{k}"
                productions.append(
                    Production(pid, tuple(sorted(conj)), tuple(rule.then), strata[rule.id])
                )
                self.meta[pid] = (rule, conj)
        self.productions = tuple(productions)
        self.network = DurableNetwork(productions, label=kb.version)

    def run(self, asserted: Mapping[str, bool], scenario: str) -> list[EngineFiring]:
        """Fire the rules for the asserted conditions, then for the implied scenario."""
        facts = [c if v else _expr.NEGATION_PREFIX + c for c, v in asserted.items()]
        out: list[EngineFiring] = []
        meta = self.meta
        with self.network.session() as session:
            for phase, batch in ((1, facts), (2, [scenario])):
                for firing in session.assert_facts(batch):
                    rule, conj = meta[firing.production]
                    out.append(EngineFiring(rule, conj, phase))
        return out


def compiled(kb: KnowledgeBase) -> CompiledRules:
    """The compiled rules of ``kb`` (built once per knowledge base, shared by threads)."""
    return kb.derived(CompiledRules)
