"""Limits on reading rules files, and what durable-rules can run correctly.

The reading limits apply to every knowledge base; a caller changes them with a
:class:`ReadingLimits` (``kzpolicy.load(path, limits=ReadingLimits(file_bytes=...))``),
which the reader and the `when` schema see through :func:`reading_limits` while a folder
is read. durable-rules 2.0.28 fails silently
or loops past its limits (measured, see the durable adapter): a knowledge base beyond
them still loads and runs on the bitset engine, ``kzpolicy.kb.checks.durable_limits``
names what is exceeded, and the durable engine refuses it before any session.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, fields

from kzpolicy.errors import InputError, expect

__all__ = [
    "DEFAULT_LIMITS",
    "MAX_CONJUNCTIONS",
    "MAX_CONSUMERS",
    "MAX_DEPTH",
    "MAX_FACTS",
    "MAX_FILE_BYTES",
    "MAX_NEEDS",
    "MAX_PRODUCTIONS",
    "ReadingLimits",
    "reading_limits",
    "using",
]

# ---------------------------------------------------------------- reading rules files
MAX_FILE_BYTES = 2_000_000
"""Largest rules file read (the stock files are under 60 kB; loading costs about 10 s per
MB of YAML, so a bigger file is refused rather than read for minutes)."""
MAX_DEPTH = 64
"""Deepest nesting of YAML collections (the stock files nest 6 deep)."""
MAX_CONJUNCTIONS = 256
"""Most conjunctions one rule's `when` may expand to in disjunctive normal form; the size
is computed before expanding, so an exponential `when` is refused at once."""



@dataclass(frozen=True)
class ReadingLimits:
    """How much of a rules folder kzpolicy reads before it refuses it (the defaults fit the
    stock rules many times over). Pass one to ``kzpolicy.load`` or ``kzpolicy.check``;
    each refusal is a :class:`~kzpolicy.RulesFileError` (or, for ``conjunctions``, a
    problem of the rule) naming the file, the line and the limit to raise."""

    file_bytes: int = MAX_FILE_BYTES
    """Largest rules file read, in bytes (UTF-8)."""
    depth: int = MAX_DEPTH
    """Deepest nesting of YAML collections in a file."""
    conjunctions: int = MAX_CONJUNCTIONS
    """Most conjunctions one rule's `when` may expand to (computed before expanding)."""

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            expect("ReadingLimits", f.name, value, int, "a whole number")
            if value < 1:
                raise InputError(f"ReadingLimits: {f.name} must be at least 1, not {value}")

    def hint(self, name: str) -> str:
        """How to raise the limit ``name``, for a refusal's message."""
        return (f"(the limit ReadingLimits.{name} is {getattr(self, name):,}; "
                f"to raise it, pass limits=kzpolicy.ReadingLimits({name}=...) to "
                "kzpolicy.load or kzpolicy.check)")


DEFAULT_LIMITS = ReadingLimits()
_CURRENT: ContextVar[ReadingLimits] = ContextVar("kzpolicy_reading_limits",
                                                 default=DEFAULT_LIMITS)


def reading_limits() -> ReadingLimits:
    """The reading limits in force (the defaults unless inside :func:`using`)."""
    return _CURRENT.get()


@contextmanager
def using(limits: ReadingLimits | None) -> Iterator[ReadingLimits]:
    """Read with ``limits`` (None: the defaults) in this thread or task, inside the block."""
    token = _CURRENT.set(DEFAULT_LIMITS if limits is None else limits)
    try:
        yield _CURRENT.get()
    finally:
        _CURRENT.reset(token)


# ---------------------------------------------------------------- the durable engine

MAX_NEEDS = 16
"""Most distinct facts one production may need: durable holds 16 facts in one match."""
MAX_FACTS = 510
"""Most distinct facts one network may need: durable's root node has 512 slots, one of which
the sentinel takes and one must stay free, or asserting a fact loops forever."""
MAX_CONSUMERS = 255
"""Most productions that may need one same fact. At 256 durable accepts the ruleset and then
fires productions whose facts were never asserted (measured: 179 wrong answers in 1,000)."""
MAX_PRODUCTIONS = 4095
"""Most productions in one network: durable holds 4,096 rules per ruleset and the sentinel
takes one; past it the first assertion fails with error 106."""
