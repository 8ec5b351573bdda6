"""A batch's derived columns (asserted, counts, shares, flagged, fired and their bits)
equal the eager computation: the int8 matrix of the inputs through
``BitsetRules.evaluate`` at once, as ``assess_many`` computed every column before the
batch kept only its asserted bits and the scenario. On the stock rules, on generated
knowledge bases (random rules with cycles and negations; a scenario of more than 255
factors), under the decision rule's forms, over a preset, with column inputs of every
encoding, and with chunks of a few rows (so that every chunk boundary is crossed)."""

from __future__ import annotations

import random
import sys
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest

import kzpolicy
from kzpolicy.engine.batch import derive
from kzpolicy.engine.batch import many as batch_module
from kzpolicy.engine.bitset import bitset
from kzpolicy.engine.conditions import resolve
from kzpolicy.kb.knowledge import KnowledgeBase

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "analysis"))

import kbgen

import fuzz

#: numpy.ma, read through Any: numpy 2.2 (Python 3.10) leaves it untyped
_MA: Any = np.ma

PRESET = "article-2010"
FORMS: list[dict[str, Any]] = [{"form": "count", "threshold": 2, "strict": False},
                               {"form": "none"}]


@pytest.fixture(scope="module")
def kbs(tmp_path_factory: pytest.TempPathFactory) -> list[KnowledgeBase]:
    """The stock rules; four generated rule sets that load; a knowledge base of 800
    factors (more than 255 a scenario: counts wider than a byte); the decision forms."""
    tmp = tmp_path_factory.mktemp("derived")
    found = [kzpolicy.load()]
    seed = 0
    while len(found) < 5:
        rng = random.Random(seed)
        folder = fuzz.write_kb(tmp / f"kb{seed}", fuzz.random_rules(rng, rng.randint(5, 40)))
        seed += 1
        try:
            found.append(kzpolicy.load(folder))
        except kzpolicy.KzPolicyError:
            continue
    found.append(kzpolicy.load(kbgen.many_factors(tmp / "many", 800)))
    for change in FORMS:
        reading = kzpolicy.Reading.model_validate({
            "id": "variant", "label": "v", "statement": "v", "reason": "v",
            "locator": {"section": "scenarios"}, "changes": [{"decision": change,
                                                              "reason": "v"}]})
        found.append(kzpolicy.load(reading=reading))
    return found


def random_matrix(kb: KnowledgeBase, n: int, seed: int) -> npt.NDArray[np.int8]:
    """Rows x conditions of 1 / 0 / -1: each row asserts a random share of them (some
    rows all, some none), most factors true in some rows."""
    rng = np.random.default_rng(seed)
    known = rng.random((n, 1)) * 1.2 > rng.random((n, len(kb.condition_ids)))
    true = rng.random((n, len(kb.condition_ids))) < rng.random((n, 1))
    return np.where(known, true.astype(np.int8), np.int8(-1)).astype(np.int8)


def as_columns(matrix: npt.NDArray[np.int8], kb: KnowledgeBase, seed: int
               ) -> dict[str, Any]:
    """The matrix's columns in every encoding assess_many reads (a column of -1 left
    out, booleans where a column has no unknown, wider integers, a strided view, a list
    of True / False / None, a masked array)."""
    rng = random.Random(seed)
    wide = np.asfortranarray(matrix)  # its columns contiguous
    strided = np.ascontiguousarray(matrix)  # its columns strided
    out: dict[str, Any] = {}
    for n, c in enumerate(kb.condition_ids):
        col = matrix[:, n]
        way = rng.randrange(6)
        if not (col >= 0).any() and way < 3:
            continue
        if (col >= 0).all() and way == 0:
            out[c] = col.astype(np.bool_)
        elif way == 1:
            out[c] = col.astype(np.int64)
        elif way == 2:
            out[c] = strided[:, n]
        elif way == 3:
            out[c] = [None if v < 0 else bool(v) for v in col.tolist()]
        elif way == 4:
            out[c] = _MA.masked_array(np.where(col < 0, 1, col), mask=col < 0)
        else:
            out[c] = wide[:, n]
    return out


def overlaid(kb: KnowledgeBase, matrix: npt.NDArray[np.int8], preset: str | None
             ) -> npt.NDArray[np.int8]:
    """The matrix with the preset's value where a row leaves a condition unknown."""
    out: npt.NDArray[np.int8] = np.array(matrix, dtype=np.int8)
    for c, v in resolve(kb, None, preset=preset).items():
        n = kb.condition_ids.index(c)
        out[out[:, n] < 0, n] = int(v)
    return out


def check_derived(batch: kzpolicy.Batch, kb: KnowledgeBase, matrix: npt.NDArray[np.int8]
                  ) -> None:
    """Every column of ``batch`` equals the eager computation on ``matrix``."""
    n = len(matrix)
    yes, no = np.asfortranarray(matrix == 1), np.asfortranarray(matrix == 0)
    ids = kb.condition_ids
    result = bitset(kb).evaluate(n, {c: yes[:, k] for k, c in enumerate(ids)},
                                 {c: no[:, k] for k, c in enumerate(ids)})
    fired = np.stack([np.broadcast_to(result.fired.get(r.id, False), (n,)) for r in kb.rules],
                     axis=1).reshape(n, len(kb.rules))
    flagged = np.stack([np.broadcast_to(result.flagged(i), (n,)) for i in kb.items],
                       axis=1).reshape(n, len(kb.items))
    sizes = np.array([len(s.factors) for s in kb.scenarios.values()], dtype=np.float64)
    assert batch.asserted.dtype == np.int8 and np.array_equal(batch.asserted, matrix)
    assert batch.scenario.dtype == np.uint8 and np.array_equal(batch.scenario, result.scenario)
    for k, sid in enumerate(batch.scenario_ids):
        assert np.array_equal(batch.column(sid), result.scenario == k), sid
    assert batch.counts.dtype == np.uint16 and np.array_equal(batch.counts, result.counts.T)
    assert np.array_equal(batch.shares, result.counts.T.astype(np.float64) / sizes)
    assert np.array_equal(batch.fired, fired) and np.array_equal(batch.flagged, flagged)
    assert np.array_equal(batch.fired_bits,
                          np.packbits(fired, axis=1, bitorder="little").reshape(n, -1))
    assert np.array_equal(batch.flagged_bits,
                          np.packbits(flagged, axis=1, bitorder="little").reshape(n, -1))
    for k, item in enumerate(kb.items):
        assert np.array_equal(batch.column(item), flagged[:, k]), item
    for k in range(0, n, max(1, n // 7)):
        want = {ids[j]: v == 1 for j, v in enumerate(matrix[k].tolist()) if v >= 0}
        assert batch.asserted_of(k) == want


@pytest.mark.parametrize("chunk", [None, 16, 64])
def test_derived_columns_equal_the_eager_computation(
        kbs: list[KnowledgeBase], chunk: int | None, monkeypatch: pytest.MonkeyPatch) -> None:
    if chunk is not None:
        monkeypatch.setattr(batch_module, "CHUNK", chunk)
        monkeypatch.setattr(derive, "CHUNK", chunk - 3)
    for seed, kb in enumerate(kbs):
        matrix = random_matrix(kb, 301 + seed, seed)  # rows not a multiple of 8
        for preset in (None, PRESET):
            want = overlaid(kb, matrix, preset)
            from_columns = kzpolicy.assess_many(columns=as_columns(matrix, kb, seed), kb=kb,
                                                preset=preset)
            check_derived(from_columns, kb, want)
            rows = [{c: v == 1 for c, v in zip(kb.condition_ids, r, strict=True) if v >= 0}
                    for r in matrix.tolist()]
            from_rows = kzpolicy.assess_many(rows, kb=kb, preset=preset)
            assert from_rows == from_columns
            check_derived(from_rows, kb, want)
            assert from_columns[::5] == [kzpolicy.assess(x, kb=kb, preset=preset,
                                                         engine="bitset") for x in rows[::5]]


def test_flagged_and_fired_bits_are_derived_once_and_kept() -> None:
    kb = kzpolicy.load()
    matrix = random_matrix(kb, 200, 5)
    batch = kzpolicy.assess_many(columns={c: matrix[:, n] for n, c in
                                          enumerate(kb.condition_ids)}, kb=kb)
    first = batch.flagged_bits
    assert batch.flagged_bits is first and batch.fired_bits is batch.fired_bits
    assert not first.flags.writeable and not batch.asserted.flags.writeable
    assert not batch.counts.flags.writeable and not batch.shares.flags.writeable
    # a slice and a concatenation of batches whose bits are kept keep them too, equal to
    # those derived afresh
    fresh = kzpolicy.assess_many(columns={c: matrix[:, n] for n, c in
                                          enumerate(kb.condition_ids)}, kb=kb)
    part = batch[13:170:3]
    assert np.array_equal(part.fired_bits, fresh[13:170:3].fired_bits)
    joined = kzpolicy.Batch.concat([batch[:77], batch[77:]])
    assert np.array_equal(joined.flagged_bits, fresh.flagged_bits)
    mixed = kzpolicy.Batch.concat([batch[:77], fresh[77:]])  # one derived, one not yet
    assert np.array_equal(mixed.fired_bits, batch.fired_bits)
    check_derived(joined, kb, matrix)


def test_the_batch_keeps_two_bits_a_condition_and_the_scenario() -> None:
    kb = kzpolicy.load()
    matrix = random_matrix(kb, 4096, 9)
    batch = kzpolicy.assess_many(columns={c: matrix[:, n] for n, c in
                                          enumerate(kb.condition_ids)}, kb=kb)
    kept = [v for v in (getattr(batch, s) for s in type(batch).__slots__)
            if isinstance(v, np.ndarray)]
    per_row = sum(v.nbytes for v in kept) / len(batch)
    codes = (len(batch.scenario_ids) - 1).bit_length()  # the scenario's index in binary
    assert codes == 2
    assert per_row == (2 * len(kb.condition_ids) + codes) / 8  # 4096 rows: whole words
