"""Properties over random condition sets (hypothesis)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

import kzpolicy

KB = kzpolicy.load()
conditions = st.dictionaries(st.sampled_from(list(KB.condition_ids)), st.booleans(), max_size=20)


@settings(max_examples=300, deadline=None)
@given(conditions)
def test_never_crashes_and_is_deterministic(c: dict[str, bool]) -> None:
    a = kzpolicy.assess(c)
    assert a == kzpolicy.assess(dict(reversed(list(c.items()))))
    assert a.scenario.id in KB.scenarios
    assert sum(1 for _ in a.trace) >= 1


@settings(max_examples=300, deadline=None)
@given(conditions)
def test_every_flag_has_a_reason_from_asserted_conditions(c: dict[str, bool]) -> None:
    a = kzpolicy.assess(c)
    given_ = {k if v else f"{k}=false" for k, v in c.items()}
    for item in (*a.outcomes, *a.risks, *a.engaged):
        assert item.because, f"{item.id} has no reason"
        for step in item.because:
            assert set(step.conditions) <= given_
        assert item.id in KB.rule_index[item.because[-1].rule].then or (
            item.because[-1].rule == KB.decision.id
        )
    assert set(a.unknown) == set(KB.condition_ids) - set(c)
