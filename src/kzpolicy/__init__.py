"""kzpolicy: a decision-support rules engine built from one article.

Shaymergenov & Biekenov, "Kazakhstan and NATO: Evaluation of Cooperation
Prospects" (Central Asia and the Caucasus, 2010, CC BY). The article's content
lives as data in rules/; this package loads it (:func:`load`), validates it,
and assesses the conditions a caller asserts (:func:`assess`) on the
durable-rules engine, returning the implied scenario, the risks flagged and why.

Public API (everything else is internal)::

    load(path=None, *, limits=None, reading=None) -> KnowledgeBase   ReadingLimits(...)
    check(path=None, *, limits=None, reading=None) -> list[Problem]
    assess(conditions=None, *, preset=None, kb=None, engine="durable", reading=None)
    assess_many(conditions_list=(), *, columns=None, preset=None, kb=None) -> Batch
    what_if(base=None, changes=None, *, preset=None, kb=None) -> WhatIf
    tipping_points(base=None, *, preset=None, max_size=3, kb=None, ...) -> TippingPoints
    why_not(conditions=None, item, *, preset=None, kb=None, budget=None) -> WhyNot
    counterfactuals(conditions=None, target, *, preset=None, max_changes=None, ...)
    stability(conditions=None, *, preset=None, kb=None, beliefs=None, budget=None)
    SearchBudget(changes=None, nodes=2_000_000, seconds=10.0)   the bound of every search
    landscape(context=None, *, preset=None, kb=None, method="auto") -> Landscape
    monte_carlo(probabilities, *, fixed=None, preset=None, samples=100_000, seed=None)
    probabilities(beliefs, *, fixed=None, preset=None, kb=None, exact=False) -> Probabilities
    sensitivity(beliefs, *, fixed=None, preset=None, kb=None, exact=False, by=None)
    render(result, format="text", *, kb=None) -> str      text, markdown, html
    explain(assessment, *, kb=None) -> str       the chain of reasons, as a.explain()
    graph(kb=None, *, format="dot", assessment=None, reading=None) -> str   dot, mermaid
    schemas() -> dict[str, dict]                 the JSON Schema of every result type
    robustness(conditions=None, *, readings=None, preset=None, kb=None) -> Robustness
    diff(a=None, b=None, *, reading=None, context=None) -> KnowledgeBaseDiff
    situation(path) -> Situation                 a situation file: dated beliefs, evidence
    assess_situation(situation, *, conditions=None, preset=None, kb=None, ...)
                                                 -> SituationAssessment
    timeline(source, *, kb=None, reading=None, max_cause=3) -> Timeline
    replay(log, *, kb=None, reading=None, max_changes=10_000) -> Replay   a decision log
    DecisionLog(path).append(operation, input, result, kb_version=..., reading=...)
    Reading(id=..., changes=[...])               a reading as data; read_reading(path)

Every call that reads a knowledge base takes ``reading=`` too: a stock reading's name
(``"stated-only"``), names joined by ``+``, a reading file, a ``Reading``, or a list.

The package is layered (imports flow one way, checked by import-linter):
``cli`` > ``serve`` | ``bdd`` > ``report`` > ``operations`` > ``journal`` > ``analysis`` >
``engine`` > ``kb`` > ``errors`` (``kzpolicy.serve.create_app`` is the web application of
``kzpolicy serve``; ``kzpolicy.operations`` lists what it and the CLI offer).
Every name here loads on first use, so ``import kzpolicy`` loads neither
durable-rules nor numpy.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from kzpolicy import errors as _errors
from kzpolicy.errors import (
    ArgumentTypeError,
    ConeTooLargeError,
    DecisionLogError,
    EngineError,
    InputError,
    KnowledgeBaseError,
    KzPolicyError,
    Problem,
    RulesFileError,
    UnknownConditionError,
    UnknownIdError,
    ValidationError,
)

if TYPE_CHECKING:
    from kzpolicy.analysis.bounds import SearchBudget, Work
    from kzpolicy.analysis.counterfactuals import (
        ChangeSet,
        ConcreteSet,
        Counterfactuals,
        FactorPick,
        Target,
        counterfactuals,
    )
    from kzpolicy.analysis.diff import (
        EntryChange,
        FieldChange,
        ItemImpact,
        KnowledgeBaseDiff,
        ScenarioMove,
        diff,
    )
    from kzpolicy.analysis.landscape import FactorInfluence, ItemFrequency, Landscape, landscape
    from kzpolicy.analysis.montecarlo import Estimate, ItemEstimate, MonteCarlo, monte_carlo
    from kzpolicy.analysis.probabilities import (
        ItemProbability,
        Probabilities,
        ScenarioProbability,
        probabilities,
    )
    from kzpolicy.analysis.robustness import Holds, ReadingOutcome, Robustness, robustness
    from kzpolicy.analysis.sensitivity import (
        BeliefSensitivity,
        ScenarioChange,
        Sensitivity,
        Swing,
        sensitivity,
    )
    from kzpolicy.analysis.stability import Lead, Relevance, Stability, Verdict, stability
    from kzpolicy.analysis.tipping import TippingPoint, TippingPoints, tipping_points
    from kzpolicy.analysis.whatif import (
        ConditionChange,
        ItemRef,
        RuleRef,
        ScenarioShift,
        WhatIf,
        what_if,
    )
    from kzpolicy.analysis.whynot import (
        DecisionWhy,
        Route,
        RouteLiteral,
        ShareRow,
        WhyNot,
        why_not,
    )
    from kzpolicy.engine.assess import assess
    from kzpolicy.engine.batch.columns import Batch
    from kzpolicy.engine.batch.many import assess_many
    from kzpolicy.engine.conditions import Conditions
    from kzpolicy.engine.results import (
        Advantage,
        Assessment,
        ConditionRef,
        Contested,
        FindingRef,
        Flagged,
        Judgement,
        OutcomeRef,
        ScenarioResult,
        Step,
        TraceStep,
    )
    from kzpolicy.journal.evidence import EvidenceRef, SituationAssessment, assess_situation
    from kzpolicy.journal.log import DecisionLog
    from kzpolicy.journal.replay import Replay, ReplayChange, ReplaySkip, replay
    from kzpolicy.journal.situation import Belief, Situation, situation
    from kzpolicy.journal.timeline import (
        BeliefChange,
        Difference,
        Timeline,
        TimelineEntry,
        timeline,
    )
    from kzpolicy.kb.knowledge import CellStatus, FactorInfo, ItemInfo, KnowledgeBase
    from kzpolicy.kb.limits import ReadingLimits
    from kzpolicy.kb.loading import check, load
    from kzpolicy.kb.reading import Reading, read_reading
    from kzpolicy.kb.schema import Locator
    from kzpolicy.report.render import explain, graph, render
    from kzpolicy.report.schemas import schemas

    __version__: str

#: public name -> the module that defines it (loaded on first use)
_LAZY: dict[str, str] = {
    "assess": "kzpolicy.engine.assess",
    "assess_many": "kzpolicy.engine.batch.many",
    "Batch": "kzpolicy.engine.batch.columns",
    "Conditions": "kzpolicy.engine.conditions",
    **dict.fromkeys(
        ["Advantage", "Assessment", "ConditionRef", "Contested", "FindingRef", "Flagged",
         "Judgement", "OutcomeRef", "ScenarioResult", "Step", "TraceStep"],
        "kzpolicy.engine.results",
    ),
    **dict.fromkeys(["CellStatus", "FactorInfo", "ItemInfo", "KnowledgeBase"],
                    "kzpolicy.kb.knowledge"),
    "check": "kzpolicy.kb.loading",
    **dict.fromkeys(["Reading", "read_reading"], "kzpolicy.kb.reading"),
    **dict.fromkeys(["EntryChange", "FieldChange", "ItemImpact", "KnowledgeBaseDiff",
                     "ScenarioMove", "diff"], "kzpolicy.analysis.diff"),
    **dict.fromkeys(["Holds", "ReadingOutcome", "Robustness", "robustness"],
                    "kzpolicy.analysis.robustness"),
    "load": "kzpolicy.kb.loading",
    "ReadingLimits": "kzpolicy.kb.limits",
    "Locator": "kzpolicy.kb.schema",
    **dict.fromkeys(["FactorInfluence", "ItemFrequency", "Landscape", "landscape"],
                    "kzpolicy.analysis.landscape"),
    **dict.fromkeys(["Estimate", "ItemEstimate", "MonteCarlo", "monte_carlo"],
                    "kzpolicy.analysis.montecarlo"),
    **dict.fromkeys(["ItemProbability", "Probabilities", "ScenarioProbability", "probabilities"],
                    "kzpolicy.analysis.probabilities"),
    **dict.fromkeys(["BeliefSensitivity", "ScenarioChange", "Sensitivity", "Swing",
                     "sensitivity"], "kzpolicy.analysis.sensitivity"),
    **dict.fromkeys(
        ["ConditionChange", "ItemRef", "RuleRef", "ScenarioShift", "WhatIf", "what_if"],
        "kzpolicy.analysis.whatif",
    ),
    **dict.fromkeys(["TippingPoint", "TippingPoints", "tipping_points"],
                    "kzpolicy.analysis.tipping"),
    **dict.fromkeys(["DecisionWhy", "Route", "RouteLiteral", "ShareRow", "WhyNot", "why_not"],
                    "kzpolicy.analysis.whynot"),
    **dict.fromkeys(["ChangeSet", "ConcreteSet", "Counterfactuals", "FactorPick", "Target",
                     "counterfactuals"], "kzpolicy.analysis.counterfactuals"),
    **dict.fromkeys(["Lead", "Relevance", "Stability", "Verdict", "stability"],
                    "kzpolicy.analysis.stability"),
    **dict.fromkeys(["SearchBudget", "Work"], "kzpolicy.analysis.bounds"),
    **dict.fromkeys(["explain", "graph", "render"], "kzpolicy.report.render"),
    "schemas": "kzpolicy.report.schemas",
    "DecisionLog": "kzpolicy.journal.log",
    **dict.fromkeys(["Replay", "ReplayChange", "ReplaySkip", "replay"],
                    "kzpolicy.journal.replay"),
    **dict.fromkeys(["Belief", "Situation", "situation"], "kzpolicy.journal.situation"),
    **dict.fromkeys(["EvidenceRef", "SituationAssessment", "assess_situation"],
                    "kzpolicy.journal.evidence"),
    **dict.fromkeys(["BeliefChange", "Difference", "Timeline", "TimelineEntry", "timeline"],
                    "kzpolicy.journal.timeline"),
}

_ERRORS = [name for name in _errors.__all__ if name[0].isupper()]

__all__ = [
    "Advantage",
    "ArgumentTypeError",
    "Assessment",
    "Batch",
    "Belief",
    "BeliefChange",
    "BeliefSensitivity",
    "CellStatus",
    "ChangeSet",
    "ConcreteSet",
    "ConditionChange",
    "ConditionRef",
    "Conditions",
    "ConeTooLargeError",
    "Contested",
    "Counterfactuals",
    "DecisionLog",
    "DecisionLogError",
    "DecisionWhy",
    "Difference",
    "EngineError",
    "EntryChange",
    "Estimate",
    "EvidenceRef",
    "FactorInfluence",
    "FactorInfo",
    "FactorPick",
    "FieldChange",
    "FindingRef",
    "Flagged",
    "Holds",
    "InputError",
    "ItemEstimate",
    "ItemFrequency",
    "ItemImpact",
    "ItemInfo",
    "ItemProbability",
    "ItemRef",
    "Judgement",
    "KnowledgeBase",
    "KnowledgeBaseDiff",
    "KnowledgeBaseError",
    "KzPolicyError",
    "Landscape",
    "Lead",
    "Locator",
    "MonteCarlo",
    "OutcomeRef",
    "Probabilities",
    "Problem",
    "Reading",
    "ReadingLimits",
    "ReadingOutcome",
    "Relevance",
    "Replay",
    "ReplayChange",
    "ReplaySkip",
    "Robustness",
    "Route",
    "RouteLiteral",
    "RuleRef",
    "RulesFileError",
    "ScenarioChange",
    "ScenarioMove",
    "ScenarioProbability",
    "ScenarioResult",
    "ScenarioShift",
    "SearchBudget",
    "Sensitivity",
    "ShareRow",
    "Situation",
    "SituationAssessment",
    "Stability",
    "Step",
    "Swing",
    "Target",
    "Timeline",
    "TimelineEntry",
    "TippingPoint",
    "TippingPoints",
    "TraceStep",
    "UnknownConditionError",
    "UnknownIdError",
    "ValidationError",
    "Verdict",
    "WhatIf",
    "WhyNot",
    "Work",
    "__version__",
    "assess",
    "assess_many",
    "assess_situation",
    "check",
    "counterfactuals",
    "diff",
    "explain",
    "graph",
    "landscape",
    "load",
    "monte_carlo",
    "probabilities",
    "read_reading",
    "render",
    "replay",
    "robustness",
    "schemas",
    "sensitivity",
    "situation",
    "stability",
    "timeline",
    "tipping_points",
    "what_if",
    "why_not",
]

for _name in _ERRORS:
    globals()[_name].__module__ = "kzpolicy"


def __getattr__(name: str) -> Any:
    if name == "__version__":  # read on first use (it costs a metadata scan)
        from kzpolicy._version import installed_version

        found = globals()["__version__"] = installed_version()
        return found
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'kzpolicy' has no attribute {name!r}")
    loaded = importlib.import_module(module)
    for public, home in _LAZY.items():  # every public name of that module, at once
        if home == module and public not in globals():
            value = getattr(loaded, public)
            if isinstance(value, type):
                value.__module__ = "kzpolicy"  # public classes report the public module
            globals()[public] = value
    return globals()[name]


def __dir__() -> list[str]:
    return list(__all__)
