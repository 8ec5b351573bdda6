"""Command-line input and output shared by every command: one parser per kind of option
(``--set ID[=true|false]``, ``--prob ID=P``, whole numbers, ``--file``), the one rule for
an ID given twice (:func:`merge`), ``--preset``/``--rules``/``--reading``, and writing the
output (:func:`emit`, :func:`dump`).

Conditions from a file are read by the library's readers (the file by
:func:`kzpolicy.kb.data_file.read_data`, the conditions by
:func:`kzpolicy.engine.asserted.normalise`, a situation file's beliefs by
:mod:`kzpolicy.journal.situation`), so a file says what an API body says.
The command modules import from here; this module imports none of them.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TextIO, TypeVar

from kzpolicy.errors import InputError

if TYPE_CHECKING:  # the knowledge base and the YAML reader load when a command needs them
    from fractions import Fraction

    from kzpolicy.journal.situation import Situation
    from kzpolicy.kb.knowledge import KnowledgeBase

__all__ = [
    "Parser",
    "add_budget_arguments",
    "add_engine_argument",
    "add_input_arguments",
    "add_rules_arguments",
    "budget_of",
    "dump",
    "emit",
    "emit_result",
    "file_situation",
    "gather",
    "knowledge_base",
    "merge",
    "parse_prob",
    "parse_set",
    "parse_whole",
    "read_file",
    "reading_names",
    "render_reasoning",
]

_V = TypeVar("_V")


def knowledge_base(args: argparse.Namespace) -> KnowledgeBase:
    """The knowledge base of ``--rules`` (the stock one when it is not given; an empty
    path is refused, never read as "not given") under the reading of ``--reading`` (none
    when it is not given)."""
    from kzpolicy.kb.loading import load

    rules = getattr(args, "rules", None)
    if rules is not None and not rules.strip():
        raise InputError(f"--rules {rules!r}: the path is empty; give a rules/ folder, or "
                         "leave --rules out for the stock rules")
    return load(rules, reading=getattr(args, "reading", None))


def emit_result(result: Any, args: argparse.Namespace, out: TextIO) -> int:
    """A result in the format of ``--format`` (JSON, or :func:`kzpolicy.render`'s text,
    Markdown or HTML), to ``-o FILE`` or standard output."""
    if args.format == "json":
        text = result.model_dump_json(indent=2) + "\n"
    else:
        from kzpolicy.report.render import render

        text = render(result, args.format)
    return emit(text, getattr(args, "output", None), out)


def reading_names(raw: str | None, option: str) -> list[str] | None:
    """The readings of ``option A,B,...`` (None for none given: every stock reading)."""
    if raw is None or raw == "":
        return None
    names = [n.strip() for n in raw.split(",")]
    if not all(names):
        raise InputError(f"{option} {raw}: an empty name; write names separated by commas")
    return names


def dump(data: Any, out: TextIO) -> None:
    """``data`` as indented JSON on ``out``."""
    import json  # the commands that write a result's JSON have pydantic write it

    out.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def render_reasoning(result: Any, fmt: str, kb: Any, top: int | None = None) -> str:
    """A why-not, counterfactual or stability result in ``fmt``."""
    if fmt == "json":
        return str(result.model_dump_json(indent=2)) + "\n"
    if fmt == "html":
        from kzpolicy.report.html import reasoning_page

        return reasoning_page(result, kb=kb)
    from kzpolicy.report import reasoning_text

    if fmt == "markdown":
        return reasoning_text.markdown(result, top)
    return reasoning_text.text(result, top) + "\n"


def emit(text: str, path: str | None, out: TextIO) -> int:
    """Write ``text`` to the file ``path`` (standard output for None or ``-``).

    Exit status 0, or 1 with one line on standard error when the file cannot be written
    (like a failed standard output: the input was fine, the output was not).
    """
    if path is None or path == "-":
        out.write(text)
        return 0
    try:
        Path(path).write_text(text, encoding="utf-8")
    except OSError as exc:
        sys.stderr.write(f"kzpolicy: error: -o {path}: cannot write the file "
                         f"({exc.strerror or exc})\n")
        return 1
    return 0


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


# ---------------------------------------------------------------------- one value
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


def parse_prob(raw: str) -> tuple[str, float | Fraction]:
    """One ``ID=P`` of ``--prob``: P a decimal (0.7) or a fraction (7/10). Whether it is
    from 0 to 1 the library checks (:mod:`kzpolicy.analysis.beliefs`)."""
    ident, sep, value = raw.partition("=")
    if not sep or not ident:
        raise InputError(f"--prob {raw}: write ID=P with P from 0 to 1, e.g. --prob D1=0.3")
    text = value.strip()
    try:
        return ident, float(text)
    except ValueError:
        pass
    from fractions import Fraction  # its decimal module: only for --prob

    try:
        return ident, Fraction(text)
    except (ValueError, ZeroDivisionError):
        raise InputError(f"--prob {raw}: {value!r} is not a number from 0 to 1 "
                         "(write 0.3 or 3/10)") from None


def parse_whole(raw: str, option: str, *, low: int = 0) -> int:
    """The whole number ``raw`` of ``option``, at least ``low``."""
    try:
        value = int(raw)
    except ValueError:
        raise InputError(f"{option} {raw}: expected a whole number") from None
    if value < low:
        raise InputError(f"{option} {raw}: must be at least {low}")
    return value


# ---------------------------------------------------------------------- many values
_CONDITION_TWICE = "twice, once true and once false"
"""How :func:`merge` words a condition given both true and false."""


def merge(pairs: Iterable[tuple[str, _V]], twice: str = _CONDITION_TWICE) -> dict[str, _V]:
    """``(ID, value)`` pairs from every option and file of a command, as one mapping: the
    one rule for an ID given twice. The same value again is fine; another value is an
    error, worded "condition 'ID' is given {twice}"."""
    out: dict[str, _V] = {}
    for ident, value in pairs:
        if ident in out and out[ident] != value:
            raise InputError(f"condition {ident!r} is given {twice}")
        out[ident] = value
    return out


def read_file(path: str, flag: str) -> object:
    """The data of the YAML or JSON file ``path`` given to ``flag`` (``-`` reads standard
    input, as YAML, of which JSON is a subset): the library's reader of data files
    (:func:`kzpolicy.kb.data_file.read_data`)."""
    from kzpolicy.kb.data_file import read_data

    data, _ = read_data(path, flag)
    return data


def _read_conditions_file(args: argparse.Namespace) -> object:
    """The data of ``--file`` (read once per command: a situation keeps its lines)."""
    memo: dict[str, object] = args.__dict__.setdefault("_file_data", {})
    if "data" not in memo:
        from kzpolicy.journal.situation import is_situation, read_data_of, situation_from

        data, index = read_data_of(args.file, "--file")
        memo["data"] = situation_from(data, args.file, index) if is_situation(data) else data
    return memo["data"]


def file_situation(args: argparse.Namespace) -> Situation | None:
    """The situation ``--file`` gives (None: none, or a plain condition file)."""
    if not getattr(args, "file", None):
        return None
    from kzpolicy.journal.situation import Situation  # its models: only for a --file

    data = _read_conditions_file(args)
    return data if isinstance(data, Situation) else None


def _file_conditions(args: argparse.Namespace, kb: KnowledgeBase) -> dict[str, bool]:
    """The conditions of ``--file``: a mapping of IDs to true/false or a list of IDs,
    read as the library reads them, or a situation file (recognised by its ``beliefs``),
    whose certain beliefs they are."""
    from kzpolicy.engine.asserted import normalise

    found = file_situation(args)
    if found is not None:
        from kzpolicy.journal.evidence import situation_input

        return situation_input(found, kb)
    data = _read_conditions_file(args)
    if isinstance(data, dict) or (
        isinstance(data, list) and all(isinstance(x, str) for x in data)
    ):
        return normalise(data, kb)
    raise InputError(
        f"--file {args.file}: expected a mapping of condition IDs to true/false, a list of "
        "IDs, or a situation file (title, as_of, beliefs)"
    )


def gather(args: argparse.Namespace, kb: KnowledgeBase) -> dict[str, bool]:
    """The conditions of ``--file`` and ``--set`` together; a contradiction is an error.
    From a situation file, its certain beliefs (the uncertain ones are
    :func:`kzpolicy.cli.beliefs.gather_beliefs`')."""
    pairs = list(_file_conditions(args, kb).items()) if args.file else []
    pairs += [parse_set(s) for s in args.set or []]
    return merge(pairs)


# ---------------------------------------------------------------------- arguments
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
                       help=f"{conditions} from a .yaml or .json file, or a situation file "
                       "(its certain beliefs)")
    p.add_argument("--preset", metavar="NAME", help="start from a preset (see 'list presets')")
    add_rules_arguments(p)


def add_rules_arguments(p: argparse.ArgumentParser, *, rules: bool = True) -> None:
    """--rules (unless ``rules`` is false) and --reading: the knowledge base a command uses
    (read by :func:`knowledge_base`)."""
    if rules:
        p.add_argument("--rules", metavar="PATH",
                       help="a rules/ folder to use instead of the stock one")
    p.add_argument("--reading", metavar="NAME|FILE",
                   help="read the rules under a reading: a name from 'list readings', "
                   "names joined by + (applied in order), or a reading file (.yaml)")


def add_budget_arguments(p: argparse.ArgumentParser) -> None:
    """--nodes and --seconds: the search budget (:class:`kzpolicy.SearchBudget`)."""
    p.add_argument("--nodes", metavar="N",
                   help="most cells and sets the search may evaluate (default 2000000)")
    p.add_argument("--seconds", metavar="S",
                   help="most seconds the search may take (default 10)")


def budget_of(args: argparse.Namespace, changes: int | None = None) -> dict[str, Any]:
    """The search budget of --nodes and --seconds (and a bound on the changes), as the
    mapping ``SearchBudget`` reads; the defaults for what is not given."""
    out: dict[str, Any] = {}
    if changes is not None:
        out["changes"] = changes
    if args.nodes is not None:
        out["nodes"] = parse_whole(args.nodes, "--nodes", low=1)
    if args.seconds is not None:
        try:
            seconds = float(args.seconds)
        except ValueError:
            raise InputError(f"--seconds {args.seconds}: expected a number of seconds") \
                from None
        if not seconds > 0:
            raise InputError(f"--seconds {args.seconds}: must be more than 0")
        out["seconds"] = seconds
    return out
