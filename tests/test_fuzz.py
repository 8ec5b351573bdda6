"""A short run of the fuzz suite (tests/fuzz.py) in every `make test`; `make fuzz` runs
the long one. Random knowledge bases are checked three ways (durable-rules, the bitset
engine, an independent fixpoint oracle) and mutated rules files must load or be refused
with a kzpolicy error: never a wrong answer, a foreign exception or a hang."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

import fuzz
import kzpolicy


@pytest.mark.parametrize("seed", range(6))
def test_random_knowledge_bases_agree_three_ways(seed: int, tmp_path: Path) -> None:
    counts = fuzz.Counts()
    fuzz.check_kb(1000 + seed, 40, counts, tmp_path)
    assert (counts.wrong, counts.foreign, counts.hangs) == ([], [], [])
    assert counts.cases >= 1


def test_mutated_rules_files_load_or_are_refused(tmp_path: Path) -> None:
    counts = fuzz.Counts()
    for seed in range(40):
        fuzz.check_mutation(seed, counts, tmp_path)
    assert (counts.foreign, counts.hangs) == ([], [])
    assert counts.cases == 40 and counts.refused > 0


def test_the_oracle_agrees_with_the_stock_rules_and_can_disagree() -> None:
    rng = random.Random(7)
    for given in fuzz.random_inputs(rng, 100):
        a = kzpolicy.assess(given)
        assert fuzz.reported(kzpolicy.load(), given, a.scenario.id) == a.flagged_ids()
    # it is not the engine: a fact it is not given changes its answer
    assert fuzz.oracle(kzpolicy.load(), {"D2": True}, "balance") != \
        fuzz.oracle(kzpolicy.load(), {}, "balance")
