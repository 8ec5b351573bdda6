"""Caller input: the conditions asserted true or false, checked against the vocabulary.

A condition left out is *unknown*, which is not the same as false: a rule that
needs ``not X`` holds only when X was asserted false.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeAlias

from pydantic import RootModel, StrictBool
from pydantic import ValidationError as PydanticValidationError
from pydantic_core import PydanticUndefined

from kzpolicy.errors import ArgumentTypeError, InputError, UnknownConditionError
from kzpolicy.kb.knowledge import KnowledgeBase

__all__ = ["ConditionInput", "Conditions", "normalise", "resolve"]


class Conditions(RootModel[dict[str, StrictBool]]):
    """Conditions asserted by the caller: condition ID -> true / false."""

    model_config = {"frozen": True, "defer_build": True}

    def __init__(self, root: Any = PydanticUndefined, **data: Any) -> None:
        try:
            super().__init__(root, **data)
        except PydanticValidationError as exc:
            raise _input_error(exc, root) from None


def _input_error(exc: PydanticValidationError, root: object) -> InputError:
    """The first problem pydantic found, as kzpolicy's error naming the value."""
    if not isinstance(root, Mapping):
        return ArgumentTypeError("Conditions", "conditions",
                                 "a mapping of condition IDs to true/false", root)
    first = exc.errors(include_url=False)[0]
    where = ".".join(str(x) for x in first["loc"])
    return ArgumentTypeError("Conditions", f"the value of {where!r}", "true or false",
                             first.get("input"))


ConditionInput: TypeAlias = Conditions | Mapping[str, bool] | Iterable[str] | None


def normalise(conditions: ConditionInput, kb: KnowledgeBase) -> dict[str, bool]:
    """Turn any accepted input form into ``{id: bool}``, rejecting bad input loudly."""
    if conditions is None:
        return {}
    valid = kb.condition_set
    if type(conditions) is dict:  # the common case, checked in one pass: O(asserted)
        for key, value in conditions.items():
            if (value is not True and value is not False) or key not in valid:
                break
        else:
            return dict(conditions)
    if isinstance(conditions, Conditions):
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
    kb: KnowledgeBase, conditions: ConditionInput = None, *, preset: str | None = None
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
