"""The result of an assessment: frozen pydantic models, JSON-serialisable, with a JSON Schema.

    Assessment
    ├── scenario: ScenarioResult   implied scenario, shares, margin, runner-up, advantage,
    │                              judgement, and how firmly it stands (stance, basis)
    ├── outcomes: [Flagged]        the implied scenario's outcomes as the article describes them
    ├── risks: [Flagged]           threats, weaknesses, rivalry effects
    ├── engaged: [Flagged]         strengths and opportunities
    ├── contested: [Contested]     items the rules imply but the caller's own denial contradicts
    ├── unknown: [str]             conditions nobody asserted
    ├── warnings: [str]
    ├── trace: [TraceStep]         firing order, in the article's terms
    ├── findings: [FindingRef]     the authors' assessments that bear on what was found
    └── kb_version, reading, asserted, schema_version

Every ``Flagged`` item carries ``because``: the steps (rules, or the scenario
decision) that led to it, in firing order, each with the asserted conditions
behind it and a locator into the article; and its standing: ``stance`` (``stated``
only when every step of that chain is the article's own word), the chain's
``interpretations``, and its ``basis`` (``asserted``, or ``default`` when the chain
rests on the default scenario, implied with none of its factors asserted).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal, Protocol, TypeVar

from pydantic import BaseModel, ConfigDict

from kzpolicy.engine.display import Displayed
from kzpolicy.errors import InputError, UnknownIdError, expect
from kzpolicy.kb.loading import knowledge_base_of
from kzpolicy.kb.schema import ARTICLE, Locator

if TYPE_CHECKING:
    from kzpolicy.analysis.stability import Stability
    from kzpolicy.analysis.whynot import WhyNot

__all__ = [
    "SCHEMA_VERSION",
    "Advantage",
    "Assessment",
    "Basis",
    "Cited",
    "ConditionRef",
    "Contested",
    "FindingRef",
    "Flagged",
    "Judgement",
    "OutcomeRef",
    "Pending",
    "ResultModel",
    "ScenarioResult",
    "Stance",
    "Step",
    "TraceStep",
    "deferred",
    "trusted",
]


M = TypeVar("M", bound=BaseModel)

SCHEMA_VERSION = 3
"""The version of the result's JSON contract: 3 adds the reading a result was made under
and the decision rule's form (a scenario may be ``undecided``); 2, from kzpolicy 0.3,
outcomes apart from risks, contested items, standing on every conclusion; 0.2's results
had none."""
Stance = Literal["stated", "interpretation"]
Basis = Literal["asserted", "default"]


def trusted(cls: type[M], **values: Any) -> M:
    """Build a result model from values kzpolicy itself computed, skipping validation.

    The same as ``cls.model_construct(**values)`` for models without defaults, but
    several times faster; it is the hot path of every assessment. Values must
    already have the declared types (the test suite round-trips results through
    JSON validation to keep this honest).
    """
    obj = cls.__new__(cls)
    object.__setattr__(obj, "__dict__", values)
    object.__setattr__(obj, "__pydantic_fields_set__", set(values))
    object.__setattr__(obj, "__pydantic_extra__", None)
    object.__setattr__(obj, "__pydantic_private__", None)
    return obj


class Pending(Protocol):
    """What builds a deferred assessment's other fields (called), or writes its whole
    JSON text without building them (``json_text(known fields, indent)``)."""

    def __call__(self) -> dict[str, object]: ...

    def json_text(self, values: Mapping[str, Any], indent: int | None) -> str: ...


def deferred(*, kb_version: str, reading: str, asserted: dict[str, bool],
             warnings: tuple[str, ...], rest: Pending) -> Assessment:
    """An Assessment whose other fields ``rest()`` builds when first read (once)."""
    obj = Assessment.__new__(Assessment)
    _INSTANCE_DICT.__set__(obj, {"kb_version": kb_version, "reading": reading,
                                 "asserted": asserted,
                                 "warnings": warnings, "schema_version": SCHEMA_VERSION,
                                 _REST: rest})
    object.__setattr__(obj, "__pydantic_fields_set__", set(_ALL_FIELD_ORDER))
    object.__setattr__(obj, "__pydantic_extra__", None)
    object.__setattr__(obj, "__pydantic_private__", None)
    return obj


class ResultModel(BaseModel):
    """The base of every result model: frozen, and strict about unknown fields."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class Step(ResultModel):
    """One reason: a rule that fired (or the scenario decision) and what triggered it."""

    rule: str
    label: str
    locator: Locator
    stance: Stance
    matched: tuple[str, ...]
    """The facts the rule matched: condition IDs (``X`` true, ``not X`` false), items, scenarios."""
    conditions: tuple[str, ...]
    """The asserted conditions at the root of this step (``X`` or ``X=false``)."""


class Flagged(ResultModel):
    """An item the assessment reaches: an outcome of the implied scenario, a risk, or an
    engaged item (a strength or opportunity), with the chain that reaches it."""

    id: str
    kind: str
    label: str
    locator: Locator
    stance: Stance
    """``stated`` when some chain of ``because`` reaches it with every step stated, the
    scenario decision included; otherwise (an interpretation on every chain that reaches
    it) an interpretation."""
    interpretations: tuple[str, ...]
    """The steps of ``because`` that are the project's interpretation (rule IDs, in order)."""
    basis: Basis
    """``asserted``: some chain reaches it from conditions the caller asserted;
    ``default``: every chain rests on the default scenario, implied with none of its
    factors asserted."""
    because: tuple[Step, ...]


class Cited(ResultModel):
    """An entry of the knowledge base, named and located in the article."""

    id: str
    label: str
    locator: Locator


class ConditionRef(Cited):
    """A condition as the caller asserted it."""

    value: bool


class Contested(ResultModel):
    """An item the rules imply while the caller asserted false what its content amounts
    to (rules/ ``presupposes``): neither flagged nor dropped, both sides named."""

    id: str
    kind: str
    label: str
    locator: Locator
    stance: Stance
    """The standing of the chain that implies it (as :attr:`Flagged.stance`)."""
    interpretations: tuple[str, ...]
    basis: Basis
    because: tuple[Step, ...]
    """The chain that implies it."""
    denied: tuple[ConditionRef, ...]
    """The caller's denials it contradicts, each with its locator."""


class OutcomeRef(ResultModel):
    """An outcome the article spells out for a scenario."""

    id: str
    label: str
    statement: str
    locator: Locator


class Advantage(ResultModel):
    """The side the article says gains the objective advantage."""

    side: str
    """A side the knowledge base declares (rules/ ``sides``)."""
    statement: str
    locator: Locator


class Judgement(ResultModel):
    """The article's verdict on the scenario."""

    desirable: bool
    likelihood: str
    rational: bool
    statement: str
    locator: Locator


class ScenarioResult(ResultModel):
    """The implied scenario and how it was decided, or, when the decision rule decides
    nothing (form ``none``, as in the reading ``stated-only``), that no scenario is implied:
    ``id`` is then ``undecided``, ``decided_by`` is ``undecided``, and ``counts`` and
    ``shares`` say how many factors of each scenario were asserted true."""

    id: str
    """The implied scenario, or ``undecided``."""
    label: str
    shares: dict[str, float]
    counts: dict[str, int]
    """Each scenario's factors asserted true."""
    form: Literal["share", "count", "none"]
    """The decision rule's form: shares of factors, counts of factors, or no rule."""
    threshold: float
    """The share (form ``share``) or number of factors (form ``count``) a pole must reach."""
    strict: bool
    """Whether a pole must lead every other scenario strictly (else a tie with the default
    goes to the pole)."""
    margin: float | None
    """Implied scenario's evidence (share, or count with form ``count``) minus the
    runner-up's (negative when the default won); None when undecided."""
    runner_up: str | None
    decided_by: Literal["threshold", "default", "undecided"]
    reason: str
    evidence: tuple[str, ...]
    stance: Stance
    """The decision rule's stance (rules/parameters.yaml): the article lists the factors
    but gives no way to weigh them, so the stock rule is an interpretation."""
    basis: Basis
    """``asserted`` when some of this scenario's factors are asserted true; ``default``
    when it holds only as the decision rule's default."""
    advantage: Advantage | None
    """None when undecided."""
    judgement: Judgement | None
    """None when undecided."""
    consequences: tuple[OutcomeRef, ...]


class FindingRef(ResultModel):
    """An assessment the authors make that bears on this result (rules/ ``findings``)."""

    id: str
    label: str
    statement: str
    locator: Locator
    stance: Stance
    """``stated`` when the article itself ties the finding to what it concerns."""
    reason: str | None
    """Why the project ties it, for ``interpretation``."""
    noted_for: tuple[str, ...]
    """What it concerns that this assessment flags, implies or has asserted true."""


class TraceStep(ResultModel):
    """One firing, in order."""

    order: int
    rule: str
    label: str
    locator: Locator
    flagged: tuple[str, ...]


#: the instance-dict slot every pydantic model has (Assessment shadows ``__dict__``)
_INSTANCE_DICT: Any = BaseModel.__dict__["__dict__"]
#: the widest indent the JSON writer of a deferred result takes (wider: pydantic's)
_MAX_INDENT = 16
#: the key, in a deferred Assessment's instance dict, of what builds its other fields
_REST = "\x00rest"
#: fields of an Assessment built when first read
_DEFERRED = frozenset({"scenario", "outcomes", "risks", "engaged", "contested", "unknown",
                       "trace", "findings"})
_MATERIALISE = threading.Lock()
os.register_at_fork(after_in_child=lambda: globals().update(_MATERIALISE=threading.Lock()))


class Assessment(ResultModel, Displayed):
    """What the article's model implies for the asserted conditions.

    ``assess()`` returns it with the explanation parts (the scenario result, the flagged
    items with their because-chains, the trace, the findings, the unknown conditions)
    not yet built: they are built, once, the first time anything reads them (an
    attribute, ``model_dump``, equality, hashing, pickling, copying). Its JSON text
    (``model_dump_json()``) is written without building them. The model, its JSON and
    its schema are those of a plain pydantic model; only the cost moves to where the
    parts are used.
    """

    kb_version: str
    """The knowledge base it was made with: its content hash, and the reading's when a
    reading changed it (``kb-…+stated-only.…``)."""
    reading: str = ARTICLE
    """The reading it was made under: ``article`` (the knowledge base as written) or the
    names of the readings applied, in order, joined by ``+``."""
    asserted: dict[str, bool]
    scenario: ScenarioResult
    outcomes: tuple[Flagged, ...]
    """The implied scenario's outcomes, as the article describes that scenario."""
    risks: tuple[Flagged, ...]
    engaged: tuple[Flagged, ...]
    contested: tuple[Contested, ...]
    """Items the rules imply but a condition the caller asserted false contradicts."""
    unknown: tuple[str, ...]
    warnings: tuple[str, ...]
    trace: tuple[TraceStep, ...]
    findings: tuple[FindingRef, ...] = ()
    """The authors' findings on the flagged items, the implied scenario or the conditions
    asserted true, in the order of rules/."""
    schema_version: int = SCHEMA_VERSION
    """The version of this JSON contract (:data:`SCHEMA_VERSION`)."""

    # ------------------------------------------------------------- deferred fields
    # pydantic reads and writes a model's fields through ``__dict__`` (validation,
    # serialisation, equality, hashing, copy, pickle); shadowing it here builds the
    # deferred fields before any of that sees the instance dict.
    @property
    def __dict__(self) -> dict[str, Any]:
        values: dict[str, Any] = _INSTANCE_DICT.__get__(self)
        if _REST in values:
            with _MATERIALISE:  # once: a thread that waited here finds the built dict
                values = _INSTANCE_DICT.__get__(self)
                if _REST in values:
                    built = values[_REST]()
                    # a new dict in field order (JSON follows it), swapped in whole, so a
                    # reader never sees a dict half built
                    values = {name: values[name] if name in values else built[name]
                              for name in _ALL_FIELD_ORDER}
                    _INSTANCE_DICT.__set__(self, values)
        return values

    @__dict__.setter
    def __dict__(self, values: dict[str, Any]) -> None:
        _INSTANCE_DICT.__set__(self, values)

    if not TYPE_CHECKING:

        def __getattr__(self, name: str) -> Any:
            if name in _DEFERRED:
                values = self.__dict__
                if name in values:
                    return values[name]
            return super().__getattr__(name)

    def model_dump_json(self, *, indent: int | None = None, **options: Any) -> str:
        """The JSON text of this assessment (pydantic's ``model_dump_json``). A result
        not yet read, asked with no option but ``indent``, is written from its chain of
        reasons without building its models (:mod:`kzpolicy.engine.result_json`): the
        same text, several times faster."""
        if not options and (indent is None
                            or (isinstance(indent, int) and 0 <= indent <= _MAX_INDENT)):
            values: dict[str, Any] = _INSTANCE_DICT.__get__(self)
            pending: Pending | None = values.get(_REST)
            if pending is not None:
                return pending.json_text(values, indent)
        return super().model_dump_json(indent=indent, **options)

    def flagged_ids(self) -> set[str]:
        """IDs of every outcome, risk and engaged item (not of the contested ones)."""
        return {f.id for f in (*self.outcomes, *self.risks, *self.engaged)}

    def item(self, ident: str) -> Flagged | None:
        """The outcome, risk or engaged item ``ident``; None when the knowledge base has
        that item but this assessment did not reach it (or reports it contested). An ID
        the knowledge base lacks raises :class:`~kzpolicy.UnknownIdError`."""
        expect("Assessment.item", "ident", ident, str, "an item ID such as 'T1'")
        for f in (*self.outcomes, *self.risks, *self.engaged):
            if f.id == ident:
                return f
        try:
            items = knowledge_base_of(self.kb_version).items
        except InputError:  # its knowledge base is gone from this process: cannot tell
            return None
        if ident not in items:
            raise UnknownIdError("item", ident, items)
        return None

    def why_not(self, ident: str, *, budget: Any = None) -> WhyNot:
        """Why the item (or scenario) ``ident`` is or is not reached here: every route that
        could bring it, each literal held, unknown, denied or missing, the nearest first
        (:func:`kzpolicy.why_not`; ``budget``: a :class:`kzpolicy.SearchBudget`)."""
        # Like explain(), a thin call up a layer, imported on first use (declared in
        # pyproject.toml's layers contract and in tests/test_architecture.py).
        from kzpolicy.analysis.whynot import why_not_of

        return why_not_of(self, ident, budget)

    def stability(self, *, beliefs: Any = None, budget: Any = None) -> Stability:
        """Which conclusions are settled whatever the unknown conditions turn out to be,
        which are open and on what, and what to find out next
        (:func:`kzpolicy.stability`: ``beliefs``, a probability per unknown condition;
        ``budget``, a :class:`kzpolicy.SearchBudget`)."""
        # a thin call up a layer, as why_not()
        from kzpolicy.analysis.stability import stability_of

        return stability_of(self, beliefs=beliefs, budget=budget)

    def explain(self) -> str:
        """The chain of reasons as readable text, rule IDs included
        (:func:`kzpolicy.explain`)."""
        # The one import of the package that goes up a layer (text is the report's): a
        # thin call kept because ``a.explain()`` is public. Imported here, on first use,
        # so that the engine loads no report code; declared in pyproject.toml's layers
        # contract and in tests/test_architecture.py's cycle check.
        from kzpolicy.report.explain import explain

        return explain(self)


_ALL_FIELD_ORDER = tuple(Assessment.model_fields)
