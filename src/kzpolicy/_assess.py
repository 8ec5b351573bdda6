"""assess(): from asserted conditions to the implied scenario, the flagged items and why."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal

from . import _expr
from ._decision import Outcome, decide
from ._engine import EngineFiring, compiled
from .conditions import ConditionInput, resolve
from .errors import InputError
from .knowledge import KnowledgeBase, load
from .results import (
    Advantage,
    Assessment,
    Flagged,
    Judgement,
    OutcomeRef,
    ScenarioResult,
    Step,
    TraceStep,
    trusted,
)

__all__ = ["assess", "build_assessment"]

RISK_KINDS = ("threat", "weakness", "rivalry", "consequence")
ENGAGED_KINDS = ("strength", "opportunity")


def assess(
    conditions: ConditionInput = None,
    *,
    preset: str | None = None,
    kb: KnowledgeBase | None = None,
    engine: Literal["durable", "compiled"] = "durable",
) -> Assessment:
    """Assess the conditions the caller believes hold.

    ``conditions`` maps condition IDs to True/False, or is a list of IDs (all
    true), or a :class:`~kzpolicy.Conditions`; IDs left out are unknown.
    ``preset`` starts from a named preset of rules/presets.yaml and overlays
    ``conditions`` on it. ``kb`` defaults to the stock knowledge base.
    ``engine`` picks the rule engine: durable-rules (the default) or the
    compiled bitset evaluator; both give the same result.
    """
    base = kb if kb is not None else load()
    asserted = resolve(base, conditions, preset=preset)
    outcome = decide(base, asserted)
    if engine == "durable":
        firings = compiled(base).run(asserted, outcome.scenario)
    elif engine == "compiled":
        from ._compiled import bitset

        firings = bitset(base).run(asserted, outcome.scenario)
    else:
        raise InputError(f"unknown engine {engine!r}; use 'durable' or 'compiled'")
    return build_assessment(base, asserted, outcome, firings)


def _render_literal(lit: str) -> str:
    if lit.startswith(_expr.NEGATION_PREFIX):
        return "not " + lit[len(_expr.NEGATION_PREFIX):]
    return lit


def _root(lit: str) -> str:
    if lit.startswith(_expr.NEGATION_PREFIX):
        return lit[len(_expr.NEGATION_PREFIX):] + "=false"
    return lit


def build_assessment(
    kb: KnowledgeBase,
    asserted: Mapping[str, bool],
    outcome: Outcome,
    firings: Sequence[EngineFiring],
) -> Assessment:
    """Assemble the result from the decision and the engine's firings (any engine)."""
    conditions = set(kb.condition_ids)
    dec = kb.decision
    # steps in firing order: phase-1 firings, the decision, phase-2 firings
    steps: list[Step] = []
    produced: dict[str, list[int]] = {}
    upstream: list[set[int]] = []
    roots: list[set[str]] = []
    direct_stance: dict[str, set[str]] = {}
    trace: list[TraceStep] = []

    def add(step: Step, targets: Sequence[str], deps: set[int], own_roots: set[str]) -> None:
        index = len(steps)
        closure = set(deps)
        rts = set(own_roots)
        for d in deps:
            closure |= upstream[d]
            rts |= roots[d]
        steps.append(step)
        upstream.append(closure)
        roots.append(rts)
        for t in targets:
            produced.setdefault(t, []).append(index)
            direct_stance.setdefault(t, set()).add(step.stance)
        trace.append(trusted(TraceStep, order=index + 1, rule=step.rule, label=step.label,
                               locator=step.locator, flagged=tuple(targets)))

    def deps_of(matched: frozenset[str]) -> tuple[set[int], set[str]]:
        deps: set[int] = set()
        own: set[str] = set()
        for lit in matched:
            name = lit.removeprefix(_expr.NEGATION_PREFIX)
            if name in conditions:
                own.add(_root(lit))
            else:
                earlier = [i for i in produced.get(lit, [])]
                deps.update(earlier)
        return deps, own

    def fire(f: EngineFiring) -> None:
        deps, own = deps_of(f.matched)
        rts = set(own)
        for d in deps:
            rts |= roots[d]
        step = trusted(Step, rule=f.rule.id, label=f.rule.label, locator=f.rule.locator,
                    stance=f.rule.stance,
                    matched=tuple(sorted(_render_literal(m) for m in f.matched)),
                    conditions=tuple(sorted(rts)))
        add(step, f.rule.then, deps, own)

    for f in firings:
        if f.phase == 1:
            fire(f)
    decision_step = trusted(Step, rule=dec.id, label=dec.label, locator=dec.locator, stance=dec.stance,
                         matched=outcome.evidence, conditions=outcome.evidence)
    add(decision_step, [outcome.scenario], set(), set(outcome.evidence))
    for f in firings:
        if f.phase == 2:
            fire(f)

    def flagged(ident: str) -> Flagged:
        info = kb.items[ident]
        chain: set[int] = set()
        for i in produced[ident]:
            chain.add(i)
            chain |= upstream[i]
        stance = "stated" if "stated" in direct_stance[ident] else "interpretation"
        return trusted(Flagged, id=ident, kind=info.kind, label=info.label, locator=info.locator,
                       stance=stance, because=tuple(steps[i] for i in sorted(chain)))

    order = {ident: n for n, ident in enumerate(kb.items)}
    hits = sorted((i for i in produced if i in kb.items), key=order.__getitem__)
    risks = tuple(flagged(i) for k in RISK_KINDS for i in hits if kb.items[i].kind == k)
    engaged = tuple(flagged(i) for k in ENGAGED_KINDS for i in hits if kb.items[i].kind == k)

    sc = kb.scenarios[outcome.scenario]
    scenario = trusted(ScenarioResult, 
        id=sc.id, label=sc.label, shares=dict(outcome.shares), threshold=dec.threshold,
        margin=outcome.margin, runner_up=outcome.runner_up,
        decided_by="threshold" if outcome.decided_by == "threshold" else "default",
        reason=outcome.reason, evidence=outcome.evidence,
        advantage=trusted(Advantage, side=sc.advantage.side, statement=sc.advantage.statement,
                            locator=sc.advantage.locator),
        judgement=trusted(Judgement, desirable=sc.judgement.desirable,
                            likelihood=sc.judgement.likelihood,
                            rational=sc.judgement.rational,
                            statement=sc.judgement.statement, locator=sc.judgement.locator),
        consequences=tuple(trusted(OutcomeRef, id=c.id, label=c.label, statement=c.statement,
                                      locator=c.locator) for c in sc.consequences),
    )
    return trusted(Assessment, 
        kb_version=kb.version,
        asserted=dict(asserted),
        scenario=scenario,
        risks=risks,
        engaged=engaged,
        unknown=tuple(c for c in kb.condition_ids if c not in asserted),
        warnings=outcome.warnings,
        trace=tuple(trace),
    )
