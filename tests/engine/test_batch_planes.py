"""The batch's bit planes (64 rows a word) and the rules run on them: the packed
fixpoint against the boolean one, slicing and joining planes at any row, the packed
columns turned into rows, and the decision read from its table, on generated knowledge
bases (cycles, negations, chains through items, scenario-triggered rules) and on the
decision forms ``count`` and ``none``."""

from __future__ import annotations

import itertools
import random
import sys
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

import kzpolicy
from kzpolicy.engine.batch import bits as planes
from kzpolicy.engine.batch import derive
from kzpolicy.engine.bitset import bitset
from kzpolicy.kb.knowledge import KnowledgeBase

sys.path.insert(0, str(Path(__file__).parent.parent))
sys.path.insert(0, str(Path(__file__).parent.parent / "analysis"))

import kbgen

import fuzz


def _reading(form: dict[str, object]) -> kzpolicy.Reading:
    return kzpolicy.Reading.model_validate({
        "id": "variant", "label": "v", "statement": "v", "reason": "v",
        "locator": {"section": "scenarios"}, "changes": [{"decision": form, "reason": "v"}]})


@pytest.fixture(scope="module")
def kbs(tmp_path_factory: pytest.TempPathFactory) -> list[KnowledgeBase]:
    """Generated rule sets (with cycles, negations, chains through items, scenario
    triggers), many factors, and the stock rules under the decision forms."""
    tmp = tmp_path_factory.mktemp("planes")
    found = fuzz.loadable_kbs(tmp / "fuzz", 8, seed=3)
    found.append(kzpolicy.load(kbgen.many_factors(tmp / "many", 300)))
    forms: list[dict[str, object]] = [{"form": "count", "threshold": 3}, {"form": "none"}]
    found += [kzpolicy.load(reading=_reading(form)) for form in forms]
    return found


def _matrix(kb: KnowledgeBase, n: int, seed: int) -> npt.NDArray[np.int8]:
    rng = np.random.default_rng(seed)
    known = rng.random((n, 1)) * 1.3 > rng.random((n, len(kb.condition_ids)))
    true = rng.random((n, len(kb.condition_ids))) < rng.random((n, 1))
    return np.where(known, true.astype(np.int8), np.int8(-1)).astype(np.int8)


def test_the_rules_on_planes_equal_the_rules_on_booleans(kbs: list[KnowledgeBase]) -> None:
    assert any(not bitset(kb).single_pass for kb in kbs)  # some rules form a cycle
    for seed, kb in enumerate(kbs):
        matrix = _matrix(kb, 1000 + seed * 37, seed)
        n, ids = len(matrix), kb.condition_ids
        batch = kzpolicy.assess_many(columns={c: matrix[:, k] for k, c in enumerate(ids)},
                                     kb=kb)
        result = bitset(kb).evaluate(n, {c: matrix[:, k] == 1 for k, c in enumerate(ids)},
                                     {c: matrix[:, k] == 0 for k, c in enumerate(ids)})
        assert np.array_equal(batch.scenario, result.scenario)
        for k, rule in enumerate(kb.rules):
            want = np.broadcast_to(result.fired.get(rule.id, False), (n,))
            assert np.array_equal(batch.fired[:, k], want), rule.id
        for k, item in enumerate(kb.items):
            assert np.array_equal(batch.flagged[:, k], np.broadcast_to(result.flagged(item),
                                                                       (n,))), item
        for i in range(0, n, 97):
            assert batch[i] == kzpolicy.assess(batch.asserted_of(i), kb=kb, engine="bitset")


@pytest.mark.parametrize("chunk", [64, 128, 1 << 18])
def test_rule_chunks_give_the_same_bits(chunk: int, monkeypatch: pytest.MonkeyPatch) -> None:
    kb = kzpolicy.load()
    matrix = _matrix(kb, 1001, 4)
    columns = {c: matrix[:, k] for k, c in enumerate(kb.condition_ids)}
    whole = kzpolicy.assess_many(columns=columns, kb=kb)
    monkeypatch.setattr(derive, "RULE_CHUNK", chunk)
    again = kzpolicy.assess_many(columns=columns, kb=kb)
    assert np.array_equal(again.flagged_bits, whole.flagged_bits)
    assert np.array_equal(again.fired_bits, whole.fired_bits)


def _planes_of(matrix: npt.NDArray[np.int8]) -> npt.NDArray[np.uint64]:
    out = planes.planes(matrix.shape[1], len(matrix))
    planes.pack_matrix(matrix, 0, out)
    return out


def test_slices_and_joins_of_planes_at_any_row() -> None:
    rng = random.Random(7)
    matrix = _matrix(kzpolicy.load(), 700, 8)
    whole = _planes_of(matrix)
    for _ in range(60):
        start, stop = sorted(rng.randrange(0, 701) for _ in range(2))
        assert np.array_equal(planes.rows(whole, start, stop), _planes_of(matrix[start:stop]))
        step = rng.randrange(1, 9)
        index = np.arange(start, stop, step, dtype=np.intp)
        assert np.array_equal(planes.take(whole, index, chunk=64),
                              _planes_of(matrix[start:stop:step]))
    cuts = sorted({0, 700, *(rng.randrange(0, 701) for _ in range(5))})
    parts = [(_planes_of(matrix[a:b]), b - a) for a, b in itertools.pairwise(cuts)]
    assert np.array_equal(planes.concat(parts), whole)
    for k in range(0, 700, 53):
        true, false = planes.row(whole, k)
        assert [t - (1 - t - f) for t, f in zip(true, false, strict=True)] == \
            matrix[k].tolist()


def _codes_of(index: npt.NDArray[np.uint8], count: int, at: int = 0) -> npt.NDArray[np.uint64]:
    """The scenario planes of ``index``, packed from row 0 or in two parts cut at ``at``
    (a multiple of 64, as assess_many packs a chunk at a time)."""
    out = planes.code_planes(count, len(index))
    for start, stop in ((0, at), (at, len(index))):
        planes.pack_codes(index[start:stop], start, out)
    return out


@pytest.mark.parametrize("count", [1, 2, 3, 4, 5, 9])
def test_the_scenario_kept_in_binary_planes_reads_back(
        count: int, monkeypatch: pytest.MonkeyPatch) -> None:
    # decoded a chunk at a time (chunks not a multiple of 64 are rounded down to one);
    # rows not a multiple of 64 nor of the chunk; each outcome read word by word
    monkeypatch.setattr(derive, "CHUNK", 100)
    rng = np.random.default_rng(count)
    for size in (0, 1, 63, 64, 65, 200, 777):
        index = rng.integers(0, count, size, dtype=np.uint8)
        codes = _codes_of(index, count, at=min(128, size // 64 * 64))
        assert len(codes) == max(1, (count - 1).bit_length())
        assert np.array_equal(codes, _codes_of(index, count))  # packed whole or in parts
        scenario = derive.scenario(codes, size)
        assert scenario.dtype == np.uint8 and np.array_equal(scenario, index)
        for n in range(count):
            assert np.array_equal(derive.implied(codes, n, size), index == n)
        if size > 1:  # sliced and joined as the asserted planes are
            assert np.array_equal(planes.rows(codes, 1, size), _codes_of(index[1:], count))
            assert np.array_equal(planes.concat([(planes.rows(codes, 0, 1), 1),
                                                 (planes.rows(codes, 1, size), size - 1)]),
                                  codes)


def test_packed_columns_into_rows() -> None:
    rng = np.random.default_rng(2)
    tiles = planes.Tiles(3, 256)  # reused: a smaller write after a larger one
    for size in (256, 200, 77, 1):
        bools = rng.random((19, size)) < 0.5
        columns: list[npt.NDArray[np.uint64] | bool] = [
            np.frombuffer(np.packbits(b, bitorder="little").tobytes().ljust(
                planes.words(size) * 8, b"\0"), dtype=planes.WORD) for b in bools]
        columns[4], columns[11] = True, False
        bools[4], bools[11] = True, False
        out = np.empty((size, 3), dtype=np.uint8)
        tiles.write(columns, out)
        assert np.array_equal(out, np.packbits(bools.T, axis=1, bitorder="little"))


def test_the_decision_table_equals_the_decision(kbs: list[KnowledgeBase]) -> None:
    for kb in kbs:
        engine = bitset(kb)
        sizes = [len(s.factors) for s in kb.scenarios.values()]
        rng = np.random.default_rng(len(sizes))
        counts = np.stack([rng.integers(0, n + 1, 5000, dtype=np.uint16) for n in sizes])
        assert np.array_equal(engine.decide_table(counts), engine.decide_counts(counts))


def test_the_scenario_is_decoded_once_then_kept_read_only(kbs: list[KnowledgeBase]) -> None:
    kb = kbs[-1]
    matrix = _matrix(kb, 300, 11)
    batch = kzpolicy.assess_many(
        columns={c: matrix[:, k] for k, c in enumerate(kb.condition_ids)}, kb=kb)
    first = batch.scenario
    assert batch.scenario is first  # kept: indexing it in a loop decodes nothing again
    assert not first.flags.writeable
    part = batch[7:250:3]  # a slice decodes its own rows, equal to the whole's
    assert np.array_equal(part.scenario, first[7:250:3])
    assert [int(c) for c in first[:40]] == [
        batch.scenario_ids.index(batch[i].scenario.id) for i in range(40)]
