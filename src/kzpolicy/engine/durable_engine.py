"""A knowledge base's rules on durable-rules (the Rete engine), run per assessment.

Each rule's `when` becomes one durable production per conjunction of its
disjunctive normal form (``rule#0``, ``rule#1``, ...). Conditions enter as
facts ``X`` (asserted true) or ``not:X`` (asserted false), so negation never
depends on the order facts arrive. A session runs in two phases: the asserted
conditions first, then the scenario the decision rule implies, which lets
scenario-triggered rules chain on everything flagged before.
"""

from __future__ import annotations

from collections.abc import Mapping

from kzpolicy.engine.durable import DurableNetwork, Production
from kzpolicy.engine.network import EngineFiring, strata
from kzpolicy.errors import InputError
from kzpolicy.kb import expr, schema
from kzpolicy.kb.checks import durable_limits
from kzpolicy.kb.knowledge import KnowledgeBase

__all__ = ["DurableRules", "durable_rules"]


class DurableRules:
    """A knowledge base's rules on a private durable ruleset."""

    def __init__(self, kb: KnowledgeBase) -> None:
        beyond = durable_limits(kb)
        if beyond:
            raise InputError(
                f"durable-rules cannot run knowledge base {kb.version}: {beyond[0].message}"
                f"{f' (and {len(beyond) - 1} more)' if len(beyond) > 1 else ''}; "
                "assess it with engine='bitset'")
        self.kb = kb
        depth = strata(kb)
        productions: list[Production] = []
        self.meta: dict[str, tuple[schema.Rule, frozenset[str]]] = {}
        #: production -> its firing in phase 1 and in phase 2 (frozen, shared by every run)
        self.firings: dict[str, tuple[EngineFiring, EngineFiring]] = {}
        for rule in kb.rules:
            for k, conj in enumerate(expr.dnf(rule.when)):
                pid = f"{rule.id}#{k}"
                productions.append(
                    Production(pid, tuple(sorted(conj)), tuple(rule.then), depth[rule.id])
                )
                self.meta[pid] = (rule, conj)
                self.firings[pid] = (EngineFiring(rule, conj, 1), EngineFiring(rule, conj, 2))
        self.productions = tuple(productions)
        self.network = DurableNetwork(productions, label=kb.version)

    def run(self, asserted: Mapping[str, bool], scenario: str) -> list[EngineFiring]:
        """Fire the rules for the asserted conditions, then for the implied scenario."""
        facts = [c if v else expr.NEGATION_PREFIX + c for c, v in asserted.items()]
        firings = self.firings
        with self.network.session() as session:
            out = [firings[f.production][0] for f in session.assert_facts(facts)]
            out += [firings[f.production][1] for f in session.assert_facts([scenario])]
        return out


def durable_rules(kb: KnowledgeBase) -> DurableRules:
    """The durable-rules network of ``kb`` (built once per knowledge base, shared by threads)."""
    return kb.derived(DurableRules)
