"""Command-line input shared by every command: --set, --file, --preset, --rules, JSON output.

The command modules import from here; this module imports none of them.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any, TextIO

from kzpolicy.errors import InputError
from kzpolicy.kb.knowledge import KnowledgeBase
from kzpolicy.kb.loading import load
from kzpolicy.kb.strict_yaml import read_yaml

__all__ = ["add_input_arguments", "dump", "gather", "knowledge_base", "parse_set",
           "read_conditions_file"]


def knowledge_base(args: argparse.Namespace) -> KnowledgeBase:
    """The knowledge base of ``--rules`` (the stock one when it is not given)."""
    return load(args.rules) if getattr(args, "rules", None) else load()


def dump(data: Any, out: TextIO) -> None:
    """``data`` as indented JSON on ``out``."""
    out.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


_TRUE = {"true", "yes", "1", "on"}
_FALSE = {"false", "no", "0", "off"}


def parse_set(raw: str) -> tuple[str, bool]:
    """One ``--set ID[=true|false]`` value as ``(ID, bool)``."""
    ident, sep, value = raw.partition("=")
    if not sep:
        return ident, True
    v = value.strip().lower()
    if v in _TRUE:
        return ident, True
    if v in _FALSE:
        return ident, False
    raise InputError(f"--set {raw}: the value must be true or false, not {value!r}")


def read_conditions_file(path: str) -> list[tuple[str, Any]]:
    """The ``(ID, value)`` pairs of a ``--file`` (YAML or JSON)."""
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


def gather(args: argparse.Namespace) -> dict[str, Any]:
    """The conditions of ``--file`` and ``--set`` together; a contradiction is an error."""
    pairs: list[tuple[str, Any]] = []
    if args.file:
        pairs += read_conditions_file(args.file)
    pairs += [parse_set(s) for s in args.set or []]
    out: dict[str, Any] = {}
    for ident, value in pairs:
        if ident in out and out[ident] != value:
            raise InputError(f"condition {ident!r} is given twice, once true and once false")
        out[ident] = value
    return out


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
