"""The `assess` command: the scenario, the risks and why, as text, JSON, Markdown or HTML."""

from __future__ import annotations

import argparse
from typing import Any, TextIO

from kzpolicy.cli.options import add_input_arguments, gather, knowledge_base
from kzpolicy.cli.report_commands import emit_html
from kzpolicy.engine.assess import assess
from kzpolicy.report import text as _report

__all__ = ["register"]


def _cmd_assess(args: argparse.Namespace, out: TextIO) -> int:
    kb = knowledge_base(args)
    result = assess(gather(args), preset=args.preset, kb=kb)
    if args.format == "json":
        out.write(result.model_dump_json(indent=2) + "\n")
    elif args.format == "html":
        return emit_html(result, kb, args.output, out)
    elif args.format == "markdown":
        out.write(_report.markdown(result, kb=kb))
    elif args.explain:
        out.write(result.explain() + "\n")
    else:
        out.write(_report.text(result) + "\n")
    return 0



def register(sub: Any) -> None:
    """Add `assess` to the subcommands ``sub``."""
    p = sub.add_parser("assess", help="assess asserted conditions: scenario, risks and why")
    add_input_arguments(p)
    p.add_argument("--format", choices=["text", "json", "markdown", "html"], default="text")
    p.add_argument("-o", "--output", metavar="FILE",
                   help="with --format html: write the page to FILE (default: standard output)")
    p.add_argument("--explain", action="store_true", help="print the full chain of reasons")
    p.set_defaults(handler=_cmd_assess)
