"""Every loader check fires on a broken copy of the stock rules and says what and where.

Each folder of ``fixtures/bad/`` is overlaid onto a copy of the stock rules/: a
file with a new name adds entries, a file with a stock name replaces that file.
The line the loader must report is marked ``# <- reported here`` in the fixture.
"""

from __future__ import annotations

import io
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

import kzpolicy
from kzpolicy.cli.main import main
from kzpolicy.errors import Problem

BAD = Path(__file__).parent / "fixtures" / "bad"
MARK = "# <- reported here"


@dataclass(frozen=True)
class Case:
    """A bad-fixture folder and what loading it must report."""

    folder: str
    check: str | None  # None: a YAML-level RulesFileError, which has no check name
    fragments: tuple[str, ...]
    count: int = 1  # problems expected (all of them from `check`)
    file: str | None = None  # the file named when no line is marked in the fixture


CASES: list[Case] = [
    # ---- YAML level (RulesFileError)
    Case("duplicate_yaml_key", None, ("duplicate key 'label'", "first defined on line 4")),
    Case("invalid_yaml", None, ("invalid YAML", "mapping values are not allowed")),
    Case("unhashable_yaml_key", None, ()),
    # ---- schema (one entry against its model)
    Case("unknown_top_level_key", "schema", ("unknown top-level key 'rule'",
                                             "did you mean 'rules'")),
    Case("unknown_key", "schema", ("unknown key 'lable'", "did you mean 'label'")),
    Case("interpretation_without_reason", "schema", ("stance: interpretation", "`reason`")),
    Case("finding_without_reason", "schema", ("a finding with stance: interpretation",
                                              "`reason`")),
    # ---- duplicate-id
    Case("duplicate_id_rule", "duplicate-id", ("rule ID 'rivalry_c1'",
                                               "already used at rules.yaml:")),
    Case("duplicate_id_item", "duplicate-id", ("ID 'R4'", "already used at stimuli.yaml:")),
    Case("duplicate_id_finding", "duplicate-id", ("finding ID 'dialogue_platform'",
                                                  "already used at findings.yaml:")),
    Case("duplicate_id_case", "duplicate-id", ("rule ID 'Rivalry_C1'",
                                               "differs only in case from 'rivalry_c1'",
                                               "at rules.yaml:")),
    # ---- reference
    Case("when_unknown_id", "reference", ("rule typo_when", "`when` names 'tough_rivalri'",
                                          "did you mean 'tough_rivalry'")),
    Case("then_names_condition", "reference", ("rule flags_condition",
                                               "`then` names 'tough_rivalry'", "a condition")),
    Case("not_over_item", "reference", ("rule negated_item", "`not` applies to conditions",
                                        "'C1' is a rivalry")),
    Case("bears_on_unknown_item", "reference", ("condition csto_expands", "'C6'",
                                                "did you mean")),
    Case("finding_unknown_concern", "reference", ("finding typo_concern",
                                                  "concerns names 'balanse'",
                                                  "did you mean 'balance'")),
    Case("finding_concerns_stimulus", "reference", ("finding on_a_stimulus", "'R1'",
                                                    "a stimulus", "would never show")),
    Case("preset_unknown_condition", "reference", ("preset typo-preset", "'tough_rivalri'",
                                                   "did you mean 'tough_rivalry'")),
    Case("cell_unknown_state", "reference", ("cell kazakstan/ipp", "no state 'kazakstan'",
                                             "did you mean 'kazakhstan'")),
    # ---- locator
    Case("locator_unknown_section", "locator", ("bad_section.locator", "no section 'scenarioss'",
                                                "did you mean 'scenarios'")),
    Case("locator_unknown_list", "locator", ("bad_list.locator", "no list 'threat'",
                                             "did you mean 'threats'")),
    Case("locator_item_past_end", "locator", ("bad_item.locator", "item 9",
                                              "scenarios/threats", "8 items")),
    # ---- list-size
    Case("list_size_ninth_threat", "list-size", ("threats has 9 entries",
                                                 "scenarios/threats has 8"), count=2),
    Case("list_holds_unknown_collection", "list-size", ("'threat'",
                                                            "did you mean 'threats'")),
    # ---- never-holds
    Case("never_holds_contradiction", "never-holds", ("rule contradiction",)),
    Case("never_holds_two_scenarios", "never-holds", ("rule two_scenarios",)),
    Case("never_holds_exclusive_chain", "never-holds", ("rule chained_scenarios",)),
    # ---- unreachable
    Case("unreachable_item", "unreachable", ("consequence FC1", "flagged by no rule")),
    Case("unused_condition", "unreachable", ("condition idle_condition", "used by no rule")),
    Case("bears_on_unbacked", "unreachable", ("condition sanctions_bite", "bears on T5",
                                              "no rule links them")),
    # ---- stages
    Case("stages_do_not_meet", "stages", ("stage stage2 ends in 2000",
                                          "stage3 starts in 2001"), file="history.yaml"),
    Case("stages_in_another_file", "stages", ("stage stage2 ends in 2000",),
             file="timeline.yaml"),
    # ---- sides
    Case("side_undeclared", "sides", ("scenario distancing", "advantage goes to 'russia'",
                                      "not a declared side", "declared: us_nato, none"),
         file="scenarios.yaml"),
    Case("duplicate_id_side", "duplicate-id", ("side ID 'russia' is declared twice",)),
    Case("side_words_clash", "sides", ("side alliance", "'NATO' already names side 'us_nato'")),
]


def _case(c: Case | pytest.ParameterSet) -> Case:
    value = c.values[0] if isinstance(c, pytest.ParameterSet) else c
    assert isinstance(value, Case)
    return value


def _params() -> list[pytest.ParameterSet]:
    return [c if isinstance(c, pytest.ParameterSet) else pytest.param(c, id=c.folder)
            for c in CASES]


def overlay(rules: Path, folder: str) -> Path:
    """Copy the files of one bad-fixture folder onto ``rules`` (a stock copy)."""
    files = sorted((BAD / folder).iterdir())
    assert files, f"fixture folder {folder} is empty"
    for f in files:
        shutil.copy(f, rules / f.name)
    return rules


def marked_line(folder: str) -> tuple[str, int] | None:
    """The (file, line) marked ``# <- reported here`` in a fixture folder, if any."""
    hits = [
        (f.name, n)
        for f in sorted((BAD / folder).iterdir())
        for n, text in enumerate(f.read_text(encoding="utf-8").splitlines(), 1)
        if MARK in text
    ]
    assert len(hits) <= 1, f"{folder}: more than one marked line"
    return hits[0] if hits else None


def where_pattern(case: Case) -> str:
    """Regex for the start of the message: ``file:line: `` or ``file: `` (+ check)."""
    marked = marked_line(case.folder)
    if marked is not None:
        file, line = marked
        head = rf"{re.escape(file)}:{line}: "
    else:
        assert case.file, f"{case.folder}: mark a line or give the file"
        head = rf"{re.escape(case.file)}(:\d+)?: "
    return head + (rf"\[{re.escape(case.check)}\] " if case.check else "")


def test_every_fixture_folder_has_a_case() -> None:
    folders = {p.name for p in BAD.iterdir() if p.is_dir()}
    assert folders == {_case(c).folder for c in CASES}


@pytest.mark.parametrize("case", _params())
def test_bad_fixture_is_reported(case: Case, stock_copy: Path) -> None:
    overlay(stock_copy, case.folder)
    expected = kzpolicy.RulesFileError if case.check is None else kzpolicy.ValidationError
    with pytest.raises(expected) as info:
        kzpolicy.load(stock_copy)
    pattern = where_pattern(case)
    if isinstance(info.value, kzpolicy.ValidationError):
        problems: list[Problem] = list(info.value.problems)
        assert [p.check for p in problems] == [case.check] * case.count, problems
        texts = [str(p) for p in problems]
    else:
        texts = [str(info.value)]
    matching = [
        t for t in texts if re.match(pattern, t) and all(f in t for f in case.fragments)
    ]
    assert matching, f"no problem matches {pattern!r} + {case.fragments}: {texts}"
    # the exception's own message carries every problem
    assert all(t in str(info.value) for t in texts)


#: one folder per check
CLI_FOLDERS = ["unknown_key", "duplicate_id_rule", "when_unknown_id", "locator_unknown_section",
               "list_size_ninth_threat", "never_holds_two_scenarios", "bears_on_unbacked",
               "stages_do_not_meet"]


@pytest.mark.parametrize("folder", CLI_FOLDERS)
def test_cli_check_prints_every_problem(folder: str, stock_copy: Path) -> None:
    overlay(stock_copy, folder)
    with pytest.raises(kzpolicy.ValidationError) as info:
        kzpolicy.load(stock_copy)
    out = io.StringIO()
    assert main(["check", str(stock_copy)], out=out) == 1
    lines = out.getvalue().splitlines()
    assert lines[:-1] == [str(p) for p in info.value.problems]
    assert lines[-1] == f"{len(info.value.problems)} problem(s) in {stock_copy}"


@pytest.mark.parametrize(
    ("folder", "expected"),
    [
        ("duplicate_yaml_key", "zz_extra.yaml:7: [yaml] duplicate key 'label'"),
        ("invalid_yaml", "zz_extra.yaml:4: [yaml] invalid YAML: mapping values"),
    ],
)
def test_cli_check_reports_a_yaml_error_as_a_problem(
    folder: str, expected: str, stock_copy: Path
) -> None:
    # load() raises RulesFileError; `check` collects it as a problem of check `yaml`
    overlay(stock_copy, folder)
    out = io.StringIO()
    assert main(["check", str(stock_copy)], out=out) == 1
    lines = out.getvalue().splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(expected)
    assert lines[1] == f"1 problem(s) in {stock_copy}"


def test_all_problems_are_reported_together(stock_copy: Path) -> None:
    for folder in ("when_unknown_id", "locator_item_past_end", "unused_condition"):
        shutil.copy(BAD / folder / "zz_extra.yaml", stock_copy / f"zz_{folder}.yaml")
    with pytest.raises(kzpolicy.ValidationError) as info:
        kzpolicy.load(stock_copy)
    assert sorted(p.check for p in info.value.problems) == ["locator", "reference",
                                                           "unreachable"]
    assert str(info.value).startswith("3 problem(s) in the knowledge base:")
