"""The `kzpolicy` command line: list the knowledge base, check a rules folder, assess.

Exit status: 0 success, 1 a check found problems, 2 bad input or usage.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any, TextIO

from kzpolicy.cli.options import Parser
from kzpolicy.errors import KnowledgeBaseError, KzPolicyError, ValidationError

__all__ = ["main"]

Handler = Callable[[argparse.Namespace, TextIO], int]


class _Version(argparse.Action):
    """--version: the installed version, read only when asked (a metadata scan costs
    tens of milliseconds that every other command would pay)."""

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS,
                 default: str = argparse.SUPPRESS, help: str | None = None) -> None:
        super().__init__(option_strings, dest, nargs=0, default=default,
                         help=help or "show the version and exit")

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: object, option_string: str | None = None) -> None:
        from kzpolicy._version import installed_version

        sys.stdout.write(f"{parser.prog} {installed_version()}\n")
        parser.exit()


def _parser(command: str | None = None) -> Parser:
    """The parser of every command, or of ``command``'s module only (its help, usage and
    errors are the same: the other commands are simply not built)."""
    parser = Parser(
        prog="kzpolicy",
        description="Decision support from Shaymergenov & Biekenov, "
        "'Kazakhstan and NATO: Evaluation of Cooperation Prospects' (2010).",
    )
    parser.add_argument("--version", action=_Version)
    parser.add_argument("--no-cache", action="store_true",
                        help="read and check the rules folder even when the knowledge-base "
                        "cache holds it (as KZPOLICY_NO_CACHE=1 does)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    for register in _extensions(command):
        register(sub)
    return parser


#: where each command is registered: its module of kzpolicy.cli and the function that
#: adds it, in the order of ``kzpolicy --help`` (a test keeps this equal to what the
#: modules register); a command's module is imported only when it is the one run
_REGISTERS: dict[tuple[str, str], tuple[str, ...]] = {
    ("kb_commands", "register"): ("list", "schema", "check"),
    ("assess_command", "register"): ("assess",),
    ("report_commands", "register"): ("report", "graph"),
    ("analysis_commands", "register"): ("what-if", "tipping-points", "landscape",
                                        "monte-carlo"),
    ("probability_commands", "register"): ("probabilities",),
    ("reading_commands", "register"): ("robustness", "diff"),
    ("reasoning_commands", "register"): ("why-not", "counterfactuals", "stability"),
    ("journal_commands", "register"): ("timeline", "replay"),
    ("coverage_commands", "register"): ("coverage",),
    ("coverage_commands", "register_steps"): ("steps",),
    ("serve_command", "register"): ("serve",),
}


def _extensions(command: str | None = None) -> list[Callable[[Any], None]]:
    """The functions that add the subcommands (each module's ``register(subparsers)``):
    all of them, or only the one that adds ``command``."""
    return [getattr(importlib.import_module(f"kzpolicy.cli.{module}"), function)
            for (module, function), names in _REGISTERS.items()
            if command is None or command in names]


def _command(argv: Sequence[str]) -> str | None:
    """The command ``argv`` runs, when only its parser is needed: the first word, after
    nothing but ``--no-cache``, and a known command. None (every command's parser) for
    anything else: ``--help``, ``--version``, an unknown command or option, none."""
    for word in argv:
        if word == "--no-cache":
            continue
        known = any(word in names for names in _REGISTERS.values())
        return word if known else None
    return None


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None) -> int:
    """Run the command line; return the exit status.

    0 success; 1 a check found problems, or the output could not be written; 2 bad
    input or usage (one line on stderr); 130 interrupted (Ctrl-C).
    """
    stream = out or sys.stdout
    args_given = list(sys.argv[1:] if argv is None else argv)
    parser = _parser(_command(args_given))
    if not args_given:  # bare `kzpolicy`: the commands, not an error
        parser.print_help(stream)
        return 0
    try:
        args = parser.parse_args(args_given)
        handler: Handler = args.handler
        if args.no_cache:
            from kzpolicy.kb.cache import off

            with off():
                status = handler(args, stream)
        else:
            status = handler(args, stream)
        stream.flush()
        return status
    except ValidationError as exc:
        sys.stderr.write(f"kzpolicy: {exc}\n")
        return 1
    except KnowledgeBaseError as exc:
        sys.stderr.write(f"kzpolicy: {exc}\n")
        return 2
    except KzPolicyError as exc:
        sys.stderr.write(f"kzpolicy: error: {exc}\n")
        return 2
    except KeyboardInterrupt:
        sys.stderr.write("kzpolicy: interrupted\n")
        return 130
    except BrokenPipeError:  # e.g. piped into head: stop quietly
        _silence(stream)
        return 0
    except OSError as exc:  # e.g. a full disk behind standard output
        _silence(stream)
        sys.stderr.write(f"kzpolicy: error: cannot write the output ({exc.strerror or exc})\n")
        return 1


def _silence(stream: TextIO) -> None:
    """Point a failed standard output at /dev/null so that Python's final flush at exit
    cannot fail again and print a traceback."""
    if stream is sys.stdout:
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError):
            pass


def run() -> None:
    """Console-script entry point (also ``python -m kzpolicy``)."""
    for stream in (sys.stdout, sys.stderr):
        # text the terminal's encoding cannot show comes out escaped, never a traceback
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")
    sys.exit(main())
