"""Asserted bits: a batch's condition sets as bit planes, 64 rows a machine word.

The planes are a uint64 array (little-endian words), ``2 * conditions`` rows by
``words(size)`` words:

* plane ``k`` holds where condition ``k`` is asserted **true**,
* plane ``conditions + k`` where it is asserted **false** (neither: unknown),

row ``r`` as bit ``r % 64`` of word ``r // 64`` (so a plane's bytes are
``np.packbits(column, bitorder="little")``); the bits past the last row are 0, so two
batches of one size assert the same exactly when their planes are equal. Each plane is
a fact of the rules as the bitset engine reads it, 64 inputs an AND
(:mod:`~kzpolicy.engine.batch.derive`). The int8 encoding (1 true, 0 false, -1 unknown)
is ``2 * true + false - 1``.

The implied scenario of each row is kept as planes too (:func:`code_planes`): its index
in binary, bit ``b`` in plane ``b`` (two planes for up to four outcomes);
:func:`pack_codes` writes them, :func:`where_code` reads where a row's index is ``n``.

:class:`ColumnPacker` packs int8 columns (as ``assess_many(columns=...)`` reads them) a
chunk of rows at a time and counts each scenario's factors asserted true on the way;
:func:`pack_matrix` packs an int8 matrix (the rows input). :func:`unpack`, :func:`row`,
:func:`rows`, :func:`take` and :func:`concat` read them back, slice and join them;
:class:`Tiles` turns packed columns (the flagged items, the fired rules) into a bit
matrix of a byte per row and eight columns.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["WORD", "ColumnPacker", "Planes", "Tiles", "code_planes", "concat", "factor_counts",
           "pack_codes", "pack_matrix", "planes", "row", "rows", "take", "transpose8", "unpack",
           "where_code", "words"]

IntArray = npt.NDArray[np.integer[Any]]
BoolArray = npt.NDArray[np.bool_]
Bits = npt.NDArray[np.uint8]
Planes = npt.NDArray[np.uint64]

WORD = np.dtype("<u8")
"""A plane's word: 64 rows, row ``r`` bit ``r % 64`` (little-endian, as packbits)."""

_SWAPS = tuple((np.uint64(mask), np.uint64(shift)) for mask, shift in (
    (0x00AA00AA00AA00AA, 7), (0x0000CCCC0000CCCC, 14), (0x00000000F0F0F0F0, 28)))
_64 = np.uint64(64)


def words(size: int) -> int:
    """Words a plane of ``size`` rows takes."""
    return (size + 63) // 64


def planes(conditions: int, size: int) -> Planes:
    """Zeroed planes for ``size`` rows (every condition unknown)."""
    return np.zeros((2 * conditions, words(size)), dtype=WORD)


def code_planes(count: int, size: int) -> Planes:
    """Zeroed planes for ``size`` indices below ``count``, in binary: bit ``b`` of each
    in plane ``b`` (at least one plane)."""
    return np.zeros((max(1, (count - 1).bit_length()), words(size)), dtype=WORD)


def pack_codes(index: npt.NDArray[np.uint8], start: int, out: Planes) -> None:
    """Write the indices ``index`` into the planes ``out`` (:func:`code_planes`) from row
    ``start`` (a multiple of 8) on."""
    raw = out.view(np.uint8)
    at = slice(start // 8, (start + len(index) + 7) // 8)
    for b in range(len(out)):
        raw[b, at] = np.packbits(index & np.uint8(1 << b), bitorder="little")


def where_code(codes: Planes, n: int) -> Planes:
    """Per word of the planes ``codes`` (:func:`code_planes`), where the index is ``n``
    (the bits past the last row are not cleared)."""
    out: Planes | None = None
    for b, plane in enumerate(codes):
        bit = plane if n >> b & 1 else ~plane
        out = bit if out is None else out & bit
    assert out is not None
    return out


def unpack(bits: Planes, conditions: int, start: int, stop: int
           ) -> tuple[BoolArray, BoolArray]:
    """Conditions x rows ``start:stop`` (``start`` a multiple of 8): where each condition
    is asserted true, and where false."""
    raw = bits.view(np.uint8)[:, start // 8:(stop + 7) // 8]
    both = np.unpackbits(raw, axis=1, count=stop - start, bitorder="little").view(np.bool_)
    return both[:conditions], both[conditions:]


def row(bits: Planes, k: int) -> tuple[list[int], list[int]]:
    """Row ``k``: per condition 1 where asserted true (first list) or false (second)."""
    conditions = len(bits) // 2
    column = (bits[:, k >> 6] >> np.uint64(k & 63)) & np.uint64(1)
    values: list[int] = column.tolist()
    return values[:conditions], values[conditions:]


def factor_counts(true: BoolArray, groups: Sequence[Sequence[int]], out: npt.NDArray[np.integer]
                  ) -> None:
    """``out[s]``: per row, how many of the conditions ``groups[s]`` (a scenario's
    factors) are asserted true (``true``: conditions x rows)."""
    for s, group in enumerate(groups):
        np.sum(true[list(group)], axis=0, dtype=out.dtype, out=out[s])


def pack_matrix(matrix: npt.NDArray[np.int8], start: int, out: Planes) -> None:
    """Write the bits of an int8 matrix (rows x conditions; 1 true, 0 false, anything
    else unknown) into ``out`` from row ``start`` (a multiple of 8) on."""
    conditions = matrix.shape[1]
    raw = out.view(np.uint8)
    at = slice(start // 8, (start + len(matrix) + 7) // 8)
    for n, value in enumerate((1, 0)):
        packed = np.packbits(np.equal(matrix, value).T, axis=1, bitorder="little")
        raw[n * conditions:(n + 1) * conditions, at] = packed


def _mask_tail(bits: Planes, size: int) -> None:
    """Zero the bits past row ``size`` in the last word."""
    if size % 64 and bits.shape[1]:
        bits[:, -1] &= np.uint64((1 << (size % 64)) - 1)


def rows(bits: Planes, start: int, stop: int) -> Planes:
    """The planes of rows ``start:stop`` (a contiguous slice): shifted by whole words,
    then by the bits left."""
    size = max(0, stop - start)
    n = words(size)
    first, shift = divmod(start, 64)
    src = bits[:, first:first + n + 1]
    if not shift:
        out: Planes = np.array(src[:, :n], dtype=WORD)
    else:
        out = src[:, :n] >> np.uint64(shift)
        high = src[:, 1:n + 1]
        out[:, :high.shape[1]] |= high << (_64 - np.uint64(shift))
    _mask_tail(out, size)
    return out


def take(bits: Planes, index: npt.NDArray[np.intp], chunk: int = 1 << 16) -> Planes:
    """The planes of the rows ``index`` (in that order), gathered a chunk at a time."""
    out = np.zeros((len(bits), words(len(index))), dtype=WORD)
    raw, dest = bits.view(np.uint8), out.view(np.uint8)
    step = max(64, chunk // 64 * 64)
    for start in range(0, len(index), step):
        part = index[start:start + step]
        picked = (raw[:, part >> 3] >> (part & 7).astype(np.uint8)) & np.uint8(1)
        packed = np.packbits(picked, axis=1, bitorder="little")
        dest[:, start // 8:start // 8 + packed.shape[1]] = packed
    return out


def concat(parts: Sequence[tuple[Planes, int]]) -> Planes:
    """One set of planes of the rows of ``parts`` (planes and their rows), in order."""
    total = sum(size for _, size in parts)
    out = np.zeros((len(parts[0][0]), words(total)), dtype=WORD)
    at = 0
    for bits, size in parts:
        n = words(size)
        first, shift = divmod(at, 64)
        src = bits[:, :n]
        if not shift:
            out[:, first:first + n] |= src
        else:
            out[:, first:first + n] |= src << np.uint64(shift)
            room = min(n, out.shape[1] - first - 1)
            out[:, first + 1:first + 1 + room] |= src[:, :room] >> (_64 - np.uint64(shift))
        at += size
    return out


def transpose8(x: Planes) -> None:
    """Transpose each word as an 8 x 8 bit matrix (bit ``j`` of byte ``i`` <-> bit ``i``
    of byte ``j``), in place: three swaps of bit blocks (Hacker's Delight 7-3)."""
    t = np.empty_like(x)
    for mask, shift in _SWAPS:
        np.right_shift(x, shift, out=t)
        t ^= x
        t &= mask
        x ^= t
        np.left_shift(t, shift, out=t)
        x ^= t


class Tiles:
    """Writes packed columns (each a plane, or a constant for every row) as a bit matrix
    of a byte per row and eight columns: column ``k`` is bit ``k % 8`` of byte ``k // 8``
    (``np.packbits(..., axis=1, bitorder="little")``), up to ``rows`` rows at a time.

    Per eight columns, their bytes are interleaved into words (a word: eight rows of
    eight columns) and each word transposed as a bit matrix: its bytes are then the
    rows' bytes, copied to their column of the matrix."""

    def __init__(self, width: int, rows: int) -> None:
        self._tiles = np.zeros((width, words(rows) * 8, 8), dtype=np.uint8)

    def write(self, columns: Sequence[Planes | bool], out: Bits) -> None:
        """Write ``columns`` into ``out`` (rows x bytes)."""
        size, width = out.shape
        n = words(size) * 8
        tiles = self._tiles[:, :n]
        padded = [*columns, *[False] * (8 * width - len(columns))]  # the buffer is reused
        for g in range(width):  # a group at a time: its tile stays in the cache
            tile = tiles[g]
            for j, col in enumerate(padded[8 * g:8 * g + 8]):
                if col is False or col is True:
                    tile[:, j] = 0xFF if col else 0
                else:
                    tile[:, j] = col.view(np.uint8)[:n]
            transpose8(tile.reshape(-1).view(WORD))
            out[:, g] = tiles[g].reshape(-1)[:size]


class ColumnPacker:
    """Packs int8 columns into planes a chunk of rows at a time.

    ``sources`` holds one entry per condition (the knowledge base's order): an integer
    column of 1 / 0 / -1 or a constant; ``preset`` the value a -1 stands for in that
    condition (1, 0, or -1 for unknown). ``groups`` lists each scenario's factors by
    condition index; :meth:`pack` counts them into :attr:`counts`. A column is compared
    with 1 and 0 (with the preset: ``!= 0`` or ``== 1`` where -1 means true or false)
    and each comparison packed into its plane.
    """

    def __init__(self, sources: Sequence[IntArray | int], preset: Sequence[int],
                 groups: Sequence[Sequence[int]], chunk: int) -> None:
        self.sources = sources
        self.preset = preset
        self.chunk = max(64, (chunk + 63) // 64 * 64)
        self.factor_of = {k: s for s, group in enumerate(groups) for k in group}
        big = max((len(g) for g in groups), default=0) > 255
        self.counts = np.zeros((len(groups), self.chunk), dtype=np.uint16 if big else np.uint8)
        self._true = np.empty(self.chunk, dtype=np.bool_)
        self._false = np.empty(self.chunk, dtype=np.bool_)

    def pack(self, start: int, stop: int, out: Planes) -> None:
        """Pack rows ``start:stop`` (``start`` a multiple of 64) into ``out`` and count
        the factors into ``counts[:, :stop - start]``."""
        self.counts.fill(0)
        raw = out.view(np.uint8)
        at = slice(start // 8, (stop + 7) // 8)
        conditions = len(self.sources)
        for k, source in enumerate(self.sources):
            true, false = self._compare(k, source, start, stop)
            raw[k, at] = np.packbits(true, bitorder="little")
            raw[conditions + k, at] = np.packbits(false, bitorder="little")
            if k in self.factor_of:
                counts = self.counts[self.factor_of[k], :stop - start]
                np.add(counts, true.view(np.uint8), out=counts)

    def _compare(self, k: int, source: IntArray | int, start: int, stop: int
                 ) -> tuple[BoolArray, BoolArray]:
        """Where condition ``k`` is true and where false, in rows ``start:stop``."""
        true, false = self._true[:stop - start], self._false[:stop - start]
        preset = self.preset[k]
        if isinstance(source, int):
            value = source if source >= 0 else preset
            true.fill(value == 1)
            false.fill(value == 0)
            return true, false
        part = source[start:stop]
        if preset == 1:  # -1 is true
            np.not_equal(part, 0, out=true)
            np.logical_not(true, out=false)
        elif preset == 0:  # -1 is false
            np.equal(part, 1, out=true)
            np.logical_not(true, out=false)
        else:
            np.equal(part, 1, out=true)
            np.equal(part, 0, out=false)
        return true, false
