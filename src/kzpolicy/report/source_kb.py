"""The knowledge base a report draws: the one its results were made with.

A report labels conditions and draws the rule network from a knowledge base; drawing
another one than the result came from would show rules that never ran. With ``kb``
given it must match every result's ``kb_version``; without, the knowledge base that
made the result is found among those loaded in this process. A report resolves it
once (:func:`kzpolicy.render` does) and hands it, or its labels, down.
"""

from __future__ import annotations

from typing import Protocol

from kzpolicy.errors import InputError, expect
from kzpolicy.kb.knowledge import KnowledgeBase
from kzpolicy.kb.loading import knowledge_base_of

__all__ = ["Versioned", "made_with", "source_kb"]


class Versioned(Protocol):
    """A result that names the knowledge base it was made with (every result does)."""

    @property
    def kb_version(self) -> str: ...


def source_kb(where: str, kb: object, *results: Versioned) -> KnowledgeBase:
    """The knowledge base ``results`` were made with; ``kb`` (when given) must be it."""
    expect(where, "kb", kb, KnowledgeBase, "a KnowledgeBase (from kzpolicy.load)",
           optional=True)
    if not results:
        raise InputError(f"{where}: no result to report")  # pragma: no cover - internal
    base = kb if isinstance(kb, KnowledgeBase) else knowledge_base_of(results[0].kb_version)
    for a in results:
        if a.kb_version != base.version:
            raise InputError(
                f"{where}: the result was made with knowledge base {a.kb_version}, but the "
                f"report would draw {base.version}; pass the knowledge base it was made "
                "with (kb=...)"
            )
    return base


def made_with(result: Versioned) -> KnowledgeBase | None:
    """The knowledge base ``result`` was made with, or None when it is no longer loaded
    in this process (a report then shows bare IDs)."""
    try:
        return knowledge_base_of(result.kb_version)
    except InputError:
        return None
