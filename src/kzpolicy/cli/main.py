"""The `kzpolicy` command line: list the knowledge base, check a rules folder, assess.

Exit status: 0 success, 1 a check found problems, 2 bad input or usage.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any, TextIO

from kzpolicy.cli import (
    analysis_commands,
    assess_command,
    coverage_commands,
    journal_commands,
    kb_commands,
    probability_commands,
    reading_commands,
    reasoning_commands,
    report_commands,
    serve_command,
)
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


def _parser() -> Parser:
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

    for register in _extensions():
        register(sub)
    return parser


def _extensions() -> list[Callable[[Any], None]]:
    """The subcommands, each defined in its own module by ``register(subparsers)``."""
    return [
        kb_commands.register,
        assess_command.register,
        report_commands.register,
        analysis_commands.register,
        probability_commands.register,
        reading_commands.register,
        reasoning_commands.register,
        journal_commands.register,
        coverage_commands.register,
        coverage_commands.register_steps,
        serve_command.register,
    ]


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None) -> int:
    """Run the command line; return the exit status.

    0 success; 1 a check found problems, or the output could not be written; 2 bad
    input or usage (one line on stderr); 130 interrupted (Ctrl-C).
    """
    stream = out or sys.stdout
    args_given = list(sys.argv[1:] if argv is None else argv)
    parser = _parser()
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
