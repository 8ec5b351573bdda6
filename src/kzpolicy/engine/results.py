"""The result of an assessment: frozen pydantic models, JSON-serialisable, with a JSON Schema.

    Assessment
    ├── scenario: ScenarioResult   implied scenario, shares, margin, runner-up, advantage, judgement
    ├── risks: [Flagged]           threats, weaknesses, rivalry effects, scenario outcomes
    ├── engaged: [Flagged]         strengths and opportunities
    ├── unknown: [str]             conditions nobody asserted
    ├── warnings: [str]
    ├── trace: [TraceStep]         firing order, in the article's terms
    ├── findings: [FindingRef]     the authors' assessments that bear on what was found
    └── kb_version, asserted

Every ``Flagged`` item carries ``because``: the steps (rules, or the scenario
decision) that led to it, in firing order, each with the asserted conditions
behind it and a locator into the article.
"""

from __future__ import annotations

import os
import textwrap
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict

from kzpolicy.errors import InputError, UnknownIdError, expect
from kzpolicy.kb.kinds import NODE_NOUNS
from kzpolicy.kb.loading import knowledge_base_of
from kzpolicy.kb.schema import Locator

__all__ = [
    "Advantage",
    "Assessment",
    "FindingRef",
    "Flagged",
    "Judgement",
    "OutcomeRef",
    "ResultModel",
    "ScenarioResult",
    "Step",
    "TraceStep",
    "deferred",
    "explain",
    "labeller",
    "runner_up_text",
    "step_conditions",
    "trusted",
]


M = TypeVar("M", bound=BaseModel)


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


def deferred(*, kb_version: str, asserted: dict[str, bool], warnings: tuple[str, ...],
             rest: Callable[[], dict[str, object]]) -> Assessment:
    """An Assessment whose other fields ``rest()`` builds when first read (once)."""
    obj = Assessment.__new__(Assessment)
    _INSTANCE_DICT.__set__(obj, {"kb_version": kb_version, "asserted": asserted,
                                 "warnings": warnings, _REST: rest})
    object.__setattr__(obj, "__pydantic_fields_set__", set(_ALL_FIELD_ORDER))
    object.__setattr__(obj, "__pydantic_extra__", None)
    object.__setattr__(obj, "__pydantic_private__", None)
    return obj


class ResultModel(BaseModel):
    """The base of every result model: frozen, and strict about unknown fields."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Step(ResultModel):
    """One reason: a rule that fired (or the scenario decision) and what triggered it."""

    rule: str
    label: str
    locator: Locator
    stance: Literal["stated", "interpretation"]
    matched: tuple[str, ...]
    """The facts the rule matched: condition IDs (``X`` true, ``not X`` false), items, scenarios."""
    conditions: tuple[str, ...]
    """The asserted conditions at the root of this step (``X`` or ``X=false``)."""


class Flagged(ResultModel):
    """An item the assessment flags (a risk) or engages (a strength or opportunity)."""

    id: str
    kind: str
    label: str
    locator: Locator
    stance: Literal["stated", "interpretation"]
    """``stated`` when at least one rule that flagged it directly is stated."""
    because: tuple[Step, ...]


class OutcomeRef(ResultModel):
    """An outcome the article spells out for a scenario."""

    id: str
    label: str
    statement: str
    locator: Locator


class Advantage(ResultModel):
    """The side the article says gains the objective advantage."""

    side: Literal["us_nato", "none", "russia"]
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
    """The implied scenario and how it was decided."""

    id: str
    label: str
    shares: dict[str, float]
    threshold: float
    margin: float
    """Implied scenario's share minus the runner-up's (negative when the default won)."""
    runner_up: str
    decided_by: Literal["threshold", "default"]
    reason: str
    evidence: tuple[str, ...]
    advantage: Advantage
    judgement: Judgement
    consequences: tuple[OutcomeRef, ...]


class FindingRef(ResultModel):
    """An assessment the authors make that bears on this result (rules/ ``findings``)."""

    id: str
    label: str
    statement: str
    locator: Locator
    stance: Literal["stated", "interpretation"]
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
#: the key, in a deferred Assessment's instance dict, of what builds its other fields
_REST = "\x00rest"
#: fields of an Assessment built when first read
_DEFERRED = frozenset({"scenario", "risks", "engaged", "unknown", "trace", "findings"})
_MATERIALISE = threading.Lock()
os.register_at_fork(after_in_child=lambda: globals().update(_MATERIALISE=threading.Lock()))


class Assessment(ResultModel):
    """What the article's model implies for the asserted conditions.

    ``assess()`` returns it with the explanation parts (the scenario result, the flagged
    items with their because-chains, the trace, the findings, the unknown conditions)
    not yet built: they are built, once, the first time anything reads them (an
    attribute, ``model_dump``, JSON, equality, hashing, pickling, copying). The model,
    its JSON and its schema are those of a plain pydantic model; only the cost moves to
    where the parts are used.
    """

    kb_version: str
    asserted: dict[str, bool]
    scenario: ScenarioResult
    risks: tuple[Flagged, ...]
    engaged: tuple[Flagged, ...]
    unknown: tuple[str, ...]
    warnings: tuple[str, ...]
    trace: tuple[TraceStep, ...]
    findings: tuple[FindingRef, ...] = ()
    """The authors' findings on the flagged items, the implied scenario or the conditions
    asserted true, in the order of rules/."""

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

    def flagged_ids(self) -> set[str]:
        """IDs of every risk and engaged item."""
        return {f.id for f in (*self.risks, *self.engaged)}

    def item(self, ident: str) -> Flagged | None:
        """The flagged or engaged item ``ident``; None when the knowledge base has that
        item but this assessment did not flag it. An ID the knowledge base lacks raises
        :class:`~kzpolicy.UnknownIdError`."""
        expect("Assessment.item", "ident", ident, str, "an item ID such as 'T1'")
        for f in (*self.risks, *self.engaged):
            if f.id == ident:
                return f
        try:
            items = knowledge_base_of(self.kb_version).items
        except InputError:  # its knowledge base is gone from this process: cannot tell
            return None
        if ident not in items:
            raise UnknownIdError("item", ident, items)
        return None

    def explain(self) -> str:
        """The chain of reasons as readable text, rule IDs included."""
        return explain(self)


_ALL_FIELD_ORDER = tuple(Assessment.model_fields)


# ---------------------------------------------------------------- the text of explain()
# Every ID comes with its label; each reason says in words which asserted conditions it
# rests on ("D2 holds (...)", "X does not hold (...)") before the rule that links them,
# whose ID, stance and locator stay for whoever checks the article; items that share one
# chain of reasons (a scenario's outcomes) are listed together with the chain said once;
# a tie for runner-up is named as a tie. Lines are wrapped at 100 columns.
WIDTH = 100
_SIDE = {"us_nato": "the US and NATO", "none": "no side", "russia": "Russia"}


def labeller(a: Assessment) -> Callable[[str], str]:
    """``label(ID)``: the label of a condition, item or scenario of ``a``'s knowledge base
    (empty when that knowledge base is no longer loaded, or for an ID it lacks)."""
    try:
        kb = knowledge_base_of(a.kb_version)
    except InputError:
        return lambda ident: ""

    def label(ident: str) -> str:
        return kb.label_of(ident) if kb.kind_or_none(ident) is not None else ""

    return label


def _named(ident: str, label: Callable[[str], str]) -> str:
    text = label(ident)
    return f"{ident} ({text})" if text else ident


def step_conditions(step: Step, label: Callable[[str], str]) -> str:
    """The asserted conditions a step rests on, in words."""
    parts = []
    for root in step.conditions:
        if root.endswith("=false"):
            ident = root[: -len("=false")]
            parts.append(f"{_named(ident, label)} does not hold")
        else:
            parts.append(f"{_named(root, label)} holds")
    return "; ".join(parts) or "nothing asserted"


def runner_up_text(a: Assessment) -> str:
    """The runner-up, or the tie for it, in words."""
    sc = a.scenario
    best = sc.shares[sc.runner_up]
    tied = [s for s, v in sc.shares.items() if s != sc.id and v == best]
    if len(tied) > 1:
        return f"{' and '.join(tied)} tie for runner-up at {best:.2f}"
    return f"runner-up {sc.runner_up} at {best:.2f}"


def _wrap(text: str, indent: str, more: str | None = None) -> list[str]:
    return textwrap.wrap(text, WIDTH, initial_indent=indent,
                         subsequent_indent=more if more is not None else indent + "  ",
                         break_on_hyphens=False) or [indent]


def _because(steps: tuple[Step, ...], label: Callable[[str], str], item_locator: object
             ) -> list[str]:
    lines: list[str] = []
    for step in steps:
        see = "" if step.locator == item_locator else f"; see {step.locator}"
        lines += _wrap(f"because {step_conditions(step, label)}", "    ")
        lines += _wrap(f"rule {step.rule} ({step.stance}): {step.label}{see}", "      ")
    return lines


def _items(title: str, flagged: tuple[Flagged, ...], label: Callable[[str], str]
           ) -> list[str]:
    lines = ["", f"{title} ({len(flagged)}):"]
    groups: list[list[Flagged]] = []
    for f in flagged:  # items with one same chain of reasons are said together
        if groups and groups[-1][0].because == f.because and groups[-1][0].kind == f.kind:
            groups[-1].append(f)
        else:
            groups.append([f])
    for group in groups:
        first = group[0]
        kind = NODE_NOUNS.get(first.kind, first.kind)
        if len(group) == 1:
            lines += _wrap(f"- {first.id} [{kind}, {first.stance}] {first.label} "
                           f"({first.locator})", "", "    ")
        else:
            lines.append(f"- {', '.join(f.id for f in group)} [{kind}s], for one same reason:")
            for f in group:
                lines += _wrap(f"{f.id} [{f.stance}] {f.label} ({f.locator})", "    ", "      ")
        lines += _because(first.because, label, first.locator if len(group) == 1 else None)
    return lines


def explain(a: Assessment) -> str:
    """The chain of reasons of an assessment as text (``Assessment.explain``)."""
    label = labeller(a)
    sc = a.scenario
    shares = ", ".join(f"{k} {v:.2f}" for k, v in sc.shares.items())
    lines = [
        f"Implied scenario: {sc.id} ({sc.label})",
        f"  shares {shares}; threshold {sc.threshold:.2f}",
        f"  {runner_up_text(a)}; margin {sc.margin:+.2f}",
        *_wrap(f"decided by {sc.decided_by}: {sc.reason}", "  ", "    "),
        *_wrap(f"advantage: {_SIDE.get(sc.advantage.side, sc.advantage.side)} "
               f"({sc.advantage.locator})", "  ", "    "),
        *_wrap(f"the article's judgement: {sc.judgement.statement} ({sc.judgement.locator})",
               "  ", "    "),
        "",
        f"Asserted ({len(a.asserted)}):" if a.asserted else "Asserted: nothing",
    ]
    for ident, value in a.asserted.items():
        lines += _wrap(f"{ident} {'holds' if value else 'does not hold'}"
                       + (f": {label(ident)}" if label(ident) else ""), "  ", "    ")
    for w in a.warnings:
        lines += _wrap(f"Warning: {w}", "", "  ")
    lines += _items("Risks flagged", a.risks, label)
    lines += _items("Strengths and opportunities engaged", a.engaged, label)
    if a.findings:
        lines += ["", f"The authors' findings on this ({len(a.findings)}):"]
        for fd in a.findings:
            lines += _wrap(f"- {fd.id} [{fd.stance}, noted for {', '.join(fd.noted_for)}] "
                           f"{fd.label} ({fd.locator}): {fd.statement}", "", "    ")
    lines += ["", "Firing order:"]
    for t in a.trace:
        lines += _wrap(f"{t.order}. {t.rule}: {t.label} -> {', '.join(t.flagged)}", "  ",
                       "     ")
    unknown = "; ".join(_named(c, label) for c in a.unknown) or "none"
    lines += ["", *_wrap(f"Unknown (not asserted, {len(a.unknown)}): {unknown}", "", "  "),
              f"Knowledge base {a.kb_version}"]
    return "\n".join(lines)
