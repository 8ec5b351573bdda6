"""Robustness: how much an answer depends on the readings of the article.

``robustness(conditions, readings=[...])`` assesses one situation under several readings
(:mod:`kzpolicy.kb.reading`; by default every stock reading) and says, for the scenario
and for every item any of them reaches, under which readings it holds: "holds under 3 of
4 readings". An item *holds* under a reading when that reading's assessment reaches it
(an outcome, a risk flagged, an item engaged); a contested item does not hold, and is
named apart. The scenario holds under a reading when that reading implies it; a reading
whose decision rule decides nothing (``stated-only``) implies none (``undecided``).

Each reading's assessment is what :func:`kzpolicy.assess` gives on the knowledge base
that reading makes (the first reading is the reference the others are compared with);
the result records the readings, the knowledge base versions they made and each one's
decision.
"""

from __future__ import annotations

from collections.abc import Sequence

from kzpolicy.engine.assess import assess_resolved
from kzpolicy.engine.conditions import ConditionInput, resolve
from kzpolicy.engine.display import Displayed
from kzpolicy.engine.engines import EngineName, engine_name
from kzpolicy.engine.results import Assessment, ResultModel
from kzpolicy.errors import InputError, expect
from kzpolicy.kb.knowledge import KnowledgeBase
from kzpolicy.kb.loading import available_readings, knowledge_base, read_as
from kzpolicy.kb.reading import ReadingSpec
from kzpolicy.kb.schema import ARTICLE

__all__ = ["Holds", "ReadingOutcome", "Robustness", "holds_words", "robustness"]


class ReadingOutcome(ResultModel):
    """One reading's assessment of the situation, in brief: the ``reading`` (names joined
    by ``+`` when several were applied in order), the knowledge base it made
    (``kb_version``), the ``scenario`` it implies (or ``undecided``), how and why, and the
    items it ``reached`` (outcomes, risks and engaged, in the knowledge base's order) and
    reports ``contested``."""

    reading: str
    scenario: str
    reached: tuple[str, ...]
    contested: tuple[str, ...]
    kb_version: str
    decided_by: str
    reason: str


class Holds(ResultModel):
    """Under which readings one conclusion holds: a scenario (``kind`` ``scenario``) or an
    item (its kind). ``holds_under`` and ``fails_under`` name the readings, in the order
    they were given; ``contested_under`` those of ``fails_under`` whose rules imply the
    item while the caller denies a condition it presupposes. ``summary`` says it in words:
    "holds under 3 of 4 readings" ("under every reading", "under none")."""

    id: str
    kind: str
    label: str
    holds_under: tuple[str, ...]
    fails_under: tuple[str, ...]
    summary: str
    contested_under: tuple[str, ...] = ()


class Robustness(ResultModel, Displayed):
    """A situation assessed under several readings, and where each conclusion holds.

    ``kb_version`` is the knowledge base the readings were applied to, ``reading`` the
    reading beneath every one compared (``article``: none). ``readings`` are each
    reading's assessment, the reference (the first) first; ``scenario`` is the scenario
    the reference implies with the readings under which it holds; ``scenarios`` every
    outcome of the decision some reading gives (a scenario or ``undecided``); ``items``
    every item some reading reaches, in the knowledge base's order."""

    kb_version: str
    reading: str
    asserted: dict[str, bool]
    readings: tuple[ReadingOutcome, ...]
    scenario: Holds
    scenarios: tuple[Holds, ...]
    items: tuple[Holds, ...]


def holds_words(held: int, total: int) -> str:
    """"holds under 3 of 4 readings", "holds under every reading (4)", "holds under none
    of the 4 readings"."""
    if held == total:
        return f"holds under every reading ({total})" if total > 1 else "holds under the reading"
    if held == 0:
        return f"holds under none of the {total} readings"
    return f"holds under {held} of {total} readings"


def _outcome(name: str, kb: KnowledgeBase, a: Assessment) -> ReadingOutcome:
    return ReadingOutcome(
        reading=name, kb_version=kb.version, scenario=a.scenario.id,
        decided_by=a.scenario.decided_by, reason=a.scenario.reason,
        reached=tuple(i for i in kb.items if i in a.flagged_ids()),
        contested=tuple(c.id for c in a.contested))


def _holds(ident: str, kind: str, label: str, outcomes: Sequence[ReadingOutcome],
           held: Sequence[bool], contested: Sequence[bool] = ()) -> Holds:
    under = tuple(o.reading for o, h in zip(outcomes, held, strict=True) if h)
    fails = tuple(o.reading for o, h in zip(outcomes, held, strict=True) if not h)
    denied = tuple(o.reading for o, c in zip(outcomes, contested, strict=False) if c)
    return Holds(id=ident, kind=kind, label=label, holds_under=under, fails_under=fails,
                 contested_under=denied, summary=holds_words(len(under), len(outcomes)))


def _readings(base: KnowledgeBase, readings: object) -> list[tuple[str, KnowledgeBase]]:
    """The knowledge bases the readings make from ``base``, each with its name."""
    if readings is None:
        names = list(available_readings(base))
        if ARTICLE in names:  # the reference first
            names.remove(ARTICLE)
            names.insert(0, ARTICLE)
        specs: list[object] = list(names)
    elif isinstance(readings, list | tuple):
        specs = list(readings)
    else:
        raise InputError("robustness: readings must be a list of readings (names, files or "
                         f"kzpolicy.Reading), not {type(readings).__name__}; write "
                         f"[{readings!r}] for one")
    if not specs:
        raise InputError("robustness: give at least one reading (or None: every stock one)")
    out = []
    for spec in specs:
        kb = read_as("robustness", base, spec)
        out.append((kb.reading, kb))
    return out


def robustness(
    conditions: ConditionInput = None,
    *,
    readings: Sequence[ReadingSpec] | None = None,
    preset: str | None = None,
    kb: KnowledgeBase | None = None,
    reading: ReadingSpec = None,
    engine: EngineName = "durable",
) -> Robustness:
    """Assess ``conditions`` (over ``preset``) under each of ``readings`` and say, for the
    scenario and every item reached, under which readings it holds.

    ``readings`` is a list of readings (each a name, names joined by ``+``, a reading file,
    a :class:`~kzpolicy.Reading`, or a list of these applied in order); None means every
    stock reading, ``article`` first. The first is the reference: the result's
    ``scenario`` is the one it implies. ``reading`` is applied beneath all of them;
    ``engine`` is :func:`kzpolicy.assess`'s.
    """
    expect("robustness", "preset", preset, str, "a preset ID (see 'kzpolicy list presets')",
           optional=True)
    base = knowledge_base("robustness", kb, reading)
    name = engine_name("robustness", engine)
    asserted = resolve(base, conditions, preset=preset)
    made = _readings(base, readings)
    assessed = [(n, k, assess_resolved(k, asserted, name)) for n, k in made]
    outcomes = [_outcome(n, k, a) for n, k, a in assessed]
    labels = {a.scenario.id: a.scenario.label for _, _, a in assessed}
    scenarios = tuple(_holds(s, "scenario", label, outcomes, [o.scenario == s for o in outcomes])
                      for s, label in labels.items())
    reached = {i for o in outcomes for i in (*o.reached, *o.contested)}
    items = tuple(
        _holds(i, info.kind, info.label, outcomes, [i in o.reached for o in outcomes],
               [i in o.contested for o in outcomes])
        for i, info in base.items.items() if i in reached)
    return Robustness(kb_version=base.version, reading=base.reading, asserted=asserted,
                      readings=tuple(outcomes), scenario=scenarios[0], scenarios=scenarios,
                      items=items)
