"""Derived columns: what a :class:`~kzpolicy.Batch` computes from its asserted bits when
read, a chunk of rows at a time (temporaries bounded by the chunk, not the batch).

* :func:`rule_bits`: the flagged items and the fired rules, as packed bit matrices
  (the rules run on the bitset engine, :meth:`BitsetRules.evaluate`, as
  ``assess_many`` would have run them);
* :func:`counts`: each scenario's factors asserted true (uint16);
* :func:`asserted`: the int8 matrix (1 true, 0 false, -1 unknown).

The asserted bits are laid out in :mod:`kzpolicy.engine.batch.bits`.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from kzpolicy.engine.batch import bits as asserted_bits
from kzpolicy.engine.bitset import Column, bitset
from kzpolicy.kb.knowledge import KnowledgeBase

__all__ = ["CHUNK", "asserted", "counts", "factor_groups", "pack", "rule_bits"]

Bits = npt.NDArray[np.uint8]

CHUNK = 1 << 16
"""Rows derived at a time: bounds the temporaries (a few bytes a condition a row)."""


def factor_groups(kb: KnowledgeBase) -> list[list[int]]:
    """Each scenario's factors, as condition indices (the knowledge base's orders)."""
    index = {c: n for n, c in enumerate(kb.condition_ids)}
    return [[index[f.id] for f in s.factors] for s in kb.scenarios.values()]


def asserted(kb: KnowledgeBase, bits: Bits) -> npt.NDArray[np.int8]:
    """Rows x conditions, int8: 1 asserted true, 0 asserted false, -1 unknown."""
    width = len(kb.condition_ids)
    out = np.empty((len(bits), width), dtype=np.int8)
    for start in range(0, len(bits), CHUNK):
        asserted_bits.to_int8(bits[start:start + CHUNK], width, out[start:start + CHUNK])
    return out


def counts(kb: KnowledgeBase, bits: Bits) -> npt.NDArray[np.uint16]:
    """Rows x scenarios, uint16: how many of each scenario's factors are asserted true."""
    groups = factor_groups(kb)
    out = np.empty((len(bits), len(groups)), dtype=np.uint16)
    width = len(kb.condition_ids)
    for start in range(0, len(bits), CHUNK):
        true, _ = asserted_bits.unpack(bits[start:start + CHUNK], width)
        asserted_bits.factor_counts(true, groups, out[start:start + CHUNK].T)
    return out


def rule_bits(kb: KnowledgeBase, bits: Bits, scenario: npt.NDArray[np.uint8]
              ) -> tuple[Bits, Bits]:
    """The flagged items and the fired rules of every row (its asserted ``bits`` and its
    implied ``scenario``, kept from ``assess_many``), each as a bit matrix (item or rule
    ``k`` is bit ``k % 8`` of byte ``k // 8``)."""
    engine = bitset(kb)
    size, ids = len(bits), kb.condition_ids
    flagged = np.empty((size, (len(kb.items) + 7) // 8), dtype=np.uint8)
    fired = np.empty((size, (len(kb.rules) + 7) // 8), dtype=np.uint8)
    for start in range(0, size, CHUNK):
        stop = min(start + CHUNK, size)
        yes, no = asserted_bits.columns(bits[start:stop], len(ids))
        result = engine.evaluate(stop - start, dict(zip(ids, yes, strict=True)),
                                 dict(zip(ids, no, strict=True)), scenario[start:stop])
        pack([result.fired.get(r.id, False) for r in kb.rules], fired[start:stop])
        # an item is flagged where a rule producing it fired, unless contested (as assess)
        pack([result.flagged(i) for i in kb.items], flagged[start:stop])
    return flagged, fired


def pack(columns: list[Column], out: Bits) -> None:
    """Write boolean columns into ``out`` as bits: column ``k`` is bit ``k % 8`` of byte
    ``k // 8`` (``np.packbits(..., axis=1, bitorder="little")``).

    Each boolean is a byte of 0 or 1, so shifting a word of eight of them by less than
    eight moves no bit into the next byte: the shifts and ors run on 64-bit words."""
    size, width = out.shape
    word = np.uint64 if size % 8 == 0 else np.uint8
    packed = np.zeros((width, size), dtype=np.uint8)  # a byte column per row
    shifted = np.empty(size, dtype=np.uint8).view(word)
    for byte in range(width):
        acc = packed[byte].view(word)
        for bit, col in enumerate(columns[8 * byte:8 * byte + 8]):
            if col is True:
                packed[byte] |= np.uint8(1 << bit)
            elif col is not False:
                np.left_shift(np.ascontiguousarray(col).view(word), bit, out=shifted)
                acc |= shifted
    out[:] = packed.T
