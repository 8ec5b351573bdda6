"""Search budgets: how much work a caller allows a search, and what a partial answer says.

Every search over what the caller has not said (why-not, stability, counterfactuals,
tipping points) takes a :class:`SearchBudget` and runs under a :class:`Meter`. A bound
is never exceeded silently: past it the search stops where it is and its answer carries
a :class:`Work` record saying it is partial and which bound was hit (``changes``: the
largest set of changes it may search; ``nodes``: cells and sets it may evaluate;
``seconds``: wall-clock time). A budget left out is the default one, which is finite:
no search runs unbounded.
"""

from __future__ import annotations

import time
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from kzpolicy.analysis.budget import checkpoint
from kzpolicy.errors import ArgumentTypeError

__all__ = ["DEFAULT_BUDGET", "Bound", "Meter", "SearchBudget", "Work", "budget_of"]

Bound = Literal["changes", "nodes", "seconds"]


class SearchBudget(BaseModel):
    """How much one search may do; each bound is a positive number, or None for no
    bound of that kind (the others still hold). The default: 2,000,000 nodes, 10 s."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    changes: int | None = Field(default=None, ge=1)
    """The largest set of changes a counterfactual search considers."""
    nodes: int | None = Field(default=2_000_000, ge=1)
    """Cells, assignments and sets of changes evaluated, all counted alike."""
    seconds: float | None = Field(default=10.0, gt=0, strict=False)
    """Wall-clock time."""


DEFAULT_BUDGET = SearchBudget()


class Work(BaseModel):
    """What a search did: how much, and whether its answer is complete."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    searched: int
    """Nodes evaluated (cells, assignments, sets of changes)."""
    complete: bool
    """True when the answer is the whole answer; False when a bound cut it short."""
    bound: Bound | None
    """The bound that was hit (None when complete)."""
    budget: SearchBudget
    """The budget the search ran under."""
    note: str
    """In words: what was searched, and what a partial answer leaves out."""


def budget_of(where: str, budget: object) -> SearchBudget:
    """``budget`` (a SearchBudget, a mapping of its fields, or None for the default),
    checked; ``where`` names the caller in the error."""
    if budget is None:
        return DEFAULT_BUDGET
    if isinstance(budget, SearchBudget):
        return budget
    if isinstance(budget, dict):
        from pydantic import ValidationError

        try:
            return SearchBudget.model_validate(budget)
        except ValidationError as exc:
            first = exc.errors()[0]
            field = ".".join(str(x) for x in first["loc"])
            raise ArgumentTypeError(
                where, "budget", f"a SearchBudget; its {field or 'fields'}: {first['msg']}",
                budget) from None
    raise ArgumentTypeError(where, "budget",
                            "a SearchBudget(changes=..., nodes=..., seconds=...) or a dict of "
                            "those fields", budget)


class Meter:
    """The running count of one search against its budget. ``spend(n)`` counts ``n``
    nodes and says whether the search may go on; once a bound is hit it stays hit."""

    def __init__(self, budget: SearchBudget) -> None:
        self.budget = budget
        self.used = 0
        self.hit: Bound | None = None
        self._deadline = (None if budget.seconds is None
                          else time.monotonic() + budget.seconds)

    def affords(self, n: int) -> bool:
        """Whether ``n`` more nodes stay within the node bound (nothing is counted)."""
        cap = self.budget.nodes
        return cap is None or self.used + n <= cap

    def spend(self, n: int = 1) -> bool:
        """Count ``n`` nodes; False (and the bound recorded) when that passes the node
        bound or the time is up. Under a run budget (:mod:`kzpolicy.analysis.budget`,
        as the web API runs every request) it is a checkpoint too: a run cancelled or
        out of time stops here."""
        if self.hit is not None:
            return False
        checkpoint()
        if not self.affords(n):
            self.hit = "nodes"
            return False
        self.used += n
        if self._deadline is not None and time.monotonic() > self._deadline:
            self.hit = "seconds"
            return False
        return True

    def stop(self, bound: Bound) -> None:
        """Record that ``bound`` cut the search short (the first one recorded stays)."""
        if self.hit is None:
            self.hit = bound

    def work(self, note: str) -> Work:
        """The :class:`Work` record of the search so far."""
        return Work(searched=self.used, complete=self.hit is None, bound=self.hit,
                    budget=self.budget, note=note)
