"""Readings as data (kzpolicy.kb.reading): the format, its checks, composition, the
knowledge base a reading makes and how results record it."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

import kzpolicy
from kzpolicy.kb.loading import knowledge_base_of, stock_rules_path

KB = kzpolicy.load()
STOCK = ("article", "count-4", "more-than-half", "stated-only", "ties-to-pole")


def reading(*changes: dict[str, Any], ident: str = "mine") -> dict[str, Any]:
    return {"id": ident, "label": "Mine", "statement": "A test reading.", "reason": "tests",
            "locator": {"section": "scenarios"}, "changes": list(changes)}


def write(folder: Path, body: dict[str, Any], name: str | None = None) -> Path:
    path = folder / f"{name or body['id']}.yaml"
    path.write_text(yaml.safe_dump({"reading": body}), encoding="utf-8")
    return path


def problems(body: dict[str, Any]) -> list[str]:
    return [p.message for p in kzpolicy.check(reading=kzpolicy.Reading.model_validate(body))]


# ---------------------------------------------------------------------- stock readings
def test_the_stock_readings_check_out_and_are_listed() -> None:
    assert kzpolicy.check() == []
    from kzpolicy.kb.listing import listing

    _, records = listing(KB, "readings")
    assert [r["id"] for r in records] == list(STOCK)
    assert next(r for r in records if r["id"] == "stated-only")["changes"] == (
        "drop every interpretation rule")


def test_article_changes_nothing() -> None:
    assert kzpolicy.load(reading="article") is KB
    assert kzpolicy.assess(preset="article-2010", reading="article") == kzpolicy.assess(
        preset="article-2010")


def test_stated_only_keeps_the_stated_rules_and_decides_nothing() -> None:
    kb = kzpolicy.load(reading="stated-only")
    assert {r.id for r in kb.rules} == {r.id for r in KB.rules if r.stance == "stated"}
    assert kb.decision.form == "none" and kb.decision.stance == "stated"
    a = kzpolicy.assess(preset="article-2010", reading="stated-only")
    assert (a.scenario.id, a.scenario.decided_by) == ("undecided", "undecided")
    assert a.scenario.counts == {"integration": 0, "balance": 7, "distancing": 0}
    assert "balance 7 of 7" in a.scenario.reason
    assert a.outcomes == () and a.scenario.advantage is None and a.scenario.judgement is None
    assert a.scenario.runner_up is None and a.scenario.margin is None
    assert a.reading == "stated-only" and a.kb_version == kb.version
    assert kb.version.startswith(KB.version + "+stated-only.")


def test_the_decision_variants_change_only_the_decision() -> None:
    for name, form, threshold, strict in (("count-4", "count", 4, True),
                                          ("more-than-half", "share", 0.51, True),
                                          ("ties-to-pole", "share", 0.5, False)):
        kb = kzpolicy.load(reading=name)
        assert kb.rules == KB.rules
        d = kb.decision
        assert (d.form, d.threshold, d.strict, d.stance) == (form, threshold, strict,
                                                             "interpretation")


def test_seven_against_eight() -> None:
    """Four factors of each pole: the share rule implies integration (4/7 = 0.57 against
    4/8 = 0.50); counted, it is a tie and balance holds."""
    four = ["I1", "I2", "I3", "I4", "D1", "D2", "D3", "D4"]
    assert kzpolicy.assess(four).scenario.id == "integration"
    counted = kzpolicy.assess(four, reading="count-4")
    assert counted.scenario.id == "balance"
    assert counted.scenario.counts == {"integration": 4, "balance": 0, "distancing": 4}
    assert "without a strict lead" in counted.scenario.reason
    # half of distancing's eight reaches 0.5; more than half asks five
    half = ["D1", "D2", "D3", "D4"]
    assert kzpolicy.assess(half).scenario.id == "distancing"
    assert kzpolicy.assess(half, reading="more-than-half").scenario.id == "balance"
    # a tie of a pole with balance goes to the pole only when the lead is not strict
    tie = ["D1", "D2", "D3", "D4", "D5", "D6", "D7", "D8", *(f"B{i}" for i in range(1, 8))]
    assert kzpolicy.assess(tie).scenario.id == "balance"
    assert kzpolicy.assess(tie, reading="ties-to-pole").scenario.id == "distancing"


# ---------------------------------------------------------------------- composition
def test_readings_compose_in_order() -> None:
    first = kzpolicy.load(reading="stated-only+count-4")
    assert first.reading == "stated-only+count-4"
    assert first.decision.form == "count"  # count-4 came last: a rule again
    second = kzpolicy.load(reading=["count-4", "stated-only"])
    assert second.reading == "count-4+stated-only" and second.decision.form == "none"
    assert first.version != second.version
    assert {r.id for r in first.rules} == {r.id for r in second.rules}


def test_a_reading_is_made_once_and_found_again_by_its_version() -> None:
    kb = kzpolicy.load(reading="count-4")
    assert kzpolicy.load(reading="count-4") is kb
    assert knowledge_base_of(kb.version) is kb
    a = kzpolicy.assess(["D1"], reading="count-4")
    assert kzpolicy.render(a, "markdown").count("count-4") >= 1


def test_a_result_made_in_another_process_finds_its_stock_reading() -> None:
    from kzpolicy.kb import loading

    kb = kzpolicy.load(reading="ties-to-pole")
    version = kb.version
    del loading._LOADED[version]  # as in a process that never made it
    assert knowledge_base_of(version).version == version


def test_every_result_records_its_reading() -> None:
    r = "count-4"
    beliefs = {"D1": 0.5, "I1": 0.5}
    for result in (kzpolicy.assess(["D1"], reading=r),
                   kzpolicy.what_if(["D1"], {"D2": True}, reading=r),
                   kzpolicy.tipping_points(["D1"], reading=r),
                   kzpolicy.landscape(reading=r),
                   kzpolicy.probabilities(beliefs, reading=r),
                   kzpolicy.sensitivity(beliefs, reading=r),
                   kzpolicy.monte_carlo(beliefs, samples=100, seed=1, reading=r),
                   kzpolicy.assess_many([["D1"]], reading=r)):
        assert result.reading == r
        assert result.kb_version == kzpolicy.load(reading=r).version


# ---------------------------------------------------------------------- the format
def test_a_users_reading_file(tmp_path: Path) -> None:
    path = write(tmp_path, reading({"drop": {"ids": ["d1_t1"]}, "reason": "no"}))
    a = kzpolicy.assess(["D1"], reading=str(path))
    assert "T1" not in a.flagged_ids() and a.reading == "mine"
    assert kzpolicy.assess(["D1"], reading=path) == a
    assert kzpolicy.read_reading(path).changes[0].drop is not None


@pytest.mark.parametrize(("change", "message"), [
    ({"drop": {"ids": ["d1_t2"]}, "reason": "x"}, "drop names 'd1_t2', which is no rule here; "
     "did you mean 'd3_t2' or 'd1_t1'"),
    ({"replace": [{"id": "d9_t1", "label": "x", "when": "D1", "then": ["T1"],
                   "stance": "stated", "locator": {"section": "scenarios"}}], "reason": "x"},
     "replace names rule 'd9_t1', which is no rule here"),
    ({"add": [{"id": "d1_t1", "label": "x", "when": "D1", "then": ["T1"], "stance": "stated",
               "locator": {"section": "scenarios"}}], "reason": "x"},
     "add names rule 'd1_t1', which exists; use replace"),
    ({"add": [{"id": "mine_x", "label": "x", "when": "D9", "then": ["T1"], "stance": "stated",
               "locator": {"section": "scenarios"}}], "reason": "x"},
     "`when` names 'D9', which is defined nowhere"),
    ({"decision": {"form": "count", "threshold": 9}, "reason": "x"},
     "a threshold of 9 factors can never be reached"),
    ({"decision": {"form": "count", "threshold": 2.5}, "reason": "x"},
     "with form: count it is a whole number of factors"),
    ({"decision": {"threshold": 1.5}, "reason": "x"}, "a share is at most 1"),
])
def test_a_reading_s_mistakes_are_problems_that_name_the_fix(change: dict[str, Any],
                                                            message: str) -> None:
    found = problems(reading(change))
    assert any(message in m for m in found), found
    with pytest.raises(kzpolicy.ValidationError):
        kzpolicy.load(reading=kzpolicy.Reading.model_validate(reading(change)))


def test_the_schema_refuses_a_change_that_does_two_things() -> None:
    with pytest.raises(Exception, match="exactly one of drop, add, replace, decision"):
        kzpolicy.Reading.model_validate(reading(
            {"drop": {"stance": "stated"}, "decision": {"strict": False}, "reason": "x"}))
    with pytest.raises(Exception, match="drop names nothing"):
        kzpolicy.Reading.model_validate(reading({"drop": {}, "reason": "x"}))
    with pytest.raises(Exception, match="reason"):
        kzpolicy.Reading.model_validate(reading({"drop": {"stance": "stated"}}))


def test_a_reading_s_own_locators_are_checked() -> None:
    body = reading({"drop": {"ids": ["d1_t1"]}, "reason": "x",
                    "locator": {"section": "scenario"}})
    assert any("no section 'scenario'" in m for m in problems(body))


def test_a_folder_s_reading_files_are_checked(tmp_path: Path) -> None:
    folder = tmp_path / "rules"
    shutil.copytree(stock_rules_path(), folder)
    write(folder / "readings", reading({"drop": {"ids": ["nope"]}, "reason": "x"}))
    write(folder / "readings", reading({"drop": {"ids": ["d1_t1"]}, "reason": "x"},
                                       ident="other"), name="misnamed")
    (folder / "readings" / "broken.yaml").write_text("reading: [\n", encoding="utf-8")
    found = kzpolicy.check(folder)
    messages = [f"{p.file}: {p.message}" for p in found]
    assert any("readings/mine.yaml" in m and "'nope'" in m for m in messages), messages
    assert any("must be named other.yaml" in m for m in messages), messages
    assert any(p.check == "yaml" and p.file == "readings/broken.yaml" for p in found)
    kzpolicy.load(folder)  # the folder itself still loads
    with pytest.raises(kzpolicy.ValidationError, match="'nope'"):
        kzpolicy.load(folder, reading="mine")


def test_an_unknown_reading_name_suggests_the_closest() -> None:
    with pytest.raises(kzpolicy.UnknownIdError) as info:
        kzpolicy.assess(reading="stated")
    assert info.value.suggestions[0] == "stated-only"
    assert "kzpolicy.Reading" not in str(info.value) and "reading file" in str(info.value)
    with pytest.raises(kzpolicy.RulesFileError, match="no such reading file"):
        kzpolicy.load(reading="no/such.yaml")


def test_a_reading_that_leaves_items_unreachable_says_so_without_failing() -> None:
    from kzpolicy.kb.reading import check_reading

    checked = check_reading(KB, _stock_reading("stated-only"))
    assert checked.kb is not None and checked.problems == ()
    unreachable = " ".join(n.message for n in checked.notes)
    assert "strength S2" in unreachable and "threat T1" not in unreachable


def _stock_reading(name: str) -> kzpolicy.Reading:
    return kzpolicy.read_reading(stock_rules_path() / "readings" / f"{name}.yaml")


def test_a_rule_a_reading_adds_that_never_holds_is_a_problem() -> None:
    body = reading({"add": [{"id": "mine_never", "label": "x", "when": {
        "all": ["D1", {"not": "D1"}]}, "then": ["T1"], "stance": "stated",
        "locator": {"section": "scenarios"}}], "reason": "x"})
    assert any("rule mine_never: its `when` can never hold" in m for m in problems(body))


def test_a_rule_of_the_base_a_reading_starves_is_a_note(tmp_path: Path) -> None:
    """A rule of the folder that reads an item only an interpretation flags can no longer
    hold under stated-only: what the reading means, not a mistake in it."""
    from kzpolicy.kb.reading import check_reading

    folder = tmp_path / "rules"
    shutil.copytree(stock_rules_path(), folder)
    (folder / "extra.yaml").write_text(yaml.safe_dump({"rules": [{
        "id": "s2_w1", "label": "x", "when": "S2", "then": ["W1"],
        "stance": "stated",
        "locator": {"section": "scenarios", "list": "weaknesses", "item": 1}}]}))
    base = kzpolicy.load(folder)
    checked = check_reading(base, _stock_reading("stated-only"))
    assert checked.problems == () and checked.kb is not None
    assert any("rule s2_w1: its `when` can never hold" in n.message for n in checked.notes)


def test_the_rule_network_under_a_reading() -> None:
    drawn = kzpolicy.graph(reading="stated-only")
    assert "+stated-only." in drawn.splitlines()[0]
    assert "d1_t1" not in drawn and "d2_t1" in drawn


def test_a_result_finds_its_rules_while_any_copy_of_them_is_alive(tmp_path: Path) -> None:
    # the same folder loaded twice: dropping the second copy must not lose the first
    import gc
    import pickle

    folder = tmp_path / "rules"
    shutil.copytree(stock_rules_path(), folder)
    conditions = folder / "conditions.yaml"  # rules of their own (not the stock version)
    text = conditions.read_text(encoding="utf-8")
    conditions.write_text(text.replace("label: Cooperation with NATO intensifies",
                                       "label: Cooperation with NATO grows", 1),
                          encoding="utf-8")
    first = kzpolicy.load(folder)
    second = kzpolicy.load(folder)
    assert first is not second and first.version == second.version
    assert first.version != kzpolicy.load().version
    del second
    gc.collect()
    batch = kzpolicy.assess_many([{"D1": True}], kb=first)
    assert pickle.loads(pickle.dumps(batch)) == batch
    assert knowledge_base_of(first.version) is first
