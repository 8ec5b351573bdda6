"""Run budgets (analysis/budget.py): bounds checked inside the computations, so that one
request of the web API cannot compute for minutes (issue 21, F1). Outside a budget
nothing is bounded."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import kzpolicy
from kzpolicy.analysis.budget import (
    Budget,
    BudgetExceededError,
    Cancelled,
    checkpoint,
    within,
)

#: the example journal (examples/journal): four dated situations
EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "journal"
#: every factor, believed 0.123457: exact counting, sensitivity and sampling all take a while
BELIEFS = dict.fromkeys(kzpolicy.load().factors, 0.123457)


def test_outside_a_budget_nothing_is_bounded() -> None:
    checkpoint()
    s = kzpolicy.SearchBudget(nodes=None, seconds=None)
    assert kzpolicy.tipping_points(max_size=64, all_minimal=True, budget=s).work.complete


def test_the_time_bound_names_itself_and_how_to_narrow() -> None:
    with within(Budget(seconds=0.01, hint="ask for less")):
        time.sleep(0.02)
        with pytest.raises(BudgetExceededError) as info:
            checkpoint()
    assert str(info.value) == "the computation ran past its time bound of 0.01 s; ask for less"
    assert (info.value.bound, info.value.limit) == ("seconds", 0.01)
    assert isinstance(info.value, kzpolicy.InputError)


def test_a_cancelled_run_stops_at_its_next_checkpoint() -> None:
    cancel = threading.Event()
    with within(Budget(), cancel=cancel):
        checkpoint()
        cancel.set()
        with pytest.raises(Cancelled):
            checkpoint()


Call = Callable[[], Any]
#: computations of seconds to minutes without a budget
SLOW: dict[str, Call] = {
    "monte_carlo": lambda: kzpolicy.monte_carlo(BELIEFS, samples=2_000_000),
    "sensitivity": lambda: kzpolicy.sensitivity(BELIEFS, exact=True),
}
#: and the searches, which count their work on a Meter (analysis/bounds.py): its every
#: step is a checkpoint too
EVERY: dict[str, Call] = {
    **SLOW,
    "probabilities": lambda: kzpolicy.probabilities(BELIEFS, exact=True),
    "tipping_points": lambda: kzpolicy.tipping_points(max_size=12, all_minimal=True),
    "counterfactuals": lambda: kzpolicy.counterfactuals({}, "flag T8"),
    "stability": lambda: kzpolicy.stability(preset="article-2010"),
    "why_not": lambda: kzpolicy.why_not({}, "T8"),
    "timeline": lambda: kzpolicy.timeline(EXAMPLES),
}


@pytest.mark.parametrize("name", sorted(EVERY))
def test_each_long_computation_checks_its_budget(name: str) -> None:
    with within(Budget(seconds=0)), pytest.raises(BudgetExceededError):
        EVERY[name]()


@pytest.mark.parametrize("name", sorted(SLOW))
@pytest.mark.parametrize("stop", ["time", "cancel"])
def test_each_long_computation_stops_soon_after_its_time_is_up_or_it_is_cancelled(
        name: str, stop: str) -> None:
    cancel = threading.Event()
    budget = Budget(seconds=0.2) if stop == "time" else Budget()
    timer = threading.Timer(0.2, cancel.set)
    timer.start()
    start = time.monotonic()
    with within(budget, cancel=cancel), pytest.raises((BudgetExceededError, Cancelled)):
        SLOW[name]()
    timer.cancel()
    assert time.monotonic() - start < 1.5, name
