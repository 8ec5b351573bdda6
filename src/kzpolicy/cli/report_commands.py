"""The `report` and `graph` commands: an assessment as a shareable page, the rule network
as Graphviz DOT or Mermaid.

``register(subparsers)`` adds both to the ``kzpolicy`` command line; they take the
same inputs as ``assess`` (``--set``, ``--preset``, ``--file``, ``--rules``) and
write to ``-o FILE`` or standard output. Bad input exits 2 like every command.
"""

from __future__ import annotations

import argparse
from typing import Any, TextIO

from kzpolicy.cli.options import (
    add_engine_argument,
    add_input_arguments,
    emit,
    gather,
    knowledge_base,
    merge,
    parse_set,
)

__all__ = ["register"]


def _inputs(p: argparse.ArgumentParser) -> None:
    add_input_arguments(p)
    add_engine_argument(p)
    p.add_argument("-o", "--output", metavar="FILE",
                   help="write to FILE instead of standard output")


def _cmd_report(args: argparse.Namespace, out: TextIO) -> int:
    from kzpolicy.engine.assess import assess
    from kzpolicy.report import text as _report
    from kzpolicy.report.html import comparison_page, page

    kb = knowledge_base(args)
    given = gather(args, kb)
    before = assess(given, preset=args.preset, kb=kb, engine=args.engine)
    if not args.what_if:
        text = (page(before, kb=kb, title=args.title) if args.format == "html"
                else _report.markdown(before, kb=kb))
        return emit(text, args.output, out)
    changes = merge(parse_set(s, "--what-if") for s in args.what_if)
    after = assess({**given, **changes}, preset=args.preset, kb=kb, engine=args.engine)
    text = (comparison_page(before, after, kb=kb, title=args.title) if args.format == "html"
            else _report.markdown_comparison(before, after, kb=kb))
    return emit(text, args.output, out)


def _cmd_graph(args: argparse.Namespace, out: TextIO) -> int:
    from kzpolicy.report.graph import activity, network, to_dot, to_mermaid

    kb = knowledge_base(args)
    act = None
    if args.set or args.preset or args.file:
        from kzpolicy.engine.assess import assess

        act = activity(assess(gather(args, kb), preset=args.preset, kb=kb, engine=args.engine))
    net = network(kb)
    text = to_dot(net, act) if args.format == "dot" else to_mermaid(net, act)
    return emit(text, args.output, out)


def register(subparsers: Any) -> None:
    """Add ``report`` and ``graph`` to the command line's subparsers."""
    p = subparsers.add_parser(
        "report",
        help="write an assessment as one self-contained HTML page (or Markdown)",
        description="Assess the conditions and write a page to share: the implied "
        "scenario and its shares as a chart, the flagged items with their reasons, the "
        "rule network with what fired highlighted, and the conditions given. The HTML "
        "needs no network and no script.",
    )
    _inputs(p)
    p.add_argument("--format", choices=["html", "markdown"], default="html")
    p.add_argument(
        "--what-if",
        action="append",
        metavar="ID[=true|false]",
        help="also assess with this change on top (repeatable) and show before and after",
    )
    p.add_argument("--title", help="the page title (default: from the implied scenario)")
    p.set_defaults(handler=_cmd_report)

    p = subparsers.add_parser(
        "graph",
        help="export the whole rule network as Graphviz DOT or Mermaid",
        description="Every condition, scenario factor, rule, item and scenario with the "
        "edges between them. Give conditions (--set, --preset, --file) to mark what "
        "an assessment of them fires.",
    )
    _inputs(p)
    p.add_argument("--format", choices=["dot", "mermaid"], default="dot")
    p.set_defaults(handler=_cmd_graph)
