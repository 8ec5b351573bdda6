"""JSON reading that never reads a document wrong: every JSON input of kzpolicy (``--file``
and ``--probabilities`` files, the web API's request bodies) goes through
:func:`parse_json`.

Python's ``json`` module keeps the last of two equal keys, raises a bare ``ValueError``
for an integer over 4,300 digits, reads ``1e999`` as infinity and takes ``NaN`` and
``Infinity``, which are not JSON; here each is refused with one line that says what to
change, as is a document nested too deep for the parser. Every
refusal is an :class:`~kzpolicy.InputError`; the ones that are not JSON at all are a
:class:`MalformedJsonError` (the web API answers them 400, the others 422).
"""

from __future__ import annotations

import json
import re
from typing import Any

from kzpolicy.errors import InputError

__all__ = ["MAX_DEPTH", "MAX_DIGITS", "MalformedJsonError", "parse_json"]

MAX_DIGITS = 4300
"""The most digits of a JSON integer read (Python's own bound on converting text to an
``int``); no number kzpolicy takes comes near it."""


MAX_DEPTH = 500
"""The deepest nesting of arrays and objects read. Python's own parser stops near a
thousand levels on some versions and goes far deeper on 3.13; one bound, the same on
every version, checked before parsing."""

#: a JSON string (its brackets are not nesting), and a bracket
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)
_BRACKET = re.compile(r"[\[\]{}]")


def _too_deep(text: str) -> bool:
    """Whether arrays and objects nest more than :data:`MAX_DEPTH` levels in ``text``."""
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return False  # too few brackets to nest that deep: the common case, at once
    depth = 0
    for m in _BRACKET.finditer(_STRING.sub("", text)):
        if m.group() in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return True
        else:
            depth -= 1
    return False


class MalformedJsonError(InputError):
    """The text is not JSON (or not UTF-8, or nested deeper than the parser goes)."""


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise InputError(f"the key {key!r} is given twice in one object; give it once "
                             "(JSON readers disagree on which one counts)")
        out[key] = value
    return out


def _integer(text: str) -> int:
    digits = len(text) - text.startswith("-")
    if digits > MAX_DIGITS:
        raise InputError(f"an integer of {digits:,} digits is over the {MAX_DIGITS:,} "
                         "digits read; no value kzpolicy takes is that long")
    return int(text)


def _float(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise InputError(f"the number {text[:40]}{'...' if len(text) > 40 else ''} is too "
                         "large for a floating-point number")
    return value


def _constant(text: str) -> float:
    raise InputError(f"{text} is not JSON; write a number")


def parse_json(raw: str | bytes, name: str) -> Any:
    """The JSON document ``raw`` (text, or UTF-8 bytes) read from ``name`` (a file, "the
    request body"): duplicate keys, integers over :data:`MAX_DIGITS` digits and nesting
    over :data:`MAX_DEPTH` levels are refused with a message that starts with ``name``."""
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    except UnicodeDecodeError as exc:
        raise MalformedJsonError(f"{name}: not UTF-8 text ({exc.reason} at byte "
                                 f"{exc.start:,})") from None
    if _too_deep(text):
        raise MalformedJsonError(f"{name}: nested too deep to read (arrays and objects "
                                 f"inside each other, over {MAX_DEPTH} levels); flatten it")
    try:
        return json.loads(text, object_pairs_hook=_pairs, parse_int=_integer,
                          parse_float=_float, parse_constant=_constant)
    except RecursionError:
        raise MalformedJsonError(f"{name}: nested too deep to read (arrays and objects "
                                 "inside each other, about a thousand levels); flatten it") \
            from None
    except json.JSONDecodeError as exc:
        raise MalformedJsonError(f"{name}: not valid JSON ({exc})") from None
    except InputError as exc:
        raise InputError(f"{name}: {exc}") from None
