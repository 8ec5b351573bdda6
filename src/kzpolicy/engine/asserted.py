"""The conditions a caller asserts, resolved against the vocabulary: :func:`normalise`
turns any accepted input form into ``{id: bool}``, :func:`resolve` overlays it on a
preset's.

A condition left out is *unknown*, which is not the same as false: a rule that
needs ``not X`` holds only when X was asserted false.

No pydantic model is built here: the :class:`~kzpolicy.Conditions` model (in
:mod:`kzpolicy.engine.conditions`, which re-exports these functions) loads only when a
caller uses it, so ``kzpolicy assess`` never builds it.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping
from typing import Any

from kzpolicy.errors import InputError, UnknownConditionError
from kzpolicy.kb.knowledge import KnowledgeBase

__all__ = ["normalise", "resolve"]

#: the module of the Conditions model: a Conditions exists only once it is loaded
_MODEL = "kzpolicy.engine.conditions"


def normalise(conditions: object, kb: KnowledgeBase) -> dict[str, bool]:
    """Turn any accepted input form (a
    :data:`~kzpolicy.engine.conditions.ConditionInput`) into ``{id: bool}``, rejecting
    bad input loudly."""
    if conditions is None:
        return {}
    valid = kb.condition_set
    if type(conditions) is dict:  # the common case, checked in one pass: O(asserted)
        for key, value in conditions.items():
            if (value is not True and value is not False) or key not in valid:
                break
        else:
            return dict(conditions)
    model = sys.modules.get(_MODEL)
    if model is not None and isinstance(conditions, model.Conditions):
        pairs: list[tuple[Any, Any]] = list(conditions.root.items())
    elif isinstance(conditions, Mapping):
        pairs = list(conditions.items())
    elif isinstance(conditions, str | bytes):
        raise InputError(
            f"conditions must be a mapping or a list of IDs, not the single string "
            f"{conditions!r}; write [{conditions!r}] to assert it true"
        )
    elif isinstance(conditions, Iterable):
        pairs = [(c, True) for c in conditions]
    else:
        raise InputError(
            "conditions must be a mapping {ID: true/false}, a list of IDs or a Conditions "
            f"model, not {type(conditions).__name__}"
        )
    out: dict[str, bool] = {}
    for key, value in pairs:
        if not isinstance(key, str):
            raise InputError(f"a condition ID must be a string, got {key!r}")
        if key not in valid:
            raise UnknownConditionError(key, kb.condition_ids)
        if not isinstance(value, bool):
            raise InputError(
                f"condition {key!r} must be true or false, got {value!r} "
                f"({type(value).__name__}); unknown conditions are simply left out"
            )
        if key in out and out[key] != value:
            raise InputError(f"condition {key!r} is given twice, once true and once false")
        out[key] = value
    return out


def resolve(
    kb: KnowledgeBase, conditions: object = None, *, preset: str | None = None
) -> dict[str, bool]:
    """The asserted conditions: a preset's (if any) overlaid with the caller's."""
    base: dict[str, bool] = {}
    if preset is not None:
        p = kb.preset(preset)
        for sid in p.factors_of:
            for f in kb.scenario(sid).factors:
                base[f.id] = True
        for entry in p.set:
            base[entry.condition] = entry.value
    base.update(normalise(conditions, kb))
    return base
