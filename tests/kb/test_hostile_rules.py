"""Hostile and malformed rules folders are refused quickly with a kzpolicy error that
names the file (and the line where there is one): alias bombs, deep nesting, values
Python refuses, oversized files, exponential `when` trees, entries that are not plain
files. Each case runs in a fresh interpreter with a timeout, so a hang fails the test
instead of stalling the suite."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import kzpolicy
from kzpolicy.kb.limits import MAX_CONJUNCTIONS, MAX_DEPTH, MAX_FILE_BYTES

PROBE = """
import json, sys, kzpolicy
try:
    kzpolicy.load(sys.argv[1])
    print(json.dumps({"error": None}))
except kzpolicy.KzPolicyError as exc:
    print(json.dumps({"error": type(exc).__name__, "message": str(exc)}))
"""


def _load_in_a_fresh_process(folder: Path) -> dict[str, str | None]:
    done = subprocess.run([sys.executable, "-c", PROBE, str(folder)], capture_output=True,
                          text=True, timeout=30, check=False)
    assert done.returncode == 0, done.stderr[-2000:]  # never a traceback
    result: dict[str, str | None] = json.loads(done.stdout)
    return result


def _extra(folder: Path, text: str, name: str = "zz_extra.yaml") -> Path:
    (folder / name).write_text(text, encoding="utf-8")
    return folder


ALIAS_BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
    for p, c in zip("abcdefgh", "bcdefghi", strict=True))


def _rule(when: str) -> str:
    return ("rules:\n  - id: hostile\n    label: A hostile rule\n    when: " + when + "\n"
            "    then: [T1]\n    stance: interpretation\n    reason: a test\n"
            "    locator: {section: scenarios, list: threats, item: 1}\n")


CASES = {
    "alias bomb": ALIAS_BOMB,
    "alias inside a when": "x: &w {any: [D1, D2]}\n" + _rule("*w"),
    "deep nesting": "x: " + "[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5) + "\n",
    "very deep nesting": "x: " + "[" * 10_000 + "]" * 10_000 + "\n",
    "deep when": _rule("{all: [" * 200 + "D1" + "]}" * 200),
    "a 5,000-digit integer": "x: " + "9" * 5000 + "\n",
    "!!int abc": "x: !!int abc\n",
    "!!float abc": "x: !!float abc\n",
    "!!bool maybe": "x: !!bool maybe\n",
    "exponential when": _rule("{all: [" + ", ".join(["{any: [I1, I2]}"] * 16) + "]}"),
    "not UTF-8": None,
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_hostile_file_is_a_rules_file_error(case: str, stock_copy: Path) -> None:
    text = CASES[case]
    if text is None:
        (stock_copy / "zz_extra.yaml").write_bytes(b"x: \xff\xfe\n")
    else:
        _extra(stock_copy, text)
    found = _load_in_a_fresh_process(stock_copy)
    assert found["error"] in ("RulesFileError", "ValidationError"), found
    assert "zz_extra.yaml" in str(found["message"])


def test_an_exponential_when_is_refused_before_it_expands(stock_copy: Path) -> None:
    _extra(stock_copy, _rule("{all: [" + ", ".join(["{any: [I1, I2]}"] * 40) + "]}"))
    with pytest.raises(kzpolicy.ValidationError, match=f"at most {MAX_CONJUNCTIONS}"):
        kzpolicy.load(stock_copy)


def test_an_oversized_file_is_refused_unread(stock_copy: Path) -> None:
    _extra(stock_copy, "# padding\n" * (MAX_FILE_BYTES // 10 + 1))
    with pytest.raises(kzpolicy.RulesFileError, match="larger than"):
        kzpolicy.load(stock_copy)


def test_an_alias_error_names_the_line(stock_copy: Path) -> None:
    _extra(stock_copy, "x: &w [D1]\ny: *w\n")
    with pytest.raises(kzpolicy.RulesFileError) as info:
        kzpolicy.load(stock_copy)
    assert (info.value.file, info.value.line) == ("zz_extra.yaml", 2)


# ------------------------------------------------------------------ nothing skipped
def _entries(folder: Path) -> dict[str, object]:
    outside = folder.parent / "outside.yaml"
    outside.write_text("x: 1\n", encoding="utf-8")
    return {
        "MORE.YAML": lambda: (folder / "MORE.YAML").write_text("x: 1\n", encoding="utf-8"),
        "dangling.yaml": lambda: (folder / "dangling.yaml").symlink_to(folder / "gone.yaml"),
        "outside.yaml": lambda: (folder / "outside.yaml").symlink_to(outside),
        "dir.yaml": lambda: (folder / "dir.yaml").mkdir(),
        "fifo.yaml": lambda: os.mkfifo(folder / "fifo.yaml"),
    }


@pytest.mark.parametrize("entry", ["MORE.YAML", "dangling.yaml", "outside.yaml",
                                   "dir.yaml", "fifo.yaml"])
def test_an_entry_that_is_not_a_plain_rules_file_is_reported(
        entry: str, stock_copy: Path) -> None:
    make = _entries(stock_copy)[entry]
    assert callable(make)
    make()
    with pytest.raises(kzpolicy.RulesFileError) as info:
        kzpolicy.load(stock_copy)
    assert info.value.file == entry
    problems = kzpolicy.check(stock_copy)
    assert [p.file for p in problems if p.check == "file"] == [entry]


def test_a_link_inside_the_folder_is_read(stock_copy: Path) -> None:
    (stock_copy / "conditions.yaml").rename(stock_copy / "conditions.txt")
    (stock_copy / "conditions.yaml").symlink_to(stock_copy / "conditions.txt")
    assert kzpolicy.load(stock_copy).version == kzpolicy.load().version


# ------------------------------------------------------------------ messages stay short
def test_a_huge_bad_value_is_quoted_short() -> None:
    with pytest.raises(kzpolicy.UnknownConditionError) as info:
        kzpolicy.assess({"x" * 1_000_000: True})
    assert len(str(info.value)) < 500 and "1,000,002 characters" in str(info.value)


def test_a_huge_bad_argument_is_quoted_short() -> None:
    with pytest.raises(kzpolicy.ArgumentTypeError) as info:
        kzpolicy.load(b"x" * 1_000_000)  # type: ignore[arg-type]
    assert len(str(info.value)) < 500


# ------------------------------------------------------------------ hostile text
@pytest.mark.parametrize("char", ["\x1b", "\x07", "\u202e", "\x9b"])
def test_a_control_character_in_knowledge_base_text_is_refused(
        char: str, stock_copy: Path) -> None:
    text = (stock_copy / "swot.yaml").read_text(encoding="utf-8")
    first = text.index("label: ") + len("label: ")
    escaped = f"\\u{ord(char):04x}"  # a YAML escape: raw control characters are not YAML
    (stock_copy / "swot.yaml").write_text(
        text[:first] + f'"Hostile {escaped}]2;owned{escaped} label" #' + text[first:],
        encoding="utf-8")
    with pytest.raises(kzpolicy.ValidationError) as info:
        kzpolicy.load(stock_copy)
    assert [p.check for p in info.value.problems] == ["text"]
    assert "swot.yaml" in str(info.value) and f"U+{ord(char):04X}" in str(info.value)


def test_markdown_carries_no_raw_html_from_the_knowledge_base(stock_copy: Path) -> None:
    text = (stock_copy / "scenarios.yaml").read_text(encoding="utf-8")
    first = text.index("label: ") + len("label: ")
    (stock_copy / "scenarios.yaml").write_text(
        text[:first] + '"<script>alert(1)</script> & co" #' + text[first:], encoding="utf-8")
    kb = kzpolicy.load(stock_copy)
    for result in (kzpolicy.assess(kb=kb), kzpolicy.assess(["I1", "I2", "I3", "I4"], kb=kb)):
        page = kzpolicy.render(result, "markdown", kb=kb)
        assert "<script>" not in page
    assert "&lt;script&gt;" in kzpolicy.render(kzpolicy.assess(["I1", "I2", "I3", "I4"],
                                                               kb=kb), "markdown", kb=kb)


def test_markdown_escapes_free_text_locators(stock_copy: Path) -> None:
    text = (stock_copy / "scenarios.yaml").read_text(encoding="utf-8")
    old = "where: first paragraph}"
    assert old in text
    (stock_copy / "scenarios.yaml").write_text(
        text.replace(old, 'where: "first <img src=x onerror=alert(1)> | paragraph"}'),
        encoding="utf-8")
    kb = kzpolicy.load(stock_copy)
    page = kzpolicy.render(kzpolicy.assess(["I1", "I2", "I3", "I4"], kb=kb), "markdown", kb=kb)
    assert "<img" not in page and "&lt;img" in page
