"""The `when` language of rules/: a tiny declarative condition tree, never evaluated as code.

Grammar (YAML)::

    when := ID | {all: [when, ...]} | {any: [when, ...]} | {not: ID}

``ID`` names a condition, a flaggable item or a scenario. ``not`` applies to
conditions only and holds when the caller asserted that condition false. This
module parses the tree, lists its references, turns it into disjunctive normal
form (the conjunctions the engine compiles), evaluates it in Python, and decides
whether it can ever hold.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, TypeAlias

__all__ = [
    "All",
    "AnyOf",
    "Expr",
    "Not",
    "Ref",
    "dnf",
    "dnf_size",
    "evaluate",
    "literal",
    "negated",
    "parse",
    "refs",
    "render_when",
    "to_data",
]

NEGATION_PREFIX = "not:"


@dataclass(frozen=True, slots=True)
class Ref:
    """The fact ``id`` holds (a condition asserted true, an item flagged, a scenario implied)."""

    id: str


@dataclass(frozen=True, slots=True)
class Not:
    """The condition ``id`` was asserted false."""

    id: str


@dataclass(frozen=True, slots=True)
class All:
    """Every part holds."""

    parts: tuple[Expr, ...]


@dataclass(frozen=True, slots=True)
class AnyOf:
    """At least one part holds."""

    parts: tuple[Expr, ...]


Expr: TypeAlias = Ref | Not | All | AnyOf


def parse(raw: Any) -> Expr:
    """Parse YAML data into an expression; raise ValueError naming what is wrong."""
    if isinstance(raw, Ref | Not | All | AnyOf):
        return raw
    if isinstance(raw, str):
        if not raw.strip():
            raise ValueError("an empty ID in `when`")
        return Ref(raw)
    if isinstance(raw, Mapping):
        if len(raw) != 1:
            keys = ", ".join(sorted(map(str, raw))) or "nothing"
            raise ValueError(
                f"a `when` mapping needs exactly one key of all/any/not, got {keys}"
            )
        ((key, value),) = raw.items()
        if key == "not":
            if not isinstance(value, str):
                raise ValueError(
                    "`not` takes one condition ID, e.g. {not: D1}; "
                    "to negate a combination, rewrite it over single conditions"
                )
            return Not(value)
        if key in ("all", "any"):
            if not isinstance(value, list) or not value:
                raise ValueError(f"`{key}` takes a non-empty list")
            parts = tuple(parse(v) for v in value)
            return All(parts) if key == "all" else AnyOf(parts)
        raise ValueError(f"unknown `when` operator {key!r}; use all, any or not")
    raise ValueError(
        f"a `when` must be an ID or a mapping with all/any/not, not {type(raw).__name__}"
    )


def to_data(expr: Expr) -> Any:
    """The YAML/JSON form of an expression (the inverse of ``parse``)."""
    if isinstance(expr, Ref):
        return expr.id
    if isinstance(expr, Not):
        return {"not": expr.id}
    key = "all" if isinstance(expr, All) else "any"
    return {key: [to_data(p) for p in expr.parts]}


def _walk(expr: Expr) -> Iterator[Ref | Not]:
    if isinstance(expr, Ref | Not):
        yield expr
    else:
        for part in expr.parts:
            yield from _walk(part)


def refs(expr: Expr) -> set[str]:
    """Every ID the expression mentions."""
    return {leaf.id for leaf in _walk(expr)}


def negated(expr: Expr) -> set[str]:
    """The IDs the expression negates."""
    return {leaf.id for leaf in _walk(expr) if isinstance(leaf, Not)}


def literal(leaf: Ref | Not) -> str:
    """The engine fact for a leaf: ``X`` for X holding, ``not:X`` for X asserted false."""
    return leaf.id if isinstance(leaf, Ref) else NEGATION_PREFIX + leaf.id


def dnf_size(expr: Expr) -> int:
    """How many conjunctions :func:`dnf` yields at most, computed without expanding."""
    if isinstance(expr, Ref | Not):
        return 1
    sizes = [dnf_size(p) for p in expr.parts]
    if isinstance(expr, AnyOf):
        return sum(sizes)
    return math.prod(sizes)


def dnf(expr: Expr) -> list[frozenset[str]]:
    """Disjunctive normal form as a list of conjunctions of literals (duplicates removed,
    subsumed conjunctions kept so every route to a conclusion is explained)."""
    if isinstance(expr, Ref | Not):
        return [frozenset({literal(expr)})]
    if isinstance(expr, AnyOf):
        out: dict[frozenset[str], None] = {}  # ordered and de-duplicated in linear time
        for part in expr.parts:
            out.update(dict.fromkeys(dnf(part)))
        return list(out)
    product: list[frozenset[str]] = [frozenset()]
    for part in expr.parts:
        product = list(dict.fromkeys(a | b for a in product for b in dnf(part)))
    return product


def evaluate(expr: Expr, holds: Callable[[str], bool]) -> bool:
    """Evaluate with ``holds`` answering for literals (``X`` or ``not:X``)."""
    if isinstance(expr, Ref | Not):
        return holds(literal(expr))
    if isinstance(expr, All):
        return all(evaluate(p, holds) for p in expr.parts)
    return any(evaluate(p, holds) for p in expr.parts)


def render_when(expr: Expr) -> str:
    """A `when` tree as readable text: ``A and (B or C) and not D``."""
    if isinstance(expr, Ref):
        return expr.id
    if isinstance(expr, Not):
        return f"not {expr.id}"
    joiner = " and " if isinstance(expr, All) else " or "
    parts = []
    for part in expr.parts:
        text = render_when(part)
        if isinstance(part, All | AnyOf):
            text = f"({text})"
        parts.append(text)
    return joiner.join(parts)
