"""The state of one feature-file scenario for the kzpolicy steps: the World.

A World holds what the scenario asserted (and the reading it reads the rules under), the
last answers kzpolicy gave (an assessment, a what-if, a look-up) or the refusal it
returned, and every check a step made (:class:`Check`), which ``kzpolicy coverage``
reads.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NoReturn, TypeVar, cast

import pytest

from kzpolicy.bdd.fields import KIND, STATUS_WORDS, name_sides_from
from kzpolicy.errors import InputError, KzPolicyError, UnknownConditionError, UnknownIdError

if TYPE_CHECKING:  # the engine and the models load when a scenario first needs them
    from kzpolicy.analysis.counterfactuals import Counterfactuals
    from kzpolicy.analysis.robustness import Robustness
    from kzpolicy.engine.results import Assessment
    from kzpolicy.journal.timeline import Timeline, TimelineEntry
    from kzpolicy.kb.knowledge import CellStatus, KnowledgeBase
    from kzpolicy.kb.schema import Stage

__all__ = ["Check", "World", "a_noun", "asserted_text", "describe", "fail", "kind_word"]

T = TypeVar("T")


@dataclass(frozen=True)
class Check:
    """Something a step checked, for coverage: what, on which subject, and whether it held."""

    what: str
    subject: str
    expected: str
    passed: bool
    assessment: Assessment | None = None


def fail(message: str) -> NoReturn:
    pytest.fail(message, pytrace=False)


@dataclass
class World:
    """The state of one scenario: what is asserted, the last answers, and the checks made."""

    kb: KnowledgeBase
    reading: str | None = None
    """The reading every assessment of the scenario is made under (None: as written)."""
    preset: str | None = None
    asserted: dict[str, object] = field(default_factory=dict)
    unasserted: set[str] = field(default_factory=set)
    clashes: list[str] = field(default_factory=list)
    assessment: Assessment | None = None
    previous: Assessment | None = None
    error: KzPolicyError | None = None
    examined: bool = False
    year: int | None = None
    stage: Stage | None = None
    cell: CellStatus | None = None
    journal: list[str] = field(default_factory=list)
    """The situation files and journals given, as paths from the working directory."""
    timeline: Timeline | None = None
    counterfactual: Counterfactuals | None = None
    checks: list[Check] = field(default_factory=list)

    def __post_init__(self) -> None:
        name_sides_from(self.kb)  # the steps of this scenario name this knowledge base's sides

    # ---------------------------------------------------------------- input
    def start_over(self) -> None:
        """Forget every assertion and answer (the checks made so far stay recorded)."""
        self.settle()
        self.preset = None
        self.asserted.clear()
        self.unasserted.clear()
        self.clashes.clear()
        self.assessment = self.previous = self.error = None
        self.examined = False

    def set_condition(self, ident: str, value: object) -> None:
        """Assert ``ident`` true or false, or (``None``) leave it unknown."""
        if value is None:
            self.asserted.pop(ident, None)
            self.unasserted.add(ident)
            return
        if ident in self.asserted and self.asserted[ident] != value:
            self.clashes.append(ident)
        self.asserted[ident] = value
        self.unasserted.discard(ident)

    # ---------------------------------------------------------------- requests
    def attempt(self, request: Callable[[], T]) -> T | None:
        """Run a request to kzpolicy, keeping a refusal for later steps to examine."""
        self.settle()
        self.error, self.examined = None, False
        try:
            return request()
        except KzPolicyError as exc:
            self.error = exc
            return None

    def _check_known(self, idents: Sequence[str]) -> None:
        for ident in idents:
            if ident not in self.kb.condition_ids:
                raise UnknownConditionError(ident, self.kb.condition_ids)

    def _assess_now(self) -> Assessment:
        from kzpolicy.engine.assess import assess
        from kzpolicy.engine.conditions import resolve

        if self.clashes:
            raise InputError(
                f"condition {self.clashes[0]!r} is given twice, once true and once false"
            )
        # values that are not booleans go to kzpolicy as given, so that it refuses them
        given = cast("dict[str, bool]", self.asserted)
        if not self.unasserted:
            return assess(given, preset=self.preset, kb=self.kb, reading=self.reading)
        self._check_known(sorted(self.unasserted))
        base = resolve(self.kb, None, preset=self.preset) if self.preset else {}
        for ident in self.unasserted:
            base.pop(ident, None)
        return assess({**base, **given}, kb=self.kb, reading=self.reading)

    def assess(self) -> None:
        """Assess what the scenario asserted so far."""
        self.previous = self.assessment
        self.assessment = self.attempt(self._assess_now)

    def what_if(self, changes: Mapping[str, bool | None]) -> None:
        """Re-assess the last assessment's conditions with ``changes`` on top."""
        last = self.result("a what-if")
        changed = dict(last.asserted)

        def request() -> Assessment:
            from kzpolicy.engine.assess import assess

            self._check_known(list(changes))
            for ident, value in changes.items():
                if value is None:
                    changed.pop(ident, None)
                else:
                    changed[ident] = value
            return assess(changed, kb=self.kb, reading=self.reading)

        self.previous = last
        self.assessment = self.attempt(request)

    def robustness(self) -> Robustness:
        """The last assessment's conditions under every stock reading (on top of the
        scenario's reading, if it has one)."""
        from kzpolicy.analysis.robustness import robustness

        last = self.result("a check across readings")
        return robustness(last.asserted, kb=self.kb, reading=self.reading)

    def look_up_year(self, year: int) -> None:
        """Find the stage of relations a year belongs to."""
        self.year, self.stage = year, None
        self.stage = self.attempt(lambda: self.kb.stage_of(year))

    def look_up_cell(self, state: str, row: str) -> None:
        """Find one cell of the partnership table."""
        by_label = {s.label.lower(): s.id for s in self.kb.states.values()}
        ident = by_label.get(state.lower(), state)
        self.cell = self.attempt(lambda: self.kb.cell(ident, row))

    def add_to_journal(self, path: str) -> None:
        """Add a situation file, or a journal (a folder or a file of dated entries)."""
        from pathlib import Path

        if not Path(path).exists():
            fail(f"no such situation file or journal {path!r} (paths are read from the "
                 f"working directory, {Path.cwd()})")
        self.journal.append(path)
        self.timeline = None

    def on(self, date: str) -> TimelineEntry:
        """The timeline's entry as of ``date`` (computed once from the files given)."""
        if not self.journal:
            fail("no situation: add 'Given the situation file \"...\"' first")
        if self.timeline is None:
            from kzpolicy.journal.situation import Situation
            from kzpolicy.journal.timeline import read_journal, timeline

            found: list[Situation] = []
            for path in self.journal:
                found += read_journal(path)[1]
            self.timeline = timeline(found, kb=self.kb, reading=self.reading)
        for entry in self.timeline.entries:
            if entry.as_of.isoformat() == date:
                return entry
        dates = ", ".join(e.as_of.isoformat() for e in self.timeline.entries)
        fail(f"no situation as of {date!r} (the dates: {dates})")

    # ---------------------------------------------------------------- answers
    def settle(self) -> None:
        """Fail if the last request was refused and no step examined the refusal."""
        if self.error is not None and not self.examined:
            err = self.error
            self.examined = True
            raise AssertionError(
                f"kzpolicy refused the request ({type(err).__name__}): {err}\n"
                "if the refusal is expected, check it with a step such as "
                "'Then the request is refused as an unknown condition'"
            ) from err

    def result(self, purpose: str = "this step") -> Assessment:
        """The last assessment; fails if there is none or it was refused."""
        self.settle()
        if self.assessment is None:
            if self.error is not None:
                fail(f"{purpose} needs an assessment, but the last request was refused")
            fail(f"{purpose} needs an assessment: add 'When the situation is assessed' first")
        return self.assessment

    def before(self) -> Assessment:
        """The assessment before the last what-if."""
        self.result("comparing with before")
        if self.previous is None:
            fail("nothing to compare with: ask a what-if after a first assessment")
        return self.previous

    def refusal(self) -> KzPolicyError:
        """The refusal of the last request; fails if it was not refused."""
        if self.error is None:
            fail("the last request was not refused")
        self.examined = True
        return self.error

    def verify(
        self,
        passed: bool,
        message: str,
        *,
        what: str,
        subject: str,
        expected: str,
        assessment: Assessment | None = None,
    ) -> None:
        """Record a check and fail with ``message`` when it does not hold."""
        self.checks.append(Check(what, subject, expected, passed, assessment))
        if not passed:
            fail(message)

    def finish(self) -> None:
        """End of the scenario: a refusal nobody examined fails it."""
        self.settle()

    # ---------------------------------------------------------------- helpers
    def item(self, ident: str, kind: str, status_word: str | None = None) -> str:
        """Validate that ``ident`` is an item of ``kind`` that takes ``status_word``
        (flagged, engaged or reached, maybe after "not", "newly", ...); return its kb
        kind."""
        from kzpolicy.kb.kinds import GROUP_OF

        info = self.kb.items.get(ident)
        if info is None or info.kind not in GROUP_OF:
            flaggable = [i for i, x in self.kb.items.items() if x.kind in GROUP_OF]
            raise UnknownIdError("item", ident, flaggable)
        group = GROUP_OF[info.kind]
        if kind == "any":
            return info.kind
        noun = a_noun(kind_word(info.kind))
        if kind == "risk" and group != "risks":
            fail(f"{ident} is {noun}, not a risk: name it as {noun}")
        if kind not in {"risk", info.kind}:
            fail(f"{ident} is {noun} in the article, not {a_noun(kind_word(kind))}")
        words = STATUS_WORDS[group]
        if status_word is not None and status_word.rsplit(" ", 1)[-1] not in words:
            fail(f"{ident} is {noun}: write that it is {' or '.join(words)} or not {words[0]}")
        return info.kind

    def section(self, name: str) -> str:
        """A section ID from its ID or title."""
        for sec in self.kb.sections.values():
            if name.lower() in {sec.id.lower(), sec.title.lower()}:
                return sec.id
        raise UnknownIdError("section", name, self.kb.sections)


def kind_word(kind: str) -> str:
    return next(k for k, v in KIND.items() if v == kind)


def a_noun(word: str) -> str:
    """The word with its indefinite article: ``a threat``, ``an outcome``."""
    return ("an " if word[:1] in tuple("aeiou") else "a ") + word


def describe(a: Assessment, ident: str) -> str:
    for c in a.contested:
        if c.id == ident:
            denied = ", ".join(f"{d.id}=false" for d in c.denied)
            return f"{ident} ({c.label}) is contested: the rules imply it, but {denied}"
    f = a.item(ident)
    if f is None:
        flagged = ", ".join(sorted(a.flagged_ids())) or "nothing"
        return f"{ident} is not among the items reached ({flagged})"
    reasons = "; ".join(f"{s.rule} from {', '.join(s.conditions) or 'nothing'}" for s in f.because)
    return f"{ident} ({f.label}) is there because of {reasons}"


def asserted_text(a: Assessment) -> str:
    return ", ".join(f"{k}={'true' if v else 'false'}" for k, v in a.asserted.items()) or "nothing"

