"""The commands about readings: `robustness` (under which readings each conclusion holds;
``kzpolicy assess --robustness`` gives the same) and `diff` (two rules folders, or one and
a reading of it: the entries that differ and how many situations that changes).

They follow the conventions of `kzpolicy assess`: ``--set``, ``--preset``, ``--file``,
``--rules``, ``--reading``, ``--format text|json|markdown|html``, ``-o FILE``.
"""

from __future__ import annotations

import argparse
from typing import Any, TextIO

from kzpolicy.cli.options import (
    add_input_arguments,
    add_rules_arguments,
    emit_result,
    gather,
    knowledge_base,
    reading_names,
)
from kzpolicy.errors import InputError

__all__ = ["FORMATS", "register"]

FORMATS = ["text", "json", "markdown", "html"]


def _cmd_robustness(args: argparse.Namespace, out: TextIO) -> int:
    from kzpolicy.analysis.robustness import robustness

    kb = knowledge_base(args)
    result = robustness(gather(args, kb), readings=reading_names(args.readings, "--readings"),
                        preset=args.preset, kb=kb)
    return emit_result(result, args, out)


def _cmd_diff(args: argparse.Namespace, out: TextIO) -> int:
    from kzpolicy.analysis.diff import diff
    from kzpolicy.kb.loading import load

    if args.after is None and args.reading is None:
        raise InputError("diff needs a second rules folder or --reading NAME|FILE to compare "
                         "the first with")
    before = load(args.before)
    result = diff(before, args.after, reading=args.reading, context=gather(args, before))
    return emit_result(result, args, out)


def register(subparsers: Any) -> None:
    """Add `robustness` and `diff` to the `kzpolicy` parser."""
    p = subparsers.add_parser(
        "robustness", help="under which readings each conclusion holds",
        description="Assess the conditions under several readings of the article (every "
        "stock reading unless --readings says which) and say, for the scenario and every "
        "item, under which readings it holds: 'holds under 3 of 4 readings'.")
    add_input_arguments(p)
    p.add_argument("--readings", metavar="A,B,...",
                   help="the readings to compare, separated by commas (default: every one "
                   "of 'list readings'); each may be names joined by + or a reading file")
    p.add_argument("--format", choices=FORMATS, default="text")
    p.add_argument("-o", "--output", metavar="FILE", help="write the output to FILE")
    p.set_defaults(handler=_cmd_robustness)

    p = subparsers.add_parser(
        "diff", help="what differs between two rules folders, or a folder and a reading",
        description="Compare rules folder BEFORE with AFTER (or with itself under "
        "--reading; given both, AFTER under --reading): the entries added, removed and "
        "changed field by field, and the impact counted over every combination of the "
        "scenario factors: how many change their implied scenario, and which items' "
        "flagging changes.")
    p.add_argument("before", metavar="BEFORE", help="a rules folder (e.g. rules)")
    p.add_argument("after", metavar="AFTER", nargs="?", help="another rules folder")
    add_rules_arguments(p, rules=False)
    p.add_argument("--set", action="append", metavar="ID[=true|false]",
                   help="fix a context condition for the impact (repeatable)")
    p.add_argument("--file", metavar="FILE",
                   help="context conditions from a .yaml or .json file")
    p.add_argument("--format", choices=FORMATS, default="text")
    p.add_argument("-o", "--output", metavar="FILE", help="write the output to FILE")
    p.set_defaults(handler=_cmd_diff)
