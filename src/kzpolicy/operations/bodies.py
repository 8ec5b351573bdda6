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
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidatorFunctionWrapHandler, WrapValidator
from pydantic import ValidationError as PydanticValidationError
from pydantic_core import PydanticCustomError

from kzpolicy.engine.engines import ENGINES

if TYPE_CHECKING:
    from kzpolicy.analysis.counterfactuals import Counterfactuals
    from kzpolicy.analysis.diff import KnowledgeBaseDiff
    from kzpolicy.analysis.montecarlo import MonteCarlo
    from kzpolicy.analysis.probabilities import Probabilities
    from kzpolicy.analysis.robustness import Robustness
    from kzpolicy.analysis.sensitivity import Sensitivity
    from kzpolicy.analysis.stability import Stability
    from kzpolicy.analysis.tipping import TippingPoints
    from kzpolicy.analysis.whatif import WhatIf
    from kzpolicy.analysis.whynot import WhyNot
    from kzpolicy.engine.engines import EngineName
    from kzpolicy.engine.results import Assessment
    from kzpolicy.journal.evidence import SituationAssessment
    from kzpolicy.journal.replay import Replay
    from kzpolicy.journal.situation import Situation
    from kzpolicy.journal.timeline import Timeline
    from kzpolicy.kb.knowledge import KnowledgeBase
else:
    #: the engines a request may name: the engine registry's (the library alone still
    #: accepts "compiled", the bitset engine's former name)
    EngineName = Literal[ENGINES]

__all__ = [
    "MAX_LISTED",
    "MAX_NODES",
    "MAX_SECONDS",
    "AssessBody",
    "Body",
    "Cost",
    "CounterfactualsBody",
    "DiffBody",
    "MonteCarloBody",
    "ProbabilitiesBody",
    "ReplayBody",
    "RobustnessBody",
    "SearchBody",
    "StabilityBody",
    "TimelineBody",
    "TippingPointsBody",
    "WhatIfBody",
    "WhyNotBody",
]

MAX_NODES = 2_000_000
"""The most cells and sets one request's search may evaluate (the API caps the budget)."""
MAX_SECONDS = 5.0
"""The most seconds one request's search may take."""
MAX_LISTED = 1_000
"""The most concrete sets of changes one answer lists."""


def _ids_or_mapping(value: object, handler: ValidatorFunctionWrapHandler
                    ) -> dict[str, Any] | list[Any] | None:
    """A mapping or a list of strings, refused in one message (never one per member of
    the union, named by pydantic's internal names for them)."""
    try:
        checked: dict[str, Any] | list[Any] | None = handler(value)
    except PydanticValidationError:
        checked = None
        ok = False
    else:
        ok = not isinstance(checked, list) or all(isinstance(x, str) for x in checked)
    if not ok:
        raise PydanticCustomError(
            "conditions",
            "expected a mapping of condition IDs to true/false or a list of IDs")
    return checked


#: a set of conditions: a mapping of IDs to true/false, or a list of IDs (all true)
ConditionsField = Annotated[dict[str, Any] | list[Any] | None, WrapValidator(_ids_or_mapping)]
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


Cost = Literal["light", "heavy"]
"""How much an operation computes: ``light`` (milliseconds, bounded by the knowledge
base) or ``heavy`` (up to the time bound: searches, sampling, exact counting). The web
API runs the two in separate bounded lanes of threads."""


class Body(BaseModel):
    """The base of every request body: unknown fields are refused, types are strict; every
    body names the reading it is run under (None: the knowledge base as served)."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    reading: ReadingField = None
    lane: ClassVar[Cost] = "light"
    """How much the operation computes."""
    narrow: ClassVar[str] = "assess fewer conditions"
    """How to ask for less, when a request runs past a bound of its budget."""

    @abstractmethod
    def run(self, kb: KnowledgeBase) -> BaseModel:
        """The operation on ``kb`` with this input: its result."""

    def logged(self) -> dict[str, Any]:
        """This input as a decision log records it (``kzpolicy serve --log``)."""
        return self.model_dump(mode="json")

    def quick(self, kb: KnowledgeBase) -> bool:
        """Whether this input runs on the served knowledge base ``kb`` as it is (no
        reading to apply, no situation to read, no more conditions than ``kb`` has), in a
        time bounded by that knowledge base's size alone: the web API then computes it
        where it answers, without a thread."""
        return False


class AssessBody(Body):
    """``POST /v1/assess`` and ``POST /v1/report``: what ``kzpolicy assess`` takes."""

    conditions: ConditionsField = Field(
        default=None, description="condition IDs to true/false, or a list of IDs (true)")
    preset: str | None = Field(default=None, description="start from a preset")
    engine: EngineName = "durable"
    situation: SituationField = None

    def quick(self, kb: KnowledgeBase) -> bool:
        conditions = self.conditions
        return (self.reading is None and self.situation is None
                and (conditions is None or len(conditions) <= len(kb.condition_ids)))

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

    narrow: ClassVar[str] = "fewer changes"

    base: ConditionsField = Field(default=None, description="the conditions before")
    changes: dict[str, Any] = Field(default_factory=dict,
                                    description="condition IDs to true, false or null")
    preset: str | None = None

    def run(self, kb: KnowledgeBase) -> WhatIf:
        from kzpolicy.analysis.whatif import what_if

        return what_if(self.base, dict(self.changes), preset=self.preset, kb=kb,
                       reading=self.reading)


class SearchBody(Body):
    """The budget of a request's search (``--nodes``, ``--seconds``), capped: a request
    never runs past :data:`MAX_NODES` and :data:`MAX_SECONDS`."""

    nodes: int = Field(default=MAX_NODES, ge=1, le=MAX_NODES,
                       description="the most cells and sets the search may evaluate")
    seconds: float = Field(default=MAX_SECONDS, gt=0, le=MAX_SECONDS, strict=False,
                           description="the most seconds the search may take")

    def budget(self) -> dict[str, Any]:
        """The budget, as :class:`kzpolicy.SearchBudget` reads it."""
        return {"nodes": self.nodes, "seconds": float(self.seconds)}


class TippingPointsBody(SearchBody):
    """``POST /v1/tipping-points``: what ``kzpolicy tipping-points`` takes."""

    lane: ClassVar[Cost] = "heavy"
    narrow: ClassVar[str] = "a smaller max_size, or all: false (the smallest sets only)"

    base: ConditionsField = None
    preset: str | None = None
    max_size: int = Field(default=3, ge=1, le=64)
    all: bool = Field(default=False, description="every minimal set, not only the smallest")
    offset: int = Field(default=0, ge=0, description="the concrete sets listed start here")
    limit: int = Field(default=20, ge=0, le=MAX_LISTED,
                       description="how many concrete sets the answer lists")

    def run(self, kb: KnowledgeBase) -> TippingPoints:
        from kzpolicy.analysis.tipping import tipping_points

        return tipping_points(self.base, preset=self.preset, kb=kb, max_size=self.max_size,
                              all_minimal=self.all, offset=self.offset, limit=self.limit,
                              reading=self.reading, budget=self.budget())


class WhyNotBody(SearchBody):
    """``POST /v1/why-not``: what ``kzpolicy why-not`` takes."""

    lane: ClassVar[Cost] = "heavy"
    narrow: ClassVar[str] = "a smaller nodes budget"

    item: str = Field(description="an item or a scenario ID")
    conditions: ConditionsField = Field(
        default=None, description="condition IDs to true/false, or a list of IDs (true)")
    preset: str | None = None

    def run(self, kb: KnowledgeBase) -> WhyNot:
        from kzpolicy.analysis.whynot import why_not

        return why_not(self.conditions, self.item, preset=self.preset, kb=kb,
                       reading=self.reading, budget=self.budget())


class CounterfactualsBody(SearchBody):
    """``POST /v1/counterfactuals``: what ``kzpolicy counterfactuals`` takes."""

    lane: ClassVar[Cost] = "heavy"
    narrow: ClassVar[str] = "a smaller max_changes, or fewer unknown conditions"

    target: str = Field(description="'flag ITEM', 'clear ITEM', 'imply SCENARIO' or "
                        "'leave SCENARIO'")
    conditions: ConditionsField = Field(
        default=None, description="condition IDs to true/false, or a list of IDs (true)")
    preset: str | None = None
    max_changes: int | None = Field(default=None, ge=1, le=64,
                                    description="list the sets of at most this many changes")
    offset: int = Field(default=0, ge=0, description="the concrete sets listed start here")
    limit: int = Field(default=0, ge=0, le=MAX_LISTED,
                       description="how many concrete sets the answer lists")

    def run(self, kb: KnowledgeBase) -> Counterfactuals:
        from kzpolicy.analysis.counterfactuals import counterfactuals

        return counterfactuals(self.conditions, self.target, preset=self.preset, kb=kb,
                               max_changes=self.max_changes, offset=self.offset,
                               limit=self.limit, reading=self.reading, budget=self.budget())


class StabilityBody(SearchBody):
    """``POST /v1/stability``: what ``kzpolicy stability`` takes."""

    lane: ClassVar[Cost] = "heavy"
    narrow: ClassVar[str] = "fewer unknown conditions, or no beliefs"

    conditions: ConditionsField = Field(
        default=None, description="condition IDs to true/false, or a list of IDs (true)")
    preset: str | None = None
    beliefs: dict[str, Any] = Field(
        default_factory=dict,
        description="unknown condition IDs to the probability each holds (ranks the "
        "unknowns by the expected change of the probabilities)")

    def run(self, kb: KnowledgeBase) -> Stability:
        from kzpolicy.analysis.stability import stability

        return stability(self.conditions, preset=self.preset, kb=kb, reading=self.reading,
                         beliefs=dict(self.beliefs) or None, budget=self.budget())


class MonteCarloBody(Body):
    """``POST /v1/monte-carlo``: what ``kzpolicy monte-carlo`` takes."""

    lane: ClassVar[Cost] = "heavy"
    narrow: ClassVar[str] = "fewer samples, or fewer probabilities"

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

    lane: ClassVar[Cost] = "heavy"
    narrow: ClassVar[str] = ("fewer beliefs, exact: false, or sensitivity: false (each "
                             "belief is counted again)")

    beliefs: dict[str, Any] = Field(
        default_factory=dict, description="condition IDs to the probability each holds")
    fixed: ConditionsField = None
    preset: str | None = None
    exact: bool = False
    sensitivity: bool = Field(default=False,
                              description="rank the beliefs by how much they move things")
    situation: SituationField = None
    by: str | None = Field(default=None, description="with sensitivity: rank the beliefs by "
                           "how much they move this scenario's probability")

    def run(self, kb: KnowledgeBase) -> Probabilities | Sensitivity:
        from kzpolicy.analysis.probabilities import probabilities
        from kzpolicy.analysis.sensitivity import sensitivity

        beliefs, fixed = dict(self.beliefs), self.fixed
        if self.situation is not None:
            from kzpolicy.journal.evidence import situation_beliefs

            beliefs, fixed = situation_beliefs(_situation(self.situation), kb, beliefs, fixed)
        if self.sensitivity or self.by is not None:
            return sensitivity(beliefs, fixed=fixed, preset=self.preset, kb=kb,
                               exact=self.exact, reading=self.reading, by=self.by)
        return probabilities(beliefs, fixed=fixed, preset=self.preset, kb=kb,
                             exact=self.exact, reading=self.reading)


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

    lane: ClassVar[Cost] = "heavy"
    narrow: ClassVar[str] = "a context that fixes more conditions"

    base: ReadingField = None
    context: ConditionsField = Field(default=None,
                                     description="context conditions fixed for the impact")

    def run(self, kb: KnowledgeBase) -> KnowledgeBaseDiff:
        from kzpolicy.analysis.diff import diff
        from kzpolicy.kb.loading import knowledge_base

        before = knowledge_base("diff", kb, self.base)
        return diff(before, kb, reading=self.reading, context=self.context)


class ReplayBody(Body):
    """``POST /v1/replay``: a decision log sent as text (so within the API's limit on a
    body's size; ``kzpolicy replay`` reads a log of any length) re-run against the served
    knowledge base under ``reading``."""

    lane: ClassVar[Cost] = "heavy"
    narrow: ClassVar[str] = "a shorter log"

    log: str = Field(description="the decision log's text: one logged decision a line, "
                     "as `kzpolicy serve --log` writes them")
    max_changes: int = Field(default=1_000, ge=0, le=100_000,
                             description="the changed decisions listed (all are counted)")

    def logged(self) -> dict[str, Any]:
        """The log sent is recorded by its size and SHA-256, not copied into the log."""
        import hashlib

        data = self.log.encode("utf-8")
        return {**self.model_dump(mode="json", exclude={"log"}), "log_bytes": len(data),
                "log_sha256": hashlib.sha256(data).hexdigest()}

    def run(self, kb: KnowledgeBase) -> Replay:
        import io

        from kzpolicy.journal.replay import replay_stream
        from kzpolicy.kb.loading import knowledge_base

        target = knowledge_base("replay", kb, self.reading)
        return replay_stream(io.BytesIO(self.log.encode("utf-8")), "the request's log",
                             target, max_changes=self.max_changes)


class TimelineBody(Body):
    """``POST /v1/timeline``: what ``kzpolicy timeline`` takes, the situations given in the
    body (in any order; each as a situation file holds it)."""

    lane: ClassVar[Cost] = "heavy"
    narrow: ClassVar[str] = "fewer situations, or a smaller max_cause"

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
