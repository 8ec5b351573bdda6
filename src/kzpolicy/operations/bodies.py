"""Each operation's input as a pydantic model (the request body of its web API route,
whose JSON Schema goes into the OpenAPI document), and the library call it makes.

Conditions are given as the CLI's ``--file`` takes them: a mapping of condition IDs to
true/false, or a list of IDs (all true). Every body takes a ``reading`` (the base class's
field): the name of a reading of the served knowledge base (``GET /v1/list/readings``),
several names joined by ``+`` or listed, applied in order; never a file, so a request
cannot make the server read one. A body checks only that shape; the IDs and
values go as they are to the library's reader
(:func:`kzpolicy.engine.conditions.normalise`), so that a bad one is answered with the
very message the CLI prints. A ``situation`` field (``assess``, ``probabilities``) takes
a situation as a situation file holds it (:mod:`kzpolicy.journal.situation`): its certain
beliefs are asserted, its uncertain ones weighed.
"""

from __future__ import annotations

from abc import abstractmethod
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from pydantic_core import PydanticCustomError

from kzpolicy.engine.engines import ENGINES

if TYPE_CHECKING:
    from kzpolicy.analysis.diff import KnowledgeBaseDiff
    from kzpolicy.analysis.montecarlo import MonteCarlo
    from kzpolicy.analysis.probabilities import Probabilities
    from kzpolicy.analysis.robustness import Robustness
    from kzpolicy.analysis.sensitivity import Sensitivity
    from kzpolicy.analysis.whatif import TippingPoints, WhatIf
    from kzpolicy.engine.engines import EngineName
    from kzpolicy.engine.results import Assessment
    from kzpolicy.journal.evidence import SituationAssessment
    from kzpolicy.journal.situation import Situation
    from kzpolicy.journal.timeline import Timeline
    from kzpolicy.kb.knowledge import KnowledgeBase
else:
    #: the engines a request may name: the engine registry's (the library alone still
    #: accepts "compiled", the bitset engine's former name)
    EngineName = Literal[ENGINES]

__all__ = [
    "AssessBody",
    "Body",
    "DiffBody",
    "MonteCarloBody",
    "ProbabilitiesBody",
    "RobustnessBody",
    "TimelineBody",
    "TippingPointsBody",
    "WhatIfBody",
]


def _ids_or_mapping(value: dict[str, Any] | list[Any] | None
                    ) -> dict[str, Any] | list[Any] | None:
    if isinstance(value, list) and not all(isinstance(x, str) for x in value):
        raise PydanticCustomError(
            "conditions",
            "expected a mapping of condition IDs to true/false or a list of IDs")
    return value


#: a set of conditions: a mapping of IDs to true/false, or a list of IDs (all true)
ConditionsField = Annotated[dict[str, Any] | list[Any] | None, AfterValidator(_ids_or_mapping)]
#: a reading's name, or several joined by ``+`` (applied in order)
_NAME = r"[A-Za-z][A-Za-z0-9_\-]*"
ReadingName = Annotated[str, Field(pattern=rf"^{_NAME}(\+{_NAME})*$", max_length=400)]
#: the readings of a request: names (each possibly joined by ``+``), applied in order
ReadingField = Annotated[ReadingName | list[ReadingName] | None, Field(
    default=None, description="a reading of the served knowledge base by name "
    "(GET /v1/list/readings), names joined by +, or a list of names, applied in order")]


#: a situation, as a situation file holds it (checked by the library's reader)
SituationField = Annotated[dict[str, Any] | None, Field(
    default=None, description="a situation as a situation file holds it (title, as_of, "
    "beliefs): its certain beliefs are asserted, its uncertain ones weighed")]


def _situation(data: dict[str, Any], name: str = "situation") -> Situation:
    from kzpolicy.journal.situation import situation_from

    return situation_from(data, "the request", None, (name,))


class Body(BaseModel):
    """The base of every request body: unknown fields are refused, types are strict; every
    body names the reading it is run under (None: the knowledge base as served)."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    reading: ReadingField = None

    @abstractmethod
    def run(self, kb: KnowledgeBase) -> BaseModel:
        """The operation on ``kb`` with this input: its result."""


class AssessBody(Body):
    """``POST /v1/assess`` and ``POST /v1/report``: what ``kzpolicy assess`` takes."""

    conditions: ConditionsField = Field(
        default=None, description="condition IDs to true/false, or a list of IDs (true)")
    preset: str | None = Field(default=None, description="start from a preset")
    engine: EngineName = "durable"
    situation: SituationField = None

    def run(self, kb: KnowledgeBase) -> Assessment | SituationAssessment:
        from kzpolicy.engine.assess import assess

        if self.situation is not None:
            from kzpolicy.journal.evidence import assess_situation

            return assess_situation(_situation(self.situation), conditions=self.conditions,
                                    preset=self.preset, kb=kb, engine=self.engine,
                                    reading=self.reading)
        return assess(self.conditions, preset=self.preset, kb=kb, engine=self.engine,
                      reading=self.reading)


class WhatIfBody(Body):
    """``POST /v1/what-if``: a base, and the changes (``null`` makes a condition
    unknown again, like ``--clear``)."""

    base: ConditionsField = Field(default=None, description="the conditions before")
    changes: dict[str, Any] = Field(default_factory=dict,
                                    description="condition IDs to true, false or null")
    preset: str | None = None

    def run(self, kb: KnowledgeBase) -> WhatIf:
        from kzpolicy.analysis.whatif import what_if

        return what_if(self.base, dict(self.changes), preset=self.preset, kb=kb,
                       reading=self.reading)


class TippingPointsBody(Body):
    """``POST /v1/tipping-points``: what ``kzpolicy tipping-points`` takes."""

    base: ConditionsField = None
    preset: str | None = None
    max_size: int = Field(default=3, ge=1, le=64)
    all: bool = Field(default=False, description="every minimal set, not only the smallest")

    def run(self, kb: KnowledgeBase) -> TippingPoints:
        from kzpolicy.analysis.whatif import tipping_points

        return tipping_points(self.base, preset=self.preset, kb=kb, max_size=self.max_size,
                              all_minimal=self.all, reading=self.reading)


class MonteCarloBody(Body):
    """``POST /v1/monte-carlo``: what ``kzpolicy monte-carlo`` takes."""

    probabilities: dict[str, Any] = Field(
        default_factory=dict, description="condition IDs to the probability each holds")
    fixed: ConditionsField = Field(default=None,
                                   description="conditions asserted in every sample")
    preset: str | None = None
    samples: int = Field(default=100_000, ge=1, le=1_000_000)
    seed: int | None = Field(default=None, ge=0)
    confidence: float = Field(default=0.95, strict=False)

    def run(self, kb: KnowledgeBase) -> MonteCarlo:
        from kzpolicy.analysis.montecarlo import monte_carlo

        return monte_carlo(dict(self.probabilities), fixed=self.fixed, preset=self.preset,
                           kb=kb, samples=self.samples, seed=self.seed,
                           confidence=self.confidence, reading=self.reading)


class ProbabilitiesBody(Body):
    """``POST /v1/probabilities``: what ``kzpolicy probabilities`` takes."""

    beliefs: dict[str, Any] = Field(
        default_factory=dict, description="condition IDs to the probability each holds")
    fixed: ConditionsField = None
    preset: str | None = None
    exact: bool = False
    sensitivity: bool = Field(default=False,
                              description="rank the beliefs by how much they move things")
    situation: SituationField = None

    def run(self, kb: KnowledgeBase) -> Probabilities | Sensitivity:
        from kzpolicy.analysis.probabilities import probabilities
        from kzpolicy.analysis.sensitivity import sensitivity

        call = sensitivity if self.sensitivity else probabilities
        beliefs, fixed = dict(self.beliefs), self.fixed
        if self.situation is not None:
            from kzpolicy.journal.evidence import situation_beliefs

            beliefs, fixed = situation_beliefs(_situation(self.situation), kb, beliefs, fixed)
        return call(beliefs, fixed=fixed, preset=self.preset, kb=kb, exact=self.exact,
                    reading=self.reading)


class RobustnessBody(Body):
    """``POST /v1/robustness``: what ``kzpolicy robustness`` takes. ``readings`` are the
    readings compared (each on top of ``reading``); none: every stock reading."""

    conditions: ConditionsField = None
    preset: str | None = None
    readings: list[ReadingName] | None = Field(
        default=None, description="the readings compared, by name (default: every one)")
    engine: EngineName = "durable"

    def run(self, kb: KnowledgeBase) -> Robustness:
        from kzpolicy.analysis.robustness import robustness

        return robustness(self.conditions, readings=self.readings, preset=self.preset, kb=kb,
                          reading=self.reading, engine=self.engine)


class DiffBody(Body):
    """``POST /v1/diff``: the served knowledge base under ``base`` (default: as served)
    against it under ``reading``."""

    base: ReadingField = None
    context: ConditionsField = Field(default=None,
                                     description="context conditions fixed for the impact")

    def run(self, kb: KnowledgeBase) -> KnowledgeBaseDiff:
        from kzpolicy.analysis.diff import diff
        from kzpolicy.kb.loading import knowledge_base

        before = knowledge_base("diff", kb, self.base)
        return diff(before, kb, reading=self.reading, context=self.context)


class TimelineBody(Body):
    """``POST /v1/timeline``: what ``kzpolicy timeline`` takes, the situations given in the
    body (in any order; each as a situation file holds it)."""

    situations: list[dict[str, Any]] = Field(
        min_length=1, max_length=400,
        description="the situations (title, as_of, beliefs), put in date order")
    engine: EngineName = "durable"
    max_cause: int = Field(default=3, ge=1, le=4, description="the largest set of changed "
                           "beliefs searched for a cause")

    def run(self, kb: KnowledgeBase) -> Timeline:
        from kzpolicy.journal.timeline import timeline

        found = [_situation(d, f"situations.{n}") for n, d in enumerate(self.situations)]
        return timeline(found, kb=kb, reading=self.reading, engine=self.engine,
                        max_cause=self.max_cause)
