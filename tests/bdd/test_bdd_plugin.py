"""The kzpolicy pytest plugin in a fresh project (pytester): active with no conftest,
off with ``-p no:kzpolicy``, overridable step by step, strict about tags, and the
guide docs/write-your-own-feature.md (linked from the README) runs exactly as written."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import numpy  # noqa: F401  # see below
import pytest

import kzpolicy
import kzpolicy.journal.timeline
from kzpolicy.bdd.feature_coverage import feature_coverage
from kzpolicy.bdd.tags import TAGS

# pytester drops, after each test, the modules first imported during it, and numpy cannot
# be imported twice in one process: the features replayed in-process below include the
# journal's, whose timeline loads numpy, so it is loaded here, before any test.

pytest_plugins = ["pytester"]
# numpy's C extension loads once per process, and pytester's in-process runs drop the
# modules they import: loaded here first, it stays loaded for the steps that need it
# later in the session (the why-not, counterfactual and stability steps).

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "write-your-own-feature.md"
#: a user's strict configuration, registering none of kzpolicy's tags (the plugin does,
#: in a run with feature files)
STRICT = "[pytest]\nstrict = true\n"
TEST_MODULE = 'from pytest_bdd import scenarios\n\nscenarios("user.feature")\n'

SITUATION = """\
@situation @threats
Feature: A user's own feature
  Scenario: The situation of 2010
    Given the situation described by the preset "article-2010"
    When the situation is assessed
    Then the implied scenario is "balance"
    And the threat "T1" is flagged
"""

ASSESS_NOTHING = """\
Feature: A user's own feature
  Scenario: Nothing asserted, then assessed
    Given nothing is asserted about the situation
    When the situation is assessed
    Then the implied scenario is "distancing"
"""


def _project(pytester: pytest.Pytester, feature: str, ini: str = STRICT) -> None:
    pytester.makefile(".feature", user=feature)
    pytester.makepyfile(test_user=TEST_MODULE)
    pytester.makeini(ini)


def _run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    # in a subprocess: an in-process run drops the kzpolicy modules it imported, and the
    # facade would then hand later tests objects of classes loaded a second time;
    # hypothesis's plugin (unrelated here) adds seconds to every run
    return pytester.runpytest_subprocess("-p", "no:hypothesispytest", *args)


def test_the_plugin_and_its_steps_load_from_the_entry_point(pytester: pytest.Pytester) -> None:
    config = pytester.parseconfigure()
    assert config.pluginmanager.has_plugin("kzpolicy")
    assert config.pluginmanager.has_plugin("kzpolicy.bdd.steps")
    off = pytester.parseconfigure("-p", "no:kzpolicy")
    assert not off.pluginmanager.has_plugin("kzpolicy")
    assert not off.pluginmanager.has_plugin("kzpolicy.bdd.steps")


def test_steps_work_in_a_project_without_conftest(pytester: pytest.Pytester) -> None:
    _project(pytester, SITUATION)
    assert not list(pytester.path.rglob("conftest.py"))
    _run(pytester).assert_outcomes(passed=1)


def test_no_kzpolicy_switches_the_steps_off(pytester: pytest.Pytester) -> None:
    _project(pytester, SITUATION, ini="[pytest]\n")
    result = _run(pytester, "-p", "no:kzpolicy")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*Step definition is not found*"])


def test_a_same_text_step_in_conftest_overrides_the_library(pytester: pytest.Pytester) -> None:
    _project(pytester, ASSESS_NOTHING)
    # without an override, nothing asserted implies balance: the scenario fails
    _run(pytester).assert_outcomes(failed=1)
    pytester.makeconftest(
        """
        import kzpolicy
        from pytest_bdd import when

        @when("the situation is assessed")
        def _(kzpolicy_world):
            kzpolicy_world.assessment = kzpolicy.assess(["D1", "D2", "D3", "D4"])
        """
    )
    _run(pytester).assert_outcomes(passed=1)


def test_the_plugin_registers_no_marker_in_a_run_without_features(
        pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\n")
    pytester.makepyfile(test_unrelated="def test_one():\n    assert True\n")
    result = pytester.runpytest("--markers")
    assert result.ret == 0
    listed = {line.split(":")[0].removeprefix("@pytest.mark.")
              for line in result.stdout.lines if line.startswith("@pytest.mark.")}
    assert listed and not listed & set(TAGS)


def test_strict_markers_stay_on_with_the_features_tags(pytester: pytest.Pytester) -> None:
    _project(pytester, SITUATION)  # @situation @threats, registered by no one but kzpolicy
    _run(pytester).assert_outcomes(passed=1)
    # a new file: pytest-bdd caches parsed features by path within a process
    pytester.makefile(".feature", tagged="@not_a_kzpolicy_tag\n" + SITUATION)
    pytester.makepyfile(test_tagged=TEST_MODULE.replace("user.feature", "tagged.feature"))
    result = _run(pytester)
    assert result.ret != 0
    result.stdout.fnmatch_lines(["*not_a_kzpolicy_tag*not found in `markers`*"])


def test_a_failing_check_fails_the_scenario_with_the_reason(pytester: pytest.Pytester) -> None:
    _project(pytester, SITUATION.replace('"T1" is flagged', '"T6" is flagged'))
    result = _run(pytester)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*T6 is not flagged*"])


BAD = """\
@bad_input
Feature: Bad input
  Scenario: An unknown condition
    Given the condition "D9" holds
    When the situation is assessed
    Then the request is refused as an unknown condition
    And the refusal says "unknown condition 'D9'"
    And the refusal suggests "D8"
"""


def test_a_refusal_is_checked_by_the_error_steps(pytester: pytest.Pytester) -> None:
    _project(pytester, BAD)
    _run(pytester).assert_outcomes(passed=1)


def test_a_refusal_no_step_examines_fails_the_scenario(pytester: pytest.Pytester) -> None:
    _project(pytester, BAD.split("    Then")[0])
    result = _run(pytester)
    assert result.ret != 0
    result.stdout.fnmatch_lines(["*kzpolicy refused the request (UnknownConditionError)*"])


def test_an_unknown_condition_is_also_invalid_input(pytester: pytest.Pytester) -> None:
    # UnknownConditionError is an InputError (the documented error tree)
    _project(pytester, BAD.replace("as an unknown condition", "as invalid input"))
    _run(pytester).assert_outcomes(passed=1)


def test_a_wrong_refusal_kind_fails(pytester: pytest.Pytester) -> None:
    # an unknown preset is an unknown name, not an unknown condition
    bad = BAD.replace('Given the condition "D9" holds',
                      'Given the situation described by the preset "article-2011"')
    _project(pytester, bad)
    result = _run(pytester)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*refused with UnknownIdError*"])


def test_all_features_run_with_cucumber_json(pytester: pytest.Pytester) -> None:
    shutil.copytree(ROOT / "features", pytester.path / "features")
    # the journal's features read the example journal, from the working directory
    shutil.copytree(ROOT / "examples", pytester.path / "examples")
    pytester.makepyfile(test_all='from pytest_bdd import scenarios\n\nscenarios("features")\n')
    pytester.makeini(STRICT)
    result = _run(pytester, "--cucumberjson=report.json")
    runs = feature_coverage(kzpolicy.load(), ROOT / "features").runs
    result.assert_outcomes(passed=runs)
    report = json.loads((pytester.path / "report.json").read_text(encoding="utf-8"))
    assert len(report) == len(list((ROOT / "features").glob("*.feature")))
    elements = [e for feature in report for e in feature["elements"]]
    assert len(elements) == runs
    statuses = {s["result"]["status"] for e in elements for s in e["steps"]}
    assert statuses == {"passed"}


# --------------------------------------------------------------------------- the guide
def _guide_files() -> dict[str, str]:
    text = GUIDE.read_text(encoding="utf-8")
    return dict(re.findall(r"^`([^`\n]+)`:\n\n```\w+\n(.*?)^```", text, re.M | re.S))


def test_the_guide_names_its_two_files() -> None:
    assert sorted(_guide_files()) == ["article.feature", "test_article.py"]


def test_the_guide_example_runs_with_plain_pytest(pytester: pytest.Pytester) -> None:
    for name, body in _guide_files().items():
        (pytester.path / name).write_text(body, encoding="utf-8")
    promised = re.search(r"^pytest +# (\d+) passed$", GUIDE.read_text(encoding="utf-8"), re.M)
    assert promised is not None
    result = pytester.runpytest_subprocess()
    result.assert_outcomes(passed=int(promised.group(1)))


def test_the_readme_and_the_site_carry_the_guide() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "](docs/write-your-own-feature.md)" in readme
    assert ": write-your-own-feature.md\n" in (ROOT / "mkdocs.yml").read_text(encoding="utf-8")


TYPO = """\
Feature: A user's own feature
  Scenario: A step with a typo
    Given nothing is asserted about the situation
    When the situation is assesed
    Then the implied scenario is "balance"
"""

OUTPUT_WORDS = """\
Feature: The output's words are step words too
  Scenario: Kinds as the output names them
    Given nothing is asserted about the situation
    And the condition "tough_rivalry" holds
    When the situation is assessed
    Then the rivalry "C1" is flagged
    And the rivalry consequences "C2, C3" are flagged
    And the consequences "IC1, IC2" are not flagged
    And the scenario outcome "BC1" is flagged
    And the objective advantage goes to no side
"""


def test_a_step_typo_is_answered_with_the_nearest_step(pytester: pytest.Pytester) -> None:
    _project(pytester, TYPO)
    result = _run(pytester)
    result.assert_outcomes(failed=1)
    text = result.stdout.str()
    assert "Step definition is not found" in text
    assert "Did you mean: When the situation is assessed" in text


def test_the_kinds_the_output_names_are_step_words(pytester: pytest.Pytester) -> None:
    _project(pytester, OUTPUT_WORDS)
    _run(pytester).assert_outcomes(passed=1)


def test_the_advantage_of_nato_in_plain_words(pytester: pytest.Pytester) -> None:
    _project(pytester, """\
Feature: Sides in plain words
  Scenario: Integration gives NATO the advantage
    Given the situation described by the preset "integration"
    When the situation is assessed
    Then the objective advantage goes to NATO
""")
    _run(pytester).assert_outcomes(passed=1)
