"""The list of operations: one row per computation kzpolicy offers a caller.

    OPERATIONS        name, summary, the schema names of its results, what the API
                      answers (JSON or kzpolicy's HTML report) and its parts
    SCHEMA_NAMES      the names of ``kzpolicy schema``: the conditions, then every result
    schema_models()   those names -> their pydantic models

Derived from it: the API's POST routes and their OpenAPI entries (``kzpolicy.serve``),
the JSON Schemas of ``kzpolicy.schemas()``, ``kzpolicy schema`` and ``GET /v1/schema``
(``kzpolicy.report.render``), and the choices of ``kzpolicy schema --which``. A new
operation is a row here with its loader below, and its body in
:mod:`kzpolicy.operations.bodies` if the API serves it.

Reading the table imports nothing heavy: an operation's models and its library call
load when :attr:`Operation.parts` is first called, so the command line can read the
names without loading pydantic, numpy or an engine.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, NamedTuple

if TYPE_CHECKING:
    from pydantic import BaseModel

    from kzpolicy.operations.bodies import Body

__all__ = ["OPERATIONS", "SCHEMA_NAMES", "Operation", "Parts", "schema_models"]

Answer = Literal["json", "html"]


class Parts(NamedTuple):
    """What an operation is made of, imported on first use."""

    body: type[Body] | None
    """Its request body, which makes the library call; None: the API does not serve it."""
    results: tuple[type[BaseModel], ...]
    """Its result models, in the order of :attr:`Operation.results`."""


@dataclass(frozen=True)
class Operation:
    """One computation: what the API, the schemas and the command line know of it."""

    name: str
    """The command (``kzpolicy NAME``) and the route (``POST /v1/NAME``)."""
    summary: str
    """One line: what it gives (the summary of its OpenAPI entry)."""
    results: tuple[str, ...]
    """The schema names of what it returns (``kzpolicy schema --which NAME``)."""
    parts: Callable[[], Parts]
    """Its request body and result models (the first call imports them)."""
    answer: Answer = "json"
    """How the API answers: the result as JSON, or kzpolicy's HTML report of it."""

    @property
    def path(self) -> str:
        """Its route in the web API."""
        return f"/v1/{self.name}"


def _assess() -> Parts:
    from kzpolicy.engine.results import Assessment
    from kzpolicy.journal.evidence import SituationAssessment
    from kzpolicy.operations.bodies import AssessBody

    results = (Assessment, SituationAssessment)  # with a situation in the body, the latter
    return Parts(AssessBody, results)


def _what_if() -> Parts:
    from kzpolicy.analysis.whatif import WhatIf
    from kzpolicy.operations.bodies import WhatIfBody

    return Parts(WhatIfBody, (WhatIf,))


def _tipping_points() -> Parts:
    from kzpolicy.analysis.tipping import TippingPoints
    from kzpolicy.operations.bodies import TippingPointsBody

    return Parts(TippingPointsBody, (TippingPoints,))


def _reasoning(name: str) -> Parts:
    """The parts of the operations about what the caller has not said, by name."""
    from kzpolicy.analysis import counterfactuals, stability, whynot
    from kzpolicy.operations import bodies

    found: dict[str, tuple[type[Body], type[BaseModel]]] = {
        "why-not": (bodies.WhyNotBody, whynot.WhyNot),
        "counterfactuals": (bodies.CounterfactualsBody, counterfactuals.Counterfactuals),
        "stability": (bodies.StabilityBody, stability.Stability),
    }
    body, result = found[name]
    return Parts(body, (result,))


def _landscape() -> Parts:
    from kzpolicy.analysis.landscape import Landscape

    return Parts(None, (Landscape,))


def _monte_carlo() -> Parts:
    from kzpolicy.analysis.montecarlo import MonteCarlo
    from kzpolicy.operations.bodies import MonteCarloBody

    return Parts(MonteCarloBody, (MonteCarlo,))


def _probabilities() -> Parts:
    from kzpolicy.analysis.probabilities import Probabilities
    from kzpolicy.analysis.sensitivity import Sensitivity
    from kzpolicy.operations.bodies import ProbabilitiesBody

    return Parts(ProbabilitiesBody, (Probabilities, Sensitivity))


def _robustness() -> Parts:
    from kzpolicy.analysis.robustness import Robustness
    from kzpolicy.operations.bodies import RobustnessBody

    return Parts(RobustnessBody, (Robustness,))


def _diff() -> Parts:
    from kzpolicy.analysis.diff import KnowledgeBaseDiff
    from kzpolicy.operations.bodies import DiffBody

    return Parts(DiffBody, (KnowledgeBaseDiff,))


def _timeline() -> Parts:
    """The journal's: the situations in its body, a timeline out."""
    from kzpolicy.journal.timeline import Timeline
    from kzpolicy.operations.bodies import TimelineBody

    body, results = TimelineBody, (Timeline,)
    return Parts(body, results)


def _report() -> Parts:
    from kzpolicy.operations.bodies import AssessBody

    return Parts(AssessBody, ())


def _replay() -> Parts:
    # the log, read in chunks, answered with the decisions that change
    from kzpolicy.journal.replay import Replay
    from kzpolicy.operations.bodies import ReplayBody

    return Parts(ReplayBody, (Replay,))


#: every operation, in the order of the OpenAPI document and of ``kzpolicy schema``
OPERATIONS: tuple[Operation, ...] = (
    Operation("assess", "Assess conditions: the scenario, the risks and why (with a "
              "situation, the caller's evidence beside them)",
              ("assessment", "situation-assessment"), _assess),
    Operation("what-if", "What changes when some conditions change", ("what-if",), _what_if),
    Operation("tipping-points", "The fewest factor changes that switch the scenario",
              ("tipping-points",), _tipping_points),
    Operation("why-not", "Why an item is not flagged: every route that could bring it",
              ("why-not",), functools.partial(_reasoning, "why-not")),
    Operation("counterfactuals",
              "The fewest changes that would flag or clear an item, imply or leave a scenario",
              ("counterfactuals",), functools.partial(_reasoning, "counterfactuals")),
    Operation("stability", "Which conclusions are settled, which open on what unknowns",
              ("stability",), functools.partial(_reasoning, "stability")),
    Operation("landscape", "Every combination of the scenario factors", ("landscape",),
              _landscape),
    Operation("monte-carlo", "Scenario and risk probabilities by sampling", ("monte-carlo",),
              _monte_carlo),
    Operation("probabilities", "Exact scenario and risk probabilities from beliefs",
              ("probabilities", "sensitivity"), _probabilities),
    Operation("robustness", "Under which readings each conclusion holds", ("robustness",),
              _robustness),
    Operation("diff", "What changes between two readings of the knowledge base, and how "
              "many situations it changes", ("diff",), _diff),
    Operation("replay", "Re-run logged decisions against the rules: the answers that "
              "change", ("replay",), _replay),
    Operation("timeline", "Situations over time: per date the scenario, the probabilities, "
              "the risks added and cleared, and the changed beliefs that caused them",
              ("timeline",), _timeline),
    Operation("report", "The self-contained HTML report of an assessment", (), _report,
              answer="html"),
)

#: the inputs ``kzpolicy schema`` names: the conditions and a situation file
_INPUTS = ("conditions", "situation")
#: what ``kzpolicy schema`` names: the inputs a caller gives, then every result type
SCHEMA_NAMES: tuple[str, ...] = (*_INPUTS, *(n for op in OPERATIONS for n in op.results))


def schema_models() -> dict[str, type[BaseModel]]:
    """Each name of :data:`SCHEMA_NAMES` with its model (imports every result model)."""
    from kzpolicy.engine.conditions import Conditions
    from kzpolicy.journal.situation import Situation

    models: dict[str, type[BaseModel]] = dict(zip(_INPUTS, (Conditions, Situation),
                                                  strict=True))
    for op in OPERATIONS:
        models.update(zip(op.results, op.parts().results, strict=True))
    return models
