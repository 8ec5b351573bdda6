"""why_not(), stability() and counterfactuals() on the situation of 2010 and on rules made to
trip them: what each says, its bounds, its JSON, and a few cases brute force checks by
hand (the wide differential runs are test_reasoning_differential.py)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import numpy as np
import pytest

import kzpolicy
from kzpolicy.analysis.counterfactuals import _minimal, parse_target
from kzpolicy.analysis.stability import _Memo
from kzpolicy.kb.loading import stock_rules_path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import brute

KB = kzpolicy.load()
A2010 = kzpolicy.assess(preset="article-2010")


# ------------------------------------------------------------------ why not
def test_why_not_t8_in_2010_names_its_two_unknowns() -> None:
    w = A2010.why_not("T8")
    assert w.status == "not reached" and w.kind == "threat"
    (route,) = w.routes
    assert route.rule == "crisis_t8" and not route.fires and route.missing == 2
    assert [(lit.id, lit.state) for lit in route.literals] == [
        ("china_suspicion_grows", "unknown"), ("russia_uzbekistan_crisis", "unknown")]
    assert route.locator == KB.rule_index["crisis_t8"].locator and route.stance == "stated"
    assert "china_suspicion_grows (unknown)" in w.summary
    assert w == kzpolicy.why_not(preset="article-2010", item="T8")


def test_why_not_follows_a_chain_nearest_route_first() -> None:
    w = A2010.why_not("C2")
    assert [r.rule for r in w.routes] == ["rivalry_c2", "competition_c2"]
    chain = w.routes[1]
    (dc7,) = chain.literals
    assert (dc7.id, dc7.state) == ("DC7", "missing")
    (outcome,) = dc7.via
    assert outcome.rule == "distancing_outcome"
    assert outcome.literals[0].id == "distancing" and outcome.literals[0].state == "missing"
    assert chain.missing == outcome.missing == 8  # distancing is 8 factor changes away


def test_a_contested_item_says_whose_denial() -> None:
    w = kzpolicy.why_not({"D4": True, "region_relations_cool": False}, "T7")
    assert w.status == "contested" and [d.id for d in w.denied] == ["region_relations_cool"]
    assert w.routes[0].rule == "d4_t7" and w.routes[0].fires
    cooling = next(r for r in w.routes if r.rule == "cooling_t7")
    assert cooling.literals[0].state == "denied"


def test_a_flagged_item_shows_the_route_that_fires_and_held_items_their_routes() -> None:
    w = kzpolicy.why_not(["russia_west_worsen"], "T6")
    assert w.status == "flagged" and w.routes[0].fires and w.routes[0].missing == 0
    # an item a route reads and holds is expanded too: how it is held
    outcome = kzpolicy.why_not({}, "BC1")
    (route,) = outcome.routes
    assert route.fires and route.literals[0].state == "held"


def test_why_not_a_scenario_is_the_shares_against_the_decision_rule() -> None:
    w = A2010.why_not("distancing")
    assert w.status == "not implied" and w.routes == () and w.decision is not None
    rows = {r.id: r for r in w.decision.shares}
    assert rows["distancing"].to_threshold == 4 and rows["balance"].true == 7
    assert w.decision.fewest_changes == 8 and w.decision.implied == "balance"
    assert A2010.why_not("balance").status == "implied"


def test_why_not_bounds_and_refusals() -> None:
    short = kzpolicy.why_not({}, "C2", budget={"nodes": 1})
    assert not short.work.complete and short.work.bound == "nodes"
    assert len(brute.named_rules(short)) < len(brute.named_rules(kzpolicy.why_not({}, "C2")))
    with pytest.raises(kzpolicy.UnknownIdError, match="T8"):
        kzpolicy.why_not({}, "T88")
    with pytest.raises(kzpolicy.ArgumentTypeError, match="budget"):
        kzpolicy.why_not({}, "T8", budget={"nodes": "many"})
    w = A2010.why_not("C2")
    assert kzpolicy.WhyNot.model_validate_json(w.model_dump_json()) == w


@pytest.fixture(scope="module")
def tricky(tmp_path_factory: pytest.TempPathFactory) -> kzpolicy.KnowledgeBase:
    """The stock rules and three more: one that needs integration with four of its seven
    factors denied (no counts give it), one that needs an item and the denial of the one
    factor that brings that item, and one that needs integration with three denied
    (possible)."""
    folder = tmp_path_factory.mktemp("tricky") / "rules"
    shutil.copytree(stock_rules_path(), folder)
    common = "stance: interpretation\n    reason: a test rule\n"
    (folder / "zz_tricky.yaml").write_text(
        "rules:\n"
        "  - id: out_of_reach\n    label: Integration with four factors denied\n"
        "    when: {all: [{not: I1}, {not: I2}, {not: I3}, {not: I4}, integration]}\n"
        f"    then: [T8]\n    {common}"
        "    locator: {section: scenarios, list: threats, item: 8}\n"
        "  - id: self_defeating\n    label: An item without the factor that brings it\n"
        "    when: {all: [S4, {not: I6}]}\n"
        f"    then: [O3]\n    {common}"
        "    locator: {section: scenarios, list: opportunities, item: 3}\n"
        "  - id: within_reach\n    label: Integration with three factors denied\n"
        "    when: {all: [{not: I1}, {not: I2}, {not: I3}, integration]}\n"
        f"    then: [T6]\n    {common}"
        "    locator: {section: scenarios, list: threats, item: 6}\n",
        encoding="utf-8")
    return kzpolicy.load(folder)


def test_why_not_leaves_out_the_rules_no_input_fires(tricky: kzpolicy.KnowledgeBase) -> None:
    for item, never, maybe in (("T8", "out_of_reach", "crisis_t8"),
                               ("O3", "self_defeating", "b5_o3"),
                               ("T6", None, "within_reach")):
        named = brute.named_rules(kzpolicy.why_not({}, item, kb=tricky))
        assert named == brute.rules_that_can_bring(tricky, item)
        assert maybe in named and never not in named


def test_stability_and_counterfactuals_on_the_tricky_rules(
        tricky: kzpolicy.KnowledgeBase) -> None:
    unknown = {"I1", "I2", "I3", "I4", "I5", "I6", "I7", "B1", "russia_west_worsen",
               "china_suspicion_grows"}
    asserted = {c: False for c in tricky.condition_ids if c not in unknown}
    s = kzpolicy.stability(asserted, kb=tricky)
    assert brute.reported(s) == brute.completions(tricky, asserted)
    for given in ({"I1": False, "I2": False, "I3": False}, {"I4": True, "I5": True},
                  {"I6": True, "B5": False}):
        for target in (("flag", "T6"), ("clear", "T6"), ("flag", "T8"), ("flag", "O3"),
                       ("imply", "integration")):
            c = kzpolicy.counterfactuals(given, target, kb=tricky, max_changes=2,
                                         limit=10**6)
            assert brute.listed(c) == brute.minimal_changes(tricky, given, target, 2)


# ------------------------------------------------------------------ stability
def test_the_2010_situation_settled_and_open() -> None:
    s = A2010.stability()
    assert s.scenario.settled and s.scenario.possible == ("balance",)
    assert len(s.unknown) == 22 and s.completions == 2 ** 22
    verdicts = {v.id: v for v in s.items}
    assert verdicts["T1"].settled and verdicts["T1"].possible == ("flagged",)
    c1 = verdicts["C1"]
    assert not c1.settled and [r.id for r in c1.open_on] == ["tough_rivalry"]
    assert c1.open_on[0].if_true == ("flagged",) and c1.open_on[0].if_false == ("not reached",)
    t7 = verdicts["T7"]
    assert set(t7.possible) == {"not reached", "flagged", "contested"}
    cooling = next(r for r in t7.open_on if r.id == "region_relations_cool")
    assert cooling.if_true == ("flagged",) and cooling.if_false == ("not reached", "contested")
    assert s.next[0].id == "tough_rivalry" and s.next[0].moves == 5
    assert s.settled + s.open == 1 + len(s.items) and s.work.complete
    assert s == kzpolicy.stability(preset="article-2010")
    assert kzpolicy.Stability.model_validate_json(s.model_dump_json()) == s


def test_an_open_scenario_is_open_on_the_factors_that_move_it() -> None:
    s = kzpolicy.stability(dict.fromkeys(("D1", "D2", "D3"), True))
    assert not s.scenario.settled and "distancing" in s.scenario.possible
    on = {r.id for r in s.scenario.open_on}
    assert {"D4", "I1", "B1"} <= on


def test_beliefs_rank_by_the_expected_change() -> None:
    beliefs = {"tough_rivalry": 0.5, "russia_west_worsen": 0.9}
    s = A2010.stability(beliefs=beliefs)
    leads = {x.id: x for x in s.next}
    sens = kzpolicy.sensitivity(beliefs, preset="article-2010")
    for c, p in beliefs.items():
        b = next(x for x in sens.ranked if x.id == c)
        swing = sum(abs(w.swing) for w in b.scenarios) + sum(abs(w.swing) for w in b.items)
        assert leads[c].belief == p
        assert leads[c].expected_change == pytest.approx(2 * p * (1 - p) * swing)
    assert s.next[0].id == "tough_rivalry"  # 0.5 of 5 items beats 0.9 of one
    assert leads["D4"].expected_change is None
    with pytest.raises(kzpolicy.InputError, match="is asserted"):
        A2010.stability(beliefs={"B1": 0.5})


def test_stability_bounds() -> None:
    kzpolicy.load().derived(_Memo).found.clear()
    s = kzpolicy.stability(preset="article-2010", budget={"nodes": 20})
    assert not s.work.complete and s.work.bound == "nodes"
    unchecked = [v for v in s.items if not v.checked]
    assert unchecked and all(not v.settled and v.possible == () for v in unchecked)
    assert s.settled + s.open < 1 + len(s.items)


# ------------------------------------------------------------------ counterfactuals
def test_imply_distancing_from_2010_is_four_lines() -> None:
    c = kzpolicy.counterfactuals("article-2010", "imply distancing")
    assert c.distance == 8 and len(c.sets) == 4 and c.work.complete
    assert c.complete_up_to is None
    assert [(p.direction, p.count) for p in c.sets[0].picks] == [("not true", 1),
                                                                ("true", 7)]
    # a balance factor made not true is cleared or denied: two changes for each
    assert c.sets[0].sets == 7 * 2 * 8 and c.total == sum(s.sets for s in c.sets)
    assert all(s.scenario == "distancing" == s.outcome for s in c.sets)
    assert len(kzpolicy.render(c).splitlines()) <= 50


def test_clearing_t7_by_denying_what_it_presupposes() -> None:
    c = kzpolicy.counterfactuals({"D4": True}, "clear T7")
    ways = {tuple((x.id, x.after) for x in s.changes): s.outcome for s in c.sets}
    assert ways == {(("D4", None),): "not reached", (("D4", False),): "not reached",
                    (("region_relations_cool", False),): "contested"}
    assert c.now == "flagged" and c.distance == 1


def test_listing_pages_concatenate_to_the_whole() -> None:
    whole = kzpolicy.counterfactuals("article-2010", "flag T5", limit=1000)
    assert len(whole.listing) == whole.total
    pages: list[kzpolicy.ConcreteSet] = []
    for offset in range(0, whole.total, 3):
        pages += kzpolicy.counterfactuals("article-2010", "flag T5", offset=offset,
                                          limit=3).listing
    assert pages == list(whole.listing)


def test_a_target_that_holds_needs_no_change() -> None:
    c = kzpolicy.counterfactuals("article-2010", "flag T1", limit=5)
    assert c.holds_now and c.distance == 0 and len(c.sets) == 1 and c.sets[0].size == 0
    assert [s.changes for s in c.listing] == [()]


def test_targets_in_every_form_and_refused_ones() -> None:
    assert parse_target(KB, "flag:T8") == parse_target(KB, ("flag", "T8")) == \
        parse_target(KB, {"flag": "T8"}) == ("flag", "T8")
    with pytest.raises(kzpolicy.InputError, match="is a scenario"):
        kzpolicy.counterfactuals({}, "flag distancing")
    with pytest.raises(kzpolicy.UnknownIdError, match="distancing"):
        kzpolicy.counterfactuals({}, "imply distanced")
    with pytest.raises(kzpolicy.InputError, match="max_changes"):
        kzpolicy.counterfactuals({}, "flag T8", max_changes=0)


def test_max_changes_lists_the_smaller_sets_and_says_how_many_more() -> None:
    full = kzpolicy.counterfactuals({}, "imply integration")
    two = kzpolicy.counterfactuals({}, "imply integration", max_changes=3)
    assert full.distance == two.distance == 4 and two.sets == () and two.larger == len(
        full.sets)
    assert two.work.bound == "changes" and two.complete_up_to == 3


def test_past_the_node_bound_the_search_is_complete_for_fewer_changes() -> None:
    given = {"D4": True, "I3": True}
    c = kzpolicy.counterfactuals(given, "clear T7", budget={"nodes": 2000}, limit=10**6)
    # the whole lattice is 81 assignments of T7's four conditions by 448 shifts; 2,000
    # nodes take every set of at most 2 changes (33 assignments by 27 shifts)
    assert c.work.bound == "nodes" and c.complete_up_to == 2
    small = {s for s in brute.listed(c) if len(s) <= 2}
    assert small == brute.minimal_changes(KB, given, ("clear", "T7"), 2)
    assert {frozenset({("region_relations_cool", False)})} < small
    nothing = kzpolicy.counterfactuals(given, "clear T7", budget={"nodes": 1})
    assert nothing.sets == () and nothing.work.bound == "nodes" and nothing.distance is None


def test_minimal_sees_through_two_levels_of_changes() -> None:
    # three cone conditions, each changed or not (index 1 changed): the target holds
    # with the first changed alone and with all three, so all three is not minimal
    rows = np.array([[a, b, c] for a in (0, 1) for b in (0, 1) for c in (0, 1)])
    now = np.zeros(3, dtype=np.int64)
    holds = np.array([tuple(r) in {(1, 0, 0), (1, 1, 1)} for r in rows])
    minimal = _minimal(holds, rows, now, [])
    assert [tuple(r) for r in rows[minimal]] == [(1, 0, 0)]


# ------------------------------------------------------------------ tipping points
def test_tipping_points_are_the_leave_target_with_one_variant_per_factor() -> None:
    t = kzpolicy.tipping_points("article-2010", max_size=8, all_minimal=True, limit=None)
    c = kzpolicy.counterfactuals("article-2010", "leave balance", max_changes=8)
    assert [(s.size, s.picks) for s in t.sets] == [(s.size, s.picks) for s in c.sets]
    assert t.total == len(t.points) == 7168
    assert c.total == sum(s.sets for s in c.sets) > t.total  # clearing counts there too
    assert all(p.changes[-1].after is False or p.changes[-1].after is True
               for p in t.points)
    assert kzpolicy.TippingPoints.model_validate_json(t.model_dump_json()) == t


# ------------------------------------------------------------------ with no decision rule
def test_reasoning_under_a_reading_with_no_decision_rule() -> None:
    """stated-only drops the decision rule: the scenario is undecided everywhere, so it is
    settled as such, no change implies a scenario, and nothing is searched to switch it."""
    s = kzpolicy.stability(preset="article-2010", reading="stated-only")
    assert s.scenario.now == "undecided" and s.scenario.settled
    assert s.scenario.possible == ("undecided",)
    c = kzpolicy.counterfactuals({}, "imply balance", reading="stated-only")
    assert c.total == 0 and c.work.complete
    t = kzpolicy.tipping_points(preset="article-2010", reading="stated-only")
    assert t.scenario == "undecided" and t.sets == () and t.nearest is None
    assert "no decision rule" in t.work.note
    w = kzpolicy.why_not(preset="article-2010", item="balance", reading="stated-only")
    assert "not decided" in w.summary and "by default" not in w.summary
