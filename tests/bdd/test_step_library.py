"""The step library itself: every step reads only its own text, fields are typed or
quoted, docs/steps.md is generated from it, and the features' tags are registered."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_bdd.parser import FeatureParser, Step

import kzpolicy
from kzpolicy.bdd import steps
from kzpolicy.bdd.fields import FIELDS
from kzpolicy.bdd.step_docs import readable, render_step_list
from kzpolicy.bdd.steps import STEP_LIBRARY, StepDef, World
from kzpolicy.bdd.tags import TAGS

ROOT = Path(__file__).resolve().parents[2]
FEATURES = ROOT / "features"
FEATURE_FILES = sorted(FEATURES.glob("*.feature"))


def _feature_steps() -> Iterator[tuple[str, Step]]:
    for path in FEATURE_FILES:
        feature = FeatureParser(str(FEATURES), path.name).parse()
        for template in feature.scenarios.values():
            contexts = [c for ex in template.examples for c in ex.as_contexts()] or [{}]
            for context in contexts:
                for step in template.render(context).steps:
                    yield f"{path.name}:{step.line_number}", step


def _example(d: StepDef) -> tuple[str, str]:
    keyword, text = d.example.splitlines()[0].split(" ", 1)
    return keyword.lower(), text


def test_the_library_has_every_kind_of_step() -> None:
    kinds = {d.keyword for d in STEP_LIBRARY}
    assert kinds == {"given", "when", "then"}
    assert len({(d.keyword, d.pattern) for d in STEP_LIBRARY}) == len(STEP_LIBRARY)


@pytest.mark.parametrize("d", STEP_LIBRARY, ids=lambda d: f"{d.keyword} {d.pattern}")
def test_each_example_reads_as_its_own_step_and_no_other(d: StepDef) -> None:
    keyword, text = _example(d)
    assert [x for x in STEP_LIBRARY if x.matches(keyword, text)] == [d]


def test_every_step_of_the_features_reads_as_exactly_one_library_step() -> None:
    problems = []
    count = 0
    for where, step in _feature_steps():
        count += 1
        found = [d.pattern for d in STEP_LIBRARY if d.matches(step.type, step.name)]
        if len(found) != 1:
            problems.append(f"{where}: {step.name!r} -> {found}")
    assert count > 500
    assert problems == []


@pytest.mark.parametrize("d", STEP_LIBRARY, ids=lambda d: f"{d.keyword} {d.pattern}")
def test_every_field_is_typed_and_free_text_is_quoted(d: StepDef) -> None:
    assert "{" not in re.sub(r"\{\w+:\w+\}", "", d.pattern), "an untyped field"
    for name, kind in re.findall(r"\{(\w+):(\w+)\}", d.pattern):
        assert kind in FIELDS
        if kind in {"Id", "Ids", "Text"}:
            assert f'"{{{name}:{kind}}}"' in d.pattern, f"{name} must stand in quotes"
    assert "{" not in readable(d)


@pytest.mark.parametrize(
    ("keyword", "text", "expected"),
    [
        ("given", 'the conditions "D1,D2 ,  D3" hold',
         {"conditions": ("D1", "D2", "D3"), "truth": True}),
        ("given", 'the condition "D1" is unknown', {"condition": "D1", "truth": None}),
        ("given", 'the condition "D1" does not hold', {"condition": "D1", "truth": False}),
        ("then", "the objective advantage goes to russia", {"side": "russia"}),
        ("then", "the objective advantage goes to the US and NATO", {"side": "us_nato"}),
        ("then", 'the risks "T1, W2" are not flagged',
         {"kinds": "risk", "items": ("T1", "W2"), "status": "not flagged"}),
        ("when", "I look up the stage of the year 1994", {"year": 1994}),
        ("then", 'the outcome "BC1" holds by default',
         {"kind": "consequence", "item": "BC1", "basis": "default"}),
        ("then", "the implied scenario holds on what was asserted", {"basis": "asserted"}),
        ("then", 'the threat "T7" is an interpretation',
         {"kind": "threat", "item": "T7", "stance": "interpretation"}),
        ("then", 'the outcomes "BC1, BC2" are not reached',
         {"kinds": "consequence", "items": ("BC1", "BC2"), "status": "not reached"}),
        ("then", "the decision before the change gives no warning", {"moment": "before"}),
        ("then", 'the decision\'s reason after the change says "tie"',
         {"moment": "after", "text": "tie"}),
    ],
)
def test_fields_become_typed_values(keyword: str, text: str, expected: dict[str, object]) -> None:
    (d,) = [x for x in STEP_LIBRARY if x.matches(keyword, text)]
    assert d.arguments(text) == expected


@pytest.mark.parametrize(
    ("keyword", "text"),
    [
        ("given", 'the condition "D1" "D2" holds'),  # an ID cannot swallow a quote
        ("given", 'the condition "D1, D2" holds'),  # one ID, not a list
        ("given", 'the condition "D1" perhaps holds'),
        ("then", 'the threat "T1" is flagged twice'),
        ("then", "the objective advantage goes to China"),
        ("when", "I look up the stage of the year 20x4"),
        ("given", "these conditions"),
        ("then", 'the threat "T7" is contested'),  # by which denial?
        ("then", 'the outcome "BC1" holds'),
        ("then", 'the decision\'s reason during the change says "x"'),
    ],
)
def test_text_outside_a_step_is_read_by_no_step(keyword: str, text: str) -> None:
    assert [d.pattern for d in STEP_LIBRARY if d.matches(keyword, text)] == []


def test_docs_steps_md_is_the_generated_step_list() -> None:
    text = (ROOT / "docs" / "steps.md").read_text(encoding="utf-8")
    assert text == render_step_list(), "regenerate with: kzpolicy steps > docs/steps.md"
    for d in STEP_LIBRARY:
        assert d.example in text


def test_the_steps_modules_expose_every_step_fixture_to_pytest() -> None:
    from kzpolicy.bdd import reasoning_steps
    from kzpolicy.bdd.plugin import pytest_plugins

    # the plugin loads both modules; an __all__ would hide the injected step fixtures
    assert pytest_plugins == ["kzpolicy.bdd.steps", "kzpolicy.bdd.reasoning_steps"]
    fixtures = []
    for module in (steps, reasoning_steps):
        assert not hasattr(module, "__all__")
        fixtures += [n for n in vars(module) if n.startswith("pytestbdd_stepdef_")]
    assert len(fixtures) == len(STEP_LIBRARY)


def _tags() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in FEATURE_FILES:
        feature = FeatureParser(str(FEATURES), path.name).parse()
        tags = set(feature.tags)
        for template in feature.scenarios.values():
            tags |= template.tags
            for ex in template.examples:
                tags |= ex.tags
        found[path.name] = tags
    return found


def test_every_tag_the_features_use_is_registered_by_the_plugin() -> None:
    used = set().union(*_tags().values())
    assert used - set(TAGS) == set()


def test_every_article_section_has_a_tag() -> None:
    assert set(kzpolicy.load().sections) <= set(TAGS)


def test_every_feature_that_states_the_article_cites_a_section() -> None:
    sections = set(kzpolicy.load().sections)
    assert len(FEATURE_FILES) >= 9
    for name, tags in _tags().items():
        if "bad_input" in tags:
            continue
        assert tags & sections, f"{name} cites no article section"
        text = (FEATURES / name).read_text(encoding="utf-8")
        assert "Source:" in text, f"{name} does not say where in the article it comes from"


# --------------------------------------------------------------------------- World
def test_a_refusal_nobody_examines_fails_the_scenario() -> None:
    w = World(kzpolicy.load())
    w.set_condition("D9", True)
    w.assess()
    with pytest.raises(AssertionError, match="kzpolicy refused the request"):
        w.finish()


def test_a_refusal_fails_the_next_step_that_needs_the_answer() -> None:
    w = World(kzpolicy.load())
    w.set_condition("D1", "maybe")
    w.assess()
    with pytest.raises(AssertionError, match="must be true or false"):
        w.result()
    w.finish()  # reported once, not twice


def test_an_examined_refusal_ends_the_scenario_cleanly() -> None:
    w = World(kzpolicy.load())
    w.preset = "nowhere"
    w.assess()
    assert isinstance(w.refusal(), kzpolicy.UnknownIdError)
    w.finish()


def test_a_condition_given_both_ways_is_refused() -> None:
    w = World(kzpolicy.load())
    w.set_condition("D1", True)
    w.set_condition("D1", False)
    w.assess()
    assert "given twice" in str(w.refusal())


def test_unknown_over_a_preset_removes_the_preset_value() -> None:
    w = World(kzpolicy.load())
    w.preset = "article-2010"
    w.set_condition("info_scarce", None)
    w.assess()
    a = w.result()
    assert "info_scarce" in a.unknown and "W5" not in a.flagged_ids()
    assert a.asserted["cooperation_intensifies"] is True


def test_a_what_if_needs_an_assessment_first() -> None:
    w = World(kzpolicy.load())
    with pytest.raises(pytest.fail.Exception, match="needs an assessment"):
        w.what_if({"D1": True})


def test_a_what_if_stacks_on_the_last_assessment() -> None:
    w = World(kzpolicy.load())
    w.set_condition("D1", True)
    w.assess()
    w.what_if({"D2": True})
    w.what_if({"D1": None})
    assert w.before().asserted == {"D1": True, "D2": True}
    assert w.result().asserted == {"D2": True}


# --------------------------------------------------------------------------- standing steps
#: I1-I7 imply integration and T7 through it; the caller denies the cooling T7 amounts to
CONTESTED = ['Given the conditions "I1, I2, I3, I4, I5, I6, I7" hold',
             'Given the conditions "region_relations_cool, nato_demonstrative_partnership" '
             "do not hold",
             "When the situation is assessed"]


def _play(*lines: str) -> World:
    """Run steps (Given, When or Then, one each) on a fresh World; return it."""
    world = World(kzpolicy.load())
    for line in lines:
        keyword, text = line.split(" ", 1)
        (d,) = [x for x in STEP_LIBRARY if x.matches(keyword.lower(), text)]
        d.func(kzpolicy_world=world, **d.arguments(text))
    return world


def _fails(*lines: str) -> str:
    """The message of the step that fails among ``lines`` (the last, as written)."""
    with pytest.raises(pytest.fail.Exception) as caught:
        _play(*lines)
    return str(caught.value.msg)


def test_a_contested_item_is_not_flagged_and_the_failure_says_why() -> None:
    world = _play(*CONTESTED, 'Then the threat "T7" is contested by "region_relations_cool"',
                  'Then the threat "T7" is not flagged', 'Then the threat "T1" is not contested',
                  'Then the threat "T7" is an interpretation via "scenario_decision"',
                  'Then the explanation of "T7" goes through the rule "integration_t7"')
    assert [c.what for c in world.checks] == ["contested", "item", "contested", "stance", "rule"]
    assert all(c.passed for c in world.checks)
    message = _fails(*CONTESTED, 'Then the threat "T7" is flagged')
    assert "T7 is not flagged" in message
    assert "is contested: the rules imply it, but region_relations_cool=false" in message
    message = _fails(*CONTESTED,
                     'Then the threat "T7" is contested by "nato_demonstrative_partnership"')
    assert message == ("T7 is contested by region_relations_cool, not by "
                       "nato_demonstrative_partnership")
    assert "T7 is not contested" in _fails(
        CONTESTED[0], CONTESTED[2], 'Then the threat "T7" is contested by "region_relations_cool"')
    assert "is contested" in _fails(*CONTESTED, 'Then the threat "T7" is not contested')
    with pytest.raises(kzpolicy.UnknownConditionError):
        _play(*CONTESTED, 'Then the threat "T7" is contested by "region_cools"')


def test_each_group_takes_its_own_status_word() -> None:
    nothing = ["Given nothing is asserted about the situation", "When the situation is assessed"]
    _play(*nothing, 'Then the outcome "BC1" is reached', 'Then the outcome "BC1" is flagged',
          'Then the outcomes "IC1, IC2" are not reached')
    assert _fails(*nothing, 'Then the threat "T1" is reached') == (
        "T1 is a threat: write that it is flagged or not flagged")
    assert _fails(*nothing, 'Then the strength "S1" is not reached') == (
        "S1 is a strength: write that it is engaged or not engaged")
    assert _fails(*nothing, 'Then the risk "BC1" is flagged') == (
        "BC1 is an outcome, not a risk: name it as an outcome")
    assert "IC1 is not reached: IC1 is not among the items reached (BC1" in _fails(
        *nothing, 'Then the outcome "IC1" is reached')


def test_the_basis_and_the_stance_steps_say_what_they_found() -> None:
    nothing = ["Given nothing is asserted about the situation", "When the situation is assessed"]
    world = _play(*nothing, 'Then the outcome "BC1" holds by default',
                  "Then the implied scenario holds by default",
                  "Then the implied scenario is an interpretation",
                  'Then the outcome "BC2" is an interpretation')
    assert {c.what for c in world.checks} == {"basis", "stance"}
    assert _fails(*nothing, 'Then the outcome "BC1" holds on what was asserted') == (
        "BC1 does not hold on what was asserted: it holds by default: no factor of balance "
        "asserted")
    assert _fails(*nothing, "Then the implied scenario holds on what was asserted").startswith(
        "the implied scenario balance does not hold on what was asserted: no pole reached")
    assert _fails(*nothing, "Then the implied scenario is stated") == (
        "the implied scenario balance is interpretation (decision rule)")
    assert _fails(*nothing, 'Then the outcome "BC1" is stated') == (
        "BC1 is interpretation via scenario_decision (its chain: scenario_decision, "
        "balance_outcome)")
    assert "IC1 is not reached" in _fails(*nothing, 'Then the outcome "IC1" holds by default')
    s4 = ['Given the condition "I6" holds', "When the situation is assessed"]
    _play(*s4, 'Then the strength "S4" is stated',
          'Then the strength "S4" holds on what was asserted')
    assert _fails(*s4, 'Then the strength "S4" is an interpretation via "i6_s4"') == (
        "S4 is stated, not an interpretation via i6_s4")
    with pytest.raises(kzpolicy.UnknownIdError):
        _play(*s4, 'Then the strength "S4" is an interpretation via "no_such_rule"')


def test_the_decision_steps_read_both_sides_of_a_what_if() -> None:
    steps = ['Given the situation described by the preset "article-2010"',
             "When the situation is assessed",
             'When I ask what if the conditions "D1, D2, D3, D4, D5, D6, D7, D8" hold']
    world = _play(*steps, "Then the decision before the change gives no warning",
                  'Then the decision after the change warns "ties with balance"',
                  'Then the decision\'s reason before the change says "no pole reached"',
                  'Then the decision\'s reason after the change says "without a strict lead"',
                  'Then the decision\'s reason says "without a strict lead"')
    assert [c.what for c in world.checks] == ["warning", "warning", "reason", "reason",
                                              "reason"]
    assert _fails(*steps, 'Then the decision\'s reason before the change says "tie"') == (
        "the decision's reason before the change says "
        f"{world.before().scenario.reason!r}")
    assert _fails(*steps, "Then the decision after the change gives no warning").startswith(
        "after the change the decision warns: ['distancing reaches the threshold")
    assert _fails(*steps, 'Then the decision before the change warns "tie"') == (
        "no warning before the change contains 'tie'; warnings: none")
    assert "nothing to compare with" in _fails(
        steps[0], steps[1], "Then the decision before the change gives no warning")
