"""The chain of reasons of one assessment: each step, what it produced, what it rests on.

:func:`walk` goes over an engine's firings in firing order, the scenario decision between
the two phases, and records for every step its fixed part (:class:`Prepared`: the rule,
the literals it matched, what it flags), the steps it rests on, the asserted conditions
at its root, and the standing of each fact it produced: whether some chain reaches it
with every step stated, and whether some chain rests on what was asserted rather than
on the default scenario alone. The chain holds no result model: the result's models
(:mod:`kzpolicy.engine.build`) and its JSON text (:mod:`kzpolicy.engine.result_json`)
are both made from it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from kzpolicy.engine.decision import ScenarioDecision
from kzpolicy.engine.network import EngineFiring, productions
from kzpolicy.kb import expr, schema
from kzpolicy.kb.knowledge import KnowledgeBase

__all__ = ["Chain", "Preparations", "Prepared", "walk"]


def _render_literal(lit: str) -> str:
    if lit.startswith(expr.NEGATION_PREFIX):
        return "not " + lit[len(expr.NEGATION_PREFIX):]
    return lit


def _root(lit: str) -> str:
    if lit.startswith(expr.NEGATION_PREFIX):
        return lit[len(expr.NEGATION_PREFIX):] + "=false"
    return lit


class Prepared(NamedTuple):
    """The fixed part of a step: the rule (or the decision), the literals it matched and
    as the result writes them, the root conditions among them, the derived facts among
    them, and what it produces."""

    rule: schema.Rule | schema.Decision
    matched: frozenset[str]
    rendered: tuple[str, ...]
    own: frozenset[str]
    derived: tuple[str, ...]
    targets: tuple[str, ...]
    stated: bool
    """The rule's own stance is ``stated``."""


class Preparations:
    """The fixed part of every production of one knowledge base, computed once when the
    knowledge base is first assessed (``kb.derived(Preparations)``): its size is the
    number of productions, whatever the inputs."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.conditions = frozenset(kb.condition_ids)
        self.by_firing: dict[int, Prepared] = {}
        self.by_key: dict[tuple[str, frozenset[str]], Prepared] = {}
        self.decision = kb.decision
        for p in productions(kb):
            prep = self.by_key[(p.rule.id, p.matched)] = self._prepare(p.rule, p.matched)
            for f in p.firings:  # the engines report these very objects
                self.by_firing[id(f)] = prep
        # the firings are kept alive by the knowledge base's productions, so ids stay theirs
        self._keep = productions(kb)

    def _prepare(self, rule: schema.Rule, matched: frozenset[str]) -> Prepared:
        conditions = self.conditions
        return Prepared(
            rule, matched, tuple(sorted(_render_literal(m) for m in matched)),
            frozenset(_root(m) for m in matched
                      if m.removeprefix(expr.NEGATION_PREFIX) in conditions),
            tuple(m for m in matched if m.removeprefix(expr.NEGATION_PREFIX) not in conditions),
            tuple(rule.then), rule.stance == "stated")

    def of(self, firing: EngineFiring) -> Prepared:
        """The fixed part of ``firing`` (one of this knowledge base's productions)."""
        found = self.by_firing.get(id(firing))
        if found is None:  # an equal firing made elsewhere
            found = self.by_key.get((firing.rule.id, firing.matched))
            if found is None:
                found = self._prepare(firing.rule, firing.matched)
        return found

    def decided(self, outcome: ScenarioDecision) -> Prepared:
        """The scenario decision as a step: it matched the scenario's factors asserted
        true (its evidence) and produced the scenario."""
        evidence = frozenset(outcome.evidence)
        return Prepared(self.decision, evidence, outcome.evidence, evidence, (),
                        (outcome.scenario,), self.decision.stance == "stated")


_EMPTY: frozenset[int] = frozenset()


class Chain:
    """The steps of one assessment in firing order, and what each rests on."""

    __slots__ = ("preps", "produced", "roots", "step_asserted", "step_stated", "upstream")

    def __init__(self) -> None:
        self.preps: list[Prepared] = []
        self.upstream: list[frozenset[int]] = []  # per step: the steps it rests on
        self.roots: list[frozenset[str]] = []  # per step: the conditions it rests on
        #: per step: its chain is stated from end to end
        self.step_stated: list[bool] = []
        #: per step: its chain rests on what was asserted, not on the default alone
        self.step_asserted: list[bool] = []
        self.produced: dict[str, list[int]] = {}  # fact -> the steps that produced it

    def stated(self, fact: str) -> bool:
        """Some chain reaches ``fact`` with every step stated."""
        flags = self.step_stated
        return any(map(flags.__getitem__, self.produced.get(fact, ())))

    def asserted(self, fact: str) -> bool:
        """Some chain reaches ``fact`` without resting on the default scenario alone."""
        flags = self.step_asserted
        return any(map(flags.__getitem__, self.produced.get(fact, ())))

    def support(self, ident: str) -> tuple[tuple[int, ...], bool, bool]:
        """What reaches ``ident``: :meth:`because`, :meth:`stated` and :meth:`asserted`
        at once."""
        producers = self.produced[ident]
        if len(producers) == 1:
            p = producers[0]
            return self.because(ident), self.step_stated[p], self.step_asserted[p]
        return self.because(ident), self.stated(ident), self.asserted(ident)

    def because(self, ident: str) -> tuple[int, ...]:
        """The steps that produced ``ident`` and every step they rest on, in order."""
        producers = self.produced[ident]
        upstream = self.upstream
        if len(producers) == 1:  # what a step rests on came before it
            p = producers[0]
            rests = upstream[p]
            return (*sorted(rests), p) if rests else (p,)
        closure = set(producers)
        for i in producers:
            closure |= upstream[i]
        return tuple(sorted(closure))


def walk(preps: Preparations, outcome: ScenarioDecision,
         firings: Sequence[EngineFiring]) -> Chain:
    """Walk the firings in order, the decision between the two phases: each step, the
    steps it rests on, its root conditions, and the standing of its chain."""
    chain = Chain()
    ordered: list[EngineFiring | None] = [f for f in firings if f.phase == 1]
    ordered.append(None)  # the scenario decision, between the two phases
    ordered += [f for f in firings if f.phase == 2]
    # the decision alone, with no factor of its scenario asserted, is the default
    by_default = not outcome.evidence
    steps, upstream, roots = chain.preps, chain.upstream, chain.roots
    stated, asserted, produced = chain.step_stated, chain.step_asserted, chain.produced
    by_firing = preps.by_firing
    for f in ordered:
        if f is None:
            prep = preps.decided(outcome)
            closure, rests, st, asr = _EMPTY, prep.own, prep.stated, not by_default
        else:
            prep = by_firing.get(id(f)) or preps.of(f)
            derived = prep.derived
            if derived:
                deps = {i for lit in derived for i in produced.get(lit, ())}
                closure = frozenset(deps.union(*[upstream[d] for d in deps]))
                rests = prep.own.union(*[roots[d] for d in deps])
                # the best support of what it produces: a chain stated from end to end,
                # and one that rests on what was asserted rather than on the default
                st = prep.stated and all(map(chain.stated, derived))
                asr = all(map(chain.asserted, derived))
            else:
                closure, rests, st, asr = _EMPTY, prep.own, prep.stated, True
        index = len(steps)
        steps.append(prep)
        upstream.append(closure)
        roots.append(rests)
        stated.append(st)
        asserted.append(asr)
        for t in prep.targets:
            found = produced.get(t)
            if found is None:
                produced[t] = [index]
            else:
                found.append(index)
    return chain
