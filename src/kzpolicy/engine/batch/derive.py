"""Derived columns: what a :class:`~kzpolicy.Batch` computes from its asserted bits when
read, a chunk of rows at a time (temporaries bounded by the chunk, not the batch).

* :func:`rule_bits`: the flagged items and the fired rules, as packed bit matrices:
  the rules run on the asserted planes as they are kept (64 rows a word,
  :meth:`BitsetRules.fixpoint`), one AND a word per production literal, and their
  results turned into a byte per row once (:class:`~kzpolicy.engine.batch.bits.Tiles`);
  the flagged items and the fired rules each when first read;
* :func:`counts`: each scenario's factors asserted true (uint16);
* :func:`asserted`: the int8 matrix (1 true, 0 false, -1 unknown);
* :func:`scenario`: the implied scenario's index (uint8), from its planes, and
  :func:`implied`: where it is a given one (boolean).

The asserted bits are laid out in :mod:`kzpolicy.engine.batch.bits`.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from kzpolicy.engine.batch import bits as asserted_bits
from kzpolicy.engine.batch.bits import Planes
from kzpolicy.engine.bitset import Column, bitset
from kzpolicy.kb.knowledge import KnowledgeBase

__all__ = ["CHUNK", "asserted", "counts", "factor_groups", "implied", "rule_bits", "scenario"]

Bits = npt.NDArray[np.uint8]

CHUNK = 1 << 16
"""Rows derived at a time: bounds the temporaries (a few bytes a condition a row); the
rules run on 1 << 18 rows at a time (a bit a fact a row)."""

RULE_CHUNK = 1 << 18


def _chunks(size: int, chunk: int) -> range:
    """Chunk starts: multiples of 64 rows (whole words of the planes)."""
    return range(0, size, max(64, chunk // 64 * 64))


def factor_groups(kb: KnowledgeBase) -> list[list[int]]:
    """Each scenario's factors, as condition indices (the knowledge base's orders)."""
    index = {c: n for n, c in enumerate(kb.condition_ids)}
    return [[index[f.id] for f in s.factors] for s in kb.scenarios.values()]


def asserted(kb: KnowledgeBase, bits: Planes, size: int) -> npt.NDArray[np.int8]:
    """Rows x conditions, int8: 1 asserted true, 0 asserted false, -1 unknown."""
    width = len(kb.condition_ids)
    out = np.empty((size, width), dtype=np.int8)
    step = max(64, CHUNK // 64 * 64)
    for start in _chunks(size, CHUNK):
        stop = min(start + step, size)
        true, false = asserted_bits.unpack(bits, width, start, stop)
        value = true.view(np.int8) * np.int8(2)
        value += false.view(np.int8)
        value -= np.int8(1)
        out[start:stop] = value.T
    return out


def counts(kb: KnowledgeBase, bits: Planes, size: int) -> npt.NDArray[np.uint16]:
    """Rows x scenarios, uint16: how many of each scenario's factors are asserted true."""
    groups = factor_groups(kb)
    out = np.empty((len(groups), size), dtype=np.uint16)
    width = len(kb.condition_ids)
    step = max(64, CHUNK // 64 * 64)
    for start in _chunks(size, CHUNK):
        stop = min(start + step, size)
        true, _ = asserted_bits.unpack(bits, width, start, stop)
        asserted_bits.factor_counts(true, groups, out[:, start:stop])
    return np.ascontiguousarray(out.T)


def scenario(codes: Planes, size: int) -> npt.NDArray[np.uint8]:
    """Rows, uint8: the implied scenario's index, from its planes ``codes``
    (:func:`~kzpolicy.engine.batch.bits.code_planes`)."""
    out = np.empty(size, dtype=np.uint8)
    step = max(64, CHUNK // 64 * 64)
    for start in _chunks(size, CHUNK):
        stop = min(start + step, size)
        raw = codes.view(np.uint8)[:, start // 8:(stop + 7) // 8]
        bits = np.unpackbits(raw, axis=1, count=stop - start, bitorder="little")
        for b in range(1, len(codes)):
            bits[b] <<= np.uint8(b)
        np.bitwise_or.reduce(bits, axis=0, out=out[start:stop])
    return out


def implied(codes: Planes, n: int, size: int) -> npt.NDArray[np.bool_]:
    """Rows, boolean: where the implied scenario's index (its planes ``codes``) is ``n``."""
    where = asserted_bits.where_code(codes, n).view(np.uint8)
    return np.unpackbits(where, count=size, bitorder="little").view(np.bool_)


def rule_bits(kb: KnowledgeBase, bits: Planes, codes: Planes, size: int, kind: int) -> Bits:
    """The flagged items (``kind`` 0) or the fired rules (1) of the ``size`` rows (their
    asserted ``bits`` and the planes ``codes`` of their implied scenario, kept from
    ``assess_many``) as a bit matrix (item or rule ``k`` is bit ``k % 8`` of byte
    ``k // 8``)."""
    count = len(kb.items) if kind == 0 else len(kb.rules)
    out = np.empty((size, (count + 7) // 8), dtype=np.uint8)
    step = max(64, RULE_CHUNK // 64 * 64)
    tiles = asserted_bits.Tiles(out.shape[1], min(step, size))
    for start in _chunks(size, RULE_CHUNK):
        stop = min(start + step, size)
        columns = _rule_chunk(kb, bits, codes, start, stop, kind)
        tiles.write(columns, out[start:stop])
    return out


def _rule_chunk(kb: KnowledgeBase, bits: Planes, codes: Planes, start: int, stop: int,
                kind: int) -> list[Column]:
    """The rules on rows ``start:stop`` (``start`` a multiple of 64), on their planes
    (the literals are the planes' words as kept, the implied scenario read from its
    planes word by word): per item where it is flagged (``kind`` 0) or per rule where it
    fires (1)."""
    engine = bitset(kb)
    ids = kb.condition_ids
    at = slice(start // 64, asserted_bits.words(stop))
    part = bits[:, at]
    true = {c: part[k] for k, c in enumerate(ids)}
    false = {c: part[len(ids) + k] for k, c in enumerate(ids)}
    facts = engine.literals_of(true, false)
    for n, sid in enumerate(engine.scenario_ids):
        facts[sid] = asserted_bits.where_code(codes[:, at], n)
    fired = engine.fixpoint(facts)
    if kind == 1:
        return [fired.get(r.id, False) for r in kb.rules]
    # an item is flagged where a rule producing it fired, unless contested (as assess)
    contested = engine.contested(facts, false)
    return [_flagged(facts.get(i, False), contested.get(i, False)) for i in kb.items]


def _flagged(held: Column, contested: Column) -> Column:
    """Where an item is flagged: held by the rules and not contested (as assess)."""
    if contested is False or held is False:
        return held
    if contested is True:
        return False
    return held & ~contested if held is not True else ~contested
