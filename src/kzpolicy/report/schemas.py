"""The JSON Schema of every input and result type, by the name ``kzpolicy schema`` uses.

The names and models come from the list of operations
(:func:`kzpolicy.operations.table.schema_models`); reading them loads every result model,
the analysis ones (and numpy) included, so :mod:`kzpolicy.report.render` stays apart and
rendering an assessment does not.
"""

from __future__ import annotations

from typing import Any

from kzpolicy.operations.table import schema_models

__all__ = ["schemas"]


def schemas() -> dict[str, dict[str, Any]]:
    """The JSON Schema of every input and result type (nested types in ``$defs``), by the
    names of the list of operations (:data:`kzpolicy.operations.table.SCHEMA_NAMES`)."""
    return {name: model.model_json_schema() for name, model in schema_models().items()}
