"""Limits on reading rules files.

They apply to every knowledge base; a caller changes them with a :class:`ReadingLimits`
(``kzpolicy.load(path, limits=ReadingLimits(file_bytes=...))``), which the reader and the
`when` schema see through :func:`reading_limits` while a folder is read. What one engine
can run (durable-rules' limits) is that engine's: ``kzpolicy.engine.durable.limits``.
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
    "MAX_DEPTH",
    "MAX_FILE_BYTES",
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
