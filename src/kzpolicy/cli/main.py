"""The `kzpolicy` command line: list the knowledge base, check a rules folder, assess.

Exit status: 0 success, 1 a check found problems, 2 bad input or usage.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from importlib.metadata import PackageNotFoundError, version
from typing import Any, TextIO

from kzpolicy.cli import (
    analysis_commands,
    assess_command,
    coverage_commands,
    kb_commands,
    report_commands,
)
from kzpolicy.errors import KnowledgeBaseError, KzPolicyError, ValidationError

__all__ = ["main"]

Handler = Callable[[argparse.Namespace, TextIO], int]


def _version() -> str:
    try:
        return version("kzpolicy")
    except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "unknown"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kzpolicy",
        description="Decision support from Shaymergenov & Biekenov, "
        "'Kazakhstan and NATO: Evaluation of Cooperation Prospects' (2010).",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
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
        coverage_commands.register,
        coverage_commands.register_steps,
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
