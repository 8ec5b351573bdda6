"""The request bodies of the JSON API, as pydantic models (their JSON Schemas go into
the OpenAPI document).

Conditions are given as the CLI's ``--file`` takes them: a mapping of condition IDs to
true/false, or a list of IDs (all true). Their values are left for kzpolicy itself to
check, so that a bad one is answered with the very message the CLI prints.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from kzpolicy.errors import InputError

__all__ = [
    "AssessBody",
    "Body",
    "MonteCarloBody",
    "ProbabilitiesBody",
    "TippingPointsBody",
    "WhatIfBody",
    "conditions_of",
]

ConditionsField = dict[str, Any] | list[Any] | None

_SHAPE = "expected a mapping of condition IDs to true/false or a list of IDs"


class Body(BaseModel):
    """The base of every request body: unknown fields are refused, types are strict."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class AssessBody(Body):
    """``POST /v1/assess`` and ``POST /v1/report``: what ``kzpolicy assess`` takes."""

    conditions: ConditionsField = Field(
        default=None, description="condition IDs to true/false, or a list of IDs (true)")
    preset: str | None = Field(default=None, description="start from a preset")
    engine: Literal["durable", "bitset"] = "durable"


class WhatIfBody(Body):
    """``POST /v1/what-if``: a base, and the changes (``null`` makes a condition
    unknown again, like ``--clear``)."""

    base: ConditionsField = Field(default=None, description="the conditions before")
    changes: dict[str, Any] = Field(default_factory=dict,
                                    description="condition IDs to true, false or null")
    preset: str | None = None


class TippingPointsBody(Body):
    """``POST /v1/tipping-points``: what ``kzpolicy tipping-points`` takes."""

    base: ConditionsField = None
    preset: str | None = None
    max_size: int = Field(default=3, ge=1, le=64)
    all: bool = Field(default=False, description="every minimal set, not only the smallest")


class MonteCarloBody(Body):
    """``POST /v1/monte-carlo``: what ``kzpolicy monte-carlo`` takes."""

    probabilities: dict[str, Any] = Field(
        default_factory=dict, description="condition IDs to the probability each holds")
    fixed: ConditionsField = Field(default=None,
                                   description="conditions asserted in every sample")
    preset: str | None = None
    samples: int = Field(default=100_000, ge=1, le=1_000_000)
    seed: int | None = Field(default=None, ge=0)
    confidence: float = Field(default=0.95, strict=False)


class ProbabilitiesBody(Body):
    """``POST /v1/probabilities``: what ``kzpolicy probabilities`` takes."""

    beliefs: dict[str, Any] = Field(
        default_factory=dict, description="condition IDs to the probability each holds")
    fixed: ConditionsField = None
    preset: str | None = None
    exact: bool = False
    sensitivity: bool = Field(default=False,
                              description="rank the beliefs by how much they move things")


def conditions_of(value: ConditionsField, name: str = "conditions") -> dict[str, Any]:
    """The conditions of a body as ``kzpolicy assess --file`` reads them: a mapping as it
    is, a list of IDs as all true."""
    if value is None:
        return {}
    if isinstance(value, dict):
        return dict(value)
    if all(isinstance(x, str) for x in value):
        return dict.fromkeys(value, True)
    raise InputError(f"{name}: {_SHAPE}")
