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

from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict

from kzpolicy.errors import InputError, UnknownIdError, expect
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


class Assessment(ResultModel):
    """What the article's model implies for the asserted conditions."""

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
        """The chain of reasons as readable text."""
        return _explain(self)


# ---------------------------------------------------------------- the text of explain()
_SIDE = {"us_nato": "the US and NATO", "none": "no side", "russia": "Russia"}


def _explain_flagged(f: Flagged) -> list[str]:
    lines = [f"- {f.id} [{f.kind}, {f.stance}] {f.label} — {f.locator}"]
    for step in f.because:
        cond = ", ".join(step.conditions) or "nothing asserted"
        lines.append(f"    because {step.rule} ({step.stance}): {step.label}")
        lines.append(f"      matched {', '.join(step.matched) or '-'}; from {cond}; "
                     f"see {step.locator}")
    return lines


def _explain(a: Assessment) -> str:
    """The chain of reasons of an assessment as text (``Assessment.explain``)."""
    sc = a.scenario
    shares = ", ".join(f"{k} {v:.2f}" for k, v in sc.shares.items())
    asserted = ", ".join(f"{k}={'true' if v else 'false'}" for k, v in a.asserted.items())
    lines = [
        f"Implied scenario: {sc.id} — {sc.label}",
        f"  shares: {shares}; threshold {sc.threshold:.2f}; runner-up {sc.runner_up}; "
        f"margin {sc.margin:+.2f}",
        f"  decided by {sc.decided_by}: {sc.reason}",
        f"  advantage: {_SIDE.get(sc.advantage.side, sc.advantage.side)} — {sc.advantage.locator}",
        f"  article's judgement: {sc.judgement.statement} — {sc.judgement.locator}",
        "",
        f"Asserted: {asserted or 'nothing'}",
    ]
    for w in a.warnings:
        lines.append(f"Warning: {w}")
    lines += ["", f"Risks flagged ({len(a.risks)}):"]
    for f in a.risks:
        lines += _explain_flagged(f)
    lines += ["", f"Strengths and opportunities engaged ({len(a.engaged)}):"]
    for f in a.engaged:
        lines += _explain_flagged(f)
    if a.findings:
        lines += ["", f"The authors' findings on this ({len(a.findings)}):"]
        for fd in a.findings:
            lines.append(f"- {fd.id} [{fd.stance}] {fd.label} — {fd.locator}")
            lines.append(f"    {fd.statement}")
            lines.append(f"    noted for {', '.join(fd.noted_for)}")
    lines += ["", "Firing order:"]
    for t in a.trace:
        lines.append(f"  {t.order}. {t.rule}: {t.label} -> {', '.join(t.flagged)} ({t.locator})")
    lines += ["", f"Unknown (not asserted): {', '.join(a.unknown) or 'none'}",
              f"Knowledge base {a.kb_version}"]
    return "\n".join(lines)
