"""Beliefs: a probability per condition, the input of every probabilistic method.

``probabilities()``, ``sensitivity()`` and ``monte_carlo()`` read their beliefs here, so a
belief means the same everywhere: a condition ID of the knowledge base mapped to a number
from 0 to 1 (an ``int``, ``float``, ``Fraction`` or numpy scalar; never a ``bool``). Each
believed condition is true with its probability and false otherwise; ``fixed`` and a
preset assert others (:func:`fixed_beside`); the rest stay unknown.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping
from fractions import Fraction
from typing import TypeAlias

from kzpolicy.engine.conditions import ConditionInput, normalise, resolve
from kzpolicy.errors import ArgumentTypeError, InputError, UnknownConditionError
from kzpolicy.kb.knowledge import KnowledgeBase
from kzpolicy.kb.strict_json import MAX_DIGITS

__all__ = ["Belief", "Beliefs", "as_fraction", "check_beliefs", "exact_value",
           "fixed_beside", "in_condition_order"]

Belief: TypeAlias = float | int | Fraction
"""One checked belief, as a Python number (a numpy scalar becomes ``int`` or ``float``)."""
Beliefs: TypeAlias = Mapping[str, float | Fraction]
"""What a caller gives: condition ID -> probability from 0 to 1."""


def _belief(key: str, value: object) -> Belief:
    """``value`` as the probability of ``key``, or the error that names it."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InputError(f"the probability of {key!r} must be a number from 0 to 1, got "
                         f"{value!r} ({type(value).__name__})")
    number: Belief
    if isinstance(value, Fraction):
        number = value
    elif isinstance(value, numbers.Integral):
        number = int(value)
    else:
        number = float(value)
    if not 0 <= number <= 1:  # also rejects NaN
        raise InputError(f"the probability of {key!r} must be from 0 to 1, got {value!r}")
    return number


def check_beliefs(where: str, name: str, kb: KnowledgeBase, beliefs: object
                  ) -> dict[str, Belief]:
    """``beliefs``, the argument ``name`` of ``where``, checked: condition IDs of ``kb``
    mapped to numbers from 0 to 1, as Python numbers."""
    if not isinstance(beliefs, Mapping):
        raise ArgumentTypeError(where, name,
                                "a mapping {condition ID: probability from 0 to 1}", beliefs)
    out: dict[str, Belief] = {}
    for key, value in beliefs.items():
        if not isinstance(key, str):
            raise InputError(f"a condition ID must be a string, got {key!r}")
        if key not in kb.factors and key not in kb.conditions:
            raise UnknownConditionError(key, kb.condition_ids)
        out[key] = _belief(key, value)
    return out


def fixed_beside(kb: KnowledgeBase, beliefs: Mapping[str, Belief], fixed: ConditionInput,
                 preset: str | None) -> dict[str, bool]:
    """The conditions asserted alongside ``beliefs``: the preset's overlaid with
    ``fixed``, less those given a belief (a belief overrides a preset's value). A
    condition both in ``fixed`` and believed is an error."""
    own = normalise(fixed, kb)
    clash = sorted(set(own) & set(beliefs))
    if clash:
        raise InputError(f"{clash[0]!r} is both fixed and given a probability; give one")
    return {c: v for c, v in resolve(kb, own, preset=preset).items() if c not in beliefs}


def _positions(kb: KnowledgeBase) -> dict[str, int]:
    """Each condition's place in ``kb.condition_ids``."""
    return {c: n for n, c in enumerate(kb.condition_ids)}


def in_condition_order(kb: KnowledgeBase, beliefs: Mapping[str, Belief]) -> tuple[str, ...]:
    """The believed conditions in the knowledge base's order of conditions."""
    position = kb.derived(_positions)
    return tuple(sorted(beliefs, key=position.__getitem__))


_TOO_LONG: int = 10 ** MAX_DIGITS


def _printable(x: Fraction) -> bool:
    """Whether ``x`` prints: numerator and denominator of at most MAX_DIGITS digits."""
    return abs(x.numerator) < _TOO_LONG and x.denominator < _TOO_LONG


def as_fraction(value: Belief, key: str = "a belief") -> Fraction:
    """A belief as a fraction: a float as the decimal it prints as (0.7 is 7/10). One
    whose numerator or denominator runs past :data:`MAX_DIGITS` digits is refused."""
    x = Fraction(repr(value)) if isinstance(value, float) else Fraction(value)
    if not _printable(x):
        raise InputError(f"the probability of {key!r} is a fraction of more than "
                         f"{MAX_DIGITS:,} digits; give it with fewer digits")
    return x


def exact_value(value: Fraction | int) -> Fraction:
    """An exact result as a fraction, refused (never printed corrupt, never a crash when
    written) when its numerator or denominator runs past :data:`MAX_DIGITS` digits."""
    x = value if isinstance(value, Fraction) else Fraction(value)
    if not _printable(x):
        raise InputError(f"an exact probability here is a fraction of more than "
                         f"{MAX_DIGITS:,} digits (the beliefs' decimals multiply out); give "
                         "the beliefs fewer decimal places (0.001, not 5e-324), or leave out "
                         "exact")
    return x
