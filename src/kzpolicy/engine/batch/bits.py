"""Asserted bits: a batch's condition sets as two bit matrices, a quarter of a byte a cell.

A row of ``bits`` (uint8, rows x ``2 * w`` with ``w = ceil(conditions / 8)``) holds

* in bytes ``0 .. w-1`` the conditions asserted **true**,
* in bytes ``w .. 2w-1`` the conditions **unknown** (neither asserted true nor false),

condition ``k`` as bit ``k % 8`` of byte ``k // 8`` of each half
(``np.packbits(..., axis=1, bitorder="little")``); the bits past the last condition are 0,
so two batches assert the same exactly when their bits are equal. The int8 encoding
(1 true, 0 false, -1 unknown) is ``true - unknown``.

:class:`ColumnPacker` packs int8 columns (one per condition, as
``assess_many(columns=...)`` reads them) a chunk of rows at a time on 64-bit words,
eight rows a word, and counts each scenario's factors asserted true on the way;
:func:`pack_matrix` packs an int8 matrix (the rows input). :func:`unpack`,
:func:`to_int8` and :func:`factor_counts` read the bits back.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["ColumnPacker", "columns", "factor_counts", "pack_matrix", "to_int8", "unpack",
           "width"]

Int8Array = npt.NDArray[np.int8]
IntArray = npt.NDArray[np.integer[Any]]
BoolArray = npt.NDArray[np.bool_]
Bits = npt.NDArray[np.uint8]

_LOW = np.uint64(0x0101010101010101)  # bit 0 of each of a word's eight bytes
_SEVEN = np.uint64(7)


def width(conditions: int) -> int:
    """Bytes a half of a row takes: one per eight conditions."""
    return (conditions + 7) // 8


def unpack(bits: Bits, conditions: int) -> tuple[BoolArray, BoolArray]:
    """Rows x conditions: where each condition is asserted true, and where unknown."""
    w = width(conditions)
    true = np.unpackbits(bits[:, :w], axis=1, count=conditions, bitorder="little")
    unknown = np.unpackbits(bits[:, w:], axis=1, count=conditions, bitorder="little")
    return true.view(np.bool_), unknown.view(np.bool_)


def columns(bits: Bits, conditions: int) -> tuple[list[BoolArray], list[BoolArray]]:
    """Per condition, a contiguous boolean column: where it is asserted true, and where
    asserted false. The rows' bytes are turned into a byte row per eight conditions
    first; each condition's column is then a shift and a mask on 64-bit words."""
    w, size = width(conditions), len(bits)
    rows = np.zeros((2 * w, (size + 7) // 8 * 8), dtype=np.uint8)
    rows[:, :size] = bits.T
    true = rows[:w].view(np.uint64)
    false = ~(true | rows[w:].view(np.uint64))
    out: tuple[list[BoolArray], list[BoolArray]] = ([], [])
    for k in range(conditions):
        byte, shift = divmod(k, 8)
        for plane, found in zip((true, false), out, strict=True):
            col = np.right_shift(plane[byte], np.uint64(shift))
            col &= _LOW
            found.append(col.view(np.bool_)[:size])
    return out


def to_int8(bits: Bits, conditions: int, out: Int8Array) -> None:
    """Write the int8 matrix of ``bits`` (1 true, 0 false, -1 unknown) into ``out``."""
    true, unknown = unpack(bits, conditions)
    np.subtract(true.view(np.int8), unknown.view(np.int8), out=out)


def pack_matrix(rows: Int8Array, out: Bits) -> None:
    """Write the bits of an int8 matrix (rows x conditions; 1 true, 0 false, anything
    else unknown) into ``out``."""
    w = out.shape[1] // 2
    true = np.equal(rows, 1)
    out[:, :w] = np.packbits(true, axis=1, bitorder="little")
    unknown = np.not_equal(rows, 0)
    unknown &= ~true
    out[:, w:] = np.packbits(unknown, axis=1, bitorder="little")


def factor_counts(true: BoolArray, groups: Sequence[Sequence[int]], out: npt.NDArray[np.integer]
                  ) -> None:
    """``out[s]``: per row, how many of the conditions ``groups[s]`` (a scenario's
    factors) are asserted true (``true``: rows x conditions)."""
    for s, group in enumerate(groups):
        np.sum(true[:, list(group)], axis=1, dtype=out.dtype, out=out[s])


class ColumnPacker:
    """Packs int8 columns into bits a chunk of rows at a time, reusing its buffers.

    ``sources`` holds one entry per condition (the knowledge base's order): an integer
    column of 1 / 0 / -1 (copied a chunk at a time where it is not contiguous int8) or
    a constant; ``preset`` the value a -1 stands for in that
    condition (1, 0, or -1 for unknown). ``groups`` lists each scenario's factors by
    condition index; :meth:`pack` counts them into :attr:`counts`.

    On a word of eight int8 values, bit 7 of a byte is set exactly for -1 (unknown) and
    bit 0 for 1 or -1: ``(x >> 7) & low`` marks the unknown rows, ``(x & low) ^ that``
    the true ones, each a byte of 0 or 1, which shifts into its bit of the row's byte
    without spilling into the next row.
    """

    def __init__(self, sources: Sequence[IntArray | int], preset: Sequence[int],
                 groups: Sequence[Sequence[int]], chunk: int) -> None:
        self.sources = sources
        self.preset = preset
        self.chunk = max(8, (chunk + 7) // 8 * 8)
        self.w = width(len(sources))
        self.factor_of = {k: s for s, group in enumerate(groups) for k in group}
        big = max((len(g) for g in groups), default=0) > 255
        self.counts = np.zeros((len(groups), self.chunk), dtype=np.uint16 if big else np.uint8)
        self._acc = np.zeros((2 * self.w, self.chunk), dtype=np.uint8)
        self._copy = np.zeros(self.chunk, dtype=np.int8)
        words = self.chunk // 8
        self._true = np.empty(words, dtype=np.uint64)
        self._unknown = np.empty(words, dtype=np.uint64)

    def pack(self, start: int, stop: int, out: Bits) -> None:
        """Pack rows ``start:stop`` into ``out`` (their rows of the bits) and count the
        factors into ``counts[:, :stop - start]``."""
        self._acc.fill(0)
        self.counts.fill(0)
        for k, source in enumerate(self.sources):
            if isinstance(source, int):
                self._constant(k, source if source >= 0 else self.preset[k])
            else:
                self._column(k, self._words(source, start, stop))
        out[:] = self._acc[:, :stop - start].T

    def _words(self, column: IntArray, start: int, stop: int) -> npt.NDArray[np.uint64]:
        part = column[start:stop]
        if (part.dtype != np.int8 or not part.flags.c_contiguous
                or len(part) != self.chunk):
            self._copy[:len(part)] = part
            self._copy[len(part):] = 0
            part = self._copy
        return part.view(np.uint64)

    def _constant(self, k: int, value: int) -> None:
        byte, bit = divmod(k, 8)
        if value == 1:
            self._acc[byte] |= np.uint8(1 << bit)
            if k in self.factor_of:
                self.counts[self.factor_of[k]] += 1
        elif value < 0:
            self._acc[self.w + byte] |= np.uint8(1 << bit)

    def _column(self, k: int, x: npt.NDArray[np.uint64]) -> None:
        true, unknown = self._true, self._unknown
        preset = self.preset[k]
        np.bitwise_and(x, _LOW, out=true)  # 1 for true or unknown
        if preset != 1:
            np.right_shift(x, _SEVEN, out=unknown)
            unknown &= _LOW
            true ^= unknown  # 1 for true
        if k in self.factor_of:
            counts = self.counts[self.factor_of[k]]
            np.add(counts, true.view(np.uint8), out=counts)
        byte, bit = divmod(k, 8)
        shift = np.uint64(bit)
        self._or(self._acc[byte], true, shift)
        if preset < 0:
            self._or(self._acc[self.w + byte], unknown, shift)

    @staticmethod
    def _or(acc: Bits, ones: npt.NDArray[np.uint64], shift: np.uint64) -> None:
        if shift:
            np.left_shift(ones, shift, out=ones)
        words = acc.view(np.uint64)
        words |= ones
