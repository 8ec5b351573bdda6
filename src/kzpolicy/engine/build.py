"""Building an Assessment from the decision and an engine's firings (any engine).

:class:`_Builder` (one per knowledge base) turns firings into the trace, the flagged
items with their chains of steps, the scenario result and the findings; the parts are
built when first read (:func:`~kzpolicy.engine.results.deferred`). Frozen parts that
recur across assessments are memoised in bounded dictionaries.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from kzpolicy.engine import results
from kzpolicy.engine.chain import Chain, Preparations, Prepared, walk
from kzpolicy.engine.decision import ScenarioDecision, outcome_label
from kzpolicy.engine.findings import FindingIndex
from kzpolicy.engine.network import EngineFiring
from kzpolicy.engine.result_json import ResultJson
from kzpolicy.engine.results import (
    Assessment,
    Contested,
    FindingRef,
    Flagged,
    ScenarioResult,
    Step,
    TraceStep,
)
from kzpolicy.kb import schema
from kzpolicy.kb.kinds import GROUP_OF, KINDS
from kzpolicy.kb.knowledge import KnowledgeBase

__all__ = ["build_assessment"]


_CACHE_LIMIT = 4096


class _Builder:
    """Builds Assessments for one knowledge base, reusing the immutable parts.

    Steps, trace entries, flagged items, scenario results and the parts of a whole
    firing pattern are frozen values that recur across assessments; they are memoised
    in bounded dictionaries (cleared when full) so the hot path creates few objects.
    Safe under threads: a lost race only builds an equal object twice.
    """

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        rank = {k.id: n for n, k in enumerate(KINDS)}
        self.sort_key = {i: (rank.get(info.kind, 99), n)
                         for n, (i, info) in enumerate(kb.items.items())}
        self.preps = kb.derived(Preparations)
        #: the step of each production that rests on no derived fact: one per production,
        #: whatever the inputs (by the id of its fixed part, which it keeps alive)
        self.fixed: dict[int, tuple[Prepared, Step]] = {}
        self.steps: dict[tuple[str, frozenset[str], frozenset[str]], Step] = {}
        self.traces: dict[tuple[int, int], TraceStep] = {}
        self.flags: dict[tuple[object, ...], Flagged] = {}
        self.scenarios: dict[tuple[object, ...], ScenarioResult] = {}
        self.patterns: dict[tuple[object, ...], _Parts] = {}
        #: every condition some item presupposes: whether the caller denies one decides
        #: which items are contested
        self.presupposed = kb.presupposed
        self.denials = tuple(sorted({c for cs in kb.presupposed.values() for c in cs}))
        dec = kb.decision
        self.decision_rule = dec
        self.finder = kb.derived(FindingIndex)
        self.noted: dict[tuple[int, tuple[str, ...]], FindingRef] = {}
        #: per scenario (and the undecided outcome), the article's verdict: fixed
        self.verdicts: dict[str, dict[str, object]] = {}
        self.writers: dict[int | None, ResultJson] = {}

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
                basis=_basis(outcome),
                **self.verdict(outcome.scenario))
        return found

    def verdict(self, scenario: str) -> dict[str, object]:
        """What the article says of the implied scenario: advantage, judgement and
        consequences (none when no scenario is implied); made once per scenario."""
        found = self.verdicts.get(scenario)
        if found is None:
            found = self.verdicts[scenario] = self._verdict(scenario)
        return found

    def _verdict(self, scenario: str) -> dict[str, object]:
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
            rest=_Pending(self, given, outcome, tuple(firings)),
        )

    def writer(self, indent: int | None) -> ResultJson:
        """The JSON writer of this knowledge base for ``indent`` (one per indent)."""
        found = self.writers.get(indent)
        if found is None:
            found = self.writers[indent] = ResultJson(self.kb, indent)
        return found

    def json_text(self, values: Mapping[str, Any], outcome: ScenarioDecision,
                  firings: Sequence[EngineFiring], indent: int | None) -> str:
        """The JSON text of the assessment whose known fields are ``values``, as
        pydantic writes its models, without building them."""
        asserted: Mapping[str, bool] = values["asserted"]
        chain = walk(self.preps, outcome, firings)
        reached = self.reached(chain, self.denied(asserted))
        writer = self.writer(indent)
        parts = writer.items(chain, reached)
        parts["scenario"] = writer.scenario(outcome, _basis(outcome),
                                            self.verdict(outcome.scenario))
        parts["trace"] = writer.trace(chain)
        parts["findings"] = writer.findings_text(self.finder.bearing(
            asserted, outcome.scenario, [i for i, against in reached if not against]))
        return writer.assessment(values, parts)

    def forget(self) -> None:
        """Empty every table of parts that recur across assessments (as if this
        knowledge base had never been assessed, but for the fixed parts of its rules)."""
        for table in (self.steps, self.traces, self.flags, self.scenarios, self.patterns,
                      self.noted):
            table.clear()
        for writer in tuple(self.writers.values()):  # another thread may add one
            writer.forget()

    def parts(self, asserted: Mapping[str, bool], outcome: ScenarioDecision,
              firings: Sequence[EngineFiring]) -> dict[str, object]:
        """The deferred fields of one assessment: scenario, items, trace, findings."""
        # The trace and the items depend only on the firing pattern (which production
        # fired on which literals, in which phase, and the decision) and on which
        # presupposed conditions the caller denies: memoised.
        denied = self.denied(asserted)
        pattern = (outcome.scenario, outcome.evidence, denied,
                   tuple([(f.rule.id, f.matched, f.phase) for f in firings]))
        parts = self.patterns.get(pattern)
        if parts is None:
            if len(self.patterns) >= _CACHE_LIMIT:
                self.patterns.clear()
            parts = self.patterns[pattern] = self._parts(outcome, firings, denied)
        findings: tuple[FindingRef, ...] = ()
        if self.finder.index:
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
        finder, memo = self.finder, self.noted
        refs = []
        for found in finder.bearing(asserted, scenario, [f.id for f in reached]):
            ref = memo.get(found)
            if ref is None:
                if len(memo) >= _CACHE_LIMIT:
                    memo.clear()
                fd = finder.findings[found[0]]
                ref = memo[found] = results.trusted(
                    FindingRef, id=fd.id, label=fd.label, statement=fd.statement,
                    locator=fd.locator, stance=fd.stance, reason=fd.reason,
                    noted_for=found[1])
            refs.append(ref)
        return tuple(refs)

    def _parts(self, outcome: ScenarioDecision, firings: Sequence[EngineFiring],
               denied: tuple[str, ...]) -> _Parts:
        """Trace, items by group, and contested items for one firing pattern."""
        chain = walk(self.preps, outcome, firings)
        steps, trace = self._steps(chain)
        groups: dict[str, list[Flagged]] = {"outcomes": [], "risks": [], "engaged": []}
        contested: list[Contested] = []
        for ident, against in self.reached(chain, denied):
            flag = self._flag(ident, chain, steps)
            if against:
                contested.append(self._contested(flag, against))
            else:
                groups[GROUP_OF[flag.kind]].append(flag)
        frozen = {name: tuple(items) for name, items in groups.items()}
        reached = (*frozen["outcomes"], *frozen["risks"], *frozen["engaged"])
        return _Parts(tuple(trace), frozen, tuple(contested), reached)

    def denied(self, asserted: Mapping[str, bool]) -> tuple[str, ...]:
        """The presupposed conditions the caller asserted false."""
        return tuple([c for c in self.denials if asserted.get(c) is False])

    def reached(self, chain: Chain, denied: tuple[str, ...]
                ) -> list[tuple[str, Sequence[str]]]:
        """The items the chain produced, in the order results list them, each with the
        caller's denials (of ``denied``) that contest it: none, it is flagged."""
        items = self.kb.items
        ordered = sorted((i for i in chain.produced if i in items),
                         key=self.sort_key.__getitem__)
        if not denied:  # nothing denied: none contested
            return [(ident, ()) for ident in ordered]
        presupposed = self.presupposed
        return [(ident, [c for c in presupposed.get(ident, ()) if c in denied])
                for ident in ordered]

    def _contested(self, flag: Flagged, denied: Sequence[str]) -> Contested:
        """``flag`` reported as contested by the caller's denial of ``denied``."""
        kb = self.kb
        refs = tuple(results.trusted(
            results.ConditionRef, id=c, label=kb.label_of(c), locator=kb.locator_of(c),
            value=False) for c in denied)
        return results.trusted(
            Contested, id=flag.id, kind=flag.kind, label=flag.label, locator=flag.locator,
            stance=flag.stance, interpretations=flag.interpretations, basis=flag.basis,
            because=flag.because, denied=refs)

    def _steps(self, chain: Chain) -> tuple[list[Step], list[TraceStep]]:
        """The chain's steps as result models, and its trace (each reused when unchanged)."""
        steps: list[Step] = []
        trace: list[TraceStep] = []
        fixed, traces = self.fixed, self.traces
        for index, (prep, roots) in enumerate(zip(chain.preps, chain.roots, strict=True)):
            step: Step | None = None
            if not prep.derived:
                held = fixed.get(id(prep))
                if held is not None and held[0] is prep:
                    step = held[1]
                elif prep.rule is not self.decision_rule:  # a production's: fixed
                    step = self._step(prep.rule, prep.matched, prep.rendered, roots)
                    fixed[id(prep)] = (prep, step)
            if step is None:
                step = self._step(prep.rule, prep.matched, prep.rendered, roots)
            steps.append(step)
            entry = traces.get((index, id(step)))
            if entry is None or entry.rule != step.rule or entry.flagged != prep.targets:
                entry = self._trace(index + 1, step, prep.targets)
            trace.append(entry)
        return steps, trace

    def _flag(self, ident: str, chain: Chain, steps: list[Step]) -> Flagged:
        """One flagged item: the steps that produced it and every step they rest on."""
        indices, stated, asserted = chain.support(ident)
        because = tuple([steps[i] for i in indices])
        # a cached Flagged keeps its steps alive, so equal ids mean the same steps
        key = (ident, *map(id, because), stated, asserted)
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


def _basis(outcome: ScenarioDecision) -> str:
    """The scenario's basis: ``asserted`` when some of its factors are asserted true (or
    nothing is decided), else ``default``."""
    return "asserted" if outcome.evidence or outcome.decided_by == "undecided" else "default"


class _Pending:
    """What a deferred assessment needs to build its other fields (called), or to write
    its JSON text without them (:meth:`json_text`)."""

    __slots__ = ("asserted", "builder", "firings", "outcome")

    def __init__(self, builder: _Builder, asserted: Mapping[str, bool],
                 outcome: ScenarioDecision, firings: Sequence[EngineFiring]) -> None:
        self.builder, self.asserted, self.outcome, self.firings = (
            builder, asserted, outcome, firings)

    def __call__(self) -> dict[str, object]:
        return self.builder.parts(self.asserted, self.outcome, self.firings)

    def json_text(self, values: Mapping[str, Any], indent: int | None) -> str:
        return self.builder.json_text(values, self.outcome, self.firings, indent)


class _Parts(NamedTuple):
    """What one firing pattern (with the caller's denials) gives an assessment."""

    trace: tuple[TraceStep, ...]
    groups: dict[str, tuple[Flagged, ...]]
    """``outcomes``, ``risks``, ``engaged``: the items reached, by group."""
    contested: tuple[Contested, ...]
    reached: tuple[Flagged, ...]
    """Every item reached, in group order."""


def build_assessment(
    kb: KnowledgeBase,
    asserted: Mapping[str, bool],
    outcome: ScenarioDecision,
    firings: Sequence[EngineFiring],
) -> Assessment:
    """Assemble the result from the decision and the engine's firings (any engine)."""
    return kb.derived(_Builder).build(asserted, outcome, firings)
