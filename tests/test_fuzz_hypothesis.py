"""Hypothesis fuzzing in every `make test`: generated knowledge bases are checked three
ways (durable-rules, the bitset engine, the independent fixpoint oracle of tests/fuzz.py),
and generated malformed rules files and hostile inputs must give a kzpolicy error or a
right answer, within a time and memory bound, never anything else.

The runs are deterministic (``derandomize``). ``HYPOTHESIS_PROFILE=kzpolicy-fuzz`` (what
``make fuzz`` sets) runs many more examples of each.
"""

from __future__ import annotations

import os
import resource
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, event, given, note, settings
from hypothesis import strategies as st

import fuzz
import kzpolicy
from kzpolicy.engine.durable.limits import MAX_NEEDS
from kzpolicy.kb.limits import MAX_CONJUNCTIONS
from kzpolicy.kb.loading import stock_rules_path

settings.register_profile(
    "kzpolicy-ci", max_examples=25, deadline=None, derandomize=True, database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile(
    "kzpolicy-fuzz", max_examples=500, deadline=None, derandomize=False, database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
_NAME = os.environ.get("HYPOTHESIS_PROFILE", "")
PROFILE = settings.get_profile(_NAME if _NAME in ("kzpolicy-ci", "kzpolicy-fuzz")
                               else "kzpolicy-ci")
FILES = settings(PROFILE, max_examples=PROFILE.max_examples * 3 // 2)  # half a second each
CHEAP = settings(PROFILE, max_examples=PROFILE.max_examples * 8)  # a millisecond each

STOCK = kzpolicy.load()
CONDITIONS = sorted(STOCK.condition_ids)
# no scenario outcome in a `when`: it holds only under its scenario, which random rules
# would contradict (a refusal, never-holds, that the malformed-file cases already cover)
ITEMS = sorted(i for i, info in STOCK.items.items()
               if info.kind in ("threat", "weakness", "strength", "opportunity", "rivalry"))
#: items a rule may read: not those that presuppose conditions (check refuses it)
READABLE = [i for i in ITEMS if not STOCK.items[i].presupposes]
SCENARIOS = sorted(STOCK.scenarios)
SECONDS = 20  # the time bound of one case
MEGABYTES = 200  # the memory bound of one case (growth of the peak resident size)


@contextmanager
def bounded() -> Iterator[None]:
    """Fail a case that runs past SECONDS or grows the process by more than MEGABYTES."""
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.monotonic()
    with fuzz.time_limit(SECONDS):
        yield
    grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert time.monotonic() - start < SECONDS
    assert grown < MEGABYTES, f"the case grew the process by {grown:.0f} MB"


# ------------------------------------------------------------------ knowledge bases
@st.composite
def literals(draw: st.DrawFn, used: set[str]) -> Any:
    """A condition (maybe negated), an item (chains and cycles) or a scenario, not one
    already in this rule (so no rule asks for X and not X)."""
    kind = draw(st.sampled_from(["condition", "condition", "condition", "item", "scenario"]))
    pool = {"condition": CONDITIONS, "item": READABLE, "scenario": SCENARIOS}[kind]
    if kind == "scenario" and used & set(SCENARIOS):
        pool = CONDITIONS
    ident = draw(st.sampled_from(pool).filter(lambda i: i not in used))
    used.add(ident)
    if ident in STOCK.condition_ids and draw(st.booleans()):
        return {"not": ident}
    return ident


@st.composite
def whens(draw: st.DrawFn) -> Any:
    """A `when`: one literal, an ``all``, an ``all`` with an ``any`` inside, a wide
    conjunction near durable's limit of facts per production, or an ``any`` product near
    the conjunction limit."""
    used: set[str] = set()
    shape = draw(st.sampled_from(["one", "all", "nested", "nested", "wide", "product"]))
    if shape == "one":
        return draw(literals(used))
    if shape == "wide":
        n = draw(st.integers(MAX_NEEDS - 1, MAX_NEEDS + 1))
        return {"all": [draw(literals(used)) for _ in range(n)]}
    if shape == "product":  # 2 ** n conjunctions, n around log2 of the limit
        n = draw(st.integers(MAX_CONJUNCTIONS.bit_length() - 3, MAX_CONJUNCTIONS.bit_length()))
        return {"all": [{"any": [draw(literals(used)), draw(literals(used))]}
                        for _ in range(n)]}
    parts = [draw(literals(used)) for _ in range(draw(st.integers(2, 4)))]
    if shape == "nested":
        return {"all": [parts[0], {"any": parts[1:]}]}
    return {"all": parts}


@st.composite
def rule_lists(draw: st.DrawFn) -> list[dict[str, Any]]:
    n = draw(st.integers(1, 25))
    return [{"id": f"hyp_{i}", "label": f"Generated rule {i}", "when": draw(whens()),
             "then": draw(st.lists(st.sampled_from(ITEMS), min_size=1, max_size=2,
                                   unique=True)),
             "stance": "interpretation", "reason": "a rule hypothesis generated",
             "locator": {"section": "scenarios", "list": "threats", "item": 1}}
            for i in range(n)]


inputs = st.dictionaries(st.sampled_from(CONDITIONS), st.booleans(), max_size=16)


@contextmanager
def folder_with(files: dict[str, str | bytes]) -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "rules"
        shutil.copytree(stock_rules_path(), folder)
        for name, text in files.items():
            if isinstance(text, bytes):
                (folder / name).write_bytes(text)
            else:
                (folder / name).write_text(text, encoding="utf-8")
        yield folder


@PROFILE
@given(rules=rule_lists(), given_inputs=st.lists(inputs, min_size=1, max_size=8))
def test_generated_knowledge_bases_agree_three_ways(
    rules: list[dict[str, Any]], given_inputs: list[dict[str, bool]]
) -> None:
    text = yaml.safe_dump({"rules": rules})
    with folder_with({"zz_hyp.yaml": text}) as folder, bounded():
        loaded: list[kzpolicy.KnowledgeBase] = []
        refused = _refusal(lambda: loaded.append(kzpolicy.load(folder)),
                           kzpolicy.ValidationError)
        if refused is not None:
            event("refused at load")
            note(str(refused))
            # the only refusals such rules can earn: a `when` too large, or one that can
            # never hold (an item only another scenario's rules flag, with a scenario)
            problems = getattr(refused, "problems", [])
            assert all((p.check == "schema" and "conjunctions" in p.message)
                       or p.check == "never-holds" for p in problems), problems
            return
        (kb,) = loaded
        beyond = kzpolicy.check(folder) == [] and _beyond_durable(kb)
        event("beyond durable" if beyond else "within durable")
        for given_now in given_inputs:
            b = kzpolicy.assess(given_now, kb=kb, engine="bitset")
            assert b.flagged_ids() == fuzz.reported(kb, given_now, b.scenario.id), given_now
            if beyond:
                with pytest.raises(kzpolicy.InputError, match="engine='bitset'"):
                    kzpolicy.assess(given_now, kb=kb)
            else:
                assert kzpolicy.assess(given_now, kb=kb) == b, given_now


def _refusal(call: Callable[[], object], kind: type[Exception]) -> Exception | None:
    """The ``kind`` error ``call`` raised, or None when it returned."""
    try:
        call()
    except kind as exc:
        return exc
    return None


def _beyond_durable(kb: kzpolicy.KnowledgeBase) -> bool:
    from kzpolicy.engine.durable.limits import durable_limits

    return bool(durable_limits(kb))


# ------------------------------------------------------------------ malformed rules files
HOSTILE = ["&a", "*a", "!!int", "!!float", "!!bool", "!!binary", "!!python/object:os.system",
           "!!set", "!!timestamp", "<<: *a", "[" * 80, "{" * 80, "9" * 5000, "\x1b]0;x\x07",
           "\ufeff", "\t", "? ", "- ", ": ", "|", ">", "'", '"', "#", "\n", "when: ",
           "{all: [", "{any: [", "{not: ", "]}", "id: ", "rules:", "D1", "T1", "\u202e",
           "%YAML 1.1",
           "---", "...", "\\", "\x00", "null", "~", ".inf", "0x1F", "1e999"]


@st.composite
def mutated_files(draw: st.DrawFn) -> dict[str, str | bytes]:
    """One stock file with generated edits, or a new file of hostile fragments, or bytes
    that are not UTF-8."""
    kind = draw(st.sampled_from(["edit", "edit", "fragments", "bytes"]))
    if kind == "bytes":
        return {"zz_bytes.yaml": draw(st.binary(max_size=200))}
    if kind == "fragments":
        parts = draw(st.lists(st.sampled_from(HOSTILE) | st.text(max_size=8), max_size=30))
        return {"zz_fragments.yaml": "".join(parts)}
    name = draw(st.sampled_from(sorted(p.name for p in stock_rules_path().glob("*.yaml"))))
    chars = list((stock_rules_path() / name).read_text(encoding="utf-8"))
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(chars)))
        if draw(st.booleans()):
            del chars[at:at + draw(st.integers(1, 40))]
        else:
            chars[at:at] = draw(st.sampled_from(HOSTILE) | st.text(max_size=4))
    return {name: "".join(chars)}


@FILES
@given(files=mutated_files())
def test_malformed_rules_files_load_or_are_refused_with_a_kzpolicy_error(
    files: dict[str, str | bytes],
) -> None:
    with folder_with(files) as folder, bounded():
        problems = kzpolicy.check(folder)
        try:
            kb = kzpolicy.load(folder)
        except kzpolicy.KzPolicyError:
            event("refused")
            assert problems, "check found no problem in a folder load refuses"
            return
        event("loaded")
        assert problems == []
        b = kzpolicy.assess(["D2"], kb=kb, engine="bitset")
        assert b.flagged_ids() == fuzz.reported(kb, {"D2": True}, b.scenario.id)


# ------------------------------------------------------------------ hostile inputs
scalars = (st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True)
           | st.text(max_size=30) | st.sampled_from(CONDITIONS) | st.binary(max_size=8))
hostile_values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                              | st.dictionaries(st.text(max_size=8) | st.sampled_from(CONDITIONS),
                                                inner, max_size=4), max_leaves=12)
condition_inputs = (inputs | st.lists(st.sampled_from(CONDITIONS), max_size=8)
                    | st.dictionaries(st.sampled_from(CONDITIONS) | st.text(max_size=20),
                                    st.booleans() | scalars, max_size=8)
                    | st.lists(st.sampled_from(CONDITIONS) | scalars, max_size=8)
                    | hostile_values)


@CHEAP
@given(conditions=condition_inputs,
       preset=st.none() | st.sampled_from(sorted(STOCK.presets)) | st.text(max_size=10)
       | st.integers(),
       engine=st.sampled_from(["durable", "bitset", "compiled"]) | st.text(max_size=8)
       | st.none())
def test_hostile_inputs_give_a_kzpolicy_error_or_the_right_answer(
    conditions: Any, preset: Any, engine: Any
) -> None:
    with bounded():
        answer: list[kzpolicy.Assessment] = []
        refused = _refusal(lambda: answer.append(
            kzpolicy.assess(conditions, preset=preset, engine=engine)), kzpolicy.KzPolicyError)
        if refused is not None:
            event(type(refused).__name__)
            assert str(refused) and len(str(refused)) < 2000  # one readable message
            return
        event("answered")
        (a,) = answer
        other: Any = "bitset" if engine == "durable" else "durable"
        assert kzpolicy.assess(a.asserted, engine=other) == a
        assert a.flagged_ids() == fuzz.reported(STOCK, a.asserted, a.scenario.id)
