"""The rule network of a knowledge base, as both engines see it: productions, strata, firings.

Each rule's `when` in disjunctive normal form gives one :class:`Production` per
conjunction (``rule#0``, ``rule#1``, ...), computed once per knowledge base by
:func:`productions`; the durable engine, the bitset engine and durable's limits all read
that one list. A rule's stratum is its depth in the network (0 over conditions only, else
one more than what it reads); both engines fire producers before consumers by it.
``EngineFiring`` is what either engine reports for a production that fired.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass

from kzpolicy.kb import expr, schema
from kzpolicy.kb.knowledge import KnowledgeBase

__all__ = ["EngineFiring", "Production", "productions", "strata"]


@dataclass(frozen=True, slots=True)
class EngineFiring:
    """A production that fired: its rule, the literals it matched, the phase."""

    rule: schema.Rule
    matched: frozenset[str]
    phase: int


@dataclass(frozen=True, slots=True)
class Production:
    """One conjunction of a rule's `when`: it fires when every literal it needs is present.

    ``needs`` are the literals sorted (``X``, or ``not:X`` for X asserted false);
    ``firings`` are its :class:`EngineFiring` in phase 1 and in phase 2, frozen and shared
    by every run.
    """

    id: str
    rule: schema.Rule
    matched: frozenset[str]
    needs: tuple[str, ...]
    stratum: int
    firings: tuple[EngineFiring, EngineFiring]


def _expand(kb: KnowledgeBase) -> tuple[Production, ...]:
    depth = strata(kb)
    return tuple(
        Production(f"{rule.id}#{k}", rule, conj, tuple(sorted(conj)), depth[rule.id],
                   (EngineFiring(rule, conj, 1), EngineFiring(rule, conj, 2)))
        for rule in kb.rules
        for k, conj in enumerate(expr.dnf(rule.when))
    )


def productions(kb: KnowledgeBase) -> tuple[Production, ...]:
    """Every production of ``kb``, in definition order (rule by rule, conjunction by
    conjunction); built once per knowledge base. Durable's priority is the stratum, then
    this order: ``sorted(productions(kb), key=lambda p: p.stratum)``."""
    return kb.derived(_expand)


def strata(kb: KnowledgeBase) -> dict[str, int]:
    """Depth of each rule: 0 over conditions only, else 1 + depth of what it reads.

    A depth-first walk that skips rules already on its path (cycles) and keeps the first
    depth found for each rule; it runs on an explicit stack, so a chain of thousands of
    rules does not exhaust Python's recursion limit. What a fact's producers give its
    readers is kept per fact (:class:`_FactDepth`), so a fact produced by many rules and
    read by many costs its producers once, not once per reader: the walk is linear in
    the rules and their references.
    """
    producers: dict[str, list[schema.Rule]] = {}
    for r in kb.rules:
        for t in r.then:
            producers.setdefault(t, []).append(r)
    depth: dict[str, int] = {}
    on_path: set[str] = set()
    known: dict[str, _FactDepth] = {}

    def visit(rule: schema.Rule) -> Generator[schema.Rule, int, int]:
        """One rule's depth; yields each producer to visit first, and is sent its depth."""
        d = 0
        for ref in expr.refs(rule.when):
            if ref in kb.scenarios:
                d = max(d, 1)
            found = producers.get(ref)
            if found is None:
                continue
            fact = known.setdefault(ref, _FactDepth())
            while fact.next < len(found):  # the producers no reader has looked at yet
                p = found[fact.next]
                fact.next += 1
                if p.id in depth:
                    fact.deepest = max(fact.deepest, depth[p.id])
                elif p.id not in on_path:  # on the path: counted when its walk ends
                    yield p
            d = max(d, 1 + fact.deepest)
        depth[rule.id] = d
        for t in rule.then:  # every reader from now on sees this producer
            if t in known:
                known[t].deepest = max(known[t].deepest, d)
        return d

    for r in kb.rules:
        if r.id in depth:
            continue
        on_path.add(r.id)
        frames = [(r.id, visit(r))]
        sent: int | None = None  # None: the frame on top has not started yet
        while frames:
            walk = frames[-1][1]
            try:
                child = next(walk) if sent is None else walk.send(sent)
            except StopIteration as done:
                on_path.discard(frames.pop()[0])
                sent = done.value
            else:
                on_path.add(child.id)
                frames.append((child.id, visit(child)))
                sent = None
    return depth


@dataclass(slots=True)
class _FactDepth:
    """One fact's producers as its readers have seen them, shared by every reader: a
    reader sees the deepest producer whose walk has ended (one still on the path is
    skipped, as a walk over every producer skips it)."""

    next: int = 0
    """The producers before this one have been looked at (visited, or skipped)."""
    deepest: int = -1
    """The deepest producer whose walk has ended (-1: none yet)."""
