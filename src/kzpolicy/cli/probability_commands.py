"""Command-line subcommand ``probabilities``: exact scenario and item probabilities from
beliefs, and with ``--sensitivity`` how much each belief moves them.
``register(subparsers)`` adds it to the `kzpolicy` parser.

It follows the conventions of `kzpolicy monte-carlo`: ``--prob ID=P`` (repeatable),
``--probabilities FILE``, ``--set``/``--file`` to fix conditions, ``--preset``,
``--rules``, ``--format text|json|markdown|html``; bad input exits 2 with one line.
"""

from __future__ import annotations

import argparse
from fractions import Fraction
from typing import Any, TextIO

from kzpolicy.cli.options import add_input_arguments, gather, knowledge_base, read_conditions_file
from kzpolicy.errors import InputError

__all__ = ["register"]

FORMATS = ["text", "json", "markdown", "html"]


def _parse_prob(raw: str) -> tuple[str, Any]:
    """One ``ID=P`` of ``--prob``: P a decimal (0.7) or a fraction (7/10)."""
    ident, sep, value = raw.partition("=")
    if not sep or not ident:
        raise InputError(f"--prob {raw}: write ID=P with P from 0 to 1, e.g. --prob D1=0.3")
    text = value.strip()
    try:
        return ident, float(text)
    except ValueError:
        pass
    try:
        return ident, Fraction(text)
    except (ValueError, ZeroDivisionError):
        raise InputError(f"--prob {raw}: {value!r} is not a number from 0 to 1 "
                         "(write 0.3 or 3/10)") from None


def _beliefs(args: argparse.Namespace) -> dict[str, Any]:
    pairs: list[tuple[str, Any]] = []
    if args.probabilities:
        pairs += read_conditions_file(args.probabilities)
    pairs += [_parse_prob(p) for p in args.prob or []]
    out: dict[str, Any] = {}
    for ident, value in pairs:
        if ident in out and out[ident] != value:
            raise InputError(f"condition {ident!r} is given two probabilities; give one")
        out[ident] = value
    if not out:
        raise InputError("give at least one probability: --prob ID=P or --probabilities FILE")
    return out


def _cmd_probabilities(args: argparse.Namespace, out: TextIO) -> int:
    from kzpolicy.analysis.probabilities import probabilities
    from kzpolicy.analysis.sensitivity import sensitivity
    from kzpolicy.report.render import render

    kb = knowledge_base(args)
    call = sensitivity if args.sensitivity else probabilities
    result = call(_beliefs(args), fixed=gather(args), preset=args.preset, kb=kb,
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
    p.add_argument("--prob", action="append", metavar="ID=P",
                   help="the probability that a condition holds, 0.3 or 3/10 (repeatable)")
    p.add_argument("--probabilities", metavar="FILE",
                   help="probabilities from a .yaml or .json mapping of IDs to numbers")
    add_input_arguments(p, conditions="fix a condition")
    p.add_argument("--format", choices=FORMATS, default="text")
    p.add_argument("--exact", action="store_true",
                   help="give every probability as a fraction too")
    p.add_argument("--sensitivity", action="store_true",
                   help="rank the beliefs by how much they move the probabilities")
    p.set_defaults(handler=_cmd_probabilities)
