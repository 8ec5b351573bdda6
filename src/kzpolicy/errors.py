"""The kzpolicy error tree: every error the library raises derives from KzPolicyError.

    KzPolicyError
    ├── KnowledgeBaseError          a rules/ folder could not be loaded; one of:
    │   ├── RulesFileError          the folder is missing or holds no YAML file, or a file
    │   │                           is unreadable or not valid YAML (.file, .line)
    │   └── ValidationError         the files parse but break checks (.problems, all of them)
    ├── InputError                  bad caller input (also a ValueError)
    │   ├── ArgumentTypeError       an argument of the wrong type or shape (also a TypeError)
    │   ├── ConeTooLargeError       an item depends on more uncertain conditions than
    │   │                           exact counting handles (fix or leave some unknown)
    │   ├── DecisionLogError        a decision log with a malformed line (.file, .line)
    │   └── UnknownConditionError   a condition ID that does not exist (also an UnknownIdError)
    ├── UnknownIdError              an ID the knowledge base lacks: item, scenario, preset,
    │   │                           state, table row, programme (also a KeyError)
    │   └── UnknownConditionError
    └── EngineError                 the rule engine failed; never a user mistake

``ValidationError`` is not the whole family: catch ``KnowledgeBaseError`` for any
problem with a rules folder.

Each error carries the bad value and, where one exists, the closest valid IDs
(``.suggestions``) so the message can say what to do next.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = [
    "ArgumentTypeError",
    "ConeTooLargeError",
    "DecisionLogError",
    "EngineError",
    "InputError",
    "KnowledgeBaseError",
    "KzPolicyError",
    "Problem",
    "RulesFileError",
    "UnknownConditionError",
    "UnknownIdError",
    "ValidationError",
    "closest",
    "expect",
    "shown",
]


MAX_SHOWN = 200
"""Most characters of a bad value a message quotes (it says how long the value was)."""


def shown(value: object) -> str:
    """``repr(value)``, cut to about :data:`MAX_SHOWN` characters with its length said."""
    text = repr(value)
    if len(text) <= MAX_SHOWN:
        return text
    return f"{text[:MAX_SHOWN]}... ({len(text):,} characters)"


def closest(value: str, choices: Iterable[str], n: int = 3) -> list[str]:
    """Return up to ``n`` valid IDs that look like ``value`` (case-insensitive)."""
    if len(value) > MAX_SHOWN:  # nothing that long is close to an ID, and difflib is slow
        return []
    from difflib import get_close_matches  # only when an error is worded

    pool = list(choices)
    lowered = {c.lower(): c for c in pool}
    hits = get_close_matches(value.lower(), list(lowered), n=n, cutoff=0.5)
    return [lowered[h] for h in hits]


def _hint(suggestions: Sequence[str]) -> str:
    if not suggestions:
        return ""
    return " Did you mean " + " or ".join(repr(s) for s in suggestions) + "?"


class KzPolicyError(Exception):
    """Base class of every error kzpolicy raises."""


class KnowledgeBaseError(KzPolicyError):
    """A rules/ folder could not be loaded."""


@dataclass(frozen=True)
class Problem:
    """One problem found in a knowledge base: where it is and what is wrong."""

    check: str
    message: str
    file: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = self.file + (f":{self.line}" if self.line else "") + ": "
        return f"{where}[{self.check}] {self.message}"


class RulesFileError(KnowledgeBaseError):
    """A YAML file in rules/ is unreadable or malformed."""

    def __init__(self, message: str, *, file: str, line: int | None = None) -> None:
        self.file = file
        self.line = line
        self.reason = message
        where = file + (f":{line}" if line else "")
        super().__init__(f"{where}: {message}")


class ValidationError(KnowledgeBaseError):
    """The knowledge base breaks one or more checks; ``.problems`` lists them all."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        head = f"{len(self.problems)} problem(s) in the knowledge base:"
        super().__init__("\n".join([head, *(f"  {p}" for p in self.problems)]))


class InputError(KzPolicyError, ValueError):
    """Bad input from the caller (a value of the wrong type, a contradiction, ...)."""


class ArgumentTypeError(InputError, TypeError):
    """An argument of the wrong type or shape, named with the type it must have."""

    def __init__(self, where: str, name: str, expected: str, value: object) -> None:
        self.where = where
        self.name = name
        self.expected = expected
        self.value = value
        super().__init__(
            f"{where}: {name} must be {expected}, not {type(value).__name__} {shown(value)}"
        )


class ConeTooLargeError(InputError):
    """An item depends on more uncertain conditions than exact counting handles (its
    cone of rules would be summed over too many assignments): fix some of them, or leave
    them unknown. ``landscape(method="auto")`` enumerates instead."""


class DecisionLogError(InputError):
    """A line of a decision log that is not a logged decision (``.file``, ``.line``): the
    message names the line, what is wrong with it and how to repair the file."""

    def __init__(self, message: str, *, file: str, line: int) -> None:
        self.file = file
        self.line = line
        self.reason = message
        super().__init__(f"{file}:{line}: {message}")


def expect(where: str, name: str, value: object, types: type | tuple[type, ...],
           expected: str, *, optional: bool = False) -> None:
    """Raise :class:`ArgumentTypeError` unless ``value`` is one of ``types`` (or None when
    ``optional``). ``bool`` never passes for ``int``."""
    if optional and value is None:
        return
    ok = isinstance(value, types)
    if ok and isinstance(value, bool):
        allowed = types if isinstance(types, tuple) else (types,)
        ok = bool in allowed
    if not ok:
        raise ArgumentTypeError(where, name, expected, value)


class UnknownIdError(KzPolicyError, KeyError):
    """An ID (item, scenario, preset, state, programme) that the knowledge base lacks."""

    def __init__(self, kind: str, value: str, choices: Iterable[str]) -> None:
        self.kind = kind
        self.value = value
        self.suggestions = closest(value, choices)
        self.message = f"unknown {kind} {shown(value)}.{_hint(self.suggestions)}"
        super().__init__(self.message)

    def __str__(self) -> str:  # KeyError would repr() the message
        return self.message


class UnknownConditionError(UnknownIdError, InputError):
    """A condition ID that is neither a scenario factor nor a context condition."""

    def __init__(self, value: str, choices: Iterable[str]) -> None:
        super().__init__("condition", value, choices)
        self.message += " Run 'kzpolicy list conditions' for the full vocabulary."
        self.args = (self.message,)


class EngineError(KzPolicyError):
    """The rule engine failed. This is a bug in kzpolicy, not in the caller's input."""
