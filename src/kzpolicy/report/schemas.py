"""The JSON Schema of every input and result type, by the name ``kzpolicy schema`` uses.

Importing this module loads every result model, the analysis ones (and numpy) included;
:mod:`kzpolicy.report.render` stays apart so that rendering an assessment does not.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from kzpolicy.analysis.landscape import Landscape, MonteCarlo
from kzpolicy.analysis.probabilities import Probabilities
from kzpolicy.analysis.sensitivity import Sensitivity
from kzpolicy.analysis.whatif import TippingPoints, WhatIf
from kzpolicy.engine.conditions import Conditions
from kzpolicy.engine.results import Assessment

__all__ = ["RESULT_TYPES", "schemas"]

#: every top-level model a caller gets or gives, by the name ``kzpolicy schema`` uses
RESULT_TYPES: dict[str, type[BaseModel]] = {
    "conditions": Conditions,
    "assessment": Assessment,
    "what-if": WhatIf,
    "tipping-points": TippingPoints,
    "landscape": Landscape,
    "monte-carlo": MonteCarlo,
    "probabilities": Probabilities,
    "sensitivity": Sensitivity,
}


def schemas() -> dict[str, dict[str, Any]]:
    """The JSON Schema of every input and result type (nested types in ``$defs``)."""
    return {name: model.model_json_schema() for name, model in RESULT_TYPES.items()}
