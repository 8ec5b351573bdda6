"""The `kzpolicy` command line: list the knowledge base, check a rules folder, assess.

Exit status: 0 success, 1 a check found problems, 2 bad input or usage.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from importlib.metadata import PackageNotFoundError, version
from typing import Any, TextIO

from ._listing import LISTINGS, listing
from ._render import table
from .errors import InputError, KnowledgeBaseError, KzPolicyError, ValidationError
from .knowledge import KnowledgeBase, load

__all__ = ["main"]

Handler = Callable[[argparse.Namespace, TextIO], int]


def _version() -> str:
    try:
        return version("kzpolicy")
    except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "unknown"


def _kb(args: argparse.Namespace) -> KnowledgeBase:
    return load(args.rules) if getattr(args, "rules", None) else load()


def _dump(data: Any, out: TextIO) -> None:
    out.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def _cmd_list(args: argparse.Namespace, out: TextIO) -> int:
    kb = _kb(args)
    columns, records = listing(kb, args.what)
    if args.format == "json":
        _dump(records, out)
    else:
        out.write(table(columns, [[r.get(c) for c in columns] for r in records]) + "\n")
        out.write(f"\n{len(records)} {args.what} entries (knowledge base {kb.version})\n")
    return 0


def _cmd_check(args: argparse.Namespace, out: TextIO) -> int:
    from ._loader import read_folder
    from ._validate import coverage, validate
    from .knowledge import stock_rules_path

    root = args.path or stock_rules_path()
    from pathlib import Path

    raw, problems = read_folder(Path(root), collect=True)
    kb = None
    if not problems:
        kb = KnowledgeBase(raw)
        problems = validate(kb)
    if problems:
        for p in problems:
            out.write(f"{p}\n")
        out.write(f"{len(problems)} problem(s) in {root}\n")
        return 1
    assert kb is not None
    cov = coverage(kb)
    if args.format == "json":
        _dump(
            {
                "path": str(root),
                "version": kb.version,
                "counts": cov.counts,
                "lists": [{"id": n, "expected": e, "found": f} for n, e, f in cov.lists],
                "uncovered_items": cov.uncovered_items,
                "factors_without_item_rule": cov.factors_without_item_rule,
                "rule_stances": cov.stances,
            },
            out,
        )
        return 0
    out.write(f"{root}: OK (knowledge base {kb.version})\n\n")
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
    return 0


_TRUE = {"true", "yes", "1", "on"}
_FALSE = {"false", "no", "0", "off"}


def _parse_set(raw: str) -> tuple[str, bool]:
    ident, sep, value = raw.partition("=")
    if not sep:
        return ident, True
    v = value.strip().lower()
    if v in _TRUE:
        return ident, True
    if v in _FALSE:
        return ident, False
    raise InputError(f"--set {raw}: the value must be true or false, not {value!r}")


def _read_conditions_file(path: str) -> list[tuple[str, Any]]:
    from pathlib import Path

    from ._yaml import read_yaml

    file = Path(path)
    if not file.is_file():
        raise InputError(f"--file {path}: no such file")
    if file.suffix == ".json":
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise InputError(f"--file {path}: invalid JSON ({exc})") from exc
    else:
        data, _ = read_yaml(file)
    if isinstance(data, dict):
        return list(data.items())
    if isinstance(data, list) and all(isinstance(x, str) for x in data):
        return [(x, True) for x in data]
    raise InputError(
        f"--file {path}: expected a mapping of condition IDs to true/false or a list of IDs"
    )


def _gather(args: argparse.Namespace) -> dict[str, Any]:
    pairs: list[tuple[str, Any]] = []
    if args.file:
        pairs += _read_conditions_file(args.file)
    pairs += [_parse_set(s) for s in args.set or []]
    out: dict[str, Any] = {}
    for ident, value in pairs:
        if ident in out and out[ident] != value:
            raise InputError(f"condition {ident!r} is given twice, once true and once false")
        out[ident] = value
    return out


def _cmd_assess(args: argparse.Namespace, out: TextIO) -> int:
    from . import _report
    from ._assess import assess

    kb = _kb(args)
    result = assess(_gather(args), preset=args.preset, kb=kb)
    if args.format == "json":
        out.write(result.model_dump_json(indent=2) + "\n")
    elif args.format == "html":
        from ._cli_report import emit_html

        return emit_html(result, kb, args.output, out)
    elif args.format == "markdown":
        out.write(_report.markdown(result, kb=kb))
    elif args.explain:
        out.write(result.explain() + "\n")
    else:
        out.write(_report.text(result) + "\n")
    return 0


def _cmd_schema(args: argparse.Namespace, out: TextIO) -> int:
    from .conditions import Conditions
    from .results import Assessment

    schemas = {
        "conditions": Conditions.model_json_schema(),
        "assessment": Assessment.model_json_schema(),
    }
    _dump(schemas if args.which == "all" else schemas[args.which], out)
    return 0


def add_input_arguments(
    p: argparse.ArgumentParser, *, conditions: str | None = "assert a condition"
) -> None:
    """The inputs every assessing command shares: --set and --file (unless ``conditions``
    is None), --preset and --rules. ``conditions`` words the help of --set and --file."""
    if conditions is not None:
        p.add_argument("--set", action="append", metavar="ID[=true|false]",
                       help=f"{conditions} (repeatable); a bare ID means true")
        p.add_argument("--file", metavar="FILE",
                       help=f"{conditions} from a .yaml or .json file")
    p.add_argument("--preset", metavar="NAME", help="start from a preset (see 'list presets')")
    p.add_argument("--rules", metavar="PATH",
                   help="a rules/ folder to use instead of the stock one")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kzpolicy",
        description="Decision support from Shaymergenov & Biekenov, "
        "'Kazakhstan and NATO: Evaluation of Cooperation Prospects' (2010).",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("list", help="list part of the knowledge base")
    p.add_argument(
        "what",
        choices=sorted(LISTINGS),
        metavar="WHAT",
        help="one of: " + ", ".join(sorted(LISTINGS)),
    )
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.add_argument(
        "--rules", metavar="PATH", help="a rules/ folder to use instead of the stock one"
    )
    p.set_defaults(handler=_cmd_list)

    p = sub.add_parser("assess", help="assess asserted conditions: scenario, risks and why")
    add_input_arguments(p)
    p.add_argument("--format", choices=["text", "json", "markdown", "html"], default="text")
    p.add_argument("-o", "--output", metavar="FILE",
                   help="with --format html: write the page to FILE (default: standard output)")
    p.add_argument("--explain", action="store_true", help="print the full chain of reasons")
    p.set_defaults(handler=_cmd_assess)

    p = sub.add_parser("schema", help="print the JSON Schema of conditions and results")
    p.add_argument("--which", choices=["all", "conditions", "assessment"], default="all")
    p.set_defaults(handler=_cmd_schema)

    p = sub.add_parser("check", help="validate a rules/ folder and report coverage")
    p.add_argument("path", nargs="?", help="the folder (default: the stock rules)")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.set_defaults(handler=_cmd_check)

    for register in _extensions():
        register(sub)
    return parser


def _extensions() -> list[Callable[[Any], None]]:
    """Subcommands defined in their own modules (each has ``register(subparsers)``)."""
    from . import _cli_coverage, _cli_report, _cli_whatif

    return [
        _cli_report.register,
        _cli_whatif.register,
        _cli_coverage.register,
        _cli_coverage.register_steps,
    ]


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None) -> int:
    """Run the command line; return the exit status."""
    stream = out or sys.stdout
    parser = _parser()
    args = parser.parse_args(argv)
    handler: Handler = args.handler
    try:
        return handler(args, stream)
    except ValidationError as exc:
        sys.stderr.write(f"kzpolicy: {exc}\n")
        return 1
    except KnowledgeBaseError as exc:
        sys.stderr.write(f"kzpolicy: {exc}\n")
        return 2
    except KzPolicyError as exc:
        sys.stderr.write(f"kzpolicy: error: {exc}\n")
        return 2
    except BrokenPipeError:  # e.g. piped into head
        return 0


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())


if __name__ == "__main__":  # pragma: no cover
    run()
