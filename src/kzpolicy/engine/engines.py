"""The rule engines: their names, and the one that runs a knowledge base's rules.

Two engines give the same firings for the same input: ``"durable"`` (durable-rules, the
Rete engine; the default) and ``"bitset"`` (the rules as bitsets; numpy for many
inputs; it also runs knowledge bases beyond durable's limits). ``"compiled"`` is the
bitset engine's former name, accepted as an alias. The command line's ``--engine``
choices, the web API's ``engine`` field and ``assess(engine=...)`` all read
:data:`ENGINES` from here; each engine is imported only when it first runs.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal, Protocol

from kzpolicy.engine.network import EngineFiring
from kzpolicy.errors import InputError, expect
from kzpolicy.kb.knowledge import KnowledgeBase

__all__ = ["DEFAULT_ENGINE", "ENGINES", "EngineName", "RuleEngine", "engine_name",
           "engines_for", "rule_engine"]

EngineName = Literal["durable", "bitset", "compiled"]
#: the engines offered, the default first
ENGINES: tuple[str, ...] = ("durable", "bitset")
DEFAULT_ENGINE = ENGINES[0]
_ALIASES = {"compiled": "bitset"}
_CHOICES = " or ".join(repr(e) for e in ENGINES)


class RuleEngine(Protocol):
    """What an engine does for one input: fire the rules for the asserted conditions,
    then for the implied scenario, producers before consumers."""

    def run(self, asserted: Mapping[str, bool], scenario: str) -> list[EngineFiring]: ...


def engine_name(where: str, name: object) -> str:
    """The engine ``name`` stands for (an alias resolved), or a clear error."""
    expect(where, "engine", name, str, _CHOICES)
    assert isinstance(name, str)
    found = _ALIASES.get(name, name)
    if found not in ENGINES:
        raise InputError(f"unknown engine {name!r}; use {_CHOICES}")
    return found


def rule_engine(kb: KnowledgeBase, name: str) -> RuleEngine:
    """Engine ``name``'s rules of ``kb`` (built once per knowledge base)."""
    if engine_name("rule_engine", name) == "durable":
        from kzpolicy.engine.durable.rules import durable_rules  # the C extension: on use

        return durable_rules(kb)
    from kzpolicy.engine.bitset import bitset  # built on use

    return bitset(kb)


def engines_for(kb: KnowledgeBase) -> tuple[str, ...]:
    """The engines that can run ``kb`` (durable cannot past its limits)."""
    from kzpolicy.engine.durable.limits import durable_limits

    return tuple(e for e in ENGINES if e != "durable" or not durable_limits(kb))
