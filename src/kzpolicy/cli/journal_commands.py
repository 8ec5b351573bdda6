"""Command-line subcommands of the journal: ``timeline``, the situations of a journal in
date order, what changed from one date to the next and which changed beliefs caused it
(:func:`kzpolicy.timeline`); and ``replay``, the decisions of a decision log (written by
``kzpolicy serve --log`` or ``kzpolicy assess --log``) re-run against a rules folder or a
reading, those whose answer changes listed with the counts (:func:`kzpolicy.replay`).
``register(subparsers)`` adds both to the `kzpolicy` parser.

A situation file itself goes to ``--file`` of the commands that take conditions (its
certain beliefs asserted, its uncertain ones to ``probabilities`` and ``monte-carlo``).
"""

from __future__ import annotations

import argparse
from typing import Any, TextIO

from kzpolicy.cli.options import (
    add_engine_argument,
    add_rules_arguments,
    emit_result,
    knowledge_base,
    parse_whole,
)

__all__ = ["register"]


#: what ``kzpolicy timeline --help`` says the command does
DESCRIPTION = (
    "Read a journal (a folder of situation files, or one file with dated entries) and "
    "give, per date, the implied scenario, the shares (and with uncertain beliefs the "
    "scenario probabilities), the risks added and cleared since the date before, and the "
    "changed beliefs that caused each difference, with their evidence. A set of changed "
    "beliefs causes a difference when putting just those back as they were undoes it; "
    "the smallest such sets are given.")

_ABOUT_REPLAY = (
    "Re-run every decision of a decision log (kzpolicy serve --log, kzpolicy assess --log) "
    "against the rules of --rules (the stock ones by default) under --reading, and list "
    "the decisions whose answer changes (the scenario from and to, the items added and "
    "cleared), with how many were replayed, changed, unchanged and skipped (and why). The "
    "log is read in chunks and assessed in batches on the bitset engine, so its length is "
    "not limited by memory.")


def _cmd_timeline(args: argparse.Namespace, out: TextIO) -> int:
    from kzpolicy.journal.timeline import timeline

    found = timeline(args.path, kb=knowledge_base(args), engine=args.engine,
                     max_cause=parse_whole(args.max_cause, "--max-cause", low=1))
    return emit_result(found, args, out)


def _cmd_replay(args: argparse.Namespace, out: TextIO) -> int:
    from kzpolicy.journal.replay import MAX_CHANGES, replay

    given = args.max_changes
    limit = MAX_CHANGES if given is None else parse_whole(given, "--max-changes")
    return emit_result(replay(args.log, kb=knowledge_base(args), max_changes=limit), args,
                       out)


def register(subparsers: Any) -> None:
    """Add ``timeline`` and ``replay`` to the `kzpolicy` parser."""
    help_ = "situations over time: scenario, probabilities, risks and why"
    p = subparsers.add_parser("timeline", help=help_, description=DESCRIPTION)
    p.add_argument("path", metavar="PATH", help="a journal folder or file")
    add_rules_arguments(p)
    add_engine_argument(p)
    p.add_argument("--max-cause", default="3", metavar="N",
                   help="the largest set of changed beliefs searched for a cause (default 3)")
    p.add_argument("--format", choices=["text", "json", "markdown", "html"], default="text")
    p.add_argument("-o", "--output", metavar="FILE",
                   help="write the output to FILE in any format (default: standard output)")
    p.set_defaults(handler=_cmd_timeline)

    p = subparsers.add_parser("replay", description=_ABOUT_REPLAY, help="re-run a decision "
                              "log against the rules: the answers that change")
    p.add_argument("log", metavar="LOG", help="the decision log (.jsonl)")
    add_rules_arguments(p)
    p.add_argument("--max-changes", metavar="N",
                   help="list at most N changed decisions (default 10,000; all are counted)")
    p.add_argument("--format", choices=["text", "markdown", "json"], default="text")
    p.add_argument("-o", "--output", metavar="FILE", help="write the output to FILE")
    p.set_defaults(handler=_cmd_replay)
