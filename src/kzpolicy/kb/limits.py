"""Limits on reading rules files, and what durable-rules can run correctly.

The reading limits apply to every knowledge base. durable-rules 2.0.28 fails silently
or loops past its limits (measured, see the durable adapter): a knowledge base beyond
them still loads and runs on the bitset engine, ``kzpolicy.kb.checks.durable_limits``
names what is exceeded, and the durable engine refuses it before any session.
"""

from __future__ import annotations

__all__ = [
    "MAX_CONJUNCTIONS",
    "MAX_CONSUMERS",
    "MAX_DEPTH",
    "MAX_FACTS",
    "MAX_FILE_BYTES",
    "MAX_NEEDS",
    "MAX_PRODUCTIONS",
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
