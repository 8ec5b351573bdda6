"""Building an Assessment from the decision and an engine's firings (any engine).

:class:`_Builder` (one per knowledge base) turns firings into the trace, the flagged
items with their chains of steps, the scenario result and the findings; the parts are
built when first read (:func:`~kzpolicy.engine.results.deferred`). Frozen parts that
recur across assessments are memoised in bounded dictionaries.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import NamedTuple

from kzpolicy.engine import results
from kzpolicy.engine.decision import ScenarioDecision, outcome_label
from kzpolicy.engine.network import EngineFiring
from kzpolicy.engine.results import (
    Assessment,
    Contested,
    FindingRef,
    Flagged,
    ScenarioResult,
    Step,
    TraceStep,
)
from kzpolicy.kb import expr, schema
from kzpolicy.kb.kinds import GROUP_OF, KINDS
from kzpolicy.kb.knowledge import KnowledgeBase

__all__ = ["build_assessment"]


def _render_literal(lit: str) -> str:
    if lit.startswith(expr.NEGATION_PREFIX):
        return "not " + lit[len(expr.NEGATION_PREFIX):]
    return lit


def _root(lit: str) -> str:
    if lit.startswith(expr.NEGATION_PREFIX):
        return lit[len(expr.NEGATION_PREFIX):] + "=false"
    return lit


_CACHE_LIMIT = 4096


class _Prepared(NamedTuple):
    """The fixed part of a firing: rendered literals, root conditions, derived literals,
    the step itself when it depends on no derived fact, and the targets."""

    rendered: tuple[str, ...]
    own: frozenset[str]
    derived: tuple[str, ...]
    static: Step | None
    targets: tuple[str, ...]


class _Builder:
    """Builds Assessments for one knowledge base, reusing the immutable parts.

    Steps, trace entries, flagged items, scenario results and the parts of a whole
    firing pattern are frozen values that recur across assessments; they are memoised
    in bounded dictionaries (cleared when full) so the hot path creates few objects.
    Safe under threads: a lost race only builds an equal object twice.
    """

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.conditions = frozenset(kb.condition_ids)
        rank = {k.id: n for n, k in enumerate(KINDS)}
        self.sort_key = {i: (rank.get(info.kind, 99), n)
                         for n, (i, info) in enumerate(kb.items.items())}
        self.prep: dict[tuple[str, frozenset[str]], _Prepared] = {}
        self.steps: dict[tuple[str, frozenset[str], frozenset[str]], Step] = {}
        self.traces: dict[tuple[int, int], TraceStep] = {}
        self.flags: dict[tuple[str, tuple[int, ...], bool, bool], Flagged] = {}
        self.scenarios: dict[tuple[object, ...], ScenarioResult] = {}
        self.patterns: dict[tuple[object, ...], _Parts] = {}
        #: every condition some item presupposes: whether the caller denies one decides
        #: which items are contested
        self.presupposed = kb.presupposed
        self.denials = tuple(sorted({c for cs in kb.presupposed.values() for c in cs}))
        dec = kb.decision
        self.decision_rule = dec
        self.finding_index: dict[str, list[int]] = {}
        self.finding_list = tuple(kb.findings.values())
        for n, fd in enumerate(self.finding_list):
            for ident in fd.concerns:
                self.finding_index.setdefault(ident, []).append(n)
        self.noted: dict[tuple[str, ...], tuple[FindingRef, ...]] = {}

    def _prepared(self, rule: schema.Rule, matched: frozenset[str]) -> _Prepared:
        """What a firing of ``rule`` on ``matched`` always contributes (memoised)."""
        key = (rule.id, matched)
        found = self.prep.get(key)
        if found is None:
            conditions = self.conditions
            own = frozenset(_root(m) for m in matched
                            if m.removeprefix(expr.NEGATION_PREFIX) in conditions)
            derived = tuple(m for m in matched
                            if m.removeprefix(expr.NEGATION_PREFIX) not in conditions)
            rendered = tuple(sorted(_render_literal(m) for m in matched))
            static = None if derived else self._step(rule, matched, rendered, own)
            found = self.prep[key] = _Prepared(rendered, own, derived, static, tuple(rule.then))
        return found

    def _step(self, rule: schema.Rule | schema.Decision, matched: frozenset[str],
              rendered: tuple[str, ...], roots: frozenset[str]) -> Step:
        key = (rule.id, matched, roots)
        step = self.steps.get(key)
        if step is None:
            if len(self.steps) >= _CACHE_LIMIT:
                self.steps.clear()
            step = self.steps[key] = results.trusted(
                Step, rule=rule.id, label=rule.label, locator=rule.locator, stance=rule.stance,
                matched=rendered, conditions=tuple(sorted(roots)))
        return step

    def _trace(self, order: int, step: Step, targets: tuple[str, ...]) -> TraceStep:
        if len(self.traces) >= _CACHE_LIMIT:
            self.traces.clear()
        entry = self.traces[(order - 1, id(step))] = results.trusted(
            TraceStep, order=order, rule=step.rule, label=step.label,
            locator=step.locator, flagged=targets)
        return entry

    def _scenario(self, outcome: ScenarioDecision) -> ScenarioResult:
        key = (outcome.scenario, tuple(outcome.shares.items()), outcome.runner_up,
               outcome.margin, outcome.decided_by, outcome.evidence, outcome.reason)
        found = self.scenarios.get(key)
        if found is None:
            if len(self.scenarios) >= _CACHE_LIMIT:
                self.scenarios.clear()
            dec = self.kb.decision
            found = self.scenarios[key] = results.trusted(
                ScenarioResult, id=outcome.scenario,
                label=outcome_label(self.kb, outcome.scenario), shares=dict(outcome.shares),
                counts=dict(outcome.counts), form=dec.form, threshold=dec.threshold,
                strict=dec.strict, margin=outcome.margin, runner_up=outcome.runner_up,
                decided_by=outcome.decided_by, reason=outcome.reason,
                evidence=outcome.evidence, stance=dec.stance,
                basis="asserted" if outcome.evidence or outcome.decided_by == "undecided"
                else "default",
                **self._verdict(outcome.scenario))
        return found

    def _verdict(self, scenario: str) -> dict[str, object]:
        """What the article says of the implied scenario: advantage, judgement and
        consequences (none when no scenario is implied)."""
        sc = self.kb.scenarios.get(scenario)
        if sc is None:
            return {"advantage": None, "judgement": None, "consequences": ()}
        return {
            "advantage": results.trusted(results.Advantage, side=sc.advantage.side,
                                         statement=sc.advantage.statement,
                                         locator=sc.advantage.locator),
            "judgement": results.trusted(results.Judgement, desirable=sc.judgement.desirable,
                                         likelihood=sc.judgement.likelihood,
                                         rational=sc.judgement.rational,
                                         statement=sc.judgement.statement,
                                         locator=sc.judgement.locator),
            "consequences": tuple(results.trusted(results.OutcomeRef, id=c.id, label=c.label,
                                                  statement=c.statement, locator=c.locator)
                                  for c in sc.consequences)}

    def build(self, asserted: Mapping[str, bool], outcome: ScenarioDecision,
              firings: Sequence[EngineFiring]) -> Assessment:
        """The assessment; its explanation parts are built when first read (see
        :class:`~kzpolicy.engine.results.Assessment`), from what is kept here."""
        given = dict(asserted)
        return results.deferred(
            kb_version=self.kb.version,
            reading=self.kb.reading,
            asserted=given,
            warnings=outcome.warnings,
            rest=functools.partial(self.parts, given, outcome, tuple(firings)),
        )

    def parts(self, asserted: Mapping[str, bool], outcome: ScenarioDecision,
              firings: Sequence[EngineFiring]) -> dict[str, object]:
        """The deferred fields of one assessment: scenario, items, trace, findings."""
        # The trace and the items depend only on the firing pattern (which production
        # fired on which literals, in which phase, and the decision) and on which
        # presupposed conditions the caller denies: memoised.
        denied = tuple([c for c in self.denials if asserted.get(c) is False])
        pattern = (outcome.scenario, outcome.evidence, denied,
                   tuple([(f.rule.id, f.matched, f.phase) for f in firings]))
        parts = self.patterns.get(pattern)
        if parts is None:
            if len(self.patterns) >= _CACHE_LIMIT:
                self.patterns.clear()
            parts = self.patterns[pattern] = self._parts(outcome, firings, frozenset(denied))
        findings: tuple[FindingRef, ...] = ()
        if self.finding_index:
            findings = self._findings(asserted, outcome.scenario, parts.reached)
        return {
            "scenario": self._scenario(outcome),
            "outcomes": parts.groups["outcomes"],
            "risks": parts.groups["risks"],
            "engaged": parts.groups["engaged"],
            "contested": parts.contested,
            "unknown": tuple([c for c in self.kb.condition_ids if c not in asserted]),
            "trace": parts.trace,
            "findings": findings,
        }

    def _findings(self, asserted: Mapping[str, bool], scenario: str,
                  reached: tuple[Flagged, ...]) -> tuple[FindingRef, ...]:
        """The findings whose concerns this result flags, implies or asserts true."""
        index = self.finding_index
        present = [scenario] if scenario in index else []
        present += [f.id for f in reached if f.id in index]
        present += [c for c, v in asserted.items() if v and c in index]
        key = tuple(sorted(present))
        found = self.noted.get(key)
        if found is None:
            hits: dict[int, list[str]] = {}
            for ident in present:
                for n in index[ident]:
                    hits.setdefault(n, []).append(ident)
            refs = []
            for n in sorted(hits):
                fd = self.finding_list[n]
                noted = tuple(c for c in fd.concerns if c in hits[n])
                refs.append(results.trusted(
                    FindingRef, id=fd.id, label=fd.label, statement=fd.statement,
                    locator=fd.locator, stance=fd.stance, reason=fd.reason, noted_for=noted))
            if len(self.noted) >= _CACHE_LIMIT:
                self.noted.clear()
            found = self.noted[key] = tuple(refs)
        return found

    def _parts(self, outcome: ScenarioDecision, firings: Sequence[EngineFiring],
               denied: frozenset[str]) -> _Parts:
        """Trace, items by group, and contested items for one firing pattern."""
        chain = self._chain(outcome, firings)
        groups: dict[str, list[Flagged]] = {"outcomes": [], "risks": [], "engaged": []}
        contested: list[Contested] = []
        for ident in sorted((i for i in chain.produced if i in self.kb.items),
                            key=self.sort_key.__getitem__):
            flag = self._flag(ident, chain)
            against = [c for c in self.presupposed.get(ident, ()) if c in denied]
            if against:
                contested.append(self._contested(flag, against))
            else:
                groups[GROUP_OF[flag.kind]].append(flag)
        frozen = {name: tuple(items) for name, items in groups.items()}
        reached = (*frozen["outcomes"], *frozen["risks"], *frozen["engaged"])
        return _Parts(tuple(chain.trace), frozen, tuple(contested), reached)

    def _contested(self, flag: Flagged, denied: list[str]) -> Contested:
        """``flag`` reported as contested by the caller's denial of ``denied``."""
        kb = self.kb
        refs = tuple(results.trusted(
            results.ConditionRef, id=c, label=kb.label_of(c), locator=kb.locator_of(c),
            value=False) for c in denied)
        return results.trusted(
            Contested, id=flag.id, kind=flag.kind, label=flag.label, locator=flag.locator,
            stance=flag.stance, interpretations=flag.interpretations, basis=flag.basis,
            because=flag.because, denied=refs)

    def _chain(self, outcome: ScenarioDecision, firings: Sequence[EngineFiring]) -> _Chain:
        """Walk the firings in order, the decision between the two phases: each step, the
        steps it rests on, its root conditions, and what it produced."""
        chain = _Chain()
        empty: frozenset[int] = frozenset()
        evidence = frozenset(outcome.evidence)
        decision: tuple[Step, tuple[str, ...], frozenset[int], frozenset[str]] = (
            self._step(self.decision_rule, evidence, outcome.evidence, evidence),
            (outcome.scenario,), empty, evidence)
        ordered: list[EngineFiring | None] = [f for f in firings if f.phase == 1]
        ordered.append(None)  # the scenario decision, between the two phases
        ordered += [f for f in firings if f.phase == 2]
        # the decision alone, with no factor of its scenario asserted, is the default
        by_default = not outcome.evidence
        for f in ordered:
            derived: tuple[str, ...] = ()
            if f is None:
                step, targets, closure, rts = decision
            else:
                prep = self._prepared(f.rule, f.matched)
                targets = prep.targets
                if prep.static is not None:
                    step, closure, rts = prep.static, empty, prep.own
                else:
                    derived = prep.derived
                    deps = {i for lit in derived for i in chain.produced.get(lit, ())}
                    closure = frozenset(deps.union(*(chain.upstream[d] for d in deps)))
                    rts = prep.own.union(*(chain.roots[d] for d in deps))
                    step = self._step(f.rule, f.matched, prep.rendered, rts)
            self._record(chain, step, targets, closure, rts)
            # the best support of what it produces: a chain stated from end to end, and
            # one that rests on what was asserted rather than on the default
            stated = step.stance == "stated" and all(chain.stated.get(x, False)
                                                     for x in derived)
            asserted = not (f is None and by_default) and all(
                chain.asserted.get(x, False) for x in derived)
            for t in targets:
                chain.stated[t] = chain.stated.get(t, False) or stated
                chain.asserted[t] = chain.asserted.get(t, False) or asserted
        return chain

    def _record(self, chain: _Chain, step: Step, targets: tuple[str, ...],
                closure: frozenset[int], rts: frozenset[str]) -> None:
        """Add one step to the chain, with its trace entry (reused when unchanged)."""
        index = len(chain.steps)
        chain.steps.append(step)
        chain.upstream.append(closure)
        chain.roots.append(rts)
        for t in targets:
            chain.produced.setdefault(t, []).append(index)
        entry = self.traces.get((index, id(step)))
        if entry is None or entry.rule != step.rule or entry.flagged != targets:
            entry = self._trace(index + 1, step, targets)
        chain.trace.append(entry)

    def _flag(self, ident: str, chain: _Chain) -> Flagged:
        """One flagged item: the steps that produced it and every step they rest on."""
        producers = chain.produced[ident]
        steps, upstream = chain.steps, chain.upstream
        if len(producers) == 1 and not upstream[producers[0]]:
            because: tuple[Step, ...] = (steps[producers[0]],)
        else:
            closure = set(producers)
            for i in producers:
                closure |= upstream[i]
            because = tuple(steps[i] for i in sorted(closure))
        stated, asserted = chain.stated[ident], chain.asserted[ident]
        # a cached Flagged keeps its steps alive, so equal ids mean the same steps
        key = (ident, tuple(map(id, because)), stated, asserted)
        flag = self.flags.get(key)
        if flag is None:
            if len(self.flags) >= _CACHE_LIMIT:
                self.flags.clear()
            info = self.kb.items[ident]
            flag = self.flags[key] = results.trusted(
                Flagged, id=ident, kind=info.kind, label=info.label, locator=info.locator,
                stance="stated" if stated else "interpretation",
                interpretations=tuple(dict.fromkeys(
                    s.rule for s in because if s.stance != "stated")),
                basis="asserted" if asserted else "default", because=because)
        return flag


class _Parts(NamedTuple):
    """What one firing pattern (with the caller's denials) gives an assessment."""

    trace: tuple[TraceStep, ...]
    groups: dict[str, tuple[Flagged, ...]]
    """``outcomes``, ``risks``, ``engaged``: the items reached, by group."""
    contested: tuple[Contested, ...]
    reached: tuple[Flagged, ...]
    """Every item reached, in group order."""


class _Chain:
    """The steps of one assessment in firing order, and what each rests on."""

    __slots__ = ("asserted", "produced", "roots", "stated", "steps", "trace", "upstream")

    def __init__(self) -> None:
        self.steps: list[Step] = []
        self.upstream: list[frozenset[int]] = []  # per step: the steps it rests on
        self.roots: list[frozenset[str]] = []  # per step: the conditions it rests on
        self.produced: dict[str, list[int]] = {}  # fact -> the steps that produced it
        #: fact -> some chain reaches it with every step stated
        self.stated: dict[str, bool] = {}
        #: fact -> some chain reaches it without resting on the default scenario alone
        self.asserted: dict[str, bool] = {}
        self.trace: list[TraceStep] = []


def build_assessment(
    kb: KnowledgeBase,
    asserted: Mapping[str, bool],
    outcome: ScenarioDecision,
    firings: Sequence[EngineFiring],
) -> Assessment:
    """Assemble the result from the decision and the engine's firings (any engine)."""
    return kb.derived(_Builder).build(asserted, outcome, firings)
