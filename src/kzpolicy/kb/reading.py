"""Readings: named, validated changes to a knowledge base, as data.

A *reading* is one way of reading the article that differs from the knowledge base as
written: it drops rules (by ID, or every rule of a stance), adds or replaces rules, or
changes the scenario decision rule (its form: shares or counts of factors, or none; its
threshold; whether a pole must lead strictly). It has an ID, a label, a statement, a
locator and a reason, like any entry of rules/, and so has each of its changes. A
reading is read from a YAML file with one top-level key, ``reading:`` (a folder's
``readings/`` holds its stock ones, ``rules/readings/`` the stock knowledge base's), or
built in Python as a :class:`Reading`.

Readings compose in order: :func:`apply` turns a knowledge base and a reading into a new
knowledge base whose ``reading`` names the readings applied (``stated-only+count-4``)
and whose ``version`` is the base's content hash, the readings' names and their content
hashes (``kb-…+stated-only.1a2b3c4d``), so every result made on it says what it was
made with. Dropping the decision rule (by its ID, or by its stance) leaves the scenario
*undecided*: no scenario is implied, rather than one invented. The reading ``article``
changes nothing.

:func:`check_reading` returns a reading's problems against a base (and its *notes*: the
items and conditions the reading leaves unreachable, which a folder may not have but a
reading may mean to make). Nothing about the article is here.
"""

from __future__ import annotations

import functools
import hashlib
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from pydantic import Field, model_validator
from pydantic import ValidationError as PydanticValidationError

from kzpolicy.errors import (
    ArgumentTypeError,
    Problem,
    RulesFileError,
    UnknownIdError,
    ValidationError,
    closest,
    expect,
)
from kzpolicy.kb import schema
from kzpolicy.kb.checks import validate
from kzpolicy.kb.folder import Origin, RawKB, Sourced
from kzpolicy.kb.knowledge import KnowledgeBase
from kzpolicy.kb.schema import ARTICLE
from kzpolicy.kb.strict_yaml import LineIndex, parse_yaml, read_text

__all__ = [
    "ARTICLE",
    "READINGS_FOLDER",
    "Change",
    "DecisionChange",
    "Drop",
    "Reading",
    "ReadingCheck",
    "ReadingSpec",
    "apply",
    "check_reading",
    "read_reading",
    "readings_in",
    "resolve_readings",
    "stock_names",
]

#: the folder of a rules folder that holds its readings
READINGS_FOLDER = "readings"
#: the check of a problem a reading's own data has
_CHECK = "reading"
#: what a dropped decision rule becomes
_NO_RULE_LABEL = "No scenario decision rule"


class Drop(schema.Entry):
    """Rules to drop: by ID (the decision rule's ID drops it too), by stance, or both."""

    ids: tuple[schema.Id, ...] = ()
    stance: schema.Stance | None = None

    @model_validator(mode="after")
    def _something(self) -> Drop:
        if not self.ids and self.stance is None:
            raise ValueError("drop names nothing: give `ids: [...]` or `stance: ...`")
        return self


class DecisionChange(schema.Entry):
    """The decision rule's parameters a reading changes (the others stay as they were)."""

    label: str | None = None
    form: schema.DecisionForm | None = None
    threshold: float | None = None
    strict: bool | None = None
    stance: schema.Stance = "interpretation"
    """The stance of the rule that results: a rule the article does not give is the
    reading's interpretation."""


_ACTIONS = ("drop", "add", "replace", "decision")


class Change(schema.Entry):
    """One change of a reading: exactly one of ``drop``, ``add``, ``replace`` and
    ``decision``, with its ``reason`` and, where the article bears on it, a ``locator``."""

    drop: Drop | None = None
    add: tuple[schema.Rule, ...] = ()
    replace: tuple[schema.Rule, ...] = ()
    decision: DecisionChange | None = None
    reason: str = Field(min_length=1)
    locator: schema.Locator | None = None

    @model_validator(mode="after")
    def _one_action(self) -> Change:
        given = [a for a in _ACTIONS if getattr(self, a) not in (None, ())]
        if len(given) != 1:
            raise ValueError(f"a change does exactly one of {', '.join(_ACTIONS)} "
                             f"(this one: {', '.join(given) or 'none'}); split it in two")
        return self

    @property
    def action(self) -> str:
        """Which of ``drop``, ``add``, ``replace``, ``decision`` it is."""
        return next(a for a in _ACTIONS if getattr(self, a) not in (None, ()))


class Reading(schema.Entry):
    """A named way of reading the article: changes to a knowledge base, in order."""

    id: schema.Id
    label: str
    statement: str
    reason: str = Field(min_length=1)
    locator: schema.Locator
    changes: tuple[Change, ...] = ()

    @functools.cached_property
    def digest(self) -> str:
        """The content hash of the reading (its canonical JSON)."""
        return hashlib.sha256(self.model_dump_json().encode()).hexdigest()


# ---------------------------------------------------------------------- reading files
@dataclass(frozen=True)
class _Read:
    """A reading as read from a file, with the origin of each of its changes' entries."""

    reading: Reading
    file: str
    index: LineIndex | None

    def origin(self, *path: str | int) -> Origin:
        line = self.index.line(("reading", *path)) if self.index is not None else None
        return Origin(self.file, line)


def _problems_of(exc: PydanticValidationError, file: str, index: LineIndex) -> list[Problem]:
    out = []
    for err in exc.errors(include_url=False):
        loc = tuple(x for x in err["loc"] if not (isinstance(x, str) and "[" in x))
        where = ".".join(str(x) for x in ("reading", *loc))
        msg = err["msg"].removeprefix("Value error, ")
        out.append(Problem("schema", f"{where}: {msg}", file=file,
                           line=index.line(("reading", *loc))))
    return out


def _parse(path: Path, name: str) -> tuple[_Read | None, list[Problem]]:
    """A reading file's reading, or why it is none (the YAML is refused as it is in a
    rules folder: RulesFileError)."""
    data, index = parse_yaml(read_text(path, name), name)
    if not isinstance(data, dict) or set(data) != {"reading"}:
        return None, [Problem("schema", "a reading file holds one top-level key, `reading:`",
                              file=name, line=1)]
    try:
        reading = Reading.model_validate(data["reading"])
    except PydanticValidationError as exc:
        return None, _problems_of(exc, name, index)
    return _Read(reading, name, index), []


def read_reading(path: str | Path) -> Reading:
    """The reading of a YAML file (``reading: {id: ..., changes: [...]}``); raises
    RulesFileError for a file that cannot be read and ValidationError for one whose
    reading breaks the schema."""
    expect("read_reading", "path", path, (str, Path), "the path of a reading file (.yaml)")
    file = Path(path)
    if not file.is_file():
        raise RulesFileError("no such reading file; give a .yaml file or the name of a "
                             "stock reading", file=str(path))
    found, problems = _parse(file, str(path))
    if found is None:
        raise ValidationError(problems)
    _FILES[found.reading.digest] = found
    return found.reading


#: readings read from files, by digest: their entries' origins for the knowledge base
_FILES: dict[str, _Read] = {}


def readings_in(folder: Path) -> tuple[dict[str, Reading], list[Problem]]:
    """The readings of a rules folder's ``readings/`` (by ID, in file-name order) and the
    problems of its files; each file is named after its reading's ID."""
    return _folder_readings(folder.resolve(), _stamp(folder))


def _stamp(folder: Path) -> tuple[tuple[str, int, int], ...]:
    where = folder / READINGS_FOLDER
    if not where.is_dir():
        return ()
    return tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size)
                 for p in sorted(where.glob("*.yaml")))


@functools.lru_cache(maxsize=16)
def _folder_readings(folder: Path, stamp: tuple[tuple[str, int, int], ...]
                     ) -> tuple[dict[str, Reading], list[Problem]]:
    found: dict[str, Reading] = {}
    problems: list[Problem] = []
    for name, _, _ in stamp:
        display = f"{READINGS_FOLDER}/{name}"
        try:
            read, trouble = _parse(folder / READINGS_FOLDER / name, display)
        except RulesFileError as exc:
            problems.append(Problem("yaml", exc.reason, file=exc.file, line=exc.line))
            continue
        problems += trouble
        if read is None:
            continue
        ident = read.reading.id
        if name != f"{ident}.yaml":
            problems.append(Problem(_CHECK, f"the file of reading {ident!r} must be named "
                                    f"{ident}.yaml", file=display, line=read.origin("id").line))
        elif ident in found:  # pragma: no cover - two files cannot share a name
            continue
        else:
            found[ident] = read.reading
            _FILES[read.reading.digest] = read
    return found, problems


# ---------------------------------------------------------------------- applying
@dataclass
class _Edit:
    """A knowledge base's rules and decision being changed by one reading."""

    read: _Read
    rules: list[Sourced[schema.Rule]]
    decision: Sourced[schema.Decision]
    problems: list[Problem]

    def problem(self, message: str, *path: str | int) -> None:
        origin = self.read.origin(*path)
        self.problems.append(Problem(_CHECK, f"reading {self.read.reading.id}: {message}",
                                     file=origin.file, line=origin.line))

    def apply(self, n: int, change: Change) -> None:
        """Change ``n`` of the reading."""
        getattr(self, "_" + change.action)(n, change)

    def _drop(self, n: int, change: Change) -> None:
        assert change.drop is not None
        ids, stance = set(change.drop.ids), change.drop.stance
        known = {s.value.id for s in self.rules} | {self.decision.value.id}
        for k, ident in enumerate(change.drop.ids):
            if ident not in known:
                near = closest(ident, known)
                hint = f"; did you mean {' or '.join(map(repr, near))}?" if near else ""
                self.problem(f"drop names {ident!r}, which is no rule here{hint}",
                             "changes", n, "drop", "ids", k)
        self.rules = [s for s in self.rules
                      if s.value.id not in ids and s.value.stance != stance]
        dec = self.decision.value
        if dec.id in ids or (dec.form != "none" and dec.stance == stance):
            locator = change.locator or self.read.reading.locator
            self.decision = Sourced(dec.model_copy(update={
                "label": _NO_RULE_LABEL, "form": "none", "stance": "stated",
                "reason": change.reason, "locator": locator}), self.read.origin("changes", n))

    def _add(self, n: int, change: Change) -> None:
        have = {s.value.id for s in self.rules}
        for k, rule in enumerate(change.add):
            if rule.id in have:
                self.problem(f"add names rule {rule.id!r}, which exists; use replace",
                             "changes", n, "add", k)
                continue
            have.add(rule.id)
            self.rules.append(Sourced(rule, self.read.origin("changes", n, "add", k)))

    def _replace(self, n: int, change: Change) -> None:
        at = {s.value.id: i for i, s in enumerate(self.rules)}
        for k, rule in enumerate(change.replace):
            if rule.id not in at:
                near = closest(rule.id, at)
                hint = f"; did you mean {' or '.join(map(repr, near))}?" if near else ""
                self.problem(f"replace names rule {rule.id!r}, which is no rule here{hint}; "
                             "use add for a new one", "changes", n, "replace", k)
                continue
            self.rules[at[rule.id]] = Sourced(rule,
                                              self.read.origin("changes", n, "replace", k))

    def _decision(self, n: int, change: Change) -> None:
        assert change.decision is not None
        given = change.decision.model_dump(exclude_none=True)
        values = {**self.decision.value.model_dump(), **given, "reason": change.reason}
        if change.locator is not None:
            values["locator"] = change.locator.model_dump()
        try:
            decision = schema.Decision.model_validate(values)
        except PydanticValidationError as exc:
            for err in exc.errors(include_url=False):
                self.problem(f"decision: {err['msg'].removeprefix('Value error, ')}",
                             "changes", n, "decision")
            return
        self.decision = Sourced(decision, self.read.origin("changes", n))


def _locator_problems(kb: KnowledgeBase, read: _Read) -> Iterator[Problem]:
    """The reading's own locators (its own and its changes') against the article's sections."""
    reading = read.reading
    places: list[tuple[schema.Locator, tuple[str | int, ...]]] = [(reading.locator, ("locator",))]
    places += [(c.locator, ("changes", n, "locator"))
               for n, c in enumerate(reading.changes) if c.locator is not None]
    for loc, path in places:
        section = kb.sections.get(loc.section)
        origin = read.origin(*path)
        if section is None:
            yield Problem("locator", f"reading {reading.id}: no section {loc.section!r}",
                          file=origin.file, line=origin.line)
        elif loc.list is not None and loc.list not in {x.id for x in section.lists}:
            yield Problem("locator", f"reading {reading.id}: section {section.id!r} has no "
                          f"list {loc.list!r}", file=origin.file, line=origin.line)


@dataclass(frozen=True)
class ReadingCheck:
    """What applying a reading to a base found: the knowledge base it makes (None when it
    has problems), the problems, and the notes (items and conditions it leaves
    unreachable)."""

    kb: KnowledgeBase | None
    problems: tuple[Problem, ...]
    notes: tuple[Problem, ...]


def _made(base: KnowledgeBase, read: _Read) -> ReadingCheck:
    """Apply one reading to ``base``, every problem collected."""
    reading = read.reading
    raw = base.raw
    edit = _Edit(read, list(raw.lists.get("rules", ())), raw.singletons["decision"],
                 list(_locator_problems(base, read)))
    for n, change in enumerate(reading.changes):
        edit.apply(n, change)
    lists = dict(raw.lists)
    lists["rules"] = tuple(edit.rules)
    singletons = {**raw.singletons, "decision": edit.decision}
    name = reading.id if base.reading == ARTICLE else f"{base.reading}+{reading.id}"
    made = KnowledgeBase(RawKB(raw.root, raw.digest, MappingProxyType(singletons),
                               MappingProxyType(lists), reading=name,
                               version=f"{base.version}+{reading.id}.{reading.digest[:8]}"))
    mine = {s.value.id for s in edit.rules if s.origin.file == read.file}
    notes: list[Problem] = []
    problems = list(edit.problems)
    for p in validate(made):
        (notes if _consequence(p, mine) else problems).append(p)
    return ReadingCheck(None if problems else made, tuple(problems), tuple(notes))


def _consequence(problem: Problem, mine: set[str]) -> bool:
    """Whether ``problem`` of a knowledge base a reading made is what the reading means to
    do rather than a mistake in it: an item or condition no rule reaches any more, or a
    rule of the base (not one the reading adds or replaces) that can no longer hold,
    since what it reads is gone."""
    if problem.check == "unreachable":
        return True
    if problem.check != "never-holds" or not problem.message.startswith("rule "):
        return False
    return problem.message.removeprefix("rule ").split(":", 1)[0] not in mine


def _read_of(reading: Reading) -> _Read:
    """The reading with the origins of its file, when it was read from one."""
    return _FILES.get(reading.digest) or _Read(reading, f"reading {reading.id}", None)


def check_reading(base: KnowledgeBase, reading: Reading) -> ReadingCheck:
    """Apply ``reading`` to ``base`` without raising: the knowledge base it makes, or its
    problems; and its notes."""
    if reading.id == ARTICLE and not reading.changes:
        return ReadingCheck(base, (), ())
    return _made(base, _read_of(reading))


class _Made:
    """The knowledge bases readings made from one base, by reading digest: each is made
    once and lives as long as its base."""

    def __init__(self, base: KnowledgeBase) -> None:
        self.base = base
        self.found: dict[str, KnowledgeBase] = {}
        self.lock = threading.Lock()

    def get(self, reading: Reading) -> KnowledgeBase:
        hit = self.found.get(reading.digest)
        if hit is not None:
            return hit
        with self.lock:
            hit = self.found.get(reading.digest)
            if hit is None:
                checked = check_reading(self.base, reading)
                if checked.kb is None:
                    raise ValidationError(checked.problems)
                hit = self.found[reading.digest] = checked.kb
        return hit


def apply(base: KnowledgeBase, readings: Sequence[Reading]) -> KnowledgeBase:
    """``base`` with ``readings`` applied in order (made once per base and reading);
    raises ValidationError listing a reading's problems."""
    kb = base
    for reading in readings:
        if reading.id == ARTICLE and not reading.changes:
            continue
        kb = kb.derived(_Made).get(reading)
    return kb


# ---------------------------------------------------------------------- naming readings
ReadingSpec = str | Path | Reading | Sequence[str | Path | Reading] | None
"""What ``reading=`` takes: None (the knowledge base as written), a reading's name (of the
folder's ``readings/``, else the stock ones), several names joined by ``+`` (applied in
order), the path of a reading file, a :class:`Reading`, or a list of these."""
_EXPECTED = ("a reading's name such as 'stated-only', names joined by '+', the path of a "
             "reading file, a kzpolicy.Reading, or a list of these")


def _unknown(name: str, known: Mapping[str, Any]) -> UnknownIdError:
    """The error for a reading name no folder has."""
    err = UnknownIdError("reading", name, known)
    err.message += (f" The readings: {', '.join(known) or 'none'}; or give the path of a "
                    "reading file (.yaml).")
    err.args = (err.message,)
    return err


def _refuse_broken(name: str, folders: Sequence[Path]) -> None:
    """Raise the problems of a reading file named ``name`` that does not read."""
    for folder in folders:
        mine = [p for p in readings_in(folder)[1]
                if p.file == f"{READINGS_FOLDER}/{name}.yaml"]
        if mine:
            raise ValidationError(mine)


def _is_file_name(text: str) -> bool:
    return text.endswith((".yaml", ".yml")) or "/" in text or "\\" in text


def stock_names(folders: Sequence[Path]) -> dict[str, Reading]:
    """The readings of ``folders``' ``readings/``, the first folder's first on a name
    (problems of their files are :func:`readings_in`'s to report)."""
    found: dict[str, Reading] = {}
    for folder in folders:
        for name, reading in readings_in(folder)[0].items():
            found.setdefault(name, reading)
    return found


def resolve_readings(where: str, spec: object, folders: Sequence[Path]) -> list[Reading]:
    """The readings ``spec`` names (see :data:`ReadingSpec`), in order; names are looked
    up in ``folders``' ``readings/`` (the knowledge base's folder, then the stock one)."""
    if spec is None:
        return []
    if isinstance(spec, Reading):
        return [spec]
    if isinstance(spec, Path):
        return [read_reading(spec)]
    if isinstance(spec, str):
        if _is_file_name(spec) or Path(spec).is_file():
            return [read_reading(spec)]
        known = stock_names(folders)
        out = []
        for name in spec.split("+"):
            if name not in known:
                _refuse_broken(name, folders)
                raise _unknown(name, known)
            out.append(known[name])
        return out
    if isinstance(spec, list | tuple):
        return [r for part in spec for r in resolve_readings(where, part, folders)]
    raise ArgumentTypeError(where, "reading", _EXPECTED, spec)
