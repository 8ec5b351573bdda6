"""The `replay` command: re-run the decisions of a decision log (written by ``kzpolicy
serve --log`` or ``kzpolicy assess --log``) against a rules folder or a reading, and list
those whose answer changes, with the counts."""

from __future__ import annotations

import argparse
from typing import Any, TextIO

from kzpolicy.cli.options import add_rules_arguments, emit_result, knowledge_base, parse_whole

__all__ = ["register"]

_ABOUT = (
    "Re-run every decision of a decision log (kzpolicy serve --log, kzpolicy assess --log) "
    "against the rules of --rules (the stock ones by default) under --reading, and list "
    "the decisions whose answer changes (the scenario from and to, the items added and "
    "cleared), with how many were replayed, changed, unchanged and skipped (and why). The "
    "log is read in chunks and assessed in batches on the bitset engine, so its length is "
    "not limited by memory.")


def _cmd_replay(args: argparse.Namespace, out: TextIO) -> int:
    from kzpolicy.journal.replay import MAX_CHANGES, replay

    given = args.max_changes
    limit = MAX_CHANGES if given is None else parse_whole(given, "--max-changes")
    return emit_result(replay(args.log, kb=knowledge_base(args), max_changes=limit), args,
                       out)


def register(subparsers: Any) -> None:
    """Add `replay` to the `kzpolicy` parser."""
    p = subparsers.add_parser("replay", description=_ABOUT, help="re-run a decision log "
                              "against the rules: the answers that change")
    p.add_argument("log", metavar="LOG", help="the decision log (.jsonl)")
    add_rules_arguments(p)
    p.add_argument("--max-changes", metavar="N",
                   help="list at most N changed decisions (default 10,000; all are counted)")
    p.add_argument("--format", choices=["text", "markdown", "json"], default="text")
    p.add_argument("-o", "--output", metavar="FILE", help="write the output to FILE")
    p.set_defaults(handler=_cmd_replay)
