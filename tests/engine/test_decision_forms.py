"""The decision rule's forms (share, count, none) and its strict or lenient lead: written
once (``implied``), the same for one input and for arrays, and an undecided scenario said
honestly by every model and output."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pytest

import kzpolicy
from kzpolicy.engine.bitset import bitset
from kzpolicy.engine.decision import decide

KB = kzpolicy.load()
VARIANTS: list[dict[str, Any]] = [
    {}, {"strict": False}, {"threshold": 0.51}, {"threshold": 0.3, "strict": False},
    {"form": "count", "threshold": 4}, {"form": "count", "threshold": 2, "strict": False},
    {"form": "count", "threshold": 7}, {"form": "none"},
]


def _reading(change: dict[str, Any]) -> kzpolicy.Reading:
    return kzpolicy.Reading.model_validate({
        "id": "variant", "label": "v", "statement": "v", "reason": "v",
        "locator": {"section": "scenarios"},
        "changes": [{"decision": change, "reason": "v"}] if change else []})


def _expected(change: dict[str, Any], counts: tuple[int, ...]) -> str:
    """The rule as the README words it, for one vector of factor counts."""
    ids = list(KB.scenarios)
    sizes = [len(sc.factors) for sc in KB.scenarios.values()]
    form = change.get("form", "share")
    if form == "none":
        return "undecided"
    value = list(counts) if form == "count" else [c / n for c, n in zip(counts, sizes,
                                                                        strict=True)]
    threshold, strict = change.get("threshold", 0.5), change.get("strict", True)
    for pole in ("integration", "distancing"):
        p = ids.index(pole)
        others = [k for k in range(3) if k != p]
        if value[p] >= threshold and all(
                value[p] > value[k] if strict or ids[k] != "balance" else value[p] >= value[k]
                for k in others):
            return pole
    return "balance"


@pytest.mark.parametrize("change", VARIANTS, ids=lambda c: repr(c) or "stock")
def test_one_input_and_arrays_decide_alike(change: dict[str, Any]) -> None:
    kb = kzpolicy.load(reading=_reading(change))
    groups = [[f.id for f in sc.factors] for sc in kb.scenarios.values()]
    grid = list(itertools.product(*(range(len(g) + 1) for g in groups)))
    arrays = bitset(kb).decide_counts(np.array(grid, dtype=np.int64).T)
    ids = bitset(kb).scenario_ids
    for counts, index in zip(grid, arrays, strict=True):
        asserted = {f: True for g, n in zip(groups, counts, strict=True) for f in g[:n]}
        one = decide(kb, asserted)
        assert one.scenario == ids[index] == _expected(change, counts), counts
        assert one.counts == dict(zip(kb.scenarios, counts, strict=True))


def test_a_rule_of_form_none_adds_undecided_to_what_the_decision_gives() -> None:
    kb = kzpolicy.load(reading="stated-only")
    assert bitset(kb).scenario_ids == (*KB.scenarios, "undecided")
    assert bitset(KB).scenario_ids == tuple(KB.scenarios)


# ---------------------------------------------------------------------- undecided, said
def test_every_model_says_undecided() -> None:
    r = "stated-only"
    beliefs = {"D1": 0.5, "I1": 0.5, "B1": 0.5}
    assert kzpolicy.landscape(reading=r).scenarios == {
        "integration": 0, "balance": 0, "distancing": 0, "undecided": 1 << 22}
    p = kzpolicy.probabilities(beliefs, reading=r)
    assert p.most_likely == "undecided" and p.scenarios["undecided"].probability == 1.0
    assert p.scenarios["undecided"].label.startswith("not decided")
    assert all(o.probability == 0 for o in p.outcomes)
    s = kzpolicy.sensitivity(beliefs, reading=r)
    assert s.most_likely == "undecided" and all(b.changes == () for b in s.ranked)
    mc = kzpolicy.monte_carlo(beliefs, samples=500, seed=3, reading=r)
    assert mc.scenarios["undecided"].count == 500
    w = kzpolicy.what_if(["D1"], {"D2": True}, reading=r)
    assert (w.scenario.before, w.scenario.after, w.scenario.changed) == (
        "undecided", "undecided", False)
    t = kzpolicy.tipping_points(["D1"], reading=r, max_size=2)
    assert t.scenario == "undecided" and t.distance is None


def test_a_batch_says_undecided_in_its_columns() -> None:
    batch = kzpolicy.assess_many([["D1"], ["I1", "I2", "I3", "I4"]], reading="stated-only")
    assert batch.scenario_ids[-1] == "undecided"
    assert batch.column("undecided").tolist() == [True, True]
    assert batch.counts.shape == (2, 3) and batch.shares.shape == (2, 3)
    assert list(batch) == [kzpolicy.assess(["D1"], reading="stated-only"),
                           kzpolicy.assess(["I1", "I2", "I3", "I4"], reading="stated-only")]
    table = batch.to_arrow()
    assert table.column("scenario").to_pylist() == ["undecided", "undecided"]
    assert "share.undecided" not in table.column_names
    assert table.schema.metadata[b"kzpolicy.reading"] == b"stated-only"


def test_every_output_says_undecided_with_the_counts() -> None:
    a = kzpolicy.assess(["B1", "B2", "D1"], reading="stated-only")
    text, md, page = (kzpolicy.render(a, f) for f in ("text", "markdown", "html"))
    explained = a.explain()
    for out in (text, md, page, explained):
        assert "not decided" in out
        assert "balance 2 of 7" in out  # the factor counts, in the reason
        assert "stated-only" in out
    assert "Advantage" not in text and "Margin" not in text
    assert "No scenario implied" in md and "No scenario implied" in page
    assert "No scenario implied" in explained
