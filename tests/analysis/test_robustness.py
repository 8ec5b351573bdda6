"""kzpolicy.robustness: under which readings each conclusion holds, the same as assessing
under each reading one by one, and said alike in every output format."""

from __future__ import annotations

import json
import random

import pytest

import kzpolicy
from kzpolicy.analysis.robustness import holds_words

KB = kzpolicy.load()
STOCK = ["article", "count-4", "more-than-half", "stated-only", "ties-to-pole"]


def _sets(n: int) -> list[dict[str, bool]]:
    rng = random.Random(5)
    return [{c: rng.random() < 0.55 for c in rng.sample(list(KB.condition_ids),
                                                        rng.randint(0, 20))}
            for _ in range(n)]


def test_the_default_readings_are_the_stock_ones_article_first() -> None:
    r = kzpolicy.robustness(preset="article-2010")
    assert [o.reading for o in r.readings] == STOCK
    assert r.scenario.id == "balance"
    assert r.scenario.summary == "holds under 4 of 5 readings"
    assert r.scenario.fails_under == ("stated-only",)
    assert [s.id for s in r.scenarios] == ["balance", "undecided"]


@pytest.mark.parametrize("engine", ["durable", "bitset"])
def test_robustness_is_each_reading_assessed_alone(engine: str) -> None:
    for asserted in _sets(40):
        r = kzpolicy.robustness(asserted, engine=engine)  # type: ignore[arg-type]
        alone = {n: kzpolicy.assess(asserted, reading=n, engine="bitset") for n in STOCK}
        assert r.scenario.id == alone["article"].scenario.id
        for h in r.scenarios:
            assert set(h.holds_under) == {n for n, a in alone.items() if a.scenario.id == h.id}
        reached = {i for a in alone.values() for i in (*a.flagged_ids(),
                                                       *(c.id for c in a.contested))}
        assert {h.id for h in r.items} == reached
        for h in r.items:
            assert set(h.holds_under) == {n for n, a in alone.items() if h.id in a.flagged_ids()}
            assert set(h.contested_under) == {n for n, a in alone.items()
                                              if h.id in {c.id for c in a.contested}}
            assert h.summary == holds_words(len(h.holds_under), len(STOCK))


def test_a_contested_item_is_named_apart() -> None:
    r = kzpolicy.robustness(["D1", "D2", "D3", "D4"], readings=["article", "stated-only"],
                            preset=None)
    assert r.scenario.id == "distancing"
    a = kzpolicy.robustness({"D1": True, "D2": True, "D3": True, "D4": True,
                             "tough_rivalry": False}, readings=["article", "stated-only"])
    c2 = next(h for h in a.items if h.id == "C2")
    assert c2.holds_under == () and c2.contested_under == ("article",)
    assert c2.fails_under == ("article", "stated-only")


def test_readings_compose_and_sit_on_a_base_reading() -> None:
    r = kzpolicy.robustness(["D1", "D2", "D3", "D4"],
                            readings=["article", "stated-only+count-4"], reading="count-4")
    assert r.reading == "count-4"
    assert [o.reading for o in r.readings] == ["count-4", "count-4+stated-only+count-4"]
    assert r.scenario.summary == "holds under every reading (2)"


def test_holds_words() -> None:
    assert holds_words(3, 4) == "holds under 3 of 4 readings"
    assert holds_words(4, 4) == "holds under every reading (4)"
    assert holds_words(0, 4) == "holds under none of the 4 readings"
    assert holds_words(1, 1) == "holds under the reading"


def test_every_format_says_where_it_holds() -> None:
    r = kzpolicy.robustness(preset="article-2010")
    for out in (kzpolicy.render(r), kzpolicy.render(r, "markdown"),
                kzpolicy.render(r, "html")):
        assert "holds under 4 of 5 readings" in out
        assert "holds under every reading (5)" in out  # W3, stated
    data = json.loads(r.model_dump_json())
    assert data["scenario"]["summary"] == "holds under 4 of 5 readings"


@pytest.mark.parametrize(("readings", "error"), [
    ("stated-only", kzpolicy.InputError), ([], kzpolicy.InputError),
    (["stated"], kzpolicy.UnknownIdError)])
def test_bad_readings_are_refused(readings: object, error: type[Exception]) -> None:
    with pytest.raises(error):
        kzpolicy.robustness(["D1"], readings=readings)  # type: ignore[arg-type]
