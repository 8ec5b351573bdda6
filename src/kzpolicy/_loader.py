"""Reading a rules/ folder: every YAML file's top-level keys, each entry checked by its model.

Any ``*.yaml`` file in the folder may hold any of the known top-level keys; the
lists of all files are concatenated in file-name order, so a user extends the
stock knowledge base by dropping in another file (``rules: [...]`` say). Each
entry keeps its origin (file and line) for error messages.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError

from . import model
from ._yaml import LineIndex, read_yaml
from .errors import Problem, RulesFileError, closest

__all__ = ["LISTS", "SINGLETONS", "Origin", "RawKB", "Sourced", "read_folder"]

T = TypeVar("T")

SINGLETONS: dict[str, type[BaseModel]] = {
    "source": model.Source,
    "decision": model.Decision,
    "boundary_rule": model.BoundaryRule,
}
LISTS: dict[str, type[BaseModel]] = {
    "sections": model.Section,
    "strengths": model.Item,
    "weaknesses": model.Item,
    "opportunities": model.Item,
    "threats": model.Item,
    "rivalry_consequences": model.Item,
    "stimuli": model.Item,
    "scenarios": model.Scenario,
    "conditions": model.Condition,
    "rules": model.Rule,
    "presets": model.Preset,
    "stages": model.Stage,
    "doctrines": model.Doctrine,
    "programmes": model.Programme,
    "milestones": model.Milestone,
    "states": model.State,
    "rows": model.Row,
    "cells": model.Cell,
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


@dataclass
class RawKB:
    """Everything read from a folder, before cross-checks."""

    root: Path
    digest: str
    singletons: dict[str, Sourced[Any]] = field(default_factory=dict)
    lists: dict[str, list[Sourced[Any]]] = field(default_factory=dict)


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


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())


def read_folder(root: Path, *, collect: bool = False) -> tuple[RawKB, list[Problem]]:
    """Read and schema-check every YAML file of ``root``; return the data and the problems.

    A file that is not valid YAML raises RulesFileError, unless ``collect`` is set:
    then it becomes a problem of check ``yaml`` and the other files are still read.
    """
    if not root.is_dir():
        raise RulesFileError(
            "not a folder; pass the path of a rules/ folder (a copy of kzpolicy's own)",
            file=str(root),
        )
    files = _files(root)
    if not files:
        raise RulesFileError("no .yaml files here; is this a rules/ folder?", file=str(root))
    digest = hashlib.sha256()
    raw = RawKB(root=root, digest="")
    problems: list[Problem] = []
    known_keys = [*SINGLETONS, *LISTS]
    for path in files:
        name = path.name
        digest.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
        try:
            data, index = read_yaml(path, display=name)
        except RulesFileError as exc:
            if not collect:
                raise
            problems.append(Problem("yaml", exc.reason, file=exc.file, line=exc.line))
            continue
        if data is None:
            continue
        if not isinstance(data, dict):
            problems.append(
                Problem(
                    "schema", "the top level must be a mapping of known keys", file=name, line=1
                )
            )
            continue
        for key, value in data.items():
            line = index.line((key,))
            if key in SINGLETONS:
                if key in raw.singletons:
                    first = raw.singletons[key].origin
                    problems.append(
                        Problem(
                            "duplicate-id",
                            f"{key!r} is defined twice (first at {first})",
                            file=name,
                            line=line,
                        )
                    )
                    continue
                try:
                    entry = SINGLETONS[key].model_validate(value)
                except PydanticValidationError as exc:
                    problems += _pydantic_problems(exc, file=name, index=index, prefix=(key,))
                    continue
                raw.singletons[key] = Sourced(entry, Origin(name, line))
            elif key in LISTS:
                if not isinstance(value, list):
                    problems.append(
                        Problem("schema", f"{key}: must be a list", file=name, line=line)
                    )
                    continue
                bucket = raw.lists.setdefault(key, [])
                for i, item in enumerate(value):
                    try:
                        entry = LISTS[key].model_validate(item)
                    except PydanticValidationError as exc:
                        problems += _pydantic_problems(exc, file=name, index=index, prefix=(key, i))
                        continue
                    bucket.append(Sourced(entry, Origin(name, index.line((key, i)))))
            else:
                hint = closest(str(key), known_keys)
                extra = f"; did you mean {hint[0]!r}?" if hint else ""
                problems.append(
                    Problem("schema", f"unknown top-level key {key!r}{extra}", file=name, line=line)
                )
    for key in SINGLETONS:
        if key not in raw.singletons:
            problems.append(Problem("schema", f"no file defines {key!r}", file=str(root)))
    raw.digest = digest.hexdigest()
    return raw, problems
