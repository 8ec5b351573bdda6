"""Batch assessment: many condition sets assessed at once on the bitset engine.

``assess_many`` reads its input (rows or columns, ``inputs``) into one int8
matrix, evaluates it in chunks of columns with :meth:`BitsetRules.evaluate` (no Python
object per row), and returns a :class:`~kzpolicy.Batch` whose row ``i`` equals
``assess(input_i, preset=..., kb=..., engine="bitset")``. Python's cyclic garbage
collector is paused over the bulk work (the work creates no cyclic garbage) and
restored after it, also on error (:func:`kzpolicy.kb.gcpause.gc_paused`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import numpy.typing as npt

from kzpolicy.engine.batch.columns import Batch, preset_order
from kzpolicy.engine.batch.inputs import CHUNK, from_columns, from_rows
from kzpolicy.engine.bitset import Column, bitset
from kzpolicy.engine.conditions import ConditionInput, resolve
from kzpolicy.errors import InputError, expect
from kzpolicy.kb.gcpause import gc_paused
from kzpolicy.kb.knowledge import KnowledgeBase
from kzpolicy.kb.loading import knowledge_base
from kzpolicy.kb.reading import ReadingSpec

__all__ = ["Batch", "assess_many"]

_NO_ROWS: tuple[()] = ()


def assess_many(
    conditions_list: Iterable[ConditionInput] = _NO_ROWS,
    *,
    columns: Mapping[str, object] | None = None,
    preset: str | None = None,
    kb: KnowledgeBase | None = None,
    reading: ReadingSpec = None,
) -> Batch:
    """Assess many condition sets on the bitset engine; returns a :class:`~kzpolicy.Batch`.

    Give the condition sets as ``conditions_list`` (an iterable of anything ``assess``
    accepts) or as ``columns``: a mapping of condition IDs to equal-length
    one-dimensional arrays, boolean, integer (1 true, 0 false, -1 unknown) or of
    True / False / None (None unknown). ``preset`` is the base every condition set is
    overlaid on (an unknown value in a column keeps the preset's). Row ``i`` of the
    result equals ``assess(set_i, preset=preset, kb=kb, engine="bitset", reading=reading)``. A bad
    condition set raises the error ``assess`` would, naming its position; a bad column
    names the column.
    """
    if isinstance(conditions_list, str | bytes | Mapping):
        raise InputError(
            "assess_many takes a list of condition sets, not a single one; "
            "use assess() for one, or wrap it in a list"
        )
    expect("assess_many", "conditions_list", conditions_list, Iterable,
           "a list of condition sets (each a mapping or a list of IDs)")
    expect("assess_many", "columns", columns, Mapping,
           "a mapping of condition IDs to columns (arrays)", optional=True)
    expect("assess_many", "preset", preset, str, "a preset ID (see 'kzpolicy list presets')",
           optional=True)
    if columns is not None and conditions_list is not _NO_ROWS:
        raise InputError("assess_many takes the condition sets as rows (conditions_list) "
                         "or as columns, not both")
    base = knowledge_base("assess_many", kb, reading)
    fixed = resolve(base, None, preset=preset)  # an unknown preset fails once, up front
    with gc_paused():
        if columns is None:
            asserted = from_rows(base, conditions_list, preset, fixed)
        else:
            asserted = from_columns(base, columns, fixed)
        return evaluate_matrix(base, asserted, preset_order(base, fixed))


def evaluate_matrix(kb: KnowledgeBase, asserted: npt.NDArray[np.int8],
                    order: tuple[int, ...]) -> Batch:
    """The batch of the condition sets ``asserted`` (rows x conditions; 1 true, 0 false,
    -1 unknown), evaluated a chunk of rows at a time on the bitset engine."""
    engine = bitset(kb)
    size = len(asserted)
    scenario = np.empty(size, dtype=np.uint8)
    counts = np.empty((size, len(kb.scenarios)), dtype=np.uint16)
    flagged = np.empty((size, (len(kb.items) + 7) // 8), dtype=np.uint8)
    fired = np.empty((size, (len(kb.rules) + 7) // 8), dtype=np.uint8)
    for start in range(0, size, CHUNK):
        stop = min(start + CHUNK, size)
        rows = asserted[start:stop]
        yes, no = np.equal(rows, 1, order="F"), np.equal(rows, 0, order="F")  # by column
        true = {c: yes[:, n] for n, c in enumerate(kb.condition_ids)}
        false = {c: no[:, n] for n, c in enumerate(kb.condition_ids)}
        result = engine.evaluate(stop - start, true, false)
        scenario[start:stop] = result.scenario
        counts[start:stop] = result.counts.T
        rule_cols = [result.fired.get(r.id, False) for r in kb.rules]
        _pack(rule_cols, fired[start:stop])
        # an item is flagged where a rule producing it fired, unless contested (as assess)
        _pack([result.flagged(i) for i in kb.items], flagged[start:stop])
    return Batch(kb, order=order, asserted=asserted, scenario=scenario, counts=counts,
                 flagged_bits=flagged, fired_bits=fired)


def _pack(columns: list[Column], out: npt.NDArray[np.uint8]) -> None:
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
