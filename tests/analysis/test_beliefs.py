"""One reader of beliefs (analysis/beliefs.py): probabilities(), sensitivity() and
monte_carlo() accept the same numbers (float, int, Fraction, numpy scalars) and refuse the
same input with the same error and message."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from typing import Any

import numpy as np
import pytest

import kzpolicy
from kzpolicy.analysis.beliefs import check_beliefs
from kzpolicy.analysis.montecarlo import monte_carlo
from kzpolicy.analysis.probabilities import probabilities
from kzpolicy.analysis.sensitivity import sensitivity

KB = kzpolicy.load()
METHODS: dict[str, Callable[[Any], object]] = {
    "probabilities": probabilities,
    "sensitivity": sensitivity,
    "monte_carlo": lambda beliefs: monte_carlo(beliefs, samples=10, seed=1),
}


@pytest.mark.parametrize(("beliefs", "error", "fragment"), [
    ({"D1": 1.5}, kzpolicy.InputError, "the probability of 'D1' must be from 0 to 1, got 1.5"),
    ({"D1": -1}, kzpolicy.InputError, "must be from 0 to 1, got -1"),
    ({"D1": Fraction(3, 2)}, kzpolicy.InputError, "must be from 0 to 1"),
    ({"D1": float("nan")}, kzpolicy.InputError, "must be from 0 to 1, got nan"),
    ({"D1": np.float64(2.0)}, kzpolicy.InputError, "must be from 0 to 1"),
    ({"D1": True}, kzpolicy.InputError, "must be a number from 0 to 1, got True (bool)"),
    ({"D1": np.bool_(True)}, kzpolicy.InputError, "must be a number from 0 to 1"),
    ({"D1": "0.5"}, kzpolicy.InputError, "got '0.5' (str)"),
    ({"D1": Decimal("0.5")}, kzpolicy.InputError, "(Decimal)"),
    ({"D1": None}, kzpolicy.InputError, "got None (NoneType)"),
    ({1: 0.5}, kzpolicy.InputError, "a condition ID must be a string, got 1"),
    ({"D9": 0.5}, kzpolicy.UnknownConditionError, "unknown condition 'D9'. Did you mean"),
    (["D1"], kzpolicy.ArgumentTypeError, "must be a mapping {condition ID: probability"),
])
def test_every_method_refuses_the_same_beliefs_alike(beliefs: Any,
                                                      error: type[Exception],
                                                      fragment: str) -> None:
    messages = set()
    for name, call in METHODS.items():
        with pytest.raises(error) as info:
            call(beliefs)
        assert fragment in str(info.value), name
        value = info.value
        messages.add(value.expected if isinstance(value, kzpolicy.ArgumentTypeError)
                     else str(value))
    assert len(messages) == 1, messages


def test_a_non_mapping_names_the_argument_of_each_method() -> None:
    with pytest.raises(kzpolicy.ArgumentTypeError, match=r"^probabilities: beliefs must"):
        probabilities(["D1"])  # type: ignore[arg-type]
    with pytest.raises(kzpolicy.ArgumentTypeError, match=r"^monte_carlo: probabilities must"):
        monte_carlo(["D1"])  # type: ignore[arg-type]


def test_monte_carlo_takes_the_fractions_probabilities_takes() -> None:
    given: dict[str, float | Fraction] = {"D1": Fraction(3, 10), "D2": Fraction(1, 2), "B1": 1}
    drawn = monte_carlo(given, samples=4000, seed=3)
    assert drawn == monte_carlo({"D1": 0.3, "D2": 0.5, "B1": 1.0}, samples=4000, seed=3)
    assert drawn.probabilities == {"B1": 1.0, "D1": 0.3, "D2": 0.5}
    exact = probabilities(given)
    assert exact == probabilities({"D1": 0.3, "D2": 0.5, "B1": 1.0})
    for sid, estimate in drawn.scenarios.items():
        assert estimate.low <= exact.scenarios[sid].probability <= estimate.high, sid


def test_numpy_scalars_read_as_python_numbers() -> None:
    checked = check_beliefs("t", "beliefs", KB, {"D1": np.float32(0.5), "D2": np.int64(1),
                                                 "D3": np.float64(0.7), "D4": Fraction(1, 3)})
    assert checked == {"D1": 0.5, "D2": 1, "D3": 0.7, "D4": Fraction(1, 3)}
    assert [type(v) for v in checked.values()] == [float, int, float, Fraction]
    # a numpy float reads as the decimal it prints as, like a Python float
    exact = probabilities({"D1": np.float64(0.7)}, exact=True)
    assert exact.exact_beliefs == {"D1": Fraction(7, 10)}
    assert exact == probabilities({"D1": 0.7}, exact=True)
    single: dict[str, Any] = {"D1": np.float32(0.25)}  # numpy's stubs differ by version
    assert sensitivity(single) == sensitivity({"D1": 0.25})
    assert monte_carlo({"D1": np.float64(0.4)}, samples=500, seed=2) == monte_carlo(
        {"D1": 0.4}, samples=500, seed=2)


def test_a_belief_and_a_fixed_value_of_one_condition_clash_alike() -> None:
    clash = "'D1' is both fixed and given a probability; give one"
    with pytest.raises(kzpolicy.InputError, match=clash):
        probabilities({"D1": 0.5}, fixed={"D1": True})
    with pytest.raises(kzpolicy.InputError, match=clash):
        monte_carlo({"D1": 0.5}, fixed={"D1": True})
