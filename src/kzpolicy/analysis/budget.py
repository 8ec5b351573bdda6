"""Run budgets: how long one computation may run, and stopping it when its caller
leaves, checked inside it.

A caller runs a computation inside :func:`within` (the web API does, for every
request); the long loops of the analyses call :func:`checkpoint` (the searches do,
through their :class:`~kzpolicy.analysis.bounds.Meter`, whose own
:class:`~kzpolicy.SearchBudget` bounds their size and answers in part). Outside
:func:`within` a checkpoint is one context-variable read and nothing is bounded: the
library and the command line run as before.

    Budget(seconds=..., hint=...)   the bound
    within(budget, cancel=event)    run the block under ``budget``; setting ``event``
                                    (the web API does when the client goes away)
                                    stops it at its next checkpoint
    checkpoint()                    raise when the time is up or the run was cancelled

A bound passed is a :class:`BudgetExceededError` (an :class:`~kzpolicy.InputError`)
that names the bound, its value and how to ask for less; a cancelled run raises
:class:`Cancelled`, which is not a kzpolicy error (nobody is left to read it).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from kzpolicy.errors import InputError

__all__ = ["Budget", "BudgetExceededError", "Cancelled", "checkpoint", "within"]


class BudgetExceededError(InputError):
    """A computation went past a bound of its budget. ``bound`` names it (``seconds``),
    ``limit`` is its value; the message says how
    to ask for less."""

    def __init__(self, message: str, *, bound: str, limit: float) -> None:
        super().__init__(message)
        self.bound = bound
        self.limit = limit


class Cancelled(Exception):  # noqa: N818 (not an error: the caller asked for it)
    """The run was cancelled by its caller (the client of a request went away)."""


@dataclass(frozen=True)
class Budget:
    """The bounds of one computation; None leaves a bound out."""

    seconds: float | None = None
    """Wall-clock time from the start of the run."""
    hint: str = ""
    """How to ask for less when the time is up (the web API gives each operation's)."""


@dataclass
class _Run:
    budget: Budget
    deadline: float | None
    cancel: threading.Event | None


_RUN: ContextVar[_Run | None] = ContextVar("kzpolicy_budget", default=None)


@contextmanager
def within(budget: Budget, *, cancel: threading.Event | None = None) -> Iterator[None]:
    """Run the block under ``budget``; ``cancel``, once set, stops it at its next
    checkpoint (with :class:`Cancelled`)."""
    deadline = None if budget.seconds is None else time.monotonic() + budget.seconds
    token = _RUN.set(_Run(budget, deadline, cancel))
    try:
        yield
    finally:
        _RUN.reset(token)


def checkpoint() -> None:
    """Raise :class:`Cancelled` when the running computation was cancelled, or
    :class:`BudgetExceededError` when its time is up; nothing outside :func:`within`."""
    run = _RUN.get()
    if run is None:
        return
    if run.cancel is not None and run.cancel.is_set():
        raise Cancelled
    if run.deadline is not None and time.monotonic() > run.deadline:
        seconds = run.budget.seconds
        hint = f"; {run.budget.hint}" if run.budget.hint else ""
        raise BudgetExceededError(f"the computation ran past its time bound of {seconds:g} s"
                                  f"{hint}", bound="seconds", limit=seconds or 0)

