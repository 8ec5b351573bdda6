"""The `assess` command: the scenario, the risks and why, as text, JSON, Markdown or HTML."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any, TextIO

from kzpolicy.cli.options import (
    add_engine_argument,
    add_input_arguments,
    emit,
    emit_result,
    file_situation,
    gather,
    knowledge_base,
    merge,
    parse_set,
    reading_names,
    render_reasoning,
)
from kzpolicy.errors import InputError

if TYPE_CHECKING:
    from kzpolicy.journal.situation import Situation
    from kzpolicy.kb.knowledge import KnowledgeBase

__all__ = ["register"]


def _cmd_assess(args: argparse.Namespace, out: TextIO) -> int:
    from kzpolicy.engine.assess import assess  # the engine loads when a command needs it
    from kzpolicy.report.render import render

    if args.explain and args.format != "text":
        raise InputError(f"--explain goes with --format text, not --format {args.format}")
    if args.open and args.format not in ("text", "markdown"):
        raise InputError(f"--open goes with --format text or markdown, not --format "
                         f"{args.format} ('kzpolicy stability --format {args.format}' gives "
                         "the verdicts alone)")
    kb = knowledge_base(args)
    given = gather(args, kb)
    if args.robustness is not None:
        from kzpolicy.analysis.robustness import robustness

        if args.explain:
            raise InputError("--explain explains one assessment; --robustness compares "
                             "readings: give one of them")
        found = robustness(given, preset=args.preset, kb=kb, engine=args.engine,
                           readings=reading_names(args.robustness, "--robustness"))
        _log(args, "robustness", given, found, kb)
        return emit_result(found, args, out)
    situation = file_situation(args)
    if situation is not None:
        return _situation(args, situation, kb, out)
    given = gather(args, kb)
    result = assess(given, preset=args.preset, kb=kb, engine=args.engine)
    _log(args, "assess", given, result, kb)
    if args.format == "json":
        text = result.model_dump_json(indent=2) + "\n"
    elif args.format == "text" and args.explain:
        text = result.explain() + "\n"
    else:
        text = render(result, args.format, kb=kb)
    if args.open:
        text += "\n" + render_reasoning(result.stability(), args.format, kb, _OPEN_TOP)
    return emit(text, args.output, out)


def _situation(args: argparse.Namespace, found: Situation, kb: KnowledgeBase,
               out: TextIO) -> int:
    """A situation file assessed: the assessment (and the probabilities of its uncertain
    beliefs) with the caller's evidence beside each condition."""
    from kzpolicy.journal.evidence import assess_situation

    given = merge(parse_set(s) for s in args.set or [])
    result = assess_situation(found, conditions=given, preset=args.preset, kb=kb,
                              engine=args.engine)
    if args.explain:
        from kzpolicy.report.journal_text import evidence_text

        return emit(result.assessment.explain() + "\n\n" + evidence_text(result) + "\n",
                    args.output, out)
    return emit_result(result, args, out)


#: how many unknowns worth finding out `assess --open` lists
_OPEN_TOP = 5


def _log(args: argparse.Namespace, operation: str, given: dict[str, bool], result: Any,
         kb: KnowledgeBase) -> None:
    """Append the answer to the decision log of ``--log``, if one is given."""
    if args.log is None:
        return
    from kzpolicy.journal.log import DecisionLog

    with DecisionLog(args.log) as log:
        log.append(operation, {"conditions": given, "preset": args.preset,
                               "engine": args.engine}, result,
                   kb_version=kb.version, reading=kb.reading)


def register(sub: Any) -> None:
    """Add `assess` to the subcommands ``sub``."""
    p = sub.add_parser("assess", help="assess asserted conditions: scenario, risks and why")
    add_input_arguments(p)
    add_engine_argument(p)
    p.add_argument("--format", choices=["text", "json", "markdown", "html"], default="text")
    p.add_argument("-o", "--output", metavar="FILE",
                   help="write the output to FILE in any format (default: standard output)")
    p.add_argument("--explain", action="store_true", help="print the full chain of reasons")
    p.add_argument("--log", metavar="FILE",
                   help="append the answer to the decision log FILE (one JSON line; see "
                   "'kzpolicy replay')")
    p.add_argument("--robustness", nargs="?", const="", metavar="A,B,...",
                   help="assess under every stock reading (or those named, separated by "
                   "commas) and say under which readings each conclusion holds")
    p.add_argument("--open", action="store_true",
                   help="also say which conclusions are settled and which are open on the "
                   "unknown conditions, and what to find out next")
    p.set_defaults(handler=_cmd_assess)
