"""The reading limits are the caller's: ``kzpolicy.load(path, limits=ReadingLimits(...))``
and ``kzpolicy.check(path, limits=...)`` read a folder with them. At each limit a folder
loads, one past it is refused with a kzpolicy error naming the file, the line and the
limit and how to raise it, and a raised limit reads it."""

from __future__ import annotations

import dataclasses
import threading
from pathlib import Path

import pytest

import kzpolicy
from kzpolicy.kb.limits import (
    MAX_CONJUNCTIONS,
    MAX_DEPTH,
    MAX_FILE_BYTES,
    ReadingLimits,
    reading_limits,
)
from kzpolicy.kb.loading import stock_rules_path


def _rule(when: str, ident: str = "limited") -> str:
    return (f"rules:\n  - id: {ident}\n    label: A rule at a reading limit\n"
            f"    when: {when}\n    then: [T1]\n    stance: interpretation\n"
            "    reason: a test of a reading limit\n"
            "    locator: {section: scenarios, list: threats, item: 1}\n")


def _extra(folder: Path, text: str) -> Path:
    (folder / "zz_extra.yaml").write_text(text, encoding="utf-8")
    return folder


def _nested(levels: int) -> str:
    """A `when` of ``levels`` nested ``all`` around D2: the file nests 2 * levels + 4 deep
    (the top mapping, the list of rules, the rule, then a mapping and a list per level,
    counted from one)."""
    return "{all: [" * levels + "D2" + "]}" * levels


def _pairs(n: int) -> str:
    """A `when` that expands to 2 ** n conjunctions."""
    return "{all: [" + ", ".join(f"{{any: [I{i % 7 + 1}, B{i % 7 + 1}]}}" for i in range(n)) + "]}"


def _fires(kb: kzpolicy.KnowledgeBase, given: list[str], rule: str = "limited") -> bool:
    a = kzpolicy.assess(given, kb=kb, engine="bitset")
    return any(step.rule == rule for step in a.trace)


def test_the_defaults_are_the_documented_constants() -> None:
    limits = kzpolicy.ReadingLimits()
    assert (limits.file_bytes, limits.depth, limits.conjunctions) == \
        (MAX_FILE_BYTES, MAX_DEPTH, MAX_CONJUNCTIONS)
    assert kzpolicy.ReadingLimits is ReadingLimits and reading_limits() == limits
    with pytest.raises(dataclasses.FrozenInstanceError):
        limits.depth = 3  # type: ignore[misc]


# ------------------------------------------------------------------ file size
def test_file_size_at_the_limit_loads_and_one_byte_more_is_refused(stock_copy: Path) -> None:
    biggest = max(p.stat().st_size for p in stock_rules_path().glob("*.yaml"))
    limit = biggest + 1000
    text = "# padding\n" * 50 + _rule("D2")
    text += "#" * (limit - len(text.encode()) - 1) + "\n"
    assert len(text.encode()) == limit
    kb = kzpolicy.load(_extra(stock_copy, text), limits=ReadingLimits(file_bytes=limit))
    assert _fires(kb, ["D2"])
    _extra(stock_copy, text + "\n")
    with pytest.raises(kzpolicy.RulesFileError) as info:
        kzpolicy.load(stock_copy, limits=ReadingLimits(file_bytes=limit))
    err = info.value
    assert err.file == "zz_extra.yaml" and err.line == text.count("\n") + 1
    assert f"larger than {limit:,} bytes" in str(err)
    assert "ReadingLimits.file_bytes" in str(err) and "ReadingLimits(file_bytes=...)" in str(err)
    # the default limit reads the same file
    assert _fires(kzpolicy.load(stock_copy), ["D2"])


def test_check_lists_a_file_past_the_size_limit_as_a_problem(stock_copy: Path) -> None:
    problems = [p for p in kzpolicy.check(stock_copy, limits=ReadingLimits(file_bytes=100))
                if p.check == "yaml"]
    assert all("ReadingLimits.file_bytes" in p.message for p in problems)
    assert {p.file for p in problems} == {p.name for p in stock_copy.glob("*.yaml")}
    assert kzpolicy.check(stock_copy) == []


# ------------------------------------------------------------------ nesting depth
def test_depth_at_the_limit_loads_and_one_deeper_is_refused(stock_copy: Path) -> None:
    depth = 40  # 2 * 18 + 4
    _extra(stock_copy, "# a comment\n" + _rule(_nested(18)))
    kb = kzpolicy.load(stock_copy, limits=ReadingLimits(depth=depth))
    assert _fires(kb, ["D2"])
    with pytest.raises(kzpolicy.RulesFileError) as info:
        kzpolicy.load(stock_copy, limits=ReadingLimits(depth=depth - 1))
    err = info.value
    assert (err.file, err.line) == ("zz_extra.yaml", 5)
    assert f"nested more than {depth - 1} levels" in str(err)
    assert "ReadingLimits.depth" in str(err) and "ReadingLimits(depth=...)" in str(err)


def test_a_raised_depth_limit_reads_what_the_default_refuses(stock_copy: Path) -> None:
    levels = (MAX_DEPTH - 4) // 2 + 1  # one level past the default
    _extra(stock_copy, _rule(_nested(levels)))
    with pytest.raises(kzpolicy.RulesFileError, match=f"more than {MAX_DEPTH} levels"):
        kzpolicy.load(stock_copy)
    kb = kzpolicy.load(stock_copy, limits=ReadingLimits(depth=MAX_DEPTH + 2))
    assert _fires(kb, ["D2"]) and not _fires(kb, ["D1"])


# ------------------------------------------------------------------ conjunctions
def test_conjunctions_at_the_limit_load_and_one_more_is_refused(stock_copy: Path) -> None:
    kb = kzpolicy.load(_extra(stock_copy, _rule(_pairs(5))), limits=ReadingLimits(conjunctions=32))
    assert _fires(kb, ["I1", "I2", "B3", "I4", "B5"]) and not _fires(kb, ["I1", "I2"])
    _extra(stock_copy, "# a comment\n" + _rule(_pairs(5) + "  # here").replace(
        "[I1, B1]", "[I1, B1, D1]"))  # 48 conjunctions
    with pytest.raises(kzpolicy.ValidationError) as info:
        kzpolicy.load(stock_copy, limits=ReadingLimits(conjunctions=32))
    (problem,) = info.value.problems
    assert (problem.file, problem.line) == ("zz_extra.yaml", 5)  # the `when`
    assert "expands to 48 conjunctions; at most 32" in problem.message
    assert "ReadingLimits.conjunctions" in problem.message
    assert kzpolicy.check(stock_copy, limits=ReadingLimits(conjunctions=32)) == [problem]
    assert kzpolicy.check(stock_copy, limits=ReadingLimits(conjunctions=48)) == []


def test_a_raised_conjunction_limit_reads_what_the_default_refuses(stock_copy: Path) -> None:
    _extra(stock_copy, _rule(_pairs(9)))  # 512 conjunctions
    with pytest.raises(kzpolicy.ValidationError, match=f"at most {MAX_CONJUNCTIONS}"):
        kzpolicy.load(stock_copy)
    kb = kzpolicy.load(stock_copy, limits=ReadingLimits(conjunctions=512))
    given = ["I1", "B2", "I3", "B4", "I5", "B6", "I7"]  # one of each pair
    assert _fires(kb, given) and not _fires(kb, given[:-1])


# ------------------------------------------------------------------ where limits apply
def test_the_stock_knowledge_base_is_read_again_under_other_limits() -> None:
    """``load()`` is cached with the default limits; other limits read the folder again."""
    with pytest.raises(kzpolicy.RulesFileError, match=r"ReadingLimits\.file_bytes"):
        kzpolicy.load(limits=ReadingLimits(file_bytes=100))
    assert kzpolicy.load(limits=ReadingLimits()) is kzpolicy.load()
    again = kzpolicy.load(limits=ReadingLimits(file_bytes=MAX_FILE_BYTES + 1))
    assert again is not kzpolicy.load() and again.version == kzpolicy.load().version


def test_limits_apply_to_their_call_only(stock_copy: Path) -> None:
    _extra(stock_copy, _rule(_pairs(9)))
    with pytest.raises(kzpolicy.ValidationError):
        kzpolicy.load(stock_copy, limits=ReadingLimits(file_bytes=MAX_FILE_BYTES))
    assert reading_limits() == ReadingLimits()
    # a thread reading with raised limits does not raise them for another thread
    outcome: dict[str, object] = {}
    started = threading.Barrier(2)

    def read(name: str, limits: ReadingLimits | None) -> None:
        started.wait()
        try:
            outcome[name] = kzpolicy.load(stock_copy, limits=limits)
        except kzpolicy.KzPolicyError as exc:
            outcome[name] = exc

    threads = [threading.Thread(target=read, args=("raised", ReadingLimits(conjunctions=512))),
               threading.Thread(target=read, args=("default", None))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert isinstance(outcome["raised"], kzpolicy.KnowledgeBase)
    assert isinstance(outcome["default"], kzpolicy.ValidationError)


@pytest.mark.parametrize("bad", [{"depth": 0}, {"file_bytes": -1}, {"conjunctions": "9"},
                                 {"depth": True}, {"file_bytes": 1.5}])
def test_bad_limits_are_input_errors(bad: dict[str, object]) -> None:
    with pytest.raises(kzpolicy.InputError):
        ReadingLimits(**bad)  # type: ignore[arg-type]
