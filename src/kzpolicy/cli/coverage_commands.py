"""The `kzpolicy coverage` and `kzpolicy steps` subcommands.

``register(subparsers)`` adds ``coverage``: which article items, factors, rules,
stages, doctrines, programmes and known table cells the feature files exercise
(exit 1 when anything is not exercised or a scenario fails).
``register_steps(subparsers)`` adds ``steps``: the step library with one example
per step (the text of docs/steps.md).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any, TextIO

from kzpolicy.errors import InputError

__all__ = ["register", "register_steps"]


def _need_bdd() -> None:
    """The step library needs the ``bdd`` extra; say so in one line without it."""
    import importlib.util

    for module in ("pytest", "pytest_bdd", "gherkin"):
        if importlib.util.find_spec(module) is None:
            raise InputError(f"this command needs {module}, which is not installed: "
                             "pip install 'kzpolicy[bdd]'")


def _cmd_coverage(args: argparse.Namespace, out: TextIO) -> int:
    _need_bdd()
    from kzpolicy.bdd.feature_coverage import feature_coverage
    from kzpolicy.cli.options import knowledge_base

    kb = knowledge_base(args)
    report = feature_coverage(kb, Path(args.features) if args.features else None)
    if args.format == "json":
        out.write(json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n")
    else:
        out.write(report.to_text() + "\n")
    return 0 if report.complete else 1


def _cmd_steps(args: argparse.Namespace, out: TextIO) -> int:
    _need_bdd()
    from kzpolicy.bdd.step_docs import render_step_list

    out.write(render_step_list())
    return 0


def register(subparsers: Any) -> None:
    """Add the `coverage` subcommand to the `kzpolicy` parser."""
    p = subparsers.add_parser(
        "coverage",
        help="which parts of the article the feature files exercise",
        description="Replay the feature files on kzpolicy's step library and report, per "
        "article item, factor and rule, whether a rule reaches it and whether a feature "
        "exercises it. Exit 1 when anything is not exercised or a scenario fails.",
    )
    p.add_argument(
        "--features", metavar="DIR",
        help="the folder of .feature files (default: ./features of the current folder)",
    )
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.add_argument(
        "--rules", metavar="PATH", help="a rules/ folder to use instead of the stock one"
    )
    p.set_defaults(handler=_cmd_coverage)


def register_steps(subparsers: Any) -> None:
    """Add the `steps` subcommand to the `kzpolicy` parser."""
    p = subparsers.add_parser(
        "steps",
        help="the Gherkin steps kzpolicy provides, one example each (Markdown)",
    )
    p.set_defaults(handler=_cmd_steps)
