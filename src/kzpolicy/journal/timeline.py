"""A timeline: several situations in date order, what moved from one date to the next,
and which changed beliefs moved it.

A journal is a folder of situation files (``*.yaml``, ``*.yml``, ``*.json``, each one
whole situation) or one file with dated ``entries`` (each a situation; an optional
``title``). Each situation is assessed as :func:`~kzpolicy.journal.evidence.assess_situation`
assesses it alone, so a date's results are exactly those of ``assess`` (and of
``probabilities`` when some beliefs are uncertain) on that situation; a belief is not
carried from one date to the next: left out, it is unknown.

Between two consecutive dates the *differences* are: the implied scenario changed; a
risk was added; a risk was cleared; the most likely scenario changed (when some beliefs
are uncertain on either date; with none it is the implied scenario). The *changed
beliefs* are the conditions whose belief differs (true, false, a probability, or none).

**Caused by.** A set of changed beliefs *undoes* a difference when the later situation,
with just those beliefs put back as they were at the earlier date (removed if there was
none), no longer shows it: the scenario is the earlier one again, the added risk is not
flagged, the cleared risk is flagged again, the most likely scenario is the earlier one.
A difference is *caused by* the smallest sets of changed beliefs that undo it: the single
beliefs each of which alone undoes it when there are any (each one is a but-for cause),
else the pairs, and so on up to ``max_cause`` beliefs; none when no set that small does
(then only more of the changes put back together undo it: putting every one back always
does, since that is the earlier situation). At most :data:`MAX_TRIED` sets are tried per
date: with many changed beliefs the search stops at the last size whose every set fits,
and each difference says how far it went (``searched``).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations, pairwise
from math import comb
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic import ValidationError as PydanticValidationError

from kzpolicy.analysis.budget import checkpoint
from kzpolicy.analysis.probabilities import probabilities
from kzpolicy.engine.assess import assess
from kzpolicy.engine.display import Displayed
from kzpolicy.engine.engines import EngineName
from kzpolicy.engine.results import ResultModel
from kzpolicy.errors import InputError, expect
from kzpolicy.journal.evidence import EvidenceRef, SituationAssessment, assess_situation
from kzpolicy.journal.situation import (
    BeliefValue,
    Situation,
    Text,
    describe_errors,
    is_situation,
    read_data_of,
    read_situation,
    refuse,
    situation_from,
)
from kzpolicy.kb.knowledge import KnowledgeBase
from kzpolicy.kb.loading import knowledge_base
from kzpolicy.kb.reading import ReadingSpec

__all__ = [
    "MAX_CAUSE",
    "BeliefChange",
    "Difference",
    "JournalSource",
    "Timeline",
    "TimelineEntry",
    "read_journal",
    "timeline",
]

MAX_CAUSE = 3
"""The largest set of changed beliefs searched for a cause (``max_cause``)."""
MAX_TRIED = 5000
"""The most sets of changed beliefs put back per date: a size whose sets would take the
count past it is not tried (the differences then say how far the search went)."""
SUFFIXES = (".yaml", ".yml", ".json")
"""The files of a journal folder that are read."""

DifferenceKind = Literal["scenario", "added", "cleared", "most-likely"]
Ids = tuple[str, ...]
"""Items by ID, in the knowledge base's order."""


class BeliefChange(ResultModel):
    """A condition believed otherwise than at the date before."""

    condition: str
    label: str
    before: BeliefValue | None
    """True, false, a probability, or None (not believed: unknown)."""
    after: BeliefValue | None
    evidence: EvidenceRef | None
    """The caller's evidence for the belief now (None when it was dropped)."""


class Difference(ResultModel):
    """One thing that differs from the date before, and what caused it."""

    kind: DifferenceKind
    """``scenario`` (the implied scenario changed), ``added`` or ``cleared`` (a risk),
    ``most-likely`` (the most likely scenario changed)."""
    subject: str
    """The scenario now, or the risk."""
    before: str | None
    """The scenario before (for ``scenario`` and ``most-likely``)."""
    caused_by: tuple[tuple[str, ...], ...]
    """The smallest sets of changed beliefs whose putting back alone undoes it (see the
    module's definition); empty when no set of up to ``searched`` beliefs does."""
    searched: int
    """The largest size of set tried: that of ``caused_by``'s sets when there are any;
    else ``max_cause`` (or the number of changed beliefs, if fewer), or less when trying
    every set of the next size would take more than :data:`MAX_TRIED` tries."""


class TimelineEntry(ResultModel):
    """One date of the timeline: what the situation implies, and what changed since the
    date before and why."""

    as_of: datetime.date
    title: str
    file: str | None
    scenario: str = Field(description="the implied scenario of the certain beliefs")
    shares: dict[str, float] = Field(description="each scenario's share, as assess gives it")
    probabilities: dict[str, float] | None = Field(
        description="each scenario's probability when some beliefs are uncertain, else None")
    most_likely: str = Field(description="the most likely scenario (the implied one when "
                             "every belief is certain)")
    risks: Ids = Field(description="the risks flagged (threats, weaknesses, rivalry effects)")
    added: Ids = Field(description="the risks flagged now and not at the date before")
    cleared: Ids = Field(description="the risks flagged at the date before and not now")
    changes: tuple[BeliefChange, ...] = Field(description="the beliefs changed since the "
                                              "date before")
    differences: tuple[Difference, ...] = Field(description="what differs from the date "
                                                "before, each with its causes")
    evidence: tuple[EvidenceRef, ...] = Field(description="the caller's evidence")


class Timeline(ResultModel, Displayed):
    """Situations in date order: per date the scenario, the shares, the probabilities,
    the risks, and what changed since the date before and why."""

    kb_version: str
    reading: str
    title: str | None
    scenarios: tuple[str, ...]
    """The knowledge base's scenarios, in its order (the keys of shares)."""
    max_cause: int
    entries: tuple[TimelineEntry, ...]


# ---------------------------------------------------------------------- reading
class _JournalFile(BaseModel):
    """One file holding a whole journal: a title and its dated entries."""

    model_config = ConfigDict(extra="forbid")

    title: Text | None = None
    entries: list[Any] = Field(min_length=1)


def _journal_file(data: object, name: str, index: Any) -> tuple[str | None, list[Situation]]:
    try:
        journal = _JournalFile.model_validate(data)
    except PydanticValidationError as exc:
        raise refuse(describe_errors(exc, name, index, (), _JournalFile), name) from None
    return journal.title, [situation_from(e, name, index, ("entries", n))
                           for n, e in enumerate(journal.entries)]


def read_journal(path: str | Path) -> tuple[str | None, list[Situation]]:
    """The title (None when it has none) and the situations of a journal: a folder of
    situation files, a file with dated ``entries``, or a single situation file."""
    folder = Path(path)
    if folder.is_dir():
        files = sorted(p for p in folder.iterdir() if p.suffix in SUFFIXES and p.is_file())
        if not files:
            raise InputError(f"{path}: no situation file (.yaml, .yml, .json) in the folder; "
                             "put one situation file per date there")
        return None, [read_situation(p) for p in files]
    data, index = read_data_of(path)
    name = str(path)
    if isinstance(data, Mapping) and "entries" in data:
        return _journal_file(data, name, index)
    if is_situation(data):
        return None, [situation_from(data, name, index)]
    raise InputError(f"{name}:1: not a journal; write `entries:` with one situation per "
                     "date (each a title, an as_of date and beliefs), or give a folder of "
                     "situation files")


JournalSource = str | Path | Sequence[Situation | str | Path]
"""A journal: a folder, a file, or situations (or their files) in any order."""


def _situations(source: object) -> tuple[str | None, list[Situation]]:
    if isinstance(source, str | Path):
        return read_journal(source)
    if isinstance(source, Sequence) and source:
        out = []
        for s in source:
            if isinstance(s, Situation):
                out.append(s)
            elif isinstance(s, str | Path):
                out.append(read_situation(s))
            else:
                break
        else:
            return None, out
    from kzpolicy.errors import ArgumentTypeError

    raise ArgumentTypeError("timeline", "source", "a journal folder or file, or a list of "
                            "situations or situation files", source)


def in_date_order(situations: Sequence[Situation]) -> list[Situation]:
    """The situations by ``as_of``; two of the same date are an error naming both."""
    ordered = sorted(situations, key=lambda s: s.as_of)
    for a, b in pairwise(ordered):
        if a.as_of == b.as_of:
            raise InputError(f"{b.where('as_of')}: two situations as of {b.as_of} (the other "
                             f"is {a.where('as_of')}); give each date once, or merge them")
    return ordered


# ---------------------------------------------------------------------- what differs
@dataclass(frozen=True)
class _State:
    """What a set of beliefs implies, as far as the differences go."""

    scenario: str
    risks: frozenset[str]
    most_likely: str


def _beliefs(s: Situation) -> dict[str, BeliefValue]:
    """A situation's beliefs, each certain one as true/false, each other a probability."""
    return {**s.certain(), **s.uncertain()}


def _same(a: BeliefValue | None, b: BeliefValue | None) -> bool:
    return type(a) is type(b) and a == b


class _Evaluator:
    """The state of beliefs on one knowledge base, each set computed once."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.seen: dict[frozenset[tuple[str, BeliefValue]], _State] = {}

    def state(self, beliefs: Mapping[str, BeliefValue]) -> _State:
        key = frozenset(beliefs.items())
        found = self.seen.get(key)
        if found is None:
            found = self.seen[key] = self._compute(beliefs)
        return found

    def _compute(self, beliefs: Mapping[str, BeliefValue]) -> _State:
        certain = {c: v for c, v in beliefs.items() if isinstance(v, bool)}
        uncertain = {c: v for c, v in beliefs.items() if not isinstance(v, bool)}
        a = assess(certain, kb=self.kb, engine="bitset")
        likely = (probabilities(uncertain, fixed=certain, kb=self.kb).most_likely
                  if uncertain else a.scenario.id)
        return _State(a.scenario.id, frozenset(f.id for f in a.risks), likely)


Undone = Callable[[_State], bool]


def _flagged(risk: str, flagged: bool) -> Undone:
    """The test that ``risk`` is flagged (or not), as it was before."""
    return lambda s: (risk in s.risks) == flagged


def _differences(before: _State, now: _State, weighed: bool
                 ) -> list[tuple[DifferenceKind, str, str | None, Undone]]:
    """What differs from ``before`` to ``now``, each with the test of its undoing."""
    out: list[tuple[DifferenceKind, str, str | None, Undone]] = []
    if now.scenario != before.scenario:
        out.append(("scenario", now.scenario, before.scenario,
                    lambda s: s.scenario == before.scenario))
    out += [("added", r, None, _flagged(r, False)) for r in sorted(now.risks - before.risks)]
    out += [("cleared", r, None, _flagged(r, True)) for r in sorted(before.risks - now.risks)]
    if weighed and now.most_likely != before.most_likely:
        out.append(("most-likely", now.most_likely, before.most_likely,
                    lambda s: s.most_likely == before.most_likely))
    return out


def put_back(now: Mapping[str, BeliefValue], before: Mapping[str, BeliefValue],
             which: Sequence[str]) -> dict[str, BeliefValue]:
    """``now`` with the beliefs ``which`` as they were ``before`` (removed if none)."""
    out = dict(now)
    for c in which:
        if c in before:
            out[c] = before[c]
        else:
            out.pop(c, None)
    return out


def causes(now: Mapping[str, BeliefValue], before: Mapping[str, BeliefValue],
           changed: Sequence[str], undone: Sequence[Undone],
           state: Callable[[Mapping[str, BeliefValue]], _State], max_cause: int
           ) -> tuple[list[tuple[tuple[str, ...], ...]], list[int]]:
    """For each test of ``undone``, the smallest sets of ``changed`` beliefs (up to
    ``max_cause`` of them, and no size whose sets would take the tries past
    :data:`MAX_TRIED`) whose putting back undoes it, and the largest size searched."""
    found: list[list[tuple[str, ...]]] = [[] for _ in undone]
    searched = [0 for _ in undone]
    open_ = set(range(len(undone)))
    tried = 0
    for size in range(1, min(max_cause, len(changed)) + 1):
        tried += comb(len(changed), size)
        if not open_ or tried > MAX_TRIED:
            break
        for i in open_:
            searched[i] = size
        hit: set[int] = set()
        for which in combinations(changed, size):
            checkpoint()  # each set is an assessment: the run budget's time and cancel
            s = state(put_back(now, before, which))
            for i in open_:
                if undone[i](s):
                    found[i].append(which)
                    hit.add(i)
        open_ -= hit
    return [tuple(f) for f in found], searched


# ---------------------------------------------------------------------- the timeline
def _changes(kb: KnowledgeBase, before: Mapping[str, BeliefValue],
             now: Mapping[str, BeliefValue], evidence: Sequence[EvidenceRef]
             ) -> tuple[list[str], tuple[BeliefChange, ...]]:
    by_id = {e.condition: e for e in evidence}
    changed = [c for c in kb.condition_ids if not _same(before.get(c), now.get(c))]
    return changed, tuple(
        BeliefChange(condition=c, label=kb.label_of(c), before=before.get(c),
                     after=now.get(c), evidence=by_id.get(c)) for c in changed)


def _entry(kb: KnowledgeBase, s: Situation, found: SituationAssessment,
           previous: tuple[Situation, TimelineEntry] | None, evaluator: _Evaluator,
           max_cause: int) -> TimelineEntry:
    a, p = found.assessment, found.probabilities
    risks = tuple(f.id for f in a.risks)
    likely = p.most_likely if p is not None else a.scenario.id
    fields: dict[str, Any] = {
        "as_of": s.as_of, "title": s.title, "file": s.file, "scenario": a.scenario.id,
        "shares": dict(a.scenario.shares), "most_likely": likely, "risks": risks,
        "probabilities": ({sid: sp.probability for sid, sp in p.scenarios.items()}
                          if p is not None else None),
        "evidence": found.evidence, "added": (), "cleared": (), "changes": (),
        "differences": (),
    }
    if previous is not None:
        was_s, was = previous
        before, now = _beliefs(was_s), _beliefs(s)
        changed, fields["changes"] = _changes(kb, before, now, found.evidence)
        diffs = _differences(_State(was.scenario, frozenset(was.risks), was.most_likely),
                             _State(a.scenario.id, frozenset(risks), likely),
                             weighed=p is not None or was.probabilities is not None)
        why, searched = causes(now, before, changed, [d[3] for d in diffs], evaluator.state,
                               max_cause)
        fields["added"] = tuple(r for r in risks if r not in was.risks)
        fields["cleared"] = tuple(r for r in was.risks if r not in risks)
        fields["differences"] = tuple(
            Difference(kind=k, subject=subject, before=b, caused_by=c, searched=n)
            for (k, subject, b, _), c, n in zip(diffs, why, searched, strict=True))
    return TimelineEntry(**fields)


def timeline(
    source: JournalSource,
    *,
    kb: KnowledgeBase | None = None,
    reading: ReadingSpec = None,
    engine: EngineName = "durable",
    max_cause: int = MAX_CAUSE,
) -> Timeline:
    """The situations of ``source`` (a journal folder or file, or situations) in date
    order on ``kb`` under ``reading``: per date the implied scenario, the shares, the
    scenario probabilities (with uncertain beliefs), the risks added and cleared since the
    date before, and the changed beliefs that caused each difference (see the module's
    definition of *caused*), with the caller's evidence."""
    expect("timeline", "max_cause", max_cause, int, "a whole number from 1")
    if max_cause < 1:
        raise InputError(f"timeline: max_cause must be at least 1, not {max_cause}")
    base = knowledge_base("timeline", kb, reading)
    title, found = _situations(source)
    evaluator = _Evaluator(base)
    entries: list[TimelineEntry] = []
    previous: tuple[Situation, TimelineEntry] | None = None
    for s in in_date_order(found):
        entry = _entry(base, s, assess_situation(s, kb=base, engine=engine), previous,
                       evaluator, max_cause)
        entries.append(entry)
        previous = (s, entry)
    return Timeline(kb_version=base.version, reading=base.reading, title=title,
                    scenarios=tuple(base.scenarios), max_cause=max_cause,
                    entries=tuple(entries))
