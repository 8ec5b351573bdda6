"""Comparing two knowledge bases entry by entry: what was added, removed or changed.

Every entry of rules/ is compared with the entry of the same ID in the same collection
(a table cell by its state and row; the decision rule, the source and the boundary rule
as the one entry of their key), field by field: a field that is a mapping is compared
key by key, a list of entries with IDs entry by entry (a scenario's factors), anything
else as a whole. The paths name the field as it is written in YAML (``when``,
``locator.item``, ``factors.I3.label``). Nothing about the article is here.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from kzpolicy.kb.folder import LISTS, SINGLETONS
from kzpolicy.kb.knowledge import KnowledgeBase

__all__ = ["EntryChange", "FieldChange", "compare"]

Json = Any
"""A value as YAML or JSON holds it: a mapping, a list, a string, a number, a bool, None."""


class FieldChange(BaseModel):
    """One field that differs: its ``path`` in the entry, and its value ``before`` and
    ``after`` (None on the side that lacks it)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    path: str
    before: Json
    after: Json


class EntryChange(BaseModel):
    """An entry added, removed or changed (``change``), under the rules/ key
    ``collection`` (``rules``, ``decision``, ``scenarios``, ...), with its ``fields`` that
    differ when it changed."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    collection: str
    id: str
    change: Literal["added", "removed", "changed"]
    fields: tuple[FieldChange, ...] = ()


def _key(collection: str, entry: Mapping[str, Json]) -> str:
    if collection == "cells":
        return f"{entry['state']}/{entry['row']}"
    return str(entry.get("id", collection))


def _entries(kb: KnowledgeBase) -> dict[tuple[str, str], Mapping[str, Json]]:
    """Every entry of ``kb`` as data, by (collection, ID); the first of an ID wins, as in
    the knowledge base."""
    out: dict[tuple[str, str], Mapping[str, Json]] = {}
    for key in SINGLETONS:
        found = kb.raw.singletons.get(key)
        if found is not None:
            out[(key, key)] = found.value.model_dump(mode="json")
    for key in LISTS:
        for sourced in kb.raw.lists.get(key, ()):
            data = sourced.value.model_dump(mode="json")
            out.setdefault((key, _key(key, data)), data)
    return out


def _by_id(values: list[Json]) -> dict[str, Json] | None:
    """A list of entries as a mapping by their IDs, or None when it is not one."""
    if not values or not all(isinstance(v, dict) and "id" in v for v in values):
        return None
    found = {str(v["id"]): v for v in values}
    return found if len(found) == len(values) else None


def _fields(before: Json, after: Json, path: str) -> Iterator[FieldChange]:
    """The fields in which ``before`` and ``after`` differ, each at its path."""
    if before == after:
        return
    if isinstance(before, dict) and isinstance(after, dict):
        for k in dict.fromkeys([*before, *after]):
            yield from _fields(before.get(k), after.get(k), f"{path}.{k}" if path else k)
        return
    if isinstance(before, list) and isinstance(after, list):
        old, new = _by_id(before), _by_id(after)
        if old is not None and new is not None:
            for k in dict.fromkeys([*old, *new]):
                yield from _fields(old.get(k), new.get(k), f"{path}.{k}")
            return
    yield FieldChange(path=path, before=before, after=after)


def compare(a: KnowledgeBase, b: KnowledgeBase) -> list[EntryChange]:
    """What changes from ``a`` to ``b``: each entry added, removed or changed (with its
    fields), in the order of rules/ keys, then of ``a``'s entries, then of ``b``'s."""
    old, new = _entries(a), _entries(b)
    order = {key: n for n, key in enumerate([*SINGLETONS, *LISTS])}
    keys = sorted(dict.fromkeys([*old, *new]), key=lambda k: order[k[0]])
    out: list[EntryChange] = []
    for collection, ident in keys:
        before, after = old.get((collection, ident)), new.get((collection, ident))
        if before is None:
            out.append(EntryChange(collection=collection, id=ident, change="added"))
        elif after is None:
            out.append(EntryChange(collection=collection, id=ident, change="removed"))
        elif before != after:
            out.append(EntryChange(collection=collection, id=ident, change="changed",
                                   fields=tuple(_fields(before, after, ""))))
    return out
