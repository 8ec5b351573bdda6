"""kzpolicy.replay: logged decisions re-run against other rules, checked against a direct
recomputation of every decision with ``assess``, one at a time (the stock rules, the
``stated-only`` reading, generated knowledge bases), in chunks and capped."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from decisions import direct_changes, random_inputs, records, write_log

import kzpolicy
from fuzz import random_rules, write_kb
from kzpolicy.journal.log import DecisionLog

KB = kzpolicy.load()


@pytest.fixture(scope="module")
def stock_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("log") / "decisions.jsonl"
    write_log(path, KB, random_inputs(random.Random(25), KB, 300))
    return path


def generated_kb(rng: random.Random, folder: Path) -> kzpolicy.KnowledgeBase:
    """The stock rules and 12 random ones (drawn again until they pass the checks)."""
    for _ in range(50):
        try:
            return kzpolicy.load(write_kb(folder, random_rules(rng, 12)))
        except kzpolicy.ValidationError:
            continue
    raise AssertionError("no valid generated knowledge base in 50 draws")


def check(result: kzpolicy.Replay, path: Path, kb: kzpolicy.KnowledgeBase) -> None:
    """The replay lists exactly the decisions the brute force finds changed, and how."""
    changed, skipped = direct_changes(path, kb)
    assert result.lines == len(records(path))
    assert result.changed == len(changed)
    assert result.replayed + result.skipped == result.lines
    assert result.unchanged == result.replayed - result.changed
    assert result.skipped == len(skipped)
    assert not result.capped
    found = {c.line: (c.scenario_before, c.scenario_after, set(c.added), set(c.cleared))
             for c in result.changes}
    assert found == changed


def test_the_same_rules_change_nothing(stock_log: Path) -> None:
    r = kzpolicy.replay(stock_log)
    assert (r.lines, r.replayed, r.changed, r.skipped) == (300, 300, 0, 0)
    assert r.changes == () and r.warnings == ()
    assert (r.kb_version, r.reading) == (KB.version, "article")


def test_stated_only_changes_what_a_direct_recomputation_changes(stock_log: Path) -> None:
    target = kzpolicy.load(reading="stated-only")
    r = kzpolicy.replay(stock_log, reading="stated-only")
    assert r.changed == 300  # no decision rule: every scenario becomes undecided
    check(r, stock_log, target)


@pytest.mark.parametrize("reading", ["count-4", "ties-to-pole"])
def test_other_readings_match_the_direct_recomputation(stock_log: Path, reading: str) -> None:
    r = kzpolicy.replay(stock_log, reading=reading)
    check(r, stock_log, kzpolicy.load(reading=reading))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_generated_knowledge_bases_match_the_direct_recomputation(
        tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    other = generated_kb(rng, tmp_path / "other")
    # decisions logged on the stock rules, replayed on the generated ones, and back
    there = tmp_path / "stock.jsonl"
    write_log(there, KB, random_inputs(rng, KB, 200))
    r = kzpolicy.replay(there, kb=other)
    assert r.changed > 0  # the generated rules flag other items
    check(r, there, other)
    back = tmp_path / "other.jsonl"
    write_log(back, other, random_inputs(rng, other, 200))
    check(kzpolicy.replay(back), back, KB)
    assert kzpolicy.replay(back, kb=other).changed == 0


def test_chunks_and_the_cap_change_no_count(stock_log: Path) -> None:
    whole = kzpolicy.replay(stock_log, reading="stated-only")
    assert whole.changed > 10
    parts = kzpolicy.replay(stock_log, reading="stated-only", chunk=7, max_changes=10)
    assert (parts.changed, parts.unchanged, parts.replayed) == (
        whole.changed, whole.unchanged, whole.replayed)
    assert parts.capped and len(parts.changes) == 10 and parts.max_changes == 10
    assert parts.changes == whole.changes[:10]
    assert "Only the first 10 of the" in kzpolicy.render(parts)


def test_nothing_is_skipped_silently(tmp_path: Path) -> None:
    path = tmp_path / "log.jsonl"
    with DecisionLog(path) as log:
        for conditions, preset in [({"D1": True}, None), ({"D1": True}, "article-2010")]:
            a = kzpolicy.assess(conditions, preset=preset)
            log.append("assess", {"conditions": conditions, "preset": preset}, a,
                       kb_version=KB.version, reading=KB.reading)
        w = kzpolicy.what_if(changes={"D1": True})
        log.append("what-if", {"changes": {"D1": True}}, w, kb_version=KB.version,
                   reading=KB.reading)
        rec = json.loads(path.read_text().splitlines()[0])
        log.write({**rec, "input": {"conditions": {"no_such_condition": True}}})
        log.write({**rec, "input": {"conditions": {}, "preset": "no-such-preset"}})
    r = kzpolicy.replay(path)
    assert (r.lines, r.replayed, r.changed, r.skipped) == (5, 2, 0, 3)
    skips = {s.reason: (s.count, s.first_line) for s in r.skips}
    assert skips == {"not-replayable": (1, 3), "unknown-condition": (1, 4),
                     "unknown-preset": (1, 5)}
    text = kzpolicy.render(r)
    assert "no_such_condition" in text and "no-such-preset" in text and "what-if" in text


def test_a_rules_folder_that_lacks_the_conditions_skips_them(stock_log: Path) -> None:
    other = kzpolicy.load(Path(__file__).resolve().parents[1] / "kb" / "fixtures" / "other_kb")
    r = kzpolicy.replay(stock_log, kb=other)
    assert r.skipped > 0 and r.replayed + r.skipped == 300
    assert {s.reason for s in r.skips} <= {"unknown-condition", "unknown-preset"}
    check(r, stock_log, other)


def test_bad_arguments_are_refused(tmp_path: Path) -> None:
    with pytest.raises(kzpolicy.ArgumentTypeError):
        kzpolicy.replay(3)  # type: ignore[arg-type]
    with pytest.raises(kzpolicy.InputError, match="cannot read the decision log"):
        kzpolicy.replay(tmp_path / "missing.jsonl")
    with pytest.raises(kzpolicy.InputError, match="is a folder"):
        kzpolicy.replay(tmp_path)
    with pytest.raises(kzpolicy.InputError, match="chunk at least 1"):
        kzpolicy.replay(tmp_path / "x", chunk=0)


def test_render_formats(stock_log: Path) -> None:
    r = kzpolicy.replay(stock_log, reading="stated-only", max_changes=3)
    md = kzpolicy.render(r, "markdown")
    assert md.startswith("## Replay of ") and "balance -&gt; undecided" in md
    with pytest.raises(kzpolicy.InputError, match="no HTML form"):
        kzpolicy.render(r, "html")
    assert kzpolicy.Replay.model_validate_json(r.model_dump_json()) == r


def test_an_item_the_rules_lack_is_cleared(tmp_path: Path) -> None:
    path = tmp_path / "log.jsonl"
    a = kzpolicy.assess({"D1": True})
    with DecisionLog(path) as log:
        log.append("assess", {"conditions": {"D1": True}}, a, kb_version=KB.version,
                   reading=KB.reading)
        rec = json.loads(path.read_text())
        log.write({**rec, "flagged": [*rec["flagged"], "ZZ9"]})
        log.write({**rec, "scenario": "no-such-scenario"})
    r = kzpolicy.replay(path)
    assert (r.replayed, r.changed) == (3, 2)
    assert [(c.line, c.added, c.cleared) for c in r.changes] == [(2, (), ("ZZ9",)),
                                                                 (3, (), ())]
    assert r.changes[1].scenario_before == "no-such-scenario"
