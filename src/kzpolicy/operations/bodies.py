"""Each operation's input as a pydantic model (the request body of its web API route,
whose JSON Schema goes into the OpenAPI document), and the library call it makes.

Conditions are given as the CLI's ``--file`` takes them: a mapping of condition IDs to
true/false, or a list of IDs (all true). A body checks only that shape; the IDs and
values go as they are to the library's reader
(:func:`kzpolicy.engine.conditions.normalise`), so that a bad one is answered with the
very message the CLI prints.
"""

from __future__ import annotations

from abc import abstractmethod
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidatorFunctionWrapHandler, WrapValidator
from pydantic import ValidationError as PydanticValidationError
from pydantic_core import PydanticCustomError

from kzpolicy.engine.engines import ENGINES

if TYPE_CHECKING:
    from kzpolicy.analysis.montecarlo import MonteCarlo
    from kzpolicy.analysis.probabilities import Probabilities
    from kzpolicy.analysis.sensitivity import Sensitivity
    from kzpolicy.analysis.whatif import TippingPoints, WhatIf
    from kzpolicy.engine.engines import EngineName
    from kzpolicy.engine.results import Assessment
    from kzpolicy.kb.knowledge import KnowledgeBase
else:
    #: the engines a request may name: the engine registry's (the library alone still
    #: accepts "compiled", the bitset engine's former name)
    EngineName = Literal[ENGINES]

__all__ = [
    "AssessBody",
    "Body",
    "Cost",
    "MonteCarloBody",
    "ProbabilitiesBody",
    "TippingPointsBody",
    "WhatIfBody",
]


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


Cost = Literal["light", "heavy"]
"""How much an operation computes: ``light`` (milliseconds, bounded by the knowledge
base) or ``heavy`` (up to the time bound: searches, sampling, exact counting). The web
API runs the two in separate bounded lanes of threads."""


class Body(BaseModel):
    """The base of every request body: unknown fields are refused, types are strict."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    lane: ClassVar[Cost] = "light"
    """How much the operation computes."""
    narrow: ClassVar[str] = "assess fewer conditions"
    """How to ask for less, when a request runs past a bound of its budget."""

    @abstractmethod
    def run(self, kb: KnowledgeBase) -> BaseModel:
        """The operation on ``kb`` with this input: its result."""


class AssessBody(Body):
    """``POST /v1/assess`` and ``POST /v1/report``: what ``kzpolicy assess`` takes."""

    conditions: ConditionsField = Field(
        default=None, description="condition IDs to true/false, or a list of IDs (true)")
    preset: str | None = Field(default=None, description="start from a preset")
    engine: EngineName = "durable"

    def run(self, kb: KnowledgeBase) -> Assessment:
        from kzpolicy.engine.assess import assess

        return assess(self.conditions, preset=self.preset, kb=kb, engine=self.engine)


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

        return what_if(self.base, dict(self.changes), preset=self.preset, kb=kb)


class TippingPointsBody(Body):
    """``POST /v1/tipping-points``: what ``kzpolicy tipping-points`` takes."""

    lane: ClassVar[Cost] = "heavy"
    narrow: ClassVar[str] = "a smaller max_size, or all: false (the smallest sets only)"

    base: ConditionsField = None
    preset: str | None = None
    max_size: int = Field(default=3, ge=1, le=64)
    all: bool = Field(default=False, description="every minimal set, not only the smallest")

    def run(self, kb: KnowledgeBase) -> TippingPoints:
        from kzpolicy.analysis.whatif import tipping_points

        return tipping_points(self.base, preset=self.preset, kb=kb, max_size=self.max_size,
                              all_minimal=self.all)


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
                           confidence=self.confidence)


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

    def run(self, kb: KnowledgeBase) -> Probabilities | Sensitivity:
        from kzpolicy.analysis.probabilities import probabilities
        from kzpolicy.analysis.sensitivity import sensitivity

        call = sensitivity if self.sensitivity else probabilities
        return call(dict(self.beliefs), fixed=self.fixed, preset=self.preset, kb=kb,
                    exact=self.exact)
