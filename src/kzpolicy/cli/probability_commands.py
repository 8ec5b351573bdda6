"""Command-line subcommand ``probabilities``: exact scenario and item probabilities from
beliefs, and with ``--sensitivity`` how much each belief moves them.
``register(subparsers)`` adds it to the `kzpolicy` parser.

It follows the conventions of `kzpolicy monte-carlo`: ``--prob ID=P`` (repeatable),
``--probabilities FILE``, ``--set``/``--file`` to fix conditions, ``--preset``,
``--rules``, ``--format text|json|markdown|html``; bad input exits 2 with one line.
"""

from __future__ import annotations

import argparse
from typing import Any, TextIO

from kzpolicy.cli.beliefs import add_belief_arguments, gather_beliefs
from kzpolicy.cli.options import add_input_arguments, gather, knowledge_base

__all__ = ["register"]

FORMATS = ["text", "json", "markdown", "html"]


def _cmd_probabilities(args: argparse.Namespace, out: TextIO) -> int:
    from kzpolicy.analysis.probabilities import probabilities
    from kzpolicy.analysis.sensitivity import sensitivity
    from kzpolicy.engine.conditions import resolve
    from kzpolicy.report.render import render

    kb = knowledge_base(args)
    fixed = gather(args, kb)
    beliefs = gather_beliefs(args, kb, resolve(kb, fixed, preset=args.preset))
    if args.sensitivity or args.by is not None:
        result: Any = sensitivity(beliefs, fixed=fixed, preset=args.preset, kb=kb,
                                  exact=args.exact, by=args.by)
    else:
        result = probabilities(beliefs, fixed=fixed, preset=args.preset, kb=kb,
                               exact=args.exact)
    if args.format == "json":
        out.write(result.model_dump_json(indent=2) + "\n")
    else:
        out.write(render(result, args.format, kb=kb))
    return 0


def register(subparsers: Any) -> None:
    """Add ``probabilities`` to the `kzpolicy` parser."""
    p = subparsers.add_parser(
        "probabilities", help="exact scenario and risk probabilities from beliefs",
        description="Each condition given a probability is true with it and false "
        "otherwise, independently; compute the exact probability of each scenario and "
        "item (no sampling). With --sensitivity, how much each belief moves them and "
        "where the most likely scenario changes.")
    add_belief_arguments(p)
    add_input_arguments(p, conditions="fix a condition")
    p.add_argument("--format", choices=FORMATS, default="text")
    p.add_argument("--exact", action="store_true",
                   help="give every probability as a fraction too")
    p.add_argument("--sensitivity", action="store_true",
                   help="rank the beliefs by how much they move the probabilities")
    p.add_argument("--by", metavar="SCENARIO",
                   help="rank the beliefs by how much they move this scenario's "
                   "probability (implies --sensitivity)")
    p.set_defaults(handler=_cmd_probabilities)
