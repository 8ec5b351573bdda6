"""The words reports print for values: a truth value as ``true``, ``false`` or ``unknown``."""

from __future__ import annotations

__all__ = ["truth"]


def truth(value: bool | None) -> str:
    """``true``, ``false``, or ``unknown`` for a condition nobody asserted (None)."""
    return "unknown" if value is None else ("true" if value else "false")
