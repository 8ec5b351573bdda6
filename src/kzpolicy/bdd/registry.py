"""The step registry: every step of kzpolicy's Gherkin library, described and findable.

:func:`library_step` registers a step function twice: with pytest-bdd (in the module
that defines it, ``kzpolicy.bdd.steps``) and in ``STEP_LIBRARY`` with its keyword,
pattern, a one-line description and an example. ``STEP_LIBRARY`` is filled as
``kzpolicy.bdd.steps`` is imported; ``kzpolicy steps`` renders it, ``kzpolicy coverage``
replays feature files on it, and :func:`nearest_steps` answers a step text no step
reads with the closest ones.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pytest_bdd import given, parsers, then, when

from kzpolicy.bdd.fields import FIELDS

__all__ = ["STEP_LIBRARY", "StepDef", "StepFunc", "library_step", "nearest_steps"]

StepFunc = Callable[..., None]


@dataclass(frozen=True)
class StepDef:
    """One step of the library: keyword, pattern, description and a worked example."""

    keyword: str
    pattern: str
    doc: str
    example: str
    func: StepFunc
    parser: parsers.parse

    def matches(self, keyword: str, text: str) -> bool:
        """Whether this step reads the step text ``text`` (a Given/When/Then line body)."""
        return keyword == self.keyword and self.parser.is_matching(text)

    def arguments(self, text: str) -> dict[str, Any]:
        """The typed fields of ``text``."""
        return self.parser.parse_arguments(text)


#: every step of the library, in the order ``kzpolicy.bdd.steps`` defines them
STEP_LIBRARY: list[StepDef] = []
_DECORATORS = {"given": given, "when": when, "then": then}


def library_step(keyword: str, pattern: str, *, doc: str, example: str
                 ) -> Callable[[StepFunc], StepFunc]:
    """Register a step with pytest-bdd (in the module that applies this decorator) and
    in STEP_LIBRARY."""
    parser = parsers.parse(pattern, extra_types=FIELDS)

    def decorate(func: StepFunc) -> StepFunc:
        STEP_LIBRARY.append(StepDef(keyword, pattern, doc, example, func, parser))
        # stacklevel 2: pytest-bdd puts the step fixture into the module that called
        # decorate (the one defining the step), not into this one
        return _DECORATORS[keyword](parser, stacklevel=2)(func)

    return decorate


def nearest_steps(keyword: str, text: str, n: int = 2) -> list[StepDef]:
    """The library's steps whose example or pattern reads most like ``text``."""
    import difflib

    def score(d: StepDef) -> float:
        example = d.example.split(" ", 1)[1] if " " in d.example else d.example
        return max(difflib.SequenceMatcher(None, text.lower(), candidate.lower()).ratio()
                   for candidate in (example, d.pattern))

    same = [d for d in STEP_LIBRARY if d.keyword == keyword] or STEP_LIBRARY
    ranked = sorted(same, key=score, reverse=True)
    return [d for d in ranked[:n] if score(d) >= 0.5]
