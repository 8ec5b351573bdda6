"""Reading a rules/ folder: every YAML file's top-level keys, each entry checked by its schema.

Any ``*.yaml`` file in the folder may hold any of the known top-level keys; the
lists of all files are concatenated in file-name order, so a user extends the
stock knowledge base by dropping in another file (``rules: [...]`` say). Each
entry keeps its origin (file and line) for error messages.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError

from kzpolicy.errors import Problem, RulesFileError, closest
from kzpolicy.kb import schema

if TYPE_CHECKING:  # the YAML reader loads when a folder is read (not from the cache)
    from kzpolicy.kb.strict_yaml import LineIndex

__all__ = ["LISTS", "SINGLETONS", "Origin", "RawKB", "Sourced", "read_folder"]

T = TypeVar("T")

SINGLETONS: dict[str, type[BaseModel]] = {
    "source": schema.Source,
    "decision": schema.Decision,
    "boundary_rule": schema.BoundaryRule,
}
LISTS: dict[str, type[BaseModel]] = {
    "sections": schema.Section,
    "strengths": schema.Item,
    "weaknesses": schema.Item,
    "opportunities": schema.Item,
    "threats": schema.Item,
    "rivalry_consequences": schema.Item,
    "stimuli": schema.Item,
    "sides": schema.Side,
    "scenarios": schema.Scenario,
    "conditions": schema.Condition,
    "rules": schema.Rule,
    "presets": schema.Preset,
    "stages": schema.Stage,
    "doctrines": schema.Doctrine,
    "programmes": schema.Programme,
    "milestones": schema.Milestone,
    "findings": schema.Finding,
    "states": schema.State,
    "rows": schema.Row,
    "cells": schema.Cell,
}


@dataclass(frozen=True, slots=True)
class Origin:
    """Where an entry was read: file name (relative to the folder) and line."""

    file: str
    line: int | None

    def __str__(self) -> str:
        return self.file + (f":{self.line}" if self.line else "")


@dataclass(frozen=True, slots=True)
class Sourced(Generic[T]):
    """An entry and where it came from."""

    value: T
    origin: Origin


@dataclass(frozen=True)
class RawKB:
    """Everything read from a folder, before cross-checks."""

    root: Path
    digest: str
    singletons: Mapping[str, Sourced[Any]] = field(default_factory=dict)
    lists: Mapping[str, Sequence[Sourced[Any]]] = field(default_factory=dict)
    reading: str = "article"
    """The reading that made these entries from a folder's (``kzpolicy.kb.reading``):
    ``article`` for a folder as written."""
    version: str | None = None
    """The version of the knowledge base they make, when not the folder's content hash
    (a reading's: the folder's hash, the reading's name and its content hash)."""


def _pydantic_problems(
    exc: PydanticValidationError, *, file: str, index: LineIndex, prefix: tuple[str | int, ...]
) -> list[Problem]:
    out = []
    for err in exc.errors(include_url=False):
        loc = tuple(x for x in err["loc"] if not (isinstance(x, str) and "[" in x))
        where = ".".join(str(x) for x in (*prefix, *loc))
        msg = err["msg"].removeprefix("Value error, ")
        value = err.get("input")
        shown = "" if isinstance(value, dict | list) else f" (got {value!r})"
        out.append(
            Problem(
                "schema",
                f"{where}: {msg}{shown}",
                file=file,
                line=index.line((*prefix, *loc)),
            )
        )
    return out


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _control_characters(data: object, path: tuple[str | int, ...] = ()
                        ) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Text in ``data`` holding a control character (terminal escapes, bidi overrides):
    kzpolicy prints knowledge-base text to terminals and pages, so none may enter."""
    if isinstance(data, str):
        found = _CONTROL.search(data)
        if found:
            yield path, f"U+{ord(found.group()):04X}"
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from _control_characters(key, path)
            yield from _control_characters(value, (*path, str(key)))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _control_characters(value, (*path, i))


def _files(root: Path) -> tuple[list[Path], list[RulesFileError]]:
    """The rules files of ``root`` and, for every entry that looks like one but cannot be
    read as one, why: nothing is skipped without a word."""
    files: list[Path] = []
    refused: list[RulesFileError] = []
    top = root.resolve()
    for p in sorted(root.iterdir()):
        if p.suffix.lower() not in (".yaml", ".yml"):
            continue
        if p.suffix not in (".yaml", ".yml"):
            refused.append(RulesFileError(
                f"the extension must be lower-case; rename it to {p.stem}.yaml", file=p.name))
        elif p.is_symlink() and not p.exists():
            refused.append(RulesFileError("a link to nothing; remove it", file=p.name))
        elif p.is_symlink() and not p.resolve().is_relative_to(top):
            refused.append(RulesFileError(
                "a link that leads outside the rules folder; copy the file in instead",
                file=p.name))
        elif p.is_dir():
            refused.append(RulesFileError("a folder, not a file; rename it", file=p.name))
        elif not p.is_file():
            refused.append(RulesFileError("not a regular file; remove it", file=p.name))
        else:
            files.append(p)
    return files, refused


@dataclass
class _Collected:
    """What the files of a folder have given so far: entries by key, and the problems."""

    problems: list[Problem]
    singletons: dict[str, Sourced[Any]] = field(default_factory=dict)
    lists: dict[str, list[Sourced[Any]]] = field(default_factory=dict)

    def add_file(self, name: str, data: object, index: LineIndex) -> None:
        """Every top-level entry of one parsed file (``data``, read from ``name``)."""
        for where, char in _control_characters(data):
            self.problems.append(Problem(
                "text", f"{'.'.join(map(str, where)) or 'a key'}: a control character "
                f"({char}) in the text; remove it", file=name, line=index.line(where)))
        if not isinstance(data, dict):
            self.problems.append(
                Problem(
                    "schema", "the top level must be a mapping of known keys", file=name, line=1
                )
            )
            return
        for key, value in data.items():
            self.add_entry(name, index, key, value)

    def add_entry(self, name: str, index: LineIndex, key: Any, value: object) -> None:
        """One top-level key of a file (any YAML scalar): a singleton, a list, or a key
        nobody knows."""
        if key in SINGLETONS:
            self._add_singleton(name, index, str(key), value)
        elif key in LISTS:
            self._add_list(name, index, str(key), value)
        else:
            hint = closest(str(key), [*SINGLETONS, *LISTS])
            extra = f"; did you mean {hint[0]!r}?" if hint else ""
            self.problems.append(Problem("schema", f"unknown top-level key {key!r}{extra}",
                                         file=name, line=index.line((key,))))

    def _add_singleton(self, name: str, index: LineIndex, key: str, value: object) -> None:
        line = index.line((key,))
        if key in self.singletons:
            first = self.singletons[key].origin
            self.problems.append(
                Problem(
                    "duplicate-id",
                    f"{key!r} is defined twice (first at {first})",
                    file=name,
                    line=line,
                )
            )
            return
        try:
            entry = SINGLETONS[key].model_validate(value)
        except PydanticValidationError as exc:
            self.problems += _pydantic_problems(exc, file=name, index=index, prefix=(key,))
            return
        self.singletons[key] = Sourced(entry, Origin(name, line))

    def _add_list(self, name: str, index: LineIndex, key: str, value: object) -> None:
        if not isinstance(value, list):
            self.problems.append(
                Problem("schema", f"{key}: must be a list", file=name, line=index.line((key,)))
            )
            return
        bucket = self.lists.setdefault(key, [])
        for i, item in enumerate(value):
            try:
                entry = LISTS[key].model_validate(item)
            except PydanticValidationError as exc:
                self.problems += _pydantic_problems(exc, file=name, index=index, prefix=(key, i))
                continue
            bucket.append(Sourced(entry, Origin(name, index.line((key, i)))))

    def raw(self, root: Path, digest: str) -> RawKB:
        """The entries read, frozen; a singleton no file defines is a problem."""
        for key in SINGLETONS:
            if key not in self.singletons:
                self.problems.append(
                    Problem("schema", f"no file defines {key!r}", file=str(root)))
        frozen = MappingProxyType({k: tuple(v) for k, v in self.lists.items()})
        return RawKB(root, digest, MappingProxyType(self.singletons), frozen)


def _rules_files(root: Path, *, collect: bool) -> tuple[list[Path], list[Problem]]:
    """The rules files of folder ``root`` and the problems of the entries refused; raises
    when ``root`` is not a folder, holds no rules file, or (unless ``collect``) refuses one."""
    if not root.is_dir():
        raise RulesFileError(
            "not a folder; pass the path of a rules/ folder (a copy of kzpolicy's own)",
            file=str(root),
        )
    files, refused = _files(root)
    if refused and not collect:
        raise refused[0]
    if not files and not refused:
        raise RulesFileError("no .yaml files here; is this a rules/ folder?", file=str(root))
    return files, [Problem("file", e.reason, file=e.file) for e in refused]


def read_folder(root: Path, *, collect: bool = False) -> tuple[RawKB, list[Problem]]:
    """Read and schema-check every YAML file of ``root``; return the data and the problems.

    A file that is not valid YAML raises RulesFileError, unless ``collect`` is set:
    then it becomes a problem of check ``yaml`` and the other files are still read.
    """
    from kzpolicy.kb.strict_yaml import parse_yaml, read_text

    files, refused = _rules_files(root, collect=collect)
    digest = hashlib.sha256()
    collected = _Collected(refused)
    for path in files:
        name = path.name
        try:
            text = read_text(path, name)
            digest.update(name.encode() + b"\0" + text.encode() + b"\0")
            data, index = parse_yaml(text, name)
        except RulesFileError as exc:
            if not collect:
                raise
            collected.problems.append(
                Problem("yaml", exc.reason, file=exc.file, line=exc.line))
            continue
        if data is not None:
            collected.add_file(name, data, index)
    return collected.raw(root, digest.hexdigest()), collected.problems
