"""Situation files: read from YAML and JSON alike, round-trip through the model and its
JSON Schema, split into certain and uncertain beliefs, and every malformed file refused
with its file, its line and the fix (one bad fixture per refusal, in fixtures/bad)."""

from __future__ import annotations

import datetime
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from schema_check import SchemaError, check

import kzpolicy
from kzpolicy.journal.evidence import situation_input
from kzpolicy.journal.situation import Belief, Situation, is_situation, situation_from

HERE = Path(__file__).parent
BAD = HERE / "fixtures" / "bad"
EXAMPLES = HERE.parents[1] / "examples" / "journal"
KB = kzpolicy.load()

FULL = """\
title: "A situation"
as_of: 2014-03-18
beliefs:
  D1: true
  D2: 0.4
  B1: 1
  B2: 0
  joint_exercises:
    value: true
    source: "example: analyst's own judgement"
    date: 2014-03-10
    note: "a note"
    confidence: medium
  D3:
    probability: 0.25
    source: "example: analyst's own judgement"
"""


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# ---------------------------------------------------------------------- round trips
def test_a_yaml_file_reads_into_the_model(tmp_path: Path) -> None:
    s = kzpolicy.situation(_write(tmp_path, "s.yaml", FULL))
    assert isinstance(s, kzpolicy.Situation)
    assert (s.title, s.as_of) == ("A situation", datetime.date(2014, 3, 18))
    assert s.belief("joint_exercises") == Belief(
        value=True, source="example: analyst's own judgement",
        date=datetime.date(2014, 3, 10), note="a note", confidence="medium")
    assert s.belief("D2") == Belief(probability=0.4)
    assert s.file == str(tmp_path / "s.yaml")


def test_certain_beliefs_assert_and_uncertain_ones_weigh(tmp_path: Path) -> None:
    s = kzpolicy.situation(_write(tmp_path, "s.yaml", FULL))
    # a probability of 1 or 0 is certain: asserted true or false
    assert s.certain() == {"D1": True, "B1": True, "B2": False, "joint_exercises": True}
    assert s.uncertain() == {"D2": 0.4, "D3": 0.25}


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_yaml_and_json_round_trip(tmp_path: Path, suffix: str) -> None:
    first = kzpolicy.situation(_write(tmp_path, "s.yaml", FULL))
    data = first.model_dump(mode="json", exclude_none=True)
    text = (json.dumps(data, indent=1) if suffix == ".json"
            else yaml.safe_dump(data, sort_keys=False))
    again = kzpolicy.situation(_write(tmp_path, "again" + suffix, text))
    assert again == first
    assert again.model_dump(mode="json", exclude_none=True) == data


def test_the_dump_validates_against_the_schema_and_back(tmp_path: Path) -> None:
    schema = kzpolicy.schemas()["situation"]
    assert schema == kzpolicy.Situation.model_json_schema()
    for path in [_write(tmp_path, "s.yaml", FULL), *sorted(EXAMPLES.glob("*.yaml"))]:
        s = kzpolicy.situation(path)
        for dump in (s.model_dump(mode="json"), s.model_dump(mode="json", exclude_none=True)):
            check(dump, schema)
            assert Situation.model_validate(dump) == s


def test_the_schema_refuses_what_the_reader_refuses() -> None:
    schema = kzpolicy.schemas()["situation"]
    good: dict[str, Any] = {"title": "t", "as_of": "2014-03-18", "beliefs": {"D1": True}}
    check(good, schema)
    for bad in ({**good, "beliefs": {"D1": 1.5}}, {**good, "beliefs": {}},
                {**good, "extra": 1}, {"title": "t", "beliefs": {"D1": True}},
                {**good, "beliefs": {"D1": {"value": True, "sorce": "x"}}}):
        with pytest.raises(SchemaError):
            check(bad, schema)


def test_a_situation_is_told_from_a_condition_file_by_its_shape() -> None:
    assert is_situation({"title": "t", "as_of": "2014-03-18", "beliefs": {"D1": True}})
    assert not is_situation({"D1": True, "beliefs": True})  # a condition named beliefs
    assert not is_situation({"D1": True})
    assert not is_situation(["D1"])


def test_data_from_a_request_names_the_place_without_a_file() -> None:
    with pytest.raises(kzpolicy.InputError) as info:
        situation_from({"title": "t", "as_of": "2014-03-18", "beliefs": {"D1": 2}},
                       "the request", None, ("situation",))
    assert str(info.value).startswith("situation.beliefs.D1: 2 is not from 0 to 1")


# ---------------------------------------------------------------------- refusals
def _expectation(path: Path) -> tuple[int, str, str]:
    """A YAML fixture's first line: ``# expect: LINE | what | fix``."""
    found = re.match(r"# expect: (\d+) \| (.*?) \| (.*)$",
                     path.read_text(encoding="utf-8").splitlines()[0])
    assert found, f"{path.name} has no expectation line"
    return int(found.group(1)), found.group(2), found.group(3)


JSON_EXPECTED = {
    # the parser's words differ between Python versions; its position does not
    "bad_syntax.json": (3, "not valid JSON", "line 3 column"),
    "duplicate_key.json": (4, "the key 'D1' is given twice", "give it once"),
    "probability_above_one.json": (4, "beliefs.D2: 2 is not from 0 to 1",
                                   "write a probability from 0 to 1"),
}
BAD_FILES = sorted(p for p in BAD.iterdir() if p.suffix in (".yaml", ".json"))


def test_every_bad_fixture_has_its_expectation() -> None:
    assert len(BAD_FILES) >= 20
    assert {p.name for p in BAD_FILES if p.suffix == ".json"} == set(JSON_EXPECTED)


@pytest.mark.parametrize("path", BAD_FILES, ids=lambda p: p.name)
def test_every_malformed_file_is_refused_with_file_line_and_fix(path: Path) -> None:
    line, what, fix = (JSON_EXPECTED[path.name] if path.suffix == ".json"
                       else _expectation(path))
    with pytest.raises(kzpolicy.InputError) as info:
        situation_input(kzpolicy.situation(path), KB)  # the last refusals need the vocabulary
    message = str(info.value)
    assert f"{path}:{line}:" in message, message
    assert what in message, message
    assert fix in message, message


def test_several_problems_are_all_named(tmp_path: Path) -> None:
    path = _write(tmp_path, "s.yaml", "title: t\nas_of: 2014-3-1\nbeliefs:\n  D1: 9\n")
    with pytest.raises(kzpolicy.InputError) as info:
        kzpolicy.situation(path)
    message = str(info.value)
    assert message.startswith(f"2 problems in {path}:")
    assert f"{path}:2: as_of" in message and f"{path}:4: beliefs.D1" in message


def test_a_missing_file_or_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(kzpolicy.InputError, match="no such file"):
        kzpolicy.situation(tmp_path / "nothing.yaml")
    with pytest.raises(kzpolicy.InputError, match="is a folder"):
        kzpolicy.situation(tmp_path)


def test_the_example_journal_is_marked_and_cites_no_invented_source() -> None:
    for path in sorted(EXAMPLES.glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        assert text.startswith("# Example beliefs of a fictional user (not claims of the "
                               "article)"), path.name
        s = kzpolicy.situation(path)
        assert s.title.startswith("Example: ")
        assert s.as_of.isoformat() == path.stem  # each file is named by its date
        for c in s.beliefs:
            b = s.belief(c)
            assert b.source in (None, "example: analyst's own judgement"), (path.name, c)
            assert b.note is None or b.note.startswith("Example note: ")
