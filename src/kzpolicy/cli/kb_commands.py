"""The knowledge-base commands: `list`, `check` and `schema`."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, TextIO

from kzpolicy.cli.options import add_rules_arguments, dump, knowledge_base
from kzpolicy.errors import InputError
from kzpolicy.operations.table import SCHEMA_NAMES  # the names only: no model loads

__all__ = ["LIST_NAMES", "SCHEMA_NAMES", "register"]

#: what `kzpolicy list` shows (the keys of kzpolicy.kb.listing.LISTINGS; a test keeps
#: them equal): named here so that building the command line loads no knowledge base
LIST_NAMES = ("conditions", "doctrines", "factors", "findings", "milestones", "outcomes",
              "partners", "presets", "programmes", "readings", "rivalry", "rules", "scenarios",
              "stages", "stimuli", "swot")


def _cmd_list(args: argparse.Namespace, out: TextIO) -> int:
    from kzpolicy.kb.listing import READING_MARK, listing
    from kzpolicy.report.table import table

    kb = knowledge_base(args)
    columns, records = listing(kb, args.what)
    if args.format == "json":
        dump(records, out)
    else:
        rows = [[r.get(c) for c in columns] for r in records]
        out.write(table(columns, rows) + "\n")
        if any(isinstance(v, str) and v.endswith(READING_MARK) for row in rows for v in row):
            out.write(f"\n{READING_MARK} the project's reading (interpretation), not the "
                      "article's word: --format json gives its note\n")
        out.write(f"\n{len(records)} {args.what} entries (knowledge base {kb.version})\n")
    return 0


def _checked(root: Path, reading: str | None) -> tuple[Any, list[tuple[Any, Any]], list[Any]]:
    """The knowledge base of folder ``root`` (None when it does not read), its readings and
    ``reading`` each checked against it, and every problem found."""
    from kzpolicy.kb.checks import validate
    from kzpolicy.kb.folder import read_folder
    from kzpolicy.kb.knowledge import KnowledgeBase
    from kzpolicy.kb.loading import check_readings

    raw, problems = read_folder(root, collect=True)
    if problems:
        return None, [], problems
    kb = KnowledgeBase(raw)
    problems = validate(kb)
    if problems:
        return kb, [], problems
    readings, problems = check_readings(kb, reading)
    return kb, readings, [*problems, *(p for _, found in readings for p in found.problems)]


def _cmd_check(args: argparse.Namespace, out: TextIO) -> int:
    from kzpolicy.engine.durable.limits import durable_limits
    from kzpolicy.engine.engines import engines_for
    from kzpolicy.kb.checks import statistics
    from kzpolicy.kb.loading import stock_rules_path
    from kzpolicy.report.table import table

    if args.path is not None and not args.path.strip():
        raise InputError(f"check {args.path!r}: the path is empty; give a rules/ folder, or "
                         "leave it out for the stock rules")
    root = args.path or stock_rules_path()
    kb, readings, problems = _checked(Path(root), args.reading)
    if problems:
        for p in problems:
            out.write(f"{p}\n")
        out.write(f"{len(problems)} problem(s) in {root}\n")
        return 1
    assert kb is not None
    cov = statistics(kb)
    beyond = durable_limits(kb)
    if args.format == "json":
        dump(
            {
                "path": str(root),
                "version": kb.version,
                "counts": cov.counts,
                "lists": [{"id": n, "expected": e, "found": f} for n, e, f in cov.lists],
                "uncovered_items": cov.uncovered_items,
                "factors_without_item_rule": cov.factors_without_item_rule,
                "rule_stances": cov.stances,
                "engines": list(engines_for(kb)),
                "durable_limits": [p.message for p in beyond],
                "readings": [{"id": r.id, "version": found.kb.version if found.kb else None,
                              "unreachable": [n.message for n in found.notes]}
                             for r, found in readings],
            },
            out,
        )
        return 0
    out.write(f"{root}: OK (knowledge base {kb.version})\n")
    if beyond:
        out.write("engines: bitset only; durable-rules cannot run it:\n")
        out.writelines(f"  {p}\n" for p in beyond)
    else:
        out.write("engines: durable (the default) and bitset\n")
    out.write("\n")
    out.write(table(["what", "count"], sorted(cov.counts.items())) + "\n\n")
    out.write(table(["article list", "expected", "found"], cov.lists) + "\n\n")
    out.write(
        f"rules: {cov.stances.get('stated', 0)} stated, "
        f"{cov.stances.get('interpretation', 0)} interpretation\n"
    )
    out.write("items no rule covers yet: " + (", ".join(cov.uncovered_items) or "none") + "\n")
    out.write(
        "factors that no rule links to an item (they count only as scenario evidence): "
        + (", ".join(cov.factors_without_item_rule) or "none")
        + "\n"
    )
    out.writelines(_reading_line(r.id, found.kb) for r, found in readings)
    return 0


def _reading_line(name: str, kb: Any) -> str:
    """One reading that checks out, and what it leaves no rule to flag."""
    from kzpolicy.kb.checks import statistics

    left = statistics(kb).uncovered_items
    return (f"reading {name}: OK ({kb.version})"
            + (f"; no rule flags {', '.join(left)} under it" if left else "") + "\n")


def _cmd_schema(args: argparse.Namespace, out: TextIO) -> int:
    from kzpolicy.report.schemas import schemas

    found = schemas()
    dump(found if args.which == "all" else found[args.which], out)
    return 0


def register(sub: Any) -> None:
    """Add `list`, `schema` and `check` to the subcommands ``sub``."""
    p = sub.add_parser("list", help="list part of the knowledge base")
    p.add_argument(
        "what",
        choices=LIST_NAMES,
        metavar="WHAT",
        help="one of: " + ", ".join(LIST_NAMES),
    )
    p.add_argument("--format", choices=["text", "json"], default="text")
    add_rules_arguments(p)
    p.set_defaults(handler=_cmd_list)

    p = sub.add_parser("schema", help="print the JSON Schema of conditions and results")
    p.add_argument("--which", choices=["all", *SCHEMA_NAMES], default="all",
                   help="one input or result type (default: all of them, by name)")
    p.set_defaults(handler=_cmd_schema)

    p = sub.add_parser("check", help="validate a rules/ folder and report its statistics")
    p.add_argument("path", nargs="?", help="the folder (default: the stock rules)")
    p.add_argument("--format", choices=["text", "json"], default="text")
    add_rules_arguments(p, rules=False)
    p.set_defaults(handler=_cmd_check)
