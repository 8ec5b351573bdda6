"""kzpolicy: a decision-support rules engine built from one article.

Shaymergenov & Biekenov, "Kazakhstan and NATO: Evaluation of Cooperation
Prospects" (Central Asia and the Caucasus, 2010, CC BY). The article's content
lives as data in rules/; this package loads it (:func:`load`), validates it,
and assesses the conditions a caller asserts (:func:`assess`) on the
durable-rules engine, returning the implied scenario, the risks flagged and why.

Public API::

    load(path=None) -> KnowledgeBase
    assess(conditions=None, *, preset=None, kb=None, engine="durable") -> Assessment
    assess_many(conditions_list, *, preset=None, kb=None) -> list[Assessment]
    what_if(base=None, changes=None, *, preset=None, kb=None) -> WhatIf
    tipping_points(base=None, *, preset=None, max_size=3, kb=None) -> TippingPoints
    landscape(context=None, *, preset=None, kb=None) -> Landscape
    monte_carlo(probabilities, *, fixed=None, preset=None, samples=100_000, seed=None) -> MonteCarlo
    Conditions, Assessment (and the result models in kzpolicy.results)
    KzPolicyError and its subclasses (kzpolicy.errors)
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._assess import assess
from .conditions import Conditions
from .errors import (
    EngineError,
    InputError,
    KnowledgeBaseError,
    KzPolicyError,
    RulesFileError,
    UnknownConditionError,
    UnknownIdError,
    ValidationError,
)
from .knowledge import KnowledgeBase, load
from .results import Assessment

if TYPE_CHECKING:
    from ._batch import assess_many
    from ._landscape import Landscape, MonteCarlo, landscape, monte_carlo
    from ._whatif import TippingPoints, WhatIf, tipping_points, what_if

# The numpy-backed features load on first use, so `import kzpolicy` (and the pytest
# plugin, which every pytest session of a project with kzpolicy installed loads)
# does not pay for numpy.
_LAZY = {
    "assess_many": "._batch",
    "Landscape": "._landscape",
    "MonteCarlo": "._landscape",
    "landscape": "._landscape",
    "monte_carlo": "._landscape",
    "TippingPoints": "._whatif",
    "WhatIf": "._whatif",
    "tipping_points": "._whatif",
    "what_if": "._whatif",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'kzpolicy' has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value

__all__ = [
    "Assessment",
    "Conditions",
    "EngineError",
    "InputError",
    "KnowledgeBase",
    "KnowledgeBaseError",
    "KzPolicyError",
    "Landscape",
    "MonteCarlo",
    "RulesFileError",
    "TippingPoints",
    "UnknownConditionError",
    "UnknownIdError",
    "ValidationError",
    "WhatIf",
    "assess",
    "assess_many",
    "landscape",
    "load",
    "monte_carlo",
    "tipping_points",
    "what_if",
]
