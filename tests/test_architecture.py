"""The package's architecture holds: no import cycle, no subpackage imports the facade,
and ``import kzpolicy`` stays light. (The layers themselves are import-linter contracts
in pyproject.toml, run by ``make test``; this file checks what contracts cannot say.)"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import grimp
import pytest

# no cache: a cache from an older layout (a module become a package) misleads grimp
GRAPH = grimp.build_graph("kzpolicy", include_external_packages=True,
                          exclude_type_checking_imports=False, cache_dir=None)
MODULES = sorted(GRAPH.modules)

#: The imports that go up a layer (declared in pyproject.toml's layers contract as well):
#: ``Assessment.explain()``, public since 0.1, is a thin call into the report's
#: explanation text, ``why_not()`` and ``stability()`` into their analyses, a result's
#: ``_repr_html_``/``_repr_markdown_`` into the report's notebook module, each imported
#: inside the method (the result types they return, for the type checker only). What
#: they call imports the models, so these edges close cycles on purpose; the cycle check
#: leaves them out.
UPWARD = frozenset({
    ("kzpolicy.engine.results", "kzpolicy.report.explain"),
    ("kzpolicy.engine.results", "kzpolicy.analysis.whynot"),
    ("kzpolicy.engine.results", "kzpolicy.analysis.stability"),
    ("kzpolicy.engine.display", "kzpolicy.report.notebook"),  # a notebook's view
})


def _cycles(graph: grimp.ImportGraph = GRAPH,
            skip: frozenset[tuple[str, str]] = UPWARD) -> Iterator[list[str]]:
    """Every import cycle among kzpolicy's modules (function-level and TYPE_CHECKING
    imports included, the ``skip`` edges left out), one per strongly connected
    component."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(m: str) -> None:  # Tarjan's algorithm
        index[m] = low[m] = len(index)
        stack.append(m)
        on_stack.add(m)
        for n in graph.find_modules_directly_imported_by(m):
            if n not in graph.modules or not n.startswith("kzpolicy") or (m, n) in skip:
                continue
            if n not in index:
                visit(n)
                low[m] = min(low[m], low[n])
            elif n in on_stack:
                low[m] = min(low[m], index[n])
        if low[m] == index[m]:
            component = []
            while True:
                n = stack.pop()
                on_stack.discard(n)
                component.append(n)
                if n == m:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for m in sorted(graph.modules):
        if m not in index and m.startswith("kzpolicy"):
            visit(m)
    yield from found


def test_the_graph_sees_every_subpackage() -> None:
    for sub in ("cli", "serve", "bdd", "report", "operations", "analysis", "engine", "kb"):
        assert f"kzpolicy.{sub}" in GRAPH.modules
    assert len(MODULES) > 40


def test_no_import_cycle() -> None:
    assert list(_cycles()) == []


def test_a_cycle_would_be_found() -> None:
    # the detector itself, on a graph with a cycle planted in it
    planted = grimp.build_graph("kzpolicy", exclude_type_checking_imports=False,
                                 cache_dir=None)
    planted.add_import(importer="kzpolicy.kb.expr", imported="kzpolicy.kb.knowledge")
    assert any("kzpolicy.kb.expr" in c for c in _cycles(planted))


def test_the_declared_upward_imports_are_the_only_exceptions() -> None:
    # without the exceptions their cycle shows, so they are not a blanket one
    for edge in UPWARD:
        assert any(set(edge) <= set(c) for c in _cycles(GRAPH, skip=frozenset()))
    upward = {(m, n) for m in MODULES if m.startswith("kzpolicy.engine")
              for n in GRAPH.find_modules_directly_imported_by(m)
              if n.startswith(("kzpolicy.report", "kzpolicy.analysis", "kzpolicy.cli",
                               "kzpolicy.serve", "kzpolicy.bdd"))}
    assert upward == UPWARD


@pytest.mark.parametrize("module", [m for m in MODULES if m != "kzpolicy"])
def test_no_module_imports_the_public_facade(module: str) -> None:
    assert "kzpolicy" not in GRAPH.find_modules_directly_imported_by(module)


def test_only_the_adapter_imports_durable_rules() -> None:
    importers = GRAPH.find_modules_that_directly_import("durable_rules_engine")
    assert importers == {"kzpolicy.engine.durable.adapter"}


def _fresh(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, timeout=60)
    return done.stdout.strip()


CHECK = "import sys; print('numpy' in sys.modules, 'durable_rules_engine' in sys.modules)"


def test_import_kzpolicy_loads_neither_numpy_nor_durable() -> None:
    assert _fresh("import kzpolicy; " + CHECK) == "False False"


def test_loading_the_knowledge_base_loads_neither() -> None:
    assert _fresh("import kzpolicy; kzpolicy.load(); kzpolicy.check(); " + CHECK) == \
        "False False"


def test_assess_loads_durable_but_not_numpy() -> None:
    assert _fresh("import kzpolicy; kzpolicy.assess(['D1']); " + CHECK) == "False True"


def test_assess_loads_no_report_code() -> None:
    # the upward import of Assessment.explain() runs only when explain() is called
    code = ("import sys, kzpolicy; a = kzpolicy.assess(['D1']); a.risks; "
            "print(sorted(m for m in sys.modules if m.startswith('kzpolicy.report')))")
    assert _fresh(code) == "[]"


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_an_assessment_as_text_or_markdown_loads_neither_numpy_nor_jinja2(fmt: str) -> None:
    code = (f"import sys, kzpolicy; a = kzpolicy.assess(['D1']); kzpolicy.render(a, {fmt!r}); "
            "kzpolicy.explain(a); print('numpy' in sys.modules, 'jinja2' in sys.modules)")
    assert _fresh(code) == "False False"


def test_assess_many_on_columns_loads_no_result_model_no_reading_and_no_masked_arrays(
) -> None:
    # the rows of a batch (the result models) load when one is first built; the
    # Conditions model, the readings and numpy.ma when a caller uses them
    code = ("import sys, numpy as np, kzpolicy; kb = kzpolicy.load(); "
            "b = kzpolicy.assess_many(columns={c: np.zeros(70, np.int8) "
            "for c in kb.condition_ids}, kb=kb); b.flagged_bits, b.scenario, b.counts; "
            "a = sorted(m for m in sys.modules if m in ('numpy.ma', 'kzpolicy.kb.reading', "
            "'kzpolicy.engine.conditions', 'kzpolicy.engine.results')); "
            "print(a, b[0] == kzpolicy.assess(dict.fromkeys(kb.condition_ids, False), kb=kb, "
            "engine='bitset'))")
    assert _fresh(code) == "[] True"


@pytest.mark.parametrize("call", ["probabilities", "sensitivity"])
def test_exact_probabilities_do_not_load_durable_rules(call: str) -> None:
    code = (f"import sys, kzpolicy; kzpolicy.{call}({{'D1': 0.5}}, preset='article-2010'); "
            "print('numpy' in sys.modules, 'durable_rules_engine' in sys.modules)")
    assert _fresh(code) == "True False"  # the bitset engine (numpy), not durable-rules


def test_the_pytest_plugin_and_its_steps_load_no_engine_and_no_model() -> None:
    code = ("import sys, kzpolicy.bdd.plugin, kzpolicy.bdd.steps; "
            "print(sorted(m for m in sys.modules if m.startswith(('pydantic', 'numpy', "
            "'durable', 'kzpolicy.engine', 'kzpolicy.kb', 'yaml'))))")
    assert _fresh(code) == "[]"


def test_building_the_command_line_loads_no_model_and_no_engine() -> None:
    # `kzpolicy --help` and every command's parsing run before any knowledge base loads
    code = ("import sys, contextlib, io\n"
            "from kzpolicy.cli.main import main\n"
            "with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
            "    main(['--help'])\n"
            "print(sorted({m.split('.')[0] if not m.startswith('kzpolicy') else m "
            "for m in sys.modules if m.startswith(('pydantic', 'numpy', 'durable', "
            "'kzpolicy.engine', 'kzpolicy.kb', 'kzpolicy.analysis', 'kzpolicy.report', "
            "'yaml', 'importlib.metadata'))}))")
    assert _fresh(code) == "[]"
