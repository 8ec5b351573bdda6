"""Command-line subcommands about what the caller has not said: why-not, counterfactuals,
stability. ``register(subparsers)`` adds them to the `kzpolicy` parser.

They follow the conventions of `kzpolicy assess`: ``--set ID[=true|false]``,
``--preset``, ``--file``, ``--rules``, ``--format text|json|markdown|html``, ``-o FILE``;
every search takes ``--nodes`` and ``--seconds`` (its budget); bad input exits 2 with a
one-line message.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any, TextIO

from kzpolicy.cli import options as opt
from kzpolicy.errors import InputError

__all__ = ["register"]

FORMATS = ["text", "json", "markdown", "html"]


def _cmd_why_not(args: argparse.Namespace, out: TextIO) -> int:
    from kzpolicy.analysis.whynot import why_not

    kb = opt.knowledge_base(args)
    result = why_not(opt.gather(args, kb), args.id, preset=args.preset, kb=kb,
                     budget=opt.budget_of(args))
    return opt.emit(opt.render_reasoning(result, args.format, kb), args.output, out)


_TARGETS = ("flag", "clear", "imply", "leave")


def _cmd_counterfactuals(args: argparse.Namespace, out: TextIO) -> int:
    from kzpolicy.analysis.counterfactuals import counterfactuals

    given = [(action, getattr(args, action)) for action in _TARGETS
             if getattr(args, action) is not None]
    if len(given) != 1:
        raise InputError("give one target: --flag ITEM, --clear ITEM, --imply SCENARIO or "
                         "--leave SCENARIO")
    kb = opt.knowledge_base(args)
    most = None if args.max_changes is None else opt.parse_whole(args.max_changes,
                                                                 "--max-changes", low=1)
    limit = 0 if args.list is None else opt.parse_whole(args.list, "--list")
    result = counterfactuals(opt.gather(args, kb), given[0], preset=args.preset, kb=kb,
                             max_changes=most, offset=opt.parse_whole(args.offset, "--offset"),
                             limit=limit, budget=opt.budget_of(args))
    return opt.emit(opt.render_reasoning(result, args.format, kb), args.output, out)


def _cmd_stability(args: argparse.Namespace, out: TextIO) -> int:
    from kzpolicy.analysis.stability import stability

    kb = opt.knowledge_base(args)
    fixed = opt.gather(args, kb)
    beliefs = None
    situation = opt.file_situation(args)
    if (args.prob or args.prob_all is not None or args.probabilities
            or (situation is not None and situation.uncertain())):
        from kzpolicy.cli.beliefs import gather_beliefs
        from kzpolicy.engine.conditions import resolve

        beliefs = gather_beliefs(args, kb, resolve(kb, fixed, preset=args.preset))
    result = stability(fixed, preset=args.preset, kb=kb, beliefs=beliefs,
                       budget=opt.budget_of(args))
    top = None if args.top is None else opt.parse_whole(args.top, "--top", low=1)
    return opt.emit(opt.render_reasoning(result, args.format, kb, top), args.output, out)


def _why_not_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("id", metavar="ID",
                   help="an item or a scenario (see 'kzpolicy list swot', 'list scenarios')")


def _counterfactual_arguments(p: argparse.ArgumentParser) -> None:
    target = p.add_argument_group("the target (give one)")
    for action, metavar, what in (("flag", "ITEM", "the item flagged"),
                                  ("clear", "ITEM",
                                   "the item not flagged (not reached, or contested)"),
                                  ("imply", "SCENARIO", "the scenario implied"),
                                  ("leave", "SCENARIO", "another scenario implied")):
        target.add_argument(f"--{action}", metavar=metavar, help=what)
    p.add_argument("--max-changes", metavar="N",
                   help="list the sets of at most N changes (default: every size)")
    p.add_argument("--list", metavar="N", nargs="?", const="100",
                   help="also list N concrete sets (default 100), every change named")
    p.add_argument("--offset", default="0", metavar="N",
                   help="the concrete sets listed start after the first N")


def _stability_arguments(p: argparse.ArgumentParser) -> None:
    from kzpolicy.cli.beliefs import add_belief_arguments

    add_belief_arguments(p)  # beliefs about unknown conditions: rank by expected change
    p.add_argument("--top", metavar="N", help="list the first N unknowns to find out")


#: each command: name, one-line help, description, its own arguments, handler
_COMMANDS: tuple[tuple[str, str, str, Callable[[argparse.ArgumentParser], None],
                       Callable[[argparse.Namespace, TextIO], int]], ...] = (
    ("why-not", "why an item is not flagged (or a scenario not implied)",
     "Every rule that could bring the item, directly or through a chain, each literal "
     "held, unknown, denied or missing, the nearest route first, each with its locator; "
     "for a scenario, the shares against the decision rule.",
     _why_not_arguments, _cmd_why_not),
    ("counterfactuals", "the fewest changes that would flag, clear, imply or leave",
     "Every minimal set of changes (assert, deny or clear a condition) that would flag or "
     "clear an item, or imply or leave a scenario, smallest first; interchangeable "
     "factors compactly ('any 2 of ... true').",
     _counterfactual_arguments, _cmd_counterfactuals),
    ("stability", "which conclusions are settled, which are open and on what",
     "Over every completion of the unknown conditions: the scenario and each item settled "
     "or open, what each open one is open on, and the unknowns ranked by what finding "
     "them out could change.",
     _stability_arguments, _cmd_stability),
)


def register(subparsers: Any) -> None:
    """Add why-not, counterfactuals and stability to the `kzpolicy` parser: each its own
    arguments, then the inputs, the format, the output file and the budget."""
    for name, summary, description, arguments, handler in _COMMANDS:
        p = subparsers.add_parser(name, help=summary, description=description)
        arguments(p)
        opt.add_input_arguments(p)
        p.add_argument("--format", choices=FORMATS, default="text")
        p.add_argument("-o", "--output", metavar="FILE",
                       help="write the output to FILE (default: standard output)")
        opt.add_budget_arguments(p)
        p.set_defaults(handler=handler)
