"""Batch input: condition sets given as rows (read into one int8 matrix) or as columns.

The matrix has a row per condition set and a column per condition (the knowledge
base's order): 1 asserted true, 0 asserted false, -1 unknown, with the preset (if any)
already overlaid, as ``resolve`` overlays it for one input. Columns are only checked
(and made int8 where they are not): the preset is overlaid as they are packed.

* **rows**: any iterable of what ``assess`` accepts (a mapping, a list of IDs, a
  ``Conditions``); plain dicts and lists take a fast path, everything else (and every
  bad input) goes through ``resolve``, so errors are those of ``assess``, naming the
  position of the bad condition set;
* **columns**: a mapping of condition IDs to one-dimensional arrays of equal length
  each either boolean (True / False), integer (1 true, 0 false, -1 not given) or a
  sequence of True / False / None (None not given); in a numpy masked array the
  masked cells are not given. A condition left out, or not given
  in a row, keeps the preset's value in that row, or is unknown without one.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from kzpolicy.engine.asserted import resolve
from kzpolicy.errors import ArgumentTypeError, InputError, UnknownConditionError, UnknownIdError
from kzpolicy.kb.knowledge import KnowledgeBase

if TYPE_CHECKING:  # the Conditions model loads when a caller uses it
    from kzpolicy.engine.conditions import ConditionInput

__all__ = ["CHUNK", "base_row", "from_columns", "from_rows"]

Int8Array = npt.NDArray[np.int8]
IntArray = npt.NDArray[np.integer[Any]]
BoolArray = npt.NDArray[np.bool_]

CHUNK = 1 << 16
"""Rows read (and evaluated) at a time: bounds the temporaries of bulk work."""

_UNKNOWN = 0xFF  # -1 as a byte


def base_row(kb: KnowledgeBase, preset: Mapping[str, bool]) -> bytes:
    """A row of the matrix with only ``preset``'s conditions known (1 true, 0 false, -1
    unknown as the byte 0xFF), in the knowledge base's order."""
    index = {c: n for n, c in enumerate(kb.condition_ids)}
    row = bytearray([_UNKNOWN]) * len(index)
    for c, v in preset.items():
        row[index[c]] = 1 if v else 0
    return bytes(row)


def from_rows(kb: KnowledgeBase, rows: Iterable[ConditionInput], preset: str | None,
              base: Mapping[str, bool]) -> Int8Array:
    """The matrix of the condition sets ``rows`` over the preset's conditions ``base``."""
    ids = kb.condition_ids
    width = len(ids)
    index = {c: n for n, c in enumerate(ids)}
    blank = base_row(kb, base)
    chunks: list[Int8Array] = []
    buf = bytearray(blank * CHUNK)
    off = 0
    for n, conditions in enumerate(rows):
        if off == len(buf):
            chunks.append(np.frombuffer(bytes(buf), dtype=np.int8).reshape(CHUNK, width))
            buf[:] = blank * CHUNK
            off = 0
        # the fast path: a plain dict {known ID: True/False} or a plain list of known IDs,
        # written straight into the row; anything else (or bad) is read by resolve()
        kind = type(conditions)
        try:
            if kind is dict:
                pairs: Any = conditions.items()  # type: ignore[union-attr]
                for k, v in pairs:
                    if v is True:
                        buf[off + index[k]] = 1
                    elif v is False:
                        buf[off + index[k]] = 0
                    else:  # not a bool: resolve() says what is wrong
                        raise KeyError(k)
                off += width
                continue
            if kind is list:
                names: Any = conditions
                for k in names:
                    buf[off + index[k]] = 1
                off += width
                continue
        except (KeyError, TypeError):  # an unknown ID, a non-string, an unhashable
            buf[off:off + width] = blank
        try:
            asserted = resolve(kb, conditions, preset=preset)
        except UnknownIdError as exc:  # named by position, the same error otherwise
            exc.message = f"condition set {n}: {exc.message}"
            exc.args = (exc.message,)
            raise
        except InputError as exc:
            raise InputError(f"condition set {n}: {exc}") from exc
        for c, v in asserted.items():
            buf[off + index[c]] = 1 if v else 0
        off += width
    chunks.append(np.frombuffer(bytes(buf[:off]), dtype=np.int8).reshape(-1, width))
    return chunks[0] if len(chunks) == 1 else np.concatenate(chunks)


def _numpy_ma() -> Any:
    """numpy.ma if it is loaded, else None: a masked array exists only once it is, so
    columns of plain arrays never load it. (Read through Any: numpy.ma is typed only from
    numpy 2.3, Python 3.11 and later, and mypy --strict passes on 3.10's numpy 2.2 too.)"""
    return sys.modules.get("numpy.ma")


def _unmasked(value: np.ma.MaskedArray[Any, Any]) -> tuple[npt.NDArray[Any], BoolArray]:
    """A masked column's values, its masked cells set to a value every kind of column
    accepts (their data may be anything), and its mask."""
    ma = _numpy_ma()
    mask: BoolArray = ma.getmaskarray(value)
    data = np.array(ma.getdata(value))
    if mask.any() and data.ndim == 1:
        data[mask] = None if data.dtype == np.object_ else 0
    return data, mask


def _column(name: str, value: object, size: int | None) -> tuple[IntArray, int]:
    """One input column as integers (1 true, 0 false, -1 not given), checked: int8, or
    the integer column as given. A masked array's masked cells are not given (never read
    as the data under the mask)."""
    ma = _numpy_ma()
    if ma is not None and isinstance(value, ma.MaskedArray):
        data, mask = _unmasked(value)
        col, n = _column(name, data, size)
        if not mask.any():
            return col, n
        col = col.astype(np.int8, copy=True)
        col[mask] = -1
        return col, n
    where = f"column {name!r}"
    sized = hasattr(value, "__len__") or hasattr(value, "__array__")
    if isinstance(value, str | bytes | Mapping) or not sized:
        raise ArgumentTypeError("assess_many", where,
                                "a one-dimensional array of true / false / unknown", value)
    arr = np.asarray(value)
    if arr.ndim != 1:
        raise InputError(f"assess_many: {where} must be one-dimensional (a value per "
                         f"condition set), got shape {arr.shape}")
    if size is not None and len(arr) != size:
        raise InputError(f"assess_many: {where} has {len(arr)} values, but the columns "
                         f"before it have {size}; every column needs one per condition set")
    if arr.dtype == np.bool_:
        return arr.view(np.int8), len(arr)
    if arr.dtype.kind in "iu":
        if len(arr) and (arr.min() < -1 or arr.max() > 1):
            bad = int(np.flatnonzero((arr < -1) | (arr > 1))[0])
            raise InputError(f"assess_many: {where} holds {arr[bad].item()!r} at row {bad}; "
                             "an integer column holds 1 (true), 0 (false) or -1 (unknown)")
        return arr, len(arr)  # made int8 a chunk at a time, as it is packed
    if arr.dtype == np.object_:
        out = np.empty(len(arr), dtype=np.int8)
        for n, v in enumerate(arr.tolist()):
            if v is None:
                out[n] = -1
            elif v is True or v is False:
                out[n] = v
            else:
                raise InputError(f"assess_many: {where} holds {v!r} at row {n}; a column "
                                 "holds True, False or None (unknown)")
        return out, len(arr)
    raise InputError(f"assess_many: {where} has dtype {arr.dtype}; give booleans, integers "
                     "(1 true, 0 false, -1 unknown) or True / False / None values")


def from_columns(kb: KnowledgeBase, columns: Mapping[Any, object]
                 ) -> tuple[list[IntArray | int], int]:
    """The condition sets given as columns, checked: per condition (the knowledge base's
    order) its integer column (1 true, 0 false, -1 not given) or -1 where no column gives
    it; and the number of rows. (The preset is overlaid when they are packed.)"""
    if not columns:
        raise InputError("assess_many: columns is empty; give at least one condition "
                         "column (a column of -1 leaves that condition unknown)")
    index = {c: n for n, c in enumerate(kb.condition_ids)}
    sources: list[IntArray | int] = [-1] * len(index)
    size: int | None = None
    for key, value in columns.items():
        if not isinstance(key, str):
            raise InputError(f"assess_many: a column name must be a condition ID string, "
                             f"got {key!r}")
        if key not in index:
            raise UnknownConditionError(key, kb.condition_ids)
        sources[index[key]], size = _column(key, value, size)
    assert size is not None
    return sources, size
