"""durable-rules' limits: what the durable engine can run correctly, measured.

durable-rules 2.0.28 fails silently or loops past these limits (measured, see the
adapter). A knowledge base beyond them still loads and runs on the bitset engine;
:func:`durable_limits` names what is exceeded (``kzpolicy check`` prints it), the durable
engine refuses such a knowledge base before any session, and the adapter re-checks the
productions it is given. Importing this module loads no C extension.
"""

from __future__ import annotations

from collections import Counter

from kzpolicy.engine.network import productions
from kzpolicy.errors import Problem
from kzpolicy.kb.knowledge import KnowledgeBase

__all__ = [
    "MAX_CONSUMERS",
    "MAX_FACTS",
    "MAX_NEEDS",
    "MAX_PRODUCTIONS",
    "MAX_SESSIONS",
    "MAX_STRATUM",
    "durable_limits",
]

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
MAX_STRATUM = 65534
"""Highest stratum: durable's ``pri`` is an unsigned short and the sentinel takes one more."""
MAX_SESSIONS = 1024
"""Most sessions open at once on one network: durable's limit of live sids per ruleset."""


def durable_limits(kb: KnowledgeBase) -> list[Problem]:
    """What keeps durable-rules from running ``kb`` correctly (its hard limits); empty
    when it can. These are not load problems: the bitset engine runs such a knowledge
    base, and ``assess(engine="durable")`` refuses it with these messages."""
    out: list[Problem] = []
    consumers: Counter[str] = Counter()
    prods = productions(kb)
    for p in prods:
        consumers.update(p.matched)
        if len(p.matched) > MAX_NEEDS:
            origin = kb.origins.get("rule:" + p.rule.id)
            out.append(Problem(
                "engine-limit", f"rule {p.rule.id}: one of its conjunctions needs "
                f"{len(p.matched)} facts; the engine allows {MAX_NEEDS} (split the rule)",
                file=origin.file if origin else None, line=origin.line if origin else None))
    if len(prods) > MAX_PRODUCTIONS:
        out.append(Problem("engine-limit", f"the rules expand to {len(prods)} conjunctions; "
                           f"the engine allows {MAX_PRODUCTIONS} (merge or drop rules)"))
    if len(consumers) > MAX_FACTS:
        out.append(Problem("engine-limit", f"the rules use {len(consumers)} distinct facts; "
                           f"the engine allows {MAX_FACTS}"))
    for fact, n in consumers.items():
        if n > MAX_CONSUMERS:
            out.append(Problem("engine-limit", f"{fact!r} is needed by {n} rule conjunctions; "
                               f"the engine allows {MAX_CONSUMERS}"))
    return out
