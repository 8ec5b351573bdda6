"""Batch assessment: many condition sets assessed at once on the bitset engine.

``assess_many`` reads its input (rows into one int8 matrix, columns as they are:
``inputs``), packs it a chunk of rows at a time into the asserted bits (``bits``, two
bit planes a condition, 64 rows a word) while counting each scenario's factors asserted
true, decides the implied scenario on those counts (:meth:`BitsetRules.decide_table`,
no Python object per row), and returns a :class:`~kzpolicy.Batch` of the bits and the
scenario (packed alike: its index in binary, a plane a bit), whose row ``i`` equals
``assess(input_i, preset=..., kb=..., engine="bitset")``.
What else the batch shows (flagged, fired, counts, shares) it derives from those when
read (``derive``). Python's cyclic garbage collector is paused over the bulk work (the
work creates no cyclic garbage) and restored after it, also on error
(:func:`kzpolicy.kb.gcpause.gc_paused`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from kzpolicy.engine.asserted import resolve
from kzpolicy.engine.batch.bits import (
    ColumnPacker,
    code_planes,
    factor_counts,
    pack_codes,
    pack_matrix,
    planes,
)
from kzpolicy.engine.batch.columns import Batch, preset_order
from kzpolicy.engine.batch.derive import factor_groups
from kzpolicy.engine.batch.inputs import CHUNK, IntArray, base_row, from_columns, from_rows
from kzpolicy.engine.bitset import bitset
from kzpolicy.errors import InputError, expect
from kzpolicy.kb.gcpause import gc_paused
from kzpolicy.kb.knowledge import KnowledgeBase
from kzpolicy.kb.loading import knowledge_base

if TYPE_CHECKING:  # the Conditions model and the readings load when a caller uses them
    from kzpolicy.engine.conditions import ConditionInput
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
            return evaluate_matrix(base, asserted, preset_order(base, fixed))
        sources, size = from_columns(base, columns)
        return _evaluate_columns(base, sources, size, fixed)


def _evaluate_columns(kb: KnowledgeBase, sources: list[IntArray | int], size: int,
                      fixed: Mapping[str, bool]) -> Batch:
    """The batch of condition sets given as columns (see ``inputs.from_columns``) over the
    preset's conditions ``fixed``: packed and decided a chunk of rows at a time."""
    preset = np.frombuffer(base_row(kb, fixed), dtype=np.int8).tolist()
    packer = ColumnPacker(sources, preset, factor_groups(kb), 4 * CHUNK)  # a bit a row
    engine = bitset(kb)
    bits = planes(len(sources), size)
    scenario = code_planes(len(engine.scenario_ids), size)
    for start in range(0, size, packer.chunk):
        stop = min(start + packer.chunk, size)
        packer.pack(start, stop, bits)
        pack_codes(engine.decide_table(packer.counts[:, :stop - start]), start, scenario)
    return Batch(kb, order=preset_order(kb, fixed), bits=bits, scenario=scenario, size=size)


def evaluate_matrix(kb: KnowledgeBase, asserted: npt.NDArray[np.int8],
                    order: tuple[int, ...]) -> Batch:
    """The batch of the condition sets ``asserted`` (rows x conditions; 1 true, 0 false,
    -1 unknown), packed and decided a chunk of rows at a time on the bitset engine."""
    engine = bitset(kb)
    size, conditions = asserted.shape
    groups = factor_groups(kb)
    bits = planes(conditions, size)
    scenario = code_planes(len(engine.scenario_ids), size)
    step = max(64, CHUNK // 64 * 64)
    counts = np.empty((len(groups), step), dtype=np.uint16)
    for start in range(0, size, step):
        stop = min(start + step, size)
        pack_matrix(asserted[start:stop], start, bits)
        part = counts[:, :stop - start]
        factor_counts(np.equal(asserted[start:stop], 1).T, groups, part)
        pack_codes(engine.decide_table(part), start, scenario)
    return Batch(kb, order=order, bits=bits, scenario=scenario, size=size)
