"""assess_many and its columnar Batch: rows equal assess(), columns agree with rows,
column input equals row input, errors name the bad input, exports, Dask partitions,
pickling, and the cyclic GC paused over the bulk work and restored after it."""

from __future__ import annotations

import gc
import importlib
import pickle
import random
import shutil
import sys
import textwrap
import threading
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import kzpolicy
from kzpolicy.engine.batch import inputs as batch_input
from kzpolicy.engine.batch import many as batch_module
from kzpolicy.engine.batch.many import assess_many
from kzpolicy.engine.bitset import bitset
from kzpolicy.engine.results import Assessment
from kzpolicy.kb.knowledge import KnowledgeBase

KB = kzpolicy.load()
IDS = list(KB.condition_ids)
PRESET = "article-2010"

CYCLE_RULES = """\
rules:
  - id: x_cycle_a
    label: Dependence on NATO arms brings two standards (test)
    when: T5
    then: [T2]
    stance: interpretation
    reason: test rule
    locator: {section: scenarios, list: threats, item: 2}
  - id: x_cycle_b
    label: Two standards bring dependence on NATO arms (test)
    when: T2
    then: [T5]
    stance: interpretation
    reason: test rule
    locator: {section: scenarios, list: threats, item: 5}
  - id: x_scenario_negation
    label: Balance without Russia-West strain keeps the architecture (test)
    when: {all: [balance, {not: russia_west_worsen}]}
    then: [O1]
    stance: interpretation
    reason: test rule
    locator: {section: scenarios, list: opportunities, item: 1}
"""


@pytest.fixture(scope="module")
def cyclic(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    from kzpolicy.kb.loading import stock_rules_path

    copy = Path(tmp_path_factory.mktemp("kb")) / "rules"
    shutil.copytree(stock_rules_path(), copy)
    (copy / "extra.yaml").write_text(textwrap.dedent(CYCLE_RULES), encoding="utf-8")
    kb = kzpolicy.load(copy)
    assert not bitset(kb).single_pass
    return kb


def random_inputs(n: int, seed: int, kb: KnowledgeBase = KB) -> list[dict[str, bool]]:
    """Random condition sets, their IDs in random order."""
    rnd = random.Random(seed)
    ids = list(kb.condition_ids)
    return [{c: rnd.random() < 0.65 for c in rnd.sample(ids, rnd.randint(0, 20))}
            for _ in range(n)]


def in_kb_order(x: dict[str, bool]) -> dict[str, bool]:
    return {c: x[c] for c in IDS if c in x}


def as_int8_columns(inputs: list[dict[str, bool]]) -> dict[str, np.ndarray[Any, Any]]:
    return {c: np.array([-1 if x.get(c) is None else int(x[c]) for x in inputs],
                        dtype=np.int8) for c in IDS}


def fired_rules(a: Assessment) -> set[str]:
    return {t.rule for t in a.trace} - {KB.decision.id}


def check_columns_agree(batch: kzpolicy.Batch, kb: KnowledgeBase = KB) -> None:
    """Every column of ``batch`` says what its materialised rows say."""
    flagged, fired, shares = batch.flagged, batch.fired, batch.shares
    assert flagged.shape == (len(batch), len(kb.items))
    assert fired.shape == (len(batch), len(kb.rules))
    for i, a in enumerate(batch):
        assert batch.scenario_ids[batch.scenario[i]] == a.scenario.id
        assert dict(zip(batch.scenario_ids, shares[i].tolist(), strict=True)) == \
            a.scenario.shares
        assert {batch.item_ids[k] for k in np.flatnonzero(flagged[i])} == a.flagged_ids()
        assert {batch.rule_ids[k] for k in np.flatnonzero(fired[i])} == \
            {t.rule for t in a.trace} - {kb.decision.id}
        row = batch.asserted[i]
        assert {c: row[n] == 1 for n, c in enumerate(batch.condition_ids) if row[n] >= 0} \
            == a.asserted
        assert batch.asserted_of(i) == a.asserted


# ---------------------------------------------------------------------- rows equal assess
def test_rows_equal_assess_on_both_engines() -> None:
    inputs = random_inputs(300, seed=11)
    batch = assess_many(inputs)
    assert isinstance(batch, kzpolicy.Batch) and len(batch) == 300
    assert batch == [kzpolicy.assess(x, engine="bitset") for x in inputs]
    assert batch == [kzpolicy.assess(x) for x in inputs]  # durable: the same results
    # asserted lists the conditions in the knowledge base's order: given in that order,
    # the JSON is the same text too
    ordered = [in_kb_order(x) for x in inputs[:20]]
    assert [a.model_dump_json() for a in assess_many(ordered)] == [
        kzpolicy.assess(x, engine="bitset").model_dump_json() for x in ordered]


def test_rows_equal_assess_with_a_preset() -> None:
    inputs: list[Any] = [*random_inputs(150, seed=12), ["D1", "D2"],
                         kzpolicy.Conditions({"I1": False}), ("B1",), None]
    batch = assess_many(inputs, preset=PRESET)
    expected = [kzpolicy.assess(x, preset=PRESET, engine="bitset") for x in inputs]
    assert batch == expected
    # the preset's conditions come first in asserted, as assess lists them
    ordered = in_kb_order(inputs[0])
    assert list(assess_many([ordered], preset=PRESET)[0].asserted) == list(
        kzpolicy.assess(ordered, preset=PRESET).asserted)
    check_columns_agree(batch[:40])


def test_a_knowledge_base_with_a_cycle(cyclic: KnowledgeBase) -> None:
    inputs = random_inputs(200, seed=13, kb=cyclic)
    batch = assess_many(inputs, kb=cyclic)
    assert batch == [kzpolicy.assess(x, kb=cyclic, engine="bitset") for x in inputs]
    assert batch == [kzpolicy.assess(x, kb=cyclic) for x in inputs]
    check_columns_agree(batch, cyclic)


def test_many_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    inputs = random_inputs(101, seed=14)
    whole = assess_many(inputs)
    monkeypatch.setattr(batch_input, "CHUNK", 8)
    monkeypatch.setattr(batch_module, "CHUNK", 7)
    chunked = assess_many(inputs)
    assert chunked == whole
    for name in ("asserted", "scenario", "counts", "flagged_bits", "fired_bits"):
        assert np.array_equal(getattr(chunked, name), getattr(whole, name)), name
    assert assess_many(columns=as_int8_columns(inputs)) == whole


# ---------------------------------------------------------------------- columns
def test_columns_agree_with_rows() -> None:
    batch = assess_many([*random_inputs(250, seed=21), [], IDS[:8], ["I1", "I2", "I3"]])
    check_columns_agree(batch)
    assert batch.counts.dtype == np.uint16 and batch.scenario.dtype == np.uint8
    assert batch.asserted.dtype == np.int8
    with pytest.raises(ValueError, match="read-only"):
        batch.scenario[0] = 1


def test_one_column_by_id() -> None:
    batch = assess_many(random_inputs(120, seed=22))
    flagged, fired = batch.flagged, batch.fired
    for k, item in enumerate(batch.item_ids):
        assert np.array_equal(batch.column(item), flagged[:, k]), item
    for k, rule in enumerate(batch.rule_ids):
        assert np.array_equal(batch.column(rule), fired[:, k]), rule
    for k, sid in enumerate(batch.scenario_ids):
        assert np.array_equal(batch.column(sid), batch.scenario == k)
    with pytest.raises(kzpolicy.UnknownIdError, match="T6"):
        batch.column("T66")
    with pytest.raises(kzpolicy.InputError):
        batch.column(3)  # type: ignore[arg-type]


def test_column_input_equals_row_input() -> None:
    inputs = random_inputs(200, seed=31)
    rows = assess_many(inputs)
    cols = as_int8_columns(inputs)
    assert assess_many(columns=cols) == rows
    # the other encodings: booleans (no unknowns), wider integers, True/False/None
    some = {c: cols[c] for c in IDS[:5]}
    partial = [{c: v for c, v in x.items() if c in some} for x in inputs]
    objects = {c: [None if v < 0 else bool(v) for v in col.tolist()] for c, col in some.items()}
    assert assess_many(columns={c: col.astype(np.int64) for c, col in some.items()}) == \
        assess_many(partial)
    assert assess_many(columns=objects) == assess_many(partial)
    all_true = {"D1": np.ones(4, dtype=np.bool_), "I1": np.array([True, False, True, False])}
    assert assess_many(columns=all_true) == assess_many(
        [{"D1": True, "I1": v} for v in (True, False, True, False)])


def test_column_input_over_a_preset() -> None:
    inputs = random_inputs(150, seed=32)
    cols = as_int8_columns(inputs)
    batch = assess_many(columns=cols, preset=PRESET)
    assert batch == assess_many(inputs, preset=PRESET)
    assert batch == [kzpolicy.assess(x, preset=PRESET, engine="bitset") for x in inputs]


def test_an_empty_batch() -> None:
    batch = assess_many([])
    assert batch == [] and len(batch) == 0 and list(batch) == []
    assert batch.asserted.shape == (0, len(IDS)) and batch.flagged.shape == (0, len(KB.items))
    assert batch.shares.shape == (0, len(KB.scenarios))
    assert assess_many() == []
    assert assess_many(iter([])) == batch
    empty_cols = assess_many(columns={"D1": np.array([], dtype=np.int8)})
    assert len(empty_cols) == 0 and empty_cols == batch
    assert empty_cols.to_arrow().num_rows == 0
    with pytest.raises(IndexError):
        batch[0]


# ---------------------------------------------------------------------- the sequence
def test_indexing_slicing_and_equality() -> None:
    inputs = random_inputs(30, seed=41)
    batch = assess_many(inputs)
    single = [kzpolicy.assess(x, engine="bitset") for x in inputs]
    assert batch[-1] == single[-1] and batch[np.int64(3)] == single[3]
    part = batch[5:20:3]
    assert isinstance(part, kzpolicy.Batch) and part == single[5:20:3]
    assert list(reversed(batch)) == single[::-1]
    assert single == batch and batch == tuple(single)  # both ways round
    assert batch != single[:-1] and batch != [*single[:-1], single[0]]
    assert batch != 3 and batch != "abc"
    assert batch == assess_many(inputs) and batch != assess_many(inputs[:-1])
    assert single[4] in batch
    with pytest.raises(IndexError, match="out of range"):
        batch[30]
    with pytest.raises(TypeError):
        hash(batch)
    assert "30 assessments" in repr(batch)


def test_concat_and_pickle() -> None:
    inputs = random_inputs(40, seed=42)
    whole = assess_many(inputs, preset=PRESET)
    joined = kzpolicy.Batch.concat([assess_many(inputs[:15], preset=PRESET),
                                    assess_many(inputs[15:], preset=PRESET)])
    assert joined == whole and list(joined[0].asserted) == list(whole[0].asserted)
    assert np.array_equal(joined.fired_bits, whole.fired_bits)
    again = pickle.loads(pickle.dumps(whole))
    assert again == whole and again.kb_version == whole.kb_version
    assert list(again) == list(whole)
    with pytest.raises(kzpolicy.InputError, match="at least one"):
        kzpolicy.Batch.concat([])
    with pytest.raises(kzpolicy.InputError, match=r"batches\[1\] must be a Batch"):
        kzpolicy.Batch.concat([whole, [whole[0]]])  # type: ignore[list-item]


def test_concat_refuses_two_knowledge_bases(cyclic: KnowledgeBase) -> None:
    with pytest.raises(kzpolicy.InputError, match="different knowledge bases"):
        kzpolicy.Batch.concat([assess_many([["D1"]]), assess_many([["D1"]], kb=cyclic)])


# ---------------------------------------------------------------------- errors
def test_a_bad_row_names_its_position() -> None:
    good = random_inputs(5, seed=51)
    with pytest.raises(kzpolicy.UnknownConditionError, match=r"condition set 5: .*'D8'"):
        assess_many([*good, {"D9": True}])
    with pytest.raises(kzpolicy.UnknownConditionError, match=r"condition set 2: .*'D8'"):
        assess_many([["D1"], ["D2"], ["D1", "D9"]])
    with pytest.raises(kzpolicy.InputError, match=r"condition set 1: .*true or false"):
        assess_many([{"D1": True}, {"D1": 1}])
    with pytest.raises(kzpolicy.InputError, match=r"condition set 0: .*single string"):
        assess_many(["D1"])
    with pytest.raises(kzpolicy.InputError, match=r"condition set 1: .*string"):
        assess_many([[], [3]])  # type: ignore[list-item]
    with pytest.raises(kzpolicy.InputError, match=r"condition set 1: .*twice"):
        assess_many([{"D1": True}, _TwoWays()])
    with pytest.raises(kzpolicy.UnknownIdError, match="article-2010"):
        assess_many([{}], preset="article2010")


class _TwoWays(dict[str, bool]):
    """A mapping (not a plain dict) giving D1 both ways: only resolve() reads it."""

    def items(self) -> Any:
        return [("D1", True), ("D1", False)]


BAD_COLUMNS: list[tuple[str, Any, type[Exception], str]] = [
    ("unknown ID", {"D9": np.zeros(3, np.int8)}, kzpolicy.UnknownConditionError, "'D8'"),
    ("not a string", {1: np.zeros(3, np.int8)}, kzpolicy.InputError, "condition ID string"),
    ("two-dimensional", {"D1": np.zeros((3, 2), np.int8)}, kzpolicy.InputError,
     r"'D1' must be one-dimensional.*\(3, 2\)"),
    ("lengths", {"D1": np.zeros(3, np.int8), "D2": np.zeros(4, np.int8)},
     kzpolicy.InputError, "'D2' has 4 values.*have 3"),
    ("integer out of range", {"D1": np.array([1, 0, 2, -1])}, kzpolicy.InputError,
     "'D1' holds 2 at row 2"),
    ("float dtype", {"D1": np.array([1.0, 0.0])}, kzpolicy.InputError, "dtype float64"),
    ("bad object", {"D1": [True, None, "yes"]}, kzpolicy.InputError, "'yes' at row 2"),
    ("a string", {"D1": "true"}, kzpolicy.ArgumentTypeError, "column 'D1'"),
    ("a number", {"D1": 1}, kzpolicy.ArgumentTypeError, "column 'D1'"),
    ("empty", {}, kzpolicy.InputError, "columns is empty"),
]


@pytest.mark.parametrize(("label", "columns", "error", "match"), BAD_COLUMNS,
                         ids=[b[0] for b in BAD_COLUMNS])
def test_a_bad_column_is_named(label: str, columns: Any, error: type[Exception],
                               match: str) -> None:
    with pytest.raises(error, match=match):
        assess_many(columns=columns)


def test_rows_or_columns_not_both() -> None:
    with pytest.raises(kzpolicy.InputError, match="not both"):
        assess_many([["D1"]], columns={"D1": np.ones(1, np.int8)})
    with pytest.raises(kzpolicy.ArgumentTypeError, match="columns must be a mapping"):
        assess_many(columns=[np.ones(1)])  # type: ignore[arg-type]


# ---------------------------------------------------------------------- exports
def test_to_arrow() -> None:
    pa: Any = importlib.import_module("pyarrow")
    inputs = random_inputs(80, seed=61)
    batch = assess_many(inputs, preset=PRESET)
    table = batch.to_arrow()
    assert isinstance(table, pa.Table) and table.num_rows == 80
    assert table.schema.metadata[b"kzpolicy.kb_version"] == batch.kb_version.encode()
    data = table.to_pydict()
    for i, a in enumerate(batch):
        assert data["scenario"][i] == a.scenario.id
        for sid, share in a.scenario.shares.items():
            assert data[f"share.{sid}"][i] == share
        assert {c: data[f"asserted.{c}"][i] for c in IDS
                if data[f"asserted.{c}"][i] is not None} == a.asserted
        assert {t for t in KB.items if data[f"flagged.{t}"][i]} == a.flagged_ids()
        assert {r.id for r in KB.rules if data[f"fired.{r.id}"][i]} == fired_rules(a)
    # Arrow columns go back in as column input (null = unknown)
    back = {c: table.column(f"asserted.{c}") for c in IDS}
    assert assess_many(columns=back) == batch


class _FakePandas(types.ModuleType):
    """The two calls to_pandas makes, recorded (pandas itself is not a test dependency)."""

    def __init__(self) -> None:
        super().__init__("pandas")

        class Categorical:
            @staticmethod
            def from_codes(codes: Any, categories: list[str]) -> list[str]:
                return [categories[c] for c in codes]

        self.Categorical = Categorical

    def DataFrame(self, columns: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        return columns


def test_to_pandas(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pandas", _FakePandas())
    inputs = random_inputs(60, seed=62)
    batch = assess_many(inputs)
    frame = batch.to_pandas()
    assert list(frame) == ["scenario", *(f"share.{s}" for s in batch.scenario_ids),
                           *(f"asserted.{c}" for c in IDS), *(f"flagged.{t}" for t in KB.items),
                           *(f"fired.{r.id}" for r in KB.rules)]
    assert frame["scenario"] == [a.scenario.id for a in batch]
    assert np.array_equal(np.stack([frame[f"asserted.{c}"] for c in IDS], axis=1),
                          batch.asserted)
    assert np.array_equal(np.stack([frame[f"flagged.{t}"] for t in KB.items], axis=1),
                          batch.flagged)
    assert np.array_equal(np.stack([frame[f"share.{s}"] for s in batch.scenario_ids], axis=1),
                          batch.shares)
    assert assess_many(columns={c: frame[f"asserted.{c}"] for c in IDS}) == batch


@pytest.mark.parametrize(("library", "call"), [("pyarrow", "to_arrow"),
                                                ("pandas", "to_pandas")])
def test_an_export_names_what_to_install(monkeypatch: pytest.MonkeyPatch, library: str,
                                         call: str) -> None:
    monkeypatch.setitem(sys.modules, library, None)  # import fails as if not installed
    with pytest.raises(kzpolicy.InputError, match=f"pip install {library}"):
        getattr(assess_many([["D1"]]), call)()


# ---------------------------------------------------------------------- past one machine
@pytest.mark.parametrize("scheduler", ["threads", pytest.param("processes",
                                                              marks=pytest.mark.slow)])
def test_partitions_over_dask_equal_one_process(scheduler: str) -> None:
    dask: Any = importlib.import_module("dask")  # a test-only dependency (the dev extra)
    inputs = random_inputs(400, seed=71)
    parts = [inputs[i:i + 90] for i in range(0, len(inputs), 90)]
    tasks = [dask.delayed(assess_many)(part, preset=PRESET) for part in parts]
    batches = dask.compute(*tasks, scheduler=scheduler, num_workers=2)
    joined = kzpolicy.Batch.concat(batches)
    one = assess_many(inputs, preset=PRESET)
    assert joined == one
    for name in ("asserted", "scenario", "counts", "flagged_bits", "fired_bits"):
        assert np.array_equal(getattr(joined, name), getattr(one, name)), name
    assert list(joined[::37]) == list(one[::37])


# ---------------------------------------------------------------------- the cyclic GC
def _watching(inputs: list[dict[str, bool]], seen: list[bool]) -> Iterator[dict[str, bool]]:
    for x in inputs:
        seen.append(gc.isenabled())
        yield x


def test_the_gc_is_paused_over_the_bulk_work_and_restored() -> None:
    assert gc.isenabled()
    seen: list[bool] = []
    assess_many(_watching(random_inputs(20, seed=81), seen))
    assert seen == [False] * 20 and gc.isenabled()
    assess_many(columns={"D1": np.ones(3, np.int8)})
    assert gc.isenabled()


def test_the_gc_is_restored_on_error() -> None:
    seen: list[bool] = []
    with pytest.raises(kzpolicy.UnknownConditionError):
        assess_many(_watching([{"D1": True}, {"D9": True}], seen))
    assert seen == [False, False] and gc.isenabled()
    with pytest.raises(kzpolicy.InputError):
        assess_many(columns={"D1": np.array([5])})
    assert gc.isenabled()


def test_a_disabled_gc_stays_disabled() -> None:
    gc.disable()
    try:
        assess_many([["D1"]])
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_gc_pause_across_threads() -> None:
    inside = threading.Event()
    release = threading.Event()

    def slow() -> Iterator[list[str]]:
        inside.set()
        release.wait(10)
        yield ["D1"]

    worker = threading.Thread(target=lambda: assess_many(slow()))
    worker.start()
    inside.wait(10)
    assess_many([["D2"]])  # finishes first: the other call still needs the GC paused
    assert not gc.isenabled()
    release.set()
    worker.join(10)
    assert gc.isenabled()


def test_masked_cells_of_a_masked_column_are_unknown() -> None:
    # the data under a mask is anything (here: True, 1, an out-of-range 99): never read
    ma: Any = np.ma  # typed only from numpy 2.3 (not on Python 3.10)
    masked = {"D1": ma.array([True, True, False], mask=[False, True, False]),
              "D2": ma.array([1, 99, 0], mask=[False, True, False]),
              "D3": ma.array([True, None, False], mask=[False, True, False], dtype=object),
              "D4": ma.array([True, False, True])}  # nothing masked
    plain = {"D1": np.array([1, -1, 0]), "D2": np.array([1, -1, 0]),
             "D3": [True, None, False], "D4": [True, False, True]}
    got = assess_many(columns=masked)
    assert got == assess_many(columns=plain)
    assert got.asserted_of(1) == {"D4": False}
    over_preset = assess_many(columns={"D1": ma.array([False, False], mask=[True, False])},
                              preset="distancing")
    assert over_preset.asserted_of(0)["D1"] is True  # a masked cell keeps the preset's value
    assert over_preset.asserted_of(1)["D1"] is False
