"""A knowledge base's rules on durable-rules (the Rete engine), run per assessment.

Each production of the rule network (``kzpolicy.engine.network.productions``: one per
conjunction of a rule's `when` in disjunctive normal form) becomes one durable production.
Conditions enter as facts ``X`` (asserted true) or ``not:X`` (asserted false), so negation
never depends on the order facts arrive. A session runs in two phases: the asserted
conditions first, then the scenario the decision rule implies, which lets
scenario-triggered rules chain on everything flagged before.
"""

from __future__ import annotations

from collections.abc import Mapping

from kzpolicy.engine.durable.adapter import DurableNetwork, Production
from kzpolicy.engine.durable.limits import durable_limits
from kzpolicy.engine.network import EngineFiring, productions
from kzpolicy.errors import InputError
from kzpolicy.kb import expr
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
        prods = productions(kb)
        #: production -> its firing in phase 1 and in phase 2 (frozen, shared by every run)
        self.firings: dict[str, tuple[EngineFiring, EngineFiring]] = {
            p.id: p.firings for p in prods}
        self.productions = tuple(
            Production(p.id, p.needs, tuple(p.rule.then), p.stratum) for p in prods)
        self.network = DurableNetwork(self.productions, label=kb.version)

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
