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

    def present(self, asserted: Mapping[str, bool], scenario: str,
                reached: Iterable[str]) -> tuple[str, ...]:
        """What in a result some finding concerns, sorted: the implied scenario, the
        items reached, the conditions asserted true."""
        index = self.index
        found = [scenario] if scenario in index else []
        found += [i for i in reached if i in index]
        found += [c for c, v in asserted.items() if v and c in index]
        return tuple(sorted(found))

    def bearing(self, present: tuple[str, ...]) -> Bearing:
        """The findings that concern something in ``present`` (from :meth:`present`)."""
        index, concerns = self.index, self.concerns
        held = set(present)
        hits = sorted({n for ident in present for n in index[ident]})
        return tuple([(n, tuple([c for c in concerns[n] if c in held])) for n in hits])
