"""The explanation's lines kept per shared result part (report.explain's table) give the
text made afresh: an explanation read with the table warm equals the one made with no
table at all, across inputs, engines and readings that share parts."""

from __future__ import annotations

import random
import sys
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import ParamSpec

import pytest

import kzpolicy
from kzpolicy.kb.knowledge import KnowledgeBase
from kzpolicy.report.explain import Labels, _Lines, explain

sys.path.insert(0, str(Path(__file__).parent.parent))

import fuzz

_P = ParamSpec("_P")


class _NoTable(_Lines):
    """Lines made every time, never kept: the reference."""

    def get(self, part: object, variant: Hashable, make: Callable[_P, list[str]],
            *args: _P.args, **kwargs: _P.kwargs) -> list[str]:
        return make(*args, **kwargs)

    def get_all(self, parts: tuple[object, ...], variant: Hashable,
                make: Callable[_P, list[str]], *args: _P.args, **kwargs: _P.kwargs
                ) -> list[str]:
        return make(*args, **kwargs)

    def of(self, key: Hashable, make: Callable[_P, list[str]], *args: _P.args,
           **kwargs: _P.kwargs) -> list[str]:
        return make(*args, **kwargs)


def _inputs(kb: KnowledgeBase, n: int) -> list[dict[str, bool]]:
    rnd = random.Random(22)
    ids = list(kb.condition_ids)
    return [{c: rnd.random() < 0.7 for c in rnd.sample(ids, rnd.randint(0, 14))}
            for _ in range(n)]


@pytest.mark.parametrize("reading", [None, "count-4", "stated-only", "ties-to-pole"])
def test_warm_lines_give_the_text_made_afresh(reading: str | None) -> None:
    kb = kzpolicy.load()
    labels = Labels(kb)
    table = kb.derived(_Lines).table
    inputs = _inputs(kb, 150)
    warm = []
    for x in inputs:  # two engines and two readings share the memoised parts
        explain(kzpolicy.assess(x, kb=kb), labels)
        warm.append(explain(kzpolicy.assess(x, kb=kb, engine="bitset", reading=reading),
                            labels))
    assert table, "the table holds lines once explanations were made"
    assert any(key[0] == "Risks flagged" for key in table), "and whole groups of items"
    afresh = Labels(kb)
    afresh.lines = _NoTable()
    for x, text in zip(inputs, warm, strict=True):
        fresh = explain(kzpolicy.assess(x, kb=kb, engine="bitset", reading=reading), afresh)
        assert fresh == text, x


def test_no_knowledge_base_means_bare_ids_in_a_table_of_their_own() -> None:
    kb = kzpolicy.load()
    a = kzpolicy.assess({"D1": True}, kb=kb)
    bare = explain(a, Labels())
    labelled = explain(a, Labels(kb))
    assert bare != labelled
    assert explain(a, Labels()) == bare
    assert kb.label_of("D1") in labelled


def test_empty_groups_are_kept_under_their_own_titles() -> None:
    # every empty group has the same (no) parts: the title tells their lines apart
    kb = kzpolicy.load()
    labels = Labels(kb)
    for _ in range(2):  # made, then read from the table
        text = explain(kzpolicy.assess({}, kb=kb), labels)
        assert "\nRisks flagged (0):\n" in text
        assert "\nStrengths and opportunities engaged (0):\n" in text


def test_warm_lines_on_generated_rules_give_the_text_made_afresh(tmp_path: Path) -> None:
    # rule sets with cycles, negations, chains through items and scenario triggers:
    # groups said together, shared chains and contested items the stock rules lack
    for kb in fuzz.loadable_kbs(tmp_path, 6, seed=11):
        labels = Labels(kb)
        inputs = _inputs(kb, 120)
        warm = [explain(kzpolicy.assess(x, kb=kb, engine=engine), labels)
                for x in inputs for engine in ("durable", "bitset")]
        afresh = Labels(kb)
        afresh.lines = _NoTable()
        made = [explain(kzpolicy.assess(x, kb=kb, engine=engine), afresh)
                for x in inputs for engine in ("durable", "bitset")]
        assert warm == made
