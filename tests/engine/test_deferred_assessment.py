"""An Assessment's explanation parts are built when first read, and every way of reading
them (attributes, dumps, JSON, equality, hashing, pickling, copying, nesting, threads)
sees exactly the fields an eagerly built model has."""

from __future__ import annotations

import copy
import os
import pickle
import random
import sys
import threading
from typing import Any

import pytest
from pydantic import BaseModel

import kzpolicy
from kzpolicy.engine.results import _INSTANCE_DICT, _REST, Assessment

KB = kzpolicy.load()
DEFERRED = ("scenario", "risks", "engaged", "unknown", "trace", "findings")


def _fresh(conditions: Any = ("D1", "tough_rivalry"), **kw: Any) -> Assessment:
    return kzpolicy.assess(list(conditions), **kw)


def _pending(a: Assessment) -> bool:
    return _REST in _INSTANCE_DICT.__get__(a)


def _eager(a: Assessment) -> Assessment:
    return Assessment.model_validate_json(a.model_dump_json())


@pytest.mark.parametrize("engine", ["durable", "bitset"])
def test_assess_defers_the_explanation_until_it_is_read(engine: str) -> None:
    a = _fresh(engine=engine)
    assert _pending(a)
    assert a.kb_version == KB.version and a.asserted == {"D1": True, "tough_rivalry": True}
    assert _pending(a)  # the eager fields do not build the rest
    assert {f.id for f in a.risks} >= {"T1", "C1"}
    assert not _pending(a)
    assert set(DEFERRED) <= set(_INSTANCE_DICT.__get__(a))


@pytest.mark.parametrize("read", [
    "attribute", "model_dump", "json", "equality", "hash", "pickle", "copy", "deepcopy",
    "model_copy", "repr", "dict", "iter", "explain", "item", "render",
])
def test_every_way_of_reading_builds_the_same_fields(read: str) -> None:
    reference = _eager(_fresh())
    a = _fresh()
    assert _pending(a)
    got: Any
    if read == "attribute":
        got = tuple(getattr(a, name) for name in DEFERRED)
        assert got == tuple(getattr(reference, name) for name in DEFERRED)
    elif read == "model_dump":
        assert a.model_dump() == reference.model_dump()
    elif read == "json":
        assert a.model_dump_json() == reference.model_dump_json()
    elif read == "equality":
        assert a == reference and reference == a
    elif read == "hash":  # `asserted` is a dict: an Assessment never was hashable
        with pytest.raises(TypeError):
            hash(reference)
        with pytest.raises(TypeError):
            hash(a)
    elif read == "pickle":
        assert pickle.loads(pickle.dumps(a)) == reference
    elif read == "copy":
        assert copy.copy(a) == reference
    elif read == "deepcopy":
        assert copy.deepcopy(a) == reference
    elif read == "model_copy":
        assert a.model_copy(update={"warnings": ("x",)}).risks == reference.risks
    elif read == "repr":
        assert repr(a) == repr(reference)
    elif read == "dict":
        assert dict(a) == dict(reference)
    elif read == "iter":
        assert [k for k, _ in a] == [k for k, _ in reference] == list(Assessment.model_fields)
    elif read == "explain":
        assert a.explain() == reference.explain()
    elif read == "item":
        assert a.item("T1") == reference.item("T1")
    elif read == "render":
        assert kzpolicy.render(a) == kzpolicy.render(reference)
    # its JSON text is written without building the fields (tests/engine/test_result_json.py)
    assert _pending(a) == (read == "json")


def test_nested_in_another_model_it_serialises_whole() -> None:
    class Pair(BaseModel):
        first: Assessment
        second: Assessment

    one, two = _fresh(), _fresh(("D2",))
    pair = Pair.model_construct(first=one, second=two)
    assert _pending(one) and _pending(two)
    data = pair.model_dump(mode="json")
    assert data["first"] == _eager(_fresh()).model_dump(mode="json")
    assert Pair.model_validate_json(pair.model_dump_json()) == pair


def test_the_schema_and_the_fields_are_those_of_the_model() -> None:
    schema = Assessment.model_json_schema()
    assert set(schema["properties"]) == set(Assessment.model_fields)
    assert _REST not in schema["properties"]
    a = _fresh()
    assert a.model_fields_set == set(Assessment.model_fields)
    assert _REST not in a.model_dump()


def test_random_inputs_equal_their_eager_copies() -> None:
    rng = random.Random(61)
    ids = list(KB.condition_ids)
    for _ in range(200):
        given = {c: rng.random() < 0.7 for c in rng.sample(ids, rng.randint(0, 14))}
        for engine in ("durable", "bitset"):
            a = kzpolicy.assess(given, engine=engine)
            b = kzpolicy.assess(given, engine=engine)
            assert a == _eager(b) and a.model_dump_json() == _eager(b).model_dump_json()


def test_threads_reading_one_assessment_see_one_value() -> None:
    for _ in range(20):
        a = _fresh(("D1", "D2", "tough_rivalry", "cooperation_intensifies"))
        start = threading.Barrier(8)
        seen: list[tuple[object, ...]] = []

        def read(a: Assessment = a, start: threading.Barrier = start,
                 seen: list[tuple[object, ...]] = seen) -> None:
            start.wait()
            seen.append((a.risks, a.trace, a.scenario, a.findings, a.unknown))

        threads = [threading.Thread(target=read) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
        assert len(seen) == 8 and all(s == seen[0] for s in seen)
        assert all(x is y for x, y in zip(seen[0], seen[1], strict=True))  # built once


@pytest.mark.skipif(not hasattr(os, "fork") or sys.platform == "darwin",
                    reason="os.fork is POSIX-only")  # the CI runs on Linux
# forking a process that has threads is the point here (Python 3.12+ warns about it)
@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")
def test_a_forked_child_reads_a_deferred_assessment() -> None:
    a = _fresh()
    expected = _eager(_fresh()).model_dump_json()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        try:
            os.write(write_end, b"ok" if a.model_dump_json() == expected else b"no")
        finally:
            os._exit(0)
    os.close(write_end)
    _, status = os.waitpid(pid, 0)
    assert os.read(read_end, 2) == b"ok" and status == 0
