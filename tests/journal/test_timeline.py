"""The timeline: each date's results are those of ``assess`` and ``probabilities`` on that
date's situation (on the stock knowledge base and on a generated one), and "caused by" is
exactly what a brute force over every subset of the changed beliefs finds."""

from __future__ import annotations

import datetime
import random
import sys
from itertools import combinations, pairwise
from pathlib import Path
from typing import Any

import pytest

import kzpolicy
from kzpolicy.journal.situation import Situation

sys.path.insert(0, str(Path(__file__).parents[1] / "analysis"))  # the generated rules
import kbgen

EXAMPLES = Path(__file__).parents[2] / "examples" / "journal"
KB = kzpolicy.load()
Beliefs = dict[str, bool | float]


def _situation(beliefs: Beliefs, day: int, title: str = "generated") -> Situation:
    return Situation.model_validate({
        "title": title, "as_of": datetime.date(2014, 1, 1) + datetime.timedelta(days=day),
        "beliefs": beliefs})


def _direct(kb: kzpolicy.KnowledgeBase, s: Situation) -> dict[str, Any]:
    """What a date shows, computed straight from assess and probabilities."""
    a = kzpolicy.assess(s.certain(), kb=kb)
    out: dict[str, Any] = {"scenario": a.scenario.id, "shares": a.scenario.shares,
                           "risks": tuple(f.id for f in a.risks), "probabilities": None,
                           "most_likely": a.scenario.id}
    if s.uncertain():
        p = kzpolicy.probabilities(s.uncertain(), fixed=s.certain(), kb=kb)
        out["probabilities"] = {k: v.probability for k, v in p.scenarios.items()}
        out["most_likely"] = p.most_likely
    return out


def _shown(e: kzpolicy.TimelineEntry) -> dict[str, Any]:
    return {"scenario": e.scenario, "shares": e.shares, "risks": e.risks,
            "probabilities": e.probabilities, "most_likely": e.most_likely}


def _check_each_date(kb: kzpolicy.KnowledgeBase, situations: list[Situation]) -> None:
    t = kzpolicy.timeline(situations, kb=kb)
    ordered = sorted(situations, key=lambda s: s.as_of)
    assert [e.as_of for e in t.entries] == [s.as_of for s in ordered]
    for e, s in zip(t.entries, ordered, strict=True):
        assert _shown(e) == _direct(kb, s), e.as_of
    for before, after in pairwise(t.entries):
        assert set(after.added) == set(after.risks) - set(before.risks)
        assert set(after.cleared) == set(before.risks) - set(after.risks)


# ---------------------------------------------------------------------- generated input
def _random_beliefs(rng: random.Random, ids: list[str], size: int, uncertain: int
                    ) -> Beliefs:
    chosen = rng.sample(ids, size)
    out: Beliefs = {c: rng.random() < 0.6 for c in chosen}
    for c in rng.sample(chosen, min(uncertain, len(chosen))):
        out[c] = rng.choice([0.25, 0.5, 0.7])
    return out


def _mutate(rng: random.Random, ids: list[str], beliefs: Beliefs, changes: int) -> Beliefs:
    out = dict(beliefs)
    for c in rng.sample(ids, changes):
        r = rng.random()
        if c in out and r < 0.25:
            del out[c]
        elif r < 0.4 and sum(not isinstance(v, bool) for v in out.values()) < 3:
            out[c] = rng.choice([0.3, 0.6])
        else:
            out[c] = not out[c] if isinstance(out.get(c), bool) else rng.random() < 0.6
    return out or {ids[0]: True}


def _journal(rng: random.Random, kb: kzpolicy.KnowledgeBase, dates: int) -> list[Situation]:
    ids = list(kb.condition_ids)
    beliefs = _random_beliefs(rng, ids, 10, 2)
    out = [_situation(beliefs, 0)]
    for n in range(1, dates):
        beliefs = _mutate(rng, ids, beliefs, rng.randint(1, 6))
        out.append(_situation(beliefs, 7 * n))
    rng.shuffle(out)  # the timeline puts them in date order
    return out


@pytest.fixture(scope="module")
def generated_kb(tmp_path_factory: pytest.TempPathFactory) -> kzpolicy.KnowledgeBase:
    return kzpolicy.load(kbgen.many_factors(tmp_path_factory.mktemp("rules") / "rules", 18,
                                            rules=40, seed=5))


# ---------------------------------------------------------------------- each date
def test_the_example_journal_matches_assess_and_probabilities() -> None:
    situations = [kzpolicy.situation(p) for p in sorted(EXAMPLES.glob("*.yaml"))]
    assert any(s.uncertain() for s in situations) and any(not s.uncertain()
                                                          for s in situations)
    _check_each_date(KB, situations)
    assert kzpolicy.timeline(EXAMPLES) == kzpolicy.timeline(situations)


@pytest.mark.parametrize("seed", range(4))
def test_each_date_matches_assess_and_probabilities_on_the_stock_rules(seed: int) -> None:
    _check_each_date(KB, _journal(random.Random(seed), KB, 5))


@pytest.mark.parametrize("seed", range(3))
def test_each_date_matches_on_a_generated_knowledge_base(
        generated_kb: kzpolicy.KnowledgeBase, seed: int) -> None:
    _check_each_date(generated_kb, _journal(random.Random(100 + seed), generated_kb, 4))


# ---------------------------------------------------------------------- caused by
def _state(kb: kzpolicy.KnowledgeBase, beliefs: Beliefs) -> tuple[str, frozenset[str], str]:
    shown = _direct(kb, _situation(beliefs, 0))
    return shown["scenario"], frozenset(shown["risks"]), shown["most_likely"]


def _undone(d: kzpolicy.Difference, state: tuple[str, frozenset[str], str]) -> bool:
    scenario, risks, likely = state
    if d.kind == "scenario":
        return scenario == d.before
    if d.kind == "most-likely":
        return likely == d.before
    return (d.subject in risks) == (d.kind == "cleared")


def _brute_force(kb: kzpolicy.KnowledgeBase, before: Beliefs, now: Beliefs,
                 d: kzpolicy.Difference, limit: int) -> set[frozenset[str]]:
    """The smallest subsets (up to ``limit``) of the changed beliefs whose putting back
    undoes ``d``, every subset tried."""
    changed = sorted(c for c in set(before) | set(now)
                     if type(before.get(c)) is not type(now.get(c))
                     or before.get(c) != now.get(c))
    undoing: list[frozenset[str]] = []
    for size in range(len(changed) + 1):
        for which in combinations(changed, size):
            back = dict(now)
            for c in which:
                if c in before:
                    back[c] = before[c]
                else:
                    del back[c]
            if _undone(d, _state(kb, back)):
                undoing.append(frozenset(which))
    assert frozenset(changed) in undoing  # putting every one back is the date before
    smallest = min(len(u) for u in undoing)
    return {u for u in undoing if len(u) == smallest} if smallest <= limit else set()


def _beliefs(s: Situation) -> Beliefs:
    return {**s.certain(), **s.uncertain()}


def _check_causes(kb: kzpolicy.KnowledgeBase, rng: random.Random, limit: int) -> int:
    ids = list(kb.condition_ids)
    before = _random_beliefs(rng, ids, 8, 1)
    now = _mutate(rng, ids, before, rng.randint(2, 5))
    t = kzpolicy.timeline([_situation(before, 0), _situation(now, 1)], kb=kb,
                          max_cause=limit)
    checked = 0
    for d in t.entries[1].differences:
        got = {frozenset(c) for c in d.caused_by}
        assert got == _brute_force(kb, before, now, d, limit), d
        changed = len(t.entries[1].changes)
        assert d.searched == (len(d.caused_by[0]) if got else min(limit, changed))
        checked += 1
    return checked


@pytest.mark.parametrize("limit", [1, 3])
def test_caused_by_is_the_brute_force_answer_on_the_stock_rules(limit: int) -> None:
    rng = random.Random(7 + limit)
    assert sum(_check_causes(KB, rng, limit) for _ in range(14)) > 10


def test_caused_by_is_the_brute_force_answer_on_a_generated_knowledge_base(
        generated_kb: kzpolicy.KnowledgeBase) -> None:
    rng = random.Random(11)
    assert sum(_check_causes(generated_kb, rng, 3) for _ in range(20)) > 5


def test_a_difference_no_single_change_undoes_is_caused_by_a_pair() -> None:
    t = kzpolicy.timeline(EXAMPLES)
    june = next(e for e in t.entries if e.as_of == datetime.date(2014, 6, 30))
    scenario = next(d for d in june.differences if d.kind == "scenario")
    assert (scenario.before, scenario.subject) == ("distancing", "balance")
    assert scenario.caused_by == (("D1", "D2"),)


# ---------------------------------------------------------------------- journals
def test_one_file_with_dated_entries_is_a_journal(tmp_path: Path) -> None:
    path = tmp_path / "journal.yaml"
    path.write_text(
        "title: My journal\nentries:\n"
        "  - {title: later, as_of: 2014-05-01, beliefs: {D1: true, D2: true}}\n"
        "  - {title: earlier, as_of: 2014-04-01, beliefs: {D1: true}}\n", encoding="utf-8")
    t = kzpolicy.timeline(path)
    assert t.title == "My journal"
    assert [e.title for e in t.entries] == ["earlier", "later"]
    assert [c.condition for c in t.entries[1].changes] == ["D2"]
    assert kzpolicy.Timeline.model_validate_json(t.model_dump_json()) == t


@pytest.mark.parametrize(("text", "found"), [
    ("entries: []\n", "journal.yaml:1: entries: List should have at least 1 item"),
    ("title: x\nentries:\n  - {title: a, as_of: 2014-05-01, beliefs: {D1: 3}}\n",
     "journal.yaml:3: entries.0.beliefs.D1: 3 is not from 0 to 1"),
    ("entries:\n  - {title: a, as_of: 2014-05-01, beliefs: {D1: true}}\n"
     "  - {title: b, as_of: 2014-05-01, beliefs: {D2: true}}\n",
     "journal.yaml:3: two situations as of 2014-05-01 (the other is "),
    ("entry: []\n", "journal.yaml:1: not a journal; write `entries:`"),
])
def test_a_malformed_journal_is_refused_with_its_line(tmp_path: Path, text: str,
                                                        found: str) -> None:
    path = tmp_path / "journal.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(kzpolicy.InputError) as info:
        kzpolicy.timeline(path)
    assert f"{tmp_path}/{found}" in str(info.value)


def test_a_folder_needs_situation_files(tmp_path: Path) -> None:
    with pytest.raises(kzpolicy.InputError, match="no situation file"):
        kzpolicy.timeline(tmp_path)
    (tmp_path / "notes.yaml").write_text("D1: true\n", encoding="utf-8")
    with pytest.raises(kzpolicy.InputError, match=r"notes\.yaml:1: not a situation file"):
        kzpolicy.timeline(tmp_path)


def test_the_timeline_under_a_reading_is_that_reading_s() -> None:
    t = kzpolicy.timeline(EXAMPLES, reading="stated-only")
    assert t.reading == "stated-only"
    assert {e.scenario for e in t.entries} == {"undecided"}


def test_the_search_stops_short_of_too_many_tries(monkeypatch: pytest.MonkeyPatch) -> None:
    from kzpolicy.journal import timeline as module

    monkeypatch.setattr(module, "MAX_TRIED", 3)  # June: 3 single beliefs fit, 3 pairs do not
    t = kzpolicy.timeline(EXAMPLES)
    june = next(e for e in t.entries if e.as_of == datetime.date(2014, 6, 30))
    assert len(june.changes) == 3
    assert {d.searched for d in june.differences} == {1}  # 3 singles, not the 3 pairs
    scenario = next(d for d in june.differences if d.kind == "scenario")
    assert scenario.caused_by == ()  # the pair that undoes it is past the limit
    march = next(e for e in t.entries if e.as_of == datetime.date(2014, 3, 18))
    assert len(march.changes) == 6 and {d.searched for d in march.differences} == {0}
