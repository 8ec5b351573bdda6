"""The authors' findings that bear on a result: those whose concerns it flags, implies or
has asserted true (rules/ ``findings``), each with the concerns it was noted for.

One :class:`FindingIndex` per knowledge base; the result's models
(:mod:`kzpolicy.engine.build`) and its JSON text (:mod:`kzpolicy.engine.result_json`)
both ask it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from kzpolicy.kb import schema
from kzpolicy.kb.knowledge import KnowledgeBase

__all__ = ["Bearing", "FindingIndex"]

Bearing = tuple[tuple[int, tuple[str, ...]], ...]
"""The findings that bear on a result, in the order of rules/: each as its position in
:attr:`FindingIndex.findings` and the concerns it was noted for."""


class FindingIndex:
    """Which findings concern which ID, for one knowledge base (``kb.derived(FindingIndex)``)."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.findings: tuple[schema.Finding, ...] = tuple(kb.findings.values())
        self.concerns = tuple(fd.concerns for fd in self.findings)
        self.index: dict[str, list[int]] = {}
        for n, fd in enumerate(self.findings):
            for ident in fd.concerns:
                self.index.setdefault(ident, []).append(n)

    def bearing(self, asserted: Mapping[str, bool], scenario: str,
                reached: Iterable[str]) -> Bearing:
        """The findings that concern the implied scenario, an item reached or a condition
        asserted true, each with those of its concerns it was noted for."""
        index = self.index
        held = [scenario] if scenario in index else []
        held += [i for i in reached if i in index]
        held += [c for c, v in asserted.items() if v and c in index]
        hits = sorted({n for ident in held for n in index[ident]})
        concerns, present = self.concerns, set(held)
        return tuple([(n, concerns[n] if len(concerns[n]) == 1
                       else tuple([c for c in concerns[n] if c in present])) for n in hits])
