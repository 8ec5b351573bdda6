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
    ],
)
def test_text_outside_a_step_is_read_by_no_step(keyword: str, text: str) -> None:
    assert [d.pattern for d in STEP_LIBRARY if d.matches(keyword, text)] == []


def test_docs_steps_md_is_the_generated_step_list() -> None:
    text = (ROOT / "docs" / "steps.md").read_text(encoding="utf-8")
    assert text == render_step_list(), "regenerate with: kzpolicy steps > docs/steps.md"
    for d in STEP_LIBRARY:
        assert d.example in text


def test_the_steps_module_exposes_every_step_fixture_to_pytest() -> None:
    assert not hasattr(steps, "__all__")  # an __all__ would hide the injected step fixtures
    fixtures = [n for n in vars(steps) if n.startswith("pytestbdd_stepdef_")]
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
