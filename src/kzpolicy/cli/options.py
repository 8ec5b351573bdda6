"""Command-line input shared by every command: --set, --file, --preset, --rules, JSON output.

The command modules import from here; this module imports none of them.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

from kzpolicy.errors import InputError

if TYPE_CHECKING:  # the knowledge base and the YAML reader load when a command needs them
    from kzpolicy.kb.knowledge import KnowledgeBase

__all__ = [
    "Parser",
    "add_engine_argument",
    "add_input_arguments",
    "dump",
    "gather",
    "knowledge_base",
    "parse_set",
    "read_conditions_file",
]


def knowledge_base(args: argparse.Namespace) -> KnowledgeBase:
    """The knowledge base of ``--rules`` (the stock one when it is not given)."""
    from kzpolicy.kb.loading import load

    return load(args.rules) if getattr(args, "rules", None) else load()


def dump(data: Any, out: TextIO) -> None:
    """``data`` as indented JSON on ``out``."""
    out.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


_TRUE = {"true", "yes", "1", "on"}
_FALSE = {"false", "no", "0", "off"}


class Parser(argparse.ArgumentParser):
    """argparse with kzpolicy's conventions: a single-value option given twice is an
    error (never "the last one wins"), and a bare word where an option was expected
    gets a hint to use ``--set``. Subcommand parsers are of this class too."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.register("action", None, _Once)
        self.register("action", "store", _Once)

    def error(self, message: str) -> NoReturn:
        if message.startswith("unrecognized arguments:"):
            bare = [w for w in message.split(":", 1)[1].split() if not w.startswith("-")]
            if bare:
                message += f"; to assert a condition, write --set {bare[0]}"
        super().error(message)


class _Once(argparse._StoreAction):
    """``store``, refusing a second occurrence of the same option."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: Any, option_string: str | None = None) -> None:
        seen: set[str] = namespace.__dict__.setdefault("_given_once", set())
        if option_string is not None and self.dest in seen:
            parser.error(f"{option_string} is given twice; give it once")
        seen.add(self.dest)
        super().__call__(parser, namespace, values, option_string)


def parse_set(raw: str, flag: str = "--set") -> tuple[str, bool]:
    """One ``ID[=true|false]`` value of ``flag`` (``--set``, ``--what-if``, ...) as
    ``(ID, bool)``."""
    ident, sep, value = raw.partition("=")
    if not sep:
        return ident, True
    v = value.strip().lower()
    if v in _TRUE:
        return ident, True
    if v in _FALSE:
        return ident, False
    raise InputError(f"{flag} {raw}: the value must be true or false, not {value!r}")


def read_conditions_file(path: str) -> list[tuple[str, Any]]:
    """The ``(ID, value)`` pairs of a ``--file`` (YAML or JSON; ``-`` reads standard
    input, as YAML, of which JSON is a subset)."""
    if path == "-":
        data = _parse_stdin()
    else:
        file = Path(path)
        if file.is_dir():
            raise InputError(f"--file {path}: is a folder, not a file")
        if not file.exists():
            raise InputError(f"--file {path}: no such file")
        if not file.is_file():
            raise InputError(f"--file {path}: not a regular file (give a .yaml or .json file)")
        if file.suffix == ".json":
            try:
                data = json.loads(file.read_text(encoding="utf-8"))
            except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as exc:
                raise InputError(f"--file {path}: invalid JSON ({exc})") from exc
        else:
            from kzpolicy.kb.strict_yaml import read_yaml

            data, _ = read_yaml(file)
    if isinstance(data, dict):
        return list(data.items())
    if isinstance(data, list) and all(isinstance(x, str) for x in data):
        return [(x, True) for x in data]
    raise InputError(
        f"--file {path}: expected a mapping of condition IDs to true/false or a list of IDs"
    )


def _parse_stdin() -> object:
    try:
        text = sys.stdin.read()
    except UnicodeDecodeError as exc:
        raise InputError(f"--file -: standard input is not text ({exc})") from None
    from kzpolicy.kb.strict_yaml import parse_yaml

    data, _ = parse_yaml(text, "standard input")
    return data


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


#: the engines --engine offers: the engine registry's, as the API's ``engine`` field
#: offers them (a test keeps the two equal); named here, as the registry's module loads
#: an engine and building the command line must not
ENGINE_CHOICES = ("durable", "bitset")


def add_engine_argument(p: argparse.ArgumentParser) -> None:
    """--engine: which rule engine assesses (``assess(engine=...)``)."""
    p.add_argument("--engine", choices=ENGINE_CHOICES, default="durable",
                   help="the rule engine: durable-rules (the default) or the bitset engine, "
                   "which also runs knowledge bases beyond durable-rules' limits; both give "
                   "the same answers")


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
