"""Batch export: a :class:`~kzpolicy.Batch` as an Arrow table or a pandas DataFrame.

Neither library is a dependency of kzpolicy; each export loads its library when called
and raises :class:`~kzpolicy.InputError` naming what to install when it is missing.
Both give one row per condition set and the same column names:

* ``scenario``: the implied scenario ID (Arrow dictionary / pandas categorical);
* ``share.<scenario>``: each scenario's share of factors asserted true (float64);
* ``asserted.<condition>``: Arrow: a nullable boolean (null = unknown); pandas: int8,
  1 true, 0 false, -1 unknown (the encoding ``assess_many(columns=...)`` reads);
* ``flagged.<item>``: whether the row flags or engages the item (bool);
* ``fired.<rule>``: whether the rule fired (bool).

The Arrow table's schema metadata carries ``kzpolicy.kb_version``.
"""

from __future__ import annotations

import importlib
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from kzpolicy.errors import InputError

__all__ = ["Columns", "to_arrow", "to_pandas"]


class Columns(Protocol):
    """What an export reads of a :class:`~kzpolicy.Batch` (which imports this module)."""

    @property
    def kb_version(self) -> str: ...
    @property
    def reading(self) -> str: ...
    @property
    def condition_ids(self) -> tuple[str, ...]: ...
    @property
    def scenario_ids(self) -> tuple[str, ...]: ...
    @property
    def item_ids(self) -> tuple[str, ...]: ...
    @property
    def rule_ids(self) -> tuple[str, ...]: ...
    @property
    def asserted(self) -> npt.NDArray[np.int8]: ...
    @property
    def scenario(self) -> npt.NDArray[np.uint8]: ...
    @property
    def shares(self) -> npt.NDArray[np.float64]: ...
    @property
    def flagged(self) -> npt.NDArray[np.bool_]: ...
    @property
    def fired(self) -> npt.NDArray[np.bool_]: ...


def _library(name: str, package: str, call: str) -> Any:
    try:
        return importlib.import_module(name)
    except ImportError:
        raise InputError(
            f"Batch.{call}() needs {package}, which is not installed: pip install {package}"
        ) from None


def _index_type(n: int) -> type[np.signedinteger[Any]]:
    return np.int8 if n < 128 else np.int32


def to_arrow(batch: Columns) -> Any:
    """The batch as a ``pyarrow.Table`` (columns: see the module docstring)."""
    pa = _library("pyarrow", "pyarrow", "to_arrow")
    scenario_ids = batch.scenario_ids
    cols: dict[str, Any] = {
        "scenario": pa.DictionaryArray.from_arrays(
            pa.array(batch.scenario.astype(_index_type(len(scenario_ids)))),
            pa.array(list(scenario_ids), type=pa.string())),
    }
    shares = batch.shares
    for n in range(shares.shape[1]):  # the scenarios (not undecided, which has no share)
        cols[f"share.{scenario_ids[n]}"] = pa.array(np.ascontiguousarray(shares[:, n]))
    asserted = batch.asserted
    for n, cid in enumerate(batch.condition_ids):
        col = asserted[:, n]
        cols[f"asserted.{cid}"] = pa.array(col == 1, mask=col < 0, type=pa.bool_())
    for prefix, ids, matrix in (("flagged", batch.item_ids, batch.flagged),
                                ("fired", batch.rule_ids, batch.fired)):
        for n, ident in enumerate(ids):
            cols[f"{prefix}.{ident}"] = pa.array(np.ascontiguousarray(matrix[:, n]))
    table = pa.table(cols)
    return table.replace_schema_metadata({"kzpolicy.kb_version": batch.kb_version,
                                          "kzpolicy.reading": batch.reading})


def to_pandas(batch: Columns) -> Any:
    """The batch as a ``pandas.DataFrame`` (columns: see the module docstring)."""
    pd = _library("pandas", "pandas", "to_pandas")
    scenario_ids = batch.scenario_ids
    cols: dict[str, Any] = {
        "scenario": pd.Categorical.from_codes(
            batch.scenario.astype(_index_type(len(scenario_ids))), list(scenario_ids)),
    }
    shares = batch.shares
    for n in range(shares.shape[1]):  # the scenarios (not undecided, which has no share)
        cols[f"share.{scenario_ids[n]}"] = np.ascontiguousarray(shares[:, n])
    for prefix, ids, matrix in (("asserted", batch.condition_ids, batch.asserted),
                                ("flagged", batch.item_ids, batch.flagged),
                                ("fired", batch.rule_ids, batch.fired)):
        for n, ident in enumerate(ids):
            cols[f"{prefix}.{ident}"] = np.ascontiguousarray(matrix[:, n])
    return pd.DataFrame(cols)
