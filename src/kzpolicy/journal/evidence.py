"""A situation assessed: its certain beliefs asserted (``assess``), its uncertain ones
weighed (``probabilities``, the certain ones fixed beside them), and the caller's evidence
beside each condition, with the conclusions that rest on it.

A conclusion *rests on* a certain belief when some step of its chain of reasons
(``because``) names the condition, or, for the implied scenario, when the condition is
among the factors that decided it; on an uncertain belief when its probability depends on
it (``depends_on`` of :mod:`kzpolicy.analysis.probabilities`).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from kzpolicy.analysis.probabilities import Probabilities, probabilities
from kzpolicy.engine.assess import assess
from kzpolicy.engine.conditions import ConditionInput, normalise
from kzpolicy.engine.display import Displayed
from kzpolicy.engine.engines import EngineName
from kzpolicy.engine.results import Assessment, Flagged, ResultModel
from kzpolicy.errors import InputError, expect
from kzpolicy.journal.situation import Confidence, Situation, check_conditions
from kzpolicy.kb.knowledge import KnowledgeBase
from kzpolicy.kb.loading import knowledge_base
from kzpolicy.kb.reading import ReadingSpec

__all__ = ["EvidenceRef", "SituationAssessment", "assess_situation", "evidence_of",
           "situation_beliefs", "situation_input"]


class EvidenceRef(ResultModel):
    """One belief of the caller with its evidence, and what rests on it."""

    condition: str
    label: str
    value: bool | None
    """True or false for a certain belief, else None."""
    probability: float | None
    """The probability of an uncertain belief, else None."""
    source: str | None
    date: datetime.date | None
    note: str | None
    confidence: Confidence | None
    supports: tuple[str, ...]
    """The conclusions resting on it: the implied (or most likely) scenario and the
    flagged items, by ID."""


class SituationAssessment(ResultModel, Displayed):
    """A situation's assessment, its probabilities when some beliefs are uncertain, and
    the caller's evidence beside each condition."""

    title: str
    as_of: datetime.date
    file: str | None
    evidence: tuple[EvidenceRef, ...]
    assessment: Assessment
    """The certain beliefs asserted (the uncertain ones left unknown)."""
    probabilities: Probabilities | None
    """The uncertain beliefs weighed, the certain ones fixed; None when every belief is
    certain."""


def situation_input(s: Situation, kb: KnowledgeBase, conditions: ConditionInput = None
                    ) -> dict[str, bool]:
    """The conditions a situation asserts (its certain beliefs) with ``conditions`` laid
    beside them; a condition given both ways, or both given and believed uncertain, is an
    error."""
    check_conditions(s, kb)
    own = s.certain()
    uncertain = s.uncertain()
    for c, v in normalise(conditions, kb).items():
        if c in uncertain:
            raise InputError(f"condition {c!r} is given and also believed with probability "
                             f"{uncertain[c]} in {s.where('beliefs', c)}; give one")
        if own.get(c, v) != v:
            raise InputError(f"condition {c!r} is given twice, once true and once false "
                             f"(the situation's belief is in {s.where('beliefs', c)})")
        own[c] = v
    return own


def situation_beliefs(s: Situation, kb: KnowledgeBase, beliefs: Mapping[str, Any],
                      fixed: ConditionInput = None) -> tuple[dict[str, Any], dict[str, bool]]:
    """The beliefs and the fixed conditions of ``probabilities`` for a situation: its
    uncertain beliefs beside ``beliefs``, its certain ones beside ``fixed``."""
    both = dict(beliefs)
    for c, p in s.uncertain().items():
        if c in both and both[c] != p:
            raise InputError(f"condition {c!r} is given two probabilities ({both[c]} and "
                             f"{p} in {s.where('beliefs', c)}); give one")
        both[c] = p
    return both, situation_input(s, kb, fixed)


def _rests_on(f: Flagged, condition: str) -> bool:
    named = (condition, f"{condition}=false")
    return any(c in named for step in f.because for c in step.conditions)


def evidence_of(s: Situation, kb: KnowledgeBase, a: Assessment,
                p: Probabilities | None) -> tuple[EvidenceRef, ...]:
    """Each belief of ``s`` with its evidence and the conclusions of ``a`` (or, for an
    uncertain belief, of ``p``) resting on it, in the knowledge base's order."""
    flagged: Iterable[Flagged] = (*a.outcomes, *a.risks, *a.engaged)
    uncertain = s.uncertain()
    position = {c: n for n, c in enumerate(kb.condition_ids)}
    out = []
    for c in sorted(s.beliefs, key=lambda c: position.get(c, len(position))):
        b = s.belief(c)
        if c in uncertain and p is not None:
            supports = [sid for sid, sp in p.scenarios.items()
                        if sid == p.most_likely and c in sp.depends_on]
            supports += [i.id for i in (*p.outcomes, *p.risks, *p.engaged)
                         if c in i.depends_on and i.probability > 0]
            value, probability = None, uncertain[c]
        else:
            supports = [a.scenario.id] if c in a.scenario.evidence else []
            supports += [f.id for f in flagged if _rests_on(f, c)]
            value, probability = s.certain()[c], None
        out.append(EvidenceRef(
            condition=c, label=kb.label_of(c), value=value, probability=probability,
            source=b.source, date=b.date, note=b.note, confidence=b.confidence,
            supports=tuple(dict.fromkeys(supports))))
    return tuple(out)


def assess_situation(situation: Situation, *, conditions: ConditionInput = None,
                     preset: str | None = None, kb: KnowledgeBase | None = None,
                     engine: EngineName = "durable", reading: ReadingSpec = None
                     ) -> SituationAssessment:
    """``situation`` assessed on ``kb`` (under ``reading``): its certain beliefs, with
    ``conditions`` and ``preset``, to ``assess``; its uncertain ones to
    ``probabilities``; the evidence beside each condition."""
    expect("assess_situation", "situation", situation, Situation,
           "a Situation (from kzpolicy.situation)")
    base = knowledge_base("assess_situation", kb, reading)
    fixed = situation_input(situation, base, conditions)
    a = assess(fixed, preset=preset, kb=base, engine=engine)
    uncertain = situation.uncertain()
    p = probabilities(uncertain, fixed=fixed, preset=preset, kb=base) if uncertain else None
    return SituationAssessment(
        title=situation.title, as_of=situation.as_of, file=situation.file,
        evidence=evidence_of(situation, base, a, p), assessment=a, probabilities=p)
