"""Command-line subcommands of the what-if family: what-if, tipping-points, landscape,
monte-carlo. ``register(subparsers)`` adds them to the `kzpolicy` parser.

They follow the conventions of `kzpolicy assess`: ``--set ID[=true|false]``,
``--preset``, ``--file``, ``--format text|json|markdown``, ``--rules``; bad input
exits 2 with a one-line message.
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any, TextIO

from kzpolicy.cli.beliefs import add_belief_arguments, gather_beliefs
from kzpolicy.cli.options import (
    add_budget_arguments,
    add_input_arguments,
    budget_of,
    gather,
    knowledge_base,
    merge,
    parse_set,
    parse_whole,
)
from kzpolicy.errors import InputError

__all__ = ["register"]

FORMATS = ["text", "json", "markdown"]


def _emit(result: Any, fmt: str, out: TextIO) -> int:
    from kzpolicy.report import analysis_text as _whatif_report

    if fmt == "json":
        out.write(result.model_dump_json(indent=2) + "\n")
    elif fmt == "markdown":
        out.write(_whatif_report.markdown(result))
    else:
        out.write(_whatif_report.text(result) + "\n")
    return 0


class _Bar:
    """A progress bar on stderr, drawn only when stderr is a terminal."""

    def __init__(self, label: str, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.label = label
        self.start = time.monotonic()
        self.on = self.stream.isatty()

    def __call__(self, done: int, total: int) -> None:
        if not self.on:
            return
        width = 30
        filled = width * done // total
        self.stream.write(f"\r{self.label} [{'#' * filled}{'.' * (width - filled)}] "
                          f"{100 * done // total:3d}% {time.monotonic() - self.start:5.1f}s")
        if done >= total:
            self.stream.write("\n")
        self.stream.flush()


# ---------------------------------------------------------------------- handlers
def _cmd_what_if(args: argparse.Namespace, out: TextIO) -> int:
    from kzpolicy.analysis.whatif import what_if

    kb = knowledge_base(args)
    base = gather(argparse.Namespace(file=args.file, set=args.base), kb)
    changes: dict[str, bool | None] = {**merge(parse_set(raw) for raw in args.set or [])}
    for ident in args.clear or []:
        if ident in changes:
            raise InputError(f"condition {ident!r} is both set and cleared")
        changes[ident] = None
    if not changes:
        raise InputError("nothing to change: give --set ID[=true|false] or --clear ID")
    return _emit(what_if(base, changes, preset=args.preset, kb=kb), args.format, out)


def _cmd_tipping(args: argparse.Namespace, out: TextIO) -> int:
    from kzpolicy.analysis.tipping import tipping_points

    kb = knowledge_base(args)
    given = None if args.limit is None else parse_whole(args.limit, "--limit")
    # the text lists concrete sets only when asked; JSON and Markdown carry a page of 20
    limit = (0 if args.format == "text" else 20) if given is None else (given or None)
    result = tipping_points(gather(args, kb), preset=args.preset, kb=kb,
                            max_size=parse_whole(args.max_size, "--max-size", low=1),
                            all_minimal=args.all, limit=limit,
                            offset=parse_whole(args.offset, "--offset"),
                            budget=budget_of(args))
    if args.format == "text":
        from kzpolicy.report.analysis_text import tipping_text

        out.write(tipping_text(result, listed=given is not None) + "\n")
        return 0
    return _emit(result, args.format, out)


def _cmd_landscape(args: argparse.Namespace, out: TextIO) -> int:
    from kzpolicy.analysis.landscape import landscape

    kb = knowledge_base(args)
    result = landscape(gather(args, kb), preset=args.preset, kb=kb, progress=_Bar("landscape"),
                       method=args.method)
    return _emit(result, args.format, out)


def _cmd_monte_carlo(args: argparse.Namespace, out: TextIO) -> int:
    from kzpolicy.analysis.montecarlo import monte_carlo
    from kzpolicy.engine.conditions import resolve

    kb = knowledge_base(args)
    fixed = gather(args, kb)
    probs = gather_beliefs(args, kb, resolve(kb, fixed, preset=args.preset))
    try:
        confidence = float(args.confidence)
    except ValueError:
        raise InputError(f"--confidence {args.confidence}: expected a number such as 0.95") \
            from None
    result = monte_carlo(
        probs, fixed=fixed, preset=args.preset, kb=kb,
        samples=parse_whole(args.samples, "--samples", low=1),
        seed=None if args.seed is None else parse_whole(args.seed, "--seed"),
        confidence=confidence, progress=_Bar("monte-carlo"),
    )
    return _emit(result, args.format, out)


# ---------------------------------------------------------------------- parser
def _common(p: argparse.ArgumentParser, *, conditions: str | None) -> None:
    add_input_arguments(p, conditions=conditions)
    p.add_argument("--format", choices=FORMATS, default="text")


def register(subparsers: Any) -> None:
    """Add what-if, tipping-points, landscape and monte-carlo to the `kzpolicy` parser."""
    p = subparsers.add_parser(
        "what-if", help="what changes when some conditions change",
        description="Assess a base (a preset and/or conditions) before and after changing "
        "conditions; show the scenario, shares, items and rules that change.")
    p.add_argument("--set", action="append", metavar="ID[=true|false]",
                   help="the change: set a condition (repeatable); a bare ID means true")
    p.add_argument("--clear", action="append", metavar="ID",
                   help="the change: make a condition unknown again (repeatable)")
    p.add_argument("--base", action="append", metavar="ID[=true|false]",
                   help="a base condition, before the change (repeatable)")
    p.add_argument("--file", metavar="FILE", help="base conditions from a .yaml or .json file")
    _common(p, conditions=None)
    p.set_defaults(handler=_cmd_what_if)

    p = subparsers.add_parser(
        "tipping-points", help="the fewest factor changes that switch the scenario",
        description="From a base, the smallest sets of factor changes that switch the "
        "implied scenario, compactly ('any N of ...'), and the concrete sets on request.")
    _common(p, conditions="a base condition")
    for flag, default, text in (
            ("--max-size", "3", "largest set of changes to search (default 3)"),
            ("--limit", None, "also list N concrete sets, smallest first (0: all; by "
             "default the text lists none, JSON and Markdown 20)"),
            ("--offset", "0", "the concrete sets listed start after the first N")):
        p.add_argument(flag, default=default, metavar="N", help=text)
    p.add_argument("--all", action="store_true",
                   help="every minimal set up to --max-size, not only the smallest")
    add_budget_arguments(p)
    p.set_defaults(handler=_cmd_tipping)

    p = subparsers.add_parser(
        "landscape", help="every combination of the scenario factors",
        description="All 2^F combinations of the scenario factors with the context "
        "conditions fixed: scenarios, items and each factor's influence, counted without "
        "enumerating where the rules allow (the result says which method it used).")
    _common(p, conditions="fix a context condition")
    p.add_argument("--method", choices=["auto", "count", "enumerate"], default="auto",
                   help="count (exact, without enumerating), enumerate every combination, "
                   "or auto: count where the rules allow (default)")
    p.set_defaults(handler=_cmd_landscape)

    p = subparsers.add_parser(
        "monte-carlo", help="scenario and risk probabilities by sampling",
        description="Draw each condition true with the given probability (false "
        "otherwise); estimate each scenario's and item's probability with intervals.")
    add_belief_arguments(p)
    _common(p, conditions="fix a condition in every sample")
    p.add_argument("--samples", default="100000", metavar="N", help="default 100000")
    p.add_argument("--seed", metavar="N", help="make the run reproducible")
    p.add_argument("--confidence", default="0.95", metavar="C",
                   help="confidence level of the intervals (default 0.95)")
    p.set_defaults(handler=_cmd_monte_carlo)
