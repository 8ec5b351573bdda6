"""The cold start of ``kzpolicy assess`` (issue 22): with the knowledge-base cache written,
``assess --set D1`` (text or JSON) loads only what it uses. No timing here: the modules
a run leaves in ``sys.modules`` say what it loaded, so a gain cannot silently regress
(``bench/bench_engines.py`` section 3 measures the time).

And the command line builds only the parser of the command run: the table of where each
command is registered (``kzpolicy.cli.main._REGISTERS``) is what the modules register.
"""

from __future__ import annotations

import argparse
import importlib
import json
import pkgutil
import subprocess
import sys

import pytest

import kzpolicy.cli
from kzpolicy.cli import main as cli_main
from kzpolicy.cli.options import Parser

#: runs ``python -m kzpolicy ARGS`` (ARGS: argv[1], as JSON) and prints, as JSON, its
#: exit status, its output and every module loaded when it ends
WRAPPER = """
import contextlib, io, json, runpy, sys
sys.argv = ["kzpolicy", *json.loads(sys.argv[1])]
out, status = io.StringIO(), None
with contextlib.redirect_stdout(out):
    try:
        runpy.run_module("kzpolicy", run_name="__main__", alter_sys=True)
    except SystemExit as exc:
        status = exc.code
print(json.dumps({"status": status, "out": out.getvalue(), "modules": sorted(sys.modules)}))
"""

#: what `assess` never loads (a prefix stands for its submodules too): numpy, Jinja2 and
#: the analyses; the journal, the web server, the BDD steps and the list of operations;
#: the YAML reader, the readings and the checks (the knowledge base comes from the
#: cache); the Conditions model (pydantic's RootModel); the bitset engine; the other
#: commands' modules and the other report formats
NEVER = (
    "numpy", "jinja2", "yaml", "starlette", "uvicorn",
    "kzpolicy.analysis", "kzpolicy.journal", "kzpolicy.serve", "kzpolicy.bdd",
    "kzpolicy.operations",
    "kzpolicy.kb.strict_yaml", "kzpolicy.kb.reading", "kzpolicy.kb.checks",
    "kzpolicy.kb.listing", "kzpolicy.kb.data_file",
    "kzpolicy.engine.conditions", "pydantic.root_model",
    "kzpolicy.engine.bitset", "kzpolicy.engine.batch",
    "kzpolicy.report.html", "kzpolicy.report.graph", "kzpolicy.report.analysis_text",
    "kzpolicy.report.reasoning_text", "kzpolicy.report.templating",
)
#: the modules of kzpolicy.cli that `assess` loads: no other command's
CLI_USED = {"kzpolicy.cli", "kzpolicy.cli.main", "kzpolicy.cli.options",
            "kzpolicy.cli.assess_command"}


def _run(*args: str) -> tuple[object, str, list[str]]:
    """Exit status, output and modules loaded of ``kzpolicy ARGS`` in a fresh Python."""
    done = subprocess.run([sys.executable, "-c", WRAPPER, json.dumps(args)],
                          capture_output=True, text=True, check=True, timeout=120)
    found = json.loads(done.stdout)
    return found["status"], found["out"], found["modules"]


def _loaded(modules: list[str], names: tuple[str, ...]) -> list[str]:
    return [m for m in modules for n in names if m == n or m.startswith(n + ".")]


@pytest.mark.parametrize("engine", ["durable", "bitset"])
@pytest.mark.parametrize("fmt", ["text", "json"])
def test_assess_loads_only_what_it_uses(fmt: str, engine: str) -> None:
    args = ("assess", "--set", "D1", "--format", fmt, "--engine", engine)
    _run(*args)  # the knowledge-base cache written, as after a first run
    status, out, modules = _run(*args)
    assert status == 0
    if fmt == "json":
        assert json.loads(out)["scenario"]
    else:
        assert out.startswith("Scenario: ")
    # the bitset engine assesses one input without numpy (only its batches need it)
    never = NEVER if engine == "durable" else tuple(
        n for n in NEVER if n != "kzpolicy.engine.bitset")
    assert _loaded(modules, never) == []
    if engine == "bitset":
        assert "kzpolicy.engine.bitset" in modules
        assert _loaded(modules, ("kzpolicy.engine.durable", "durable")) == []
    assert sorted(m for m in modules if m.startswith("kzpolicy.cli")) == sorted(CLI_USED)


def test_assess_as_text_builds_no_pydantic_schema() -> None:
    # no model is completed (its validator built), so pydantic never scans the
    # installed distributions for plugins (importlib.metadata)
    _run("assess", "--set", "D1")
    _, _, modules = _run("assess", "--set", "D1")
    assert _loaded(modules, ("importlib.metadata", "pydantic.root_model")) == []


def _choices(register: object) -> tuple[str, ...]:
    parser = Parser(prog="kzpolicy")
    sub = parser.add_subparsers(dest="command")
    assert callable(register)
    register(sub)
    return tuple(sub.choices)


def test_the_table_of_commands_is_what_the_modules_register() -> None:
    for (module, function), names in cli_main._REGISTERS.items():
        found = getattr(importlib.import_module(f"kzpolicy.cli.{module}"), function)
        assert _choices(found) == names
    listed = {module for module, _ in cli_main._REGISTERS}
    modules = {m.name for m in pkgutil.iter_modules(kzpolicy.cli.__path__)}
    assert modules - listed == {"main", "options", "beliefs"}


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    actions = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    assert len(actions) == 1
    return dict(actions[0].choices)


@pytest.mark.parametrize("command", [n for names in cli_main._REGISTERS.values()
                                     for n in names])
def test_a_command_alone_parses_and_helps_as_among_all(command: str) -> None:
    every = cli_main._parser()
    alone = cli_main._parser(cli_main._command([command, "--help"]))
    assert alone.format_usage() == every.format_usage()
    assert _subparsers(alone)[command].format_help() == _subparsers(every)[command].format_help()


@pytest.mark.parametrize(("argv", "command"), [
    (["assess", "--set", "D1"], "assess"),
    (["--no-cache", "what-if", "--set", "D1"], "what-if"),
    (["--help"], None), (["--version"], None), (["--no-cache"], None), ([], None),
    (["asses"], None), (["--no-cach", "assess"], None), (["-h", "assess"], None),
])
def test_only_a_known_command_after_no_cache_gets_its_parser_alone(
        argv: list[str], command: str | None) -> None:
    assert cli_main._command(argv) == command
