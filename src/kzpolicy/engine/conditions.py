"""Caller input: the conditions asserted true or false, checked against the vocabulary.

A condition left out is *unknown*, which is not the same as false: a rule that
needs ``not X`` holds only when X was asserted false.

The :class:`Conditions` model lives here; :func:`normalise` and :func:`resolve` live in
:mod:`kzpolicy.engine.asserted` (no pydantic model: what ``assess`` loads) and are
re-exported here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeAlias

from pydantic import RootModel, StrictBool
from pydantic import ValidationError as PydanticValidationError
from pydantic_core import PydanticUndefined

from kzpolicy.engine.asserted import normalise, resolve
from kzpolicy.errors import ArgumentTypeError, InputError

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
