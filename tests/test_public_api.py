"""The public contract: the error tree, wrong-typed arguments, a read-only knowledge
base, unknown IDs, and a complete public surface (names, modules, schemas)."""

from __future__ import annotations

import contextlib
import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pydantic
import pytest

import kzpolicy

KB = kzpolicy.load()
A = kzpolicy.assess(preset="article-2010")


# ------------------------------------------------------------------ the error tree
TREE: dict[str, tuple[type[BaseException], ...]] = {
    "KzPolicyError": (Exception,),
    "KnowledgeBaseError": (kzpolicy.KzPolicyError,),
    "RulesFileError": (kzpolicy.KnowledgeBaseError,),
    "ValidationError": (kzpolicy.KnowledgeBaseError,),
    "InputError": (kzpolicy.KzPolicyError, ValueError),
    "ArgumentTypeError": (kzpolicy.InputError, TypeError),
    "ConeTooLargeError": (kzpolicy.InputError,),
    "DecisionLogError": (kzpolicy.InputError, ValueError),
    "UnknownIdError": (kzpolicy.KzPolicyError, KeyError),
    "UnknownConditionError": (kzpolicy.UnknownIdError, kzpolicy.InputError, KeyError),
    "EngineError": (kzpolicy.KzPolicyError,),
}


def test_the_tree_names_every_public_error() -> None:
    public = {n for n in kzpolicy.__all__ if n.endswith("Error")}
    assert public == set(TREE)


@pytest.mark.parametrize("name", sorted(TREE))
def test_each_error_sits_where_the_tree_draws_it(name: str) -> None:
    cls = getattr(kzpolicy, name)
    for parent in TREE[name]:
        assert issubclass(cls, parent), (name, parent)
    assert cls.__module__ == "kzpolicy"


def test_the_tree_is_drawn_the_same_in_errors_and_the_library_page() -> None:
    readme = (Path(__file__).resolve().parents[1] / "docs" / "library.md").read_text(
        encoding="utf-8")
    drawn = kzpolicy.errors.__doc__ or ""
    start = drawn.index("KzPolicyError\n")
    tree = drawn[start:drawn.index("\n", drawn.index("└── EngineError"))]
    lines = [line.strip() for line in tree.splitlines()]
    readme_lines = {line.strip() for line in readme.splitlines()}
    assert len(lines) > 10
    assert [line for line in lines if line not in readme_lines] == []


def test_input_error_catches_an_unknown_condition() -> None:
    with pytest.raises(kzpolicy.InputError):
        kzpolicy.assess({"D9": True})


@pytest.mark.parametrize("make", [
    lambda tmp: tmp / "missing",                       # no such folder
    lambda tmp: tmp,                                   # an empty folder
    lambda tmp: _write(tmp, "x.yaml", "a: [b\n"),      # not YAML
    lambda tmp: _write(tmp, "x.yaml", "rules: 3\n"),   # YAML that breaks checks
])
def test_every_bad_rules_folder_is_a_knowledge_base_error(
        tmp_path: Path, make: Callable[[Path], Path]) -> None:
    with pytest.raises(kzpolicy.KnowledgeBaseError):
        kzpolicy.load(make(tmp_path))


def _write(folder: Path, name: str, text: str) -> Path:
    (folder / name).write_text(text, encoding="utf-8")
    return folder


# ------------------------------------------------------------------ wrong types
class _Odd:
    """An object of no type any public call accepts."""


WRONG: list[tuple[str, Callable[[], Any]]] = [
    ("load(int)", lambda: kzpolicy.load(123)),  # type: ignore[arg-type]
    ("load(list)", lambda: kzpolicy.load(["rules"])),  # type: ignore[arg-type]
    ("check(int)", lambda: kzpolicy.check(1.5)),  # type: ignore[arg-type]
    ("load(limits=dict)", lambda: kzpolicy.load(limits={"depth": 3})),  # type: ignore[arg-type]
    ("check(limits=int)", lambda: kzpolicy.check(limits=5)),  # type: ignore[arg-type]
    ("ReadingLimits(depth=str)", lambda: kzpolicy.ReadingLimits(depth="9")),  # type: ignore[arg-type]
    ("ReadingLimits(depth=0)", lambda: kzpolicy.ReadingLimits(depth=0)),
    ("assess(int)", lambda: kzpolicy.assess(5)),  # type: ignore[arg-type]
    ("assess(str)", lambda: kzpolicy.assess("D1")),
    ("assess(dict of str)", lambda: kzpolicy.assess({"D1": "yes"})),
    ("assess(unhashable key)", lambda: kzpolicy.assess([["D1"]])),  # type: ignore[list-item]
    ("assess(preset=int)", lambda: kzpolicy.assess(preset=123)),  # type: ignore[arg-type]
    ("assess(kb=str)", lambda: kzpolicy.assess(["D1"], kb="rules")),  # type: ignore[arg-type]
    ("assess(kb=Path)", lambda: kzpolicy.assess(["D1"], kb=Path("rules"))),  # type: ignore[arg-type]
    ("assess(engine=int)", lambda: kzpolicy.assess(engine=1)),  # type: ignore[arg-type]
    ("assess_many(None)", lambda: kzpolicy.assess_many(None)),  # type: ignore[arg-type]
    ("assess_many(int)", lambda: kzpolicy.assess_many(3)),  # type: ignore[arg-type]
    ("assess_many(str)", lambda: kzpolicy.assess_many("D1")),
    ("assess_many([int])", lambda: kzpolicy.assess_many([1])),  # type: ignore[list-item]
    ("assess_many(kb=str)", lambda: kzpolicy.assess_many([[]], kb="x")),  # type: ignore[arg-type]
    ("assess_many(columns=list)",
     lambda: kzpolicy.assess_many(columns=[[True]])),  # type: ignore[arg-type]
    ("assess_many(columns={D1: str})", lambda: kzpolicy.assess_many(columns={"D1": "yes"})),
    ("Batch.concat(int)", lambda: kzpolicy.Batch.concat(3)),  # type: ignore[arg-type]
    ("what_if(int)", lambda: kzpolicy.what_if(7)),  # type: ignore[arg-type]
    ("what_if(changes=int)", lambda: kzpolicy.what_if(changes=7)),  # type: ignore[arg-type]
    ("what_if(changes=str)", lambda: kzpolicy.what_if(changes="D1")),
    ("what_if(kb=str)", lambda: kzpolicy.what_if(kb="rules")),  # type: ignore[arg-type]
    ("what_if(preset=list)", lambda: kzpolicy.what_if(preset=["a"])),  # type: ignore[arg-type]
    ("tipping_points(int)", lambda: kzpolicy.tipping_points(3)),  # type: ignore[arg-type]
    ("tipping_points(max_size=str)",
     lambda: kzpolicy.tipping_points(max_size="3")),  # type: ignore[arg-type]
    ("tipping_points(max_size=None)",
     lambda: kzpolicy.tipping_points(max_size=None)),  # type: ignore[arg-type]
    ("tipping_points(kb=str)", lambda: kzpolicy.tipping_points(kb="x")),  # type: ignore[arg-type]
    ("tipping_points(budget=int)",
     lambda: kzpolicy.tipping_points(budget=5)),  # type: ignore[arg-type]
    ("why_not(item=int)", lambda: kzpolicy.why_not({}, 8)),  # type: ignore[arg-type]
    ("why_not(kb=str)", lambda: kzpolicy.why_not({}, "T8", kb="x")),  # type: ignore[arg-type]
    ("why_not(budget=str)",
     lambda: kzpolicy.why_not({}, "T8", budget="big")),  # type: ignore[arg-type]
    ("why_not(budget nodes=0)", lambda: kzpolicy.why_not({}, "T8", budget={"nodes": 0})),
    ("counterfactuals(target=int)",
     lambda: kzpolicy.counterfactuals({}, 8)),  # type: ignore[arg-type]
    ("counterfactuals(target=word)", lambda: kzpolicy.counterfactuals({}, "raise T8")),
    ("counterfactuals(max_changes=str)",
     lambda: kzpolicy.counterfactuals({}, "flag T8", max_changes="2")),  # type: ignore[arg-type]
    ("counterfactuals(limit=-1)", lambda: kzpolicy.counterfactuals({}, "flag T8", limit=-1)),
    ("stability(int)", lambda: kzpolicy.stability(3)),  # type: ignore[arg-type]
    ("stability(beliefs=list)",
     lambda: kzpolicy.stability(beliefs=["D1"])),  # type: ignore[arg-type]
    ("stability(budget=list)", lambda: kzpolicy.stability(budget=[1])),  # type: ignore[arg-type]
    ("assessment.why_not(int)", lambda: A.why_not(8)),  # type: ignore[arg-type]
    ("assessment.stability(beliefs=str)", lambda: A.stability(beliefs="D1")),
    ("landscape(int)", lambda: kzpolicy.landscape(1)),  # type: ignore[arg-type]
    ("landscape(kb=str)", lambda: kzpolicy.landscape(kb="x")),  # type: ignore[arg-type]
    ("landscape(progress=int)", lambda: kzpolicy.landscape(progress=1)),  # type: ignore[arg-type]
    ("monte_carlo(None)", lambda: kzpolicy.monte_carlo(None)),  # type: ignore[arg-type]
    ("monte_carlo(list)", lambda: kzpolicy.monte_carlo(["D1"])),  # type: ignore[arg-type]
    ("monte_carlo(str prob)", lambda: kzpolicy.monte_carlo({"D1": "0.5"})),  # type: ignore[dict-item]
    ("monte_carlo(samples=str)",
     lambda: kzpolicy.monte_carlo({"D1": 0.5}, samples="10")),  # type: ignore[arg-type]
    ("monte_carlo(seed=str)",
     lambda: kzpolicy.monte_carlo({"D1": 0.5}, seed="1")),  # type: ignore[arg-type]
    ("monte_carlo(confidence=str)",
     lambda: kzpolicy.monte_carlo({"D1": 0.5}, confidence="x")),  # type: ignore[arg-type]
    ("monte_carlo(kb=str)",
     lambda: kzpolicy.monte_carlo({"D1": 0.5}, kb="x")),  # type: ignore[arg-type]
    ("probabilities(None)", lambda: kzpolicy.probabilities(None)),  # type: ignore[arg-type]
    ("probabilities(str prob)",
     lambda: kzpolicy.probabilities({"D1": "0.5"})),  # type: ignore[dict-item]
    ("probabilities(exact=str)",
     lambda: kzpolicy.probabilities({"D1": 0.5}, exact="yes")),  # type: ignore[arg-type]
    ("probabilities(kb=str)",
     lambda: kzpolicy.probabilities({"D1": 0.5}, kb="x")),  # type: ignore[arg-type]
    ("sensitivity(list)", lambda: kzpolicy.sensitivity(["D1"])),  # type: ignore[arg-type]
    ("sensitivity(preset=int)",
     lambda: kzpolicy.sensitivity({"D1": 0.5}, preset=1)),  # type: ignore[arg-type]
    ("render(None)", lambda: kzpolicy.render(None)),
    ("render(format=int)", lambda: kzpolicy.render(A, 3)),  # type: ignore[arg-type]
    ("render(kb=str)", lambda: kzpolicy.render(A, kb="rules")),  # type: ignore[arg-type]
    ("explain(None)", lambda: kzpolicy.explain(None)),  # type: ignore[arg-type]
    ("explain(kb=str)", lambda: kzpolicy.explain(A, kb="rules")),  # type: ignore[arg-type]
    ("graph(str)", lambda: kzpolicy.graph("rules")),  # type: ignore[arg-type]
    ("graph(assessment=dict)", lambda: kzpolicy.graph(assessment={})),  # type: ignore[arg-type]
    ("graph(reading=int)", lambda: kzpolicy.graph(reading=1)),  # type: ignore[arg-type]
    ("Conditions(str value)", lambda: kzpolicy.Conditions({"D1": "yes"})),
    ("Conditions(list)", lambda: kzpolicy.Conditions(["D1"])),
    ("kb.stage_of(str)", lambda: KB.stage_of("2004")),  # type: ignore[arg-type]
    ("kb.cell(None)", lambda: KB.cell(None, "ipap")),  # type: ignore[arg-type]
    ("kb.cell(row=int)", lambda: KB.cell("kazakhstan", 3)),  # type: ignore[arg-type]
    ("kb.programmes_of(int)", lambda: KB.programmes_of(1)),  # type: ignore[arg-type]
    ("kb.states_in(None)", lambda: KB.states_in(None)),  # type: ignore[arg-type]
    ("kb.rules_using(list)", lambda: KB.rules_using(["D1"])),  # type: ignore[arg-type]
    ("kb.bears_on(list)", lambda: KB.bears_on(["D1"])),  # type: ignore[arg-type]
    ("kb.bears_on(dict)", lambda: KB.bears_on({})),  # type: ignore[arg-type]
    ("kb.label_of(int)", lambda: KB.label_of(1)),  # type: ignore[arg-type]
    ("kb.locator_of(None)", lambda: KB.locator_of(None)),  # type: ignore[arg-type]
    ("kb.scenario(list)", lambda: KB.scenario([])),  # type: ignore[arg-type]
    ("kb.side_named(None)", lambda: KB.side_named(None)),  # type: ignore[arg-type]
    ("kb.preset(int)", lambda: KB.preset(2010)),  # type: ignore[arg-type]
    ("kb.finding(int)", lambda: KB.finding(1)),  # type: ignore[arg-type]
    ("kb.findings_on(None)", lambda: KB.findings_on(None)),  # type: ignore[arg-type]
    ("kb.milestone(list)", lambda: KB.milestone([])),  # type: ignore[arg-type]
    ("kb.kind_of(None)", lambda: KB.kind_of(None)),  # type: ignore[arg-type]
    ("kb.kind_or_none(int)", lambda: KB.kind_or_none(1)),  # type: ignore[arg-type]
    ("assessment.item(int)", lambda: A.item(1)),  # type: ignore[arg-type]
    ("assessment.item(None)", lambda: A.item(None)),  # type: ignore[arg-type]
    ("assessment.item(unhashable)", lambda: A.item(["T1"])),  # type: ignore[arg-type]
    ("odd object", lambda: kzpolicy.assess(_Odd())),  # type: ignore[arg-type]
    ("assess(reading=int)", lambda: kzpolicy.assess(reading=3)),  # type: ignore[arg-type]
    ("load(reading=dict)", lambda: kzpolicy.load(reading={})),  # type: ignore[arg-type]
    ("robustness(int)", lambda: kzpolicy.robustness(3)),  # type: ignore[arg-type]
    ("robustness(readings=str)",
     lambda: kzpolicy.robustness(readings="stated-only")),
    ("robustness(kb=str)", lambda: kzpolicy.robustness(kb="rules")),  # type: ignore[arg-type]
    ("diff(int)", lambda: kzpolicy.diff(3)),  # type: ignore[arg-type]
    ("diff(reading=int)", lambda: kzpolicy.diff(reading=3)),  # type: ignore[arg-type]
    ("read_reading(int)", lambda: kzpolicy.read_reading(3)),  # type: ignore[arg-type]
    ("replay(int)", lambda: kzpolicy.replay(3)),  # type: ignore[arg-type]
    ("replay(max_changes=str)",
     lambda: kzpolicy.replay("x.jsonl", max_changes="9")),  # type: ignore[arg-type]
    ("replay(kb=str)", lambda: kzpolicy.replay("x.jsonl", kb="rules")),  # type: ignore[arg-type]
    ("DecisionLog(int)", lambda: kzpolicy.DecisionLog(3)),  # type: ignore[arg-type]
    ("situation(int)", lambda: kzpolicy.situation(3)),  # type: ignore[arg-type]
    ("situation(dict)", lambda: kzpolicy.situation({"beliefs": {}})),  # type: ignore[arg-type]
    ("assess_situation(dict)",
     lambda: kzpolicy.assess_situation({"beliefs": {}})),  # type: ignore[arg-type]
    ("timeline(int)", lambda: kzpolicy.timeline(3)),  # type: ignore[arg-type]
    ("timeline([int])", lambda: kzpolicy.timeline([3])),  # type: ignore[list-item]
    ("timeline(max_cause=str)",
     lambda: kzpolicy.timeline("examples/journal", max_cause="2")),  # type: ignore[arg-type]
    ("timeline(kb=str)", lambda: kzpolicy.timeline("examples/journal", kb="rules")),  # type: ignore[arg-type]
]


@pytest.mark.parametrize(("label", "call"), WRONG, ids=[w[0] for w in WRONG])
def test_a_wrong_type_raises_a_kzpolicy_error(label: str, call: Callable[[], Any]) -> None:
    with pytest.raises(kzpolicy.InputError) as info:
        call()
    assert str(info.value)  # never an empty message


def test_an_argument_type_error_names_the_argument_and_the_type() -> None:
    with pytest.raises(kzpolicy.ArgumentTypeError) as info:
        kzpolicy.assess(["D1"], kb="rules")  # type: ignore[arg-type]
    err = info.value
    assert (err.name, err.value) == ("kb", "rules")
    assert "kb must be a KnowledgeBase" in str(err) and "not str 'rules'" in str(err)
    assert isinstance(err, TypeError)


PUBLIC_CALLABLES = sorted(
    n for n in kzpolicy.__all__
    if callable(getattr(kzpolicy, n)) and not isinstance(getattr(kzpolicy, n), type)
)


def test_every_public_function_has_a_wrong_type_case() -> None:
    covered = {label.split("(")[0] for label, _ in WRONG}
    assert set(PUBLIC_CALLABLES) - {"schemas"} <= covered  # schemas() takes no argument


def test_every_public_method_of_the_knowledge_base_has_a_wrong_type_case() -> None:
    covered = {label.split("(")[0].removeprefix("kb.") for label, _ in WRONG}
    methods = {n for n, v in inspect.getmembers(kzpolicy.KnowledgeBase, inspect.isfunction)
               if not n.startswith("_") and len(inspect.signature(v).parameters) > 1}
    assert methods - {"derived"} <= covered


# ------------------------------------------------------------------ read-only
def _copy() -> kzpolicy.KnowledgeBase:
    from kzpolicy.kb.loading import stock_rules_path

    return kzpolicy.load(stock_rules_path())


# the knowledge base typed Any: these are the mutations a caller might try anyway
MUTATIONS: list[tuple[str, Callable[[Any], Any]]] = [
    ("rules.append", lambda kb: kb.rules.append(kb.rules[0])),
    ("rules.pop", lambda kb: kb.rules.pop()),
    ("rules[0] =", lambda kb: kb.rules.__setitem__(0, kb.rules[1])),
    ("items[x] =", lambda kb: kb.items.__setitem__("X", None)),
    ("items.pop", lambda kb: kb.items.pop("T1")),
    ("scenarios.clear", lambda kb: kb.scenarios.clear()),
    ("factors del", lambda kb: kb.factors.__delitem__("D1")),
    ("presets[x] =", lambda kb: kb.presets.__setitem__("x", None)),
    ("stages.append", lambda kb: kb.stages.append(None)),
    ("cells[x] =", lambda kb: kb.cells.__setitem__(("a", "b"), None)),
    ("origins[x] =", lambda kb: kb.origins.__setitem__("x", None)),
    ("rule_index[x] =", lambda kb: kb.rule_index.__setitem__("x", None)),
    ("kb.rules =", lambda kb: setattr(kb, "rules", ())),
    ("kb.version =", lambda kb: setattr(kb, "version", "kb-0")),
    ("del kb.items", lambda kb: delattr(kb, "items")),
    ("rule.then.append", lambda kb: kb.rules[0].then.append("T1")),
    ("rule.id =", lambda kb: setattr(kb.rules[0], "id", "x")),
    ("scenario.factors.pop", lambda kb: kb.scenarios["balance"].factors.pop()),
    ("item label =", lambda kb: setattr(kb.items["T1"], "label", "x")),
    ("raw.lists[x] =", lambda kb: kb.raw.lists.__setitem__("x", [])),
    ("preset.set.append", lambda kb: kb.presets["article-2010"].set.append(None)),
]


@pytest.mark.parametrize("which", ["stock", "copy"])
@pytest.mark.parametrize(("label", "mutate"), MUTATIONS, ids=[m[0] for m in MUTATIONS])
def test_the_knowledge_base_cannot_be_changed(
        which: str, label: str, mutate: Callable[[Any], Any]) -> None:
    kb = KB if which == "stock" else _copy()
    before = (kb.version, len(kb.rules), len(kb.items), kb.rules[0].then)
    with pytest.raises((AttributeError, TypeError, pydantic.ValidationError)):
        mutate(kb)
    assert (kb.version, len(kb.rules), len(kb.items), kb.rules[0].then) == before


def test_the_stock_knowledge_base_answers_the_same_after_attempts() -> None:
    for _, mutate in MUTATIONS:
        with contextlib.suppress(AttributeError, TypeError, pydantic.ValidationError):
            mutate(KB)
    assert kzpolicy.load() is KB and len(KB.rules) == 56
    assert kzpolicy.assess(preset="article-2010") == A


# ------------------------------------------------------------------ unknown IDs
def test_an_unknown_id_raises_where_a_known_unflagged_one_is_none() -> None:
    assert A.item("T6") is None  # a real threat, not flagged in 2010
    with pytest.raises(kzpolicy.UnknownIdError) as info:
        A.item("T66")
    assert "T6" in info.value.suggestions


def test_an_unknown_id_raises_after_a_json_round_trip() -> None:
    again = kzpolicy.Assessment.model_validate_json(A.model_dump_json())
    assert again.item("T6") is None
    with pytest.raises(kzpolicy.UnknownIdError):
        again.item("T66")


UNKNOWN: list[tuple[str, Callable[[], Any]]] = [
    ("kb.label_of", lambda: KB.label_of("T66")),
    ("kb.locator_of", lambda: KB.locator_of("T66")),
    ("kb.kind_of", lambda: KB.kind_of("T66")),
    ("kb.scenario", lambda: KB.scenario("balanced")),
    ("kb.preset", lambda: KB.preset("article-2011")),
    ("kb.finding", lambda: KB.finding("dialog_platform")),
    ("kb.findings_on", lambda: KB.findings_on("T66")),
    ("kb.milestone", lambda: KB.milestone("ipap_2007")),
    ("kb.cell state", lambda: KB.cell("kazakstan", "ipap")),
    ("kb.cell row", lambda: KB.cell("kazakhstan", "ipapp")),
    ("kb.rules_using", lambda: KB.rules_using("T66")),
    ("kb.bears_on", lambda: KB.bears_on("D9")),
    ("assess preset", lambda: kzpolicy.assess(preset="article-2011")),
    ("what_if change", lambda: kzpolicy.what_if(changes={"D9": True})),
    ("monte_carlo", lambda: kzpolicy.monte_carlo({"D9": 0.5})),
    ("probabilities", lambda: kzpolicy.probabilities({"D9": 0.5})),
    ("sensitivity", lambda: kzpolicy.sensitivity({"D1": 0.5}, fixed={"D9": True})),
    ("why_not item", lambda: kzpolicy.why_not({}, "T88")),
    ("assessment.why_not", lambda: A.why_not("T88")),
    ("counterfactuals item", lambda: kzpolicy.counterfactuals({}, "flag T88")),
    ("counterfactuals scenario", lambda: kzpolicy.counterfactuals({}, "imply distanced")),
    ("stability", lambda: kzpolicy.stability({"D9": True})),
]


@pytest.mark.parametrize(("label", "call"), UNKNOWN, ids=[u[0] for u in UNKNOWN])
def test_an_unknown_id_raises_unknown_id_error(label: str, call: Callable[[], Any]) -> None:
    with pytest.raises(kzpolicy.UnknownIdError):
        call()


# ------------------------------------------------------------------ the public surface
def test_dir_lists_the_public_names() -> None:
    assert dir(kzpolicy) == sorted(kzpolicy.__all__)
    for name in kzpolicy.__all__:
        assert getattr(kzpolicy, name) is not None


def test_an_unknown_attribute_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'asses'"):
        _ = kzpolicy.asses


def test_public_classes_report_the_public_module() -> None:
    for name in kzpolicy.__all__:
        value = getattr(kzpolicy, name)
        if isinstance(value, type):
            assert value.__module__ == "kzpolicy", name


def test_the_version_is_the_package_metadata() -> None:
    from importlib.metadata import version

    assert kzpolicy.__version__ == version("kzpolicy")


def _model_types(model: type[pydantic.BaseModel], seen: set[type]) -> None:
    for field in model.model_fields.values():
        stack = [field.annotation]
        while stack:
            t = stack.pop()
            if isinstance(t, type) and issubclass(t, pydantic.BaseModel) and t not in seen:
                seen.add(t)
                _model_types(t, seen)
            stack.extend(getattr(t, "__args__", ()))


def test_every_type_reachable_from_a_result_is_public_with_a_schema() -> None:
    schemas = kzpolicy.schemas()
    seen: set[type] = set()
    for name in ("Assessment", "WhatIf", "TippingPoints", "Landscape", "MonteCarlo",
                 "Probabilities", "Sensitivity", "SituationAssessment", "Timeline",
                 "Situation"):
        model = getattr(kzpolicy, name)
        seen.add(model)
        _model_types(model, seen)
    for t in seen:
        assert getattr(kzpolicy, t.__name__) is t, t.__name__
        in_schema = any(t.__name__ == s.get("title") or t.__name__ in s.get("$defs", {})
                        for s in schemas.values())
        assert in_schema, t.__name__


def test_the_schema_command_prints_every_schema(cli_run: Any) -> None:
    import json

    code, out = cli_run("schema")
    assert code == 0 and json.loads(out) == kzpolicy.schemas()


def test_a_known_unflagged_item_is_none_once_its_knowledge_base_is_gone(
        stock_copy: Path) -> None:
    import gc

    (stock_copy / "zz_extra.yaml").write_text("# a comment changes the version\n",
                                              encoding="utf-8")
    a = kzpolicy.assess(["D1"], kb=kzpolicy.load(stock_copy))
    gc.collect()
    assert a.kb_version != A.kb_version
    assert a.item("S1") is None
