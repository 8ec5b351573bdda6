"""The beliefs of ``probabilities``, ``monte-carlo`` (and ``--sensitivity``) on the
command line: ``--prob ID=P``, ``--prob GROUP=P``, ``--prob-all P``,
``--probabilities FILE`` and the uncertain beliefs of a situation ``--file``.

A group names conditions by what the knowledge base says they are, never by a fixed
vocabulary: the plural of a condition kind (``factors``, ``conditions`` for the context
conditions) or a scenario's ID (its factors). The more specific belief wins: a
condition's own (``--prob`` or the file), then the smallest group that holds it, then
``--prob-all``. A group and ``--prob-all`` give a probability only to conditions not
otherwise asserted (by ``--set``, ``--file`` or the preset), so they fill in around them.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from kzpolicy.cli.options import file_situation, merge, parse_prob, read_file
from kzpolicy.errors import InputError

if TYPE_CHECKING:
    from kzpolicy.kb.knowledge import KnowledgeBase

__all__ = ["add_belief_arguments", "belief_groups", "gather_beliefs"]


def add_belief_arguments(p: argparse.ArgumentParser) -> None:
    """--prob, --prob-all and --probabilities (read by :func:`gather_beliefs`)."""
    p.add_argument("--prob", action="append", metavar="ID=P",
                   help="the probability that a condition holds, 0.3 or 3/10 (repeatable); "
                   "ID may name a group: factors, conditions (the context ones) or a "
                   "scenario's ID (its factors)")
    p.add_argument("--prob-all", metavar="P",
                   help="the same probability for every condition not otherwise given "
                   "or asserted")
    p.add_argument("--probabilities", metavar="FILE",
                   help="probabilities from a .yaml or .json mapping of IDs to numbers")


def belief_groups(kb: KnowledgeBase) -> dict[str, tuple[str, ...]]:
    """The groups ``--prob GROUP=P`` can name in ``kb``: each condition kind's plural
    (``factors``, ``conditions``), and each scenario's ID for its factors."""
    groups: dict[str, tuple[str, ...]] = {}
    for c in kb.condition_ids:
        kind = kb.kind_of(c) + "s"
        groups[kind] = (*groups.get(kind, ()), c)
    for sid, scenario in kb.scenarios.items():
        groups[sid] = tuple(f.id for f in scenario.factors)
    return groups


def _own(args: argparse.Namespace, groups: Mapping[str, tuple[str, ...]], kb: KnowledgeBase
         ) -> tuple[dict[str, Any], dict[str, Any]]:
    """The beliefs given one condition each, and those given to a group."""
    pairs: list[tuple[str, Any]] = []
    if args.probabilities:
        data = read_file(args.probabilities, "--probabilities")
        if not isinstance(data, dict):
            raise InputError(f"--probabilities {args.probabilities}: expected a mapping of "
                             "condition IDs to probabilities from 0 to 1")
        pairs += data.items()
    found = file_situation(args)  # a situation --file: its uncertain beliefs
    if found is not None:
        pairs += found.uncertain().items()
    grouped: list[tuple[str, Any]] = []
    for raw in args.prob or []:
        ident, value = parse_prob(raw)
        is_group = ident in groups and ident not in kb.condition_ids
        (grouped if is_group else pairs).append((ident, value))
    return (merge(pairs, "two probabilities; give one"),
            merge(grouped, "two probabilities; give one"))


def _probability(raw: str) -> Any:
    """The number of ``--prob-all``."""
    try:
        return parse_prob(f"all={raw}")[1]
    except InputError:
        raise InputError(f"--prob-all {raw}: expected a number from 0 to 1, e.g. "
                         "--prob-all 0.5 or --prob-all 1/2") from None


def gather_beliefs(args: argparse.Namespace, kb: KnowledgeBase,
                   asserted: Mapping[str, bool]) -> dict[str, Any]:
    """The beliefs of every belief option together (at least one): own beliefs, then
    groups (the smallest first), then ``--prob-all``, each filling only conditions not
    yet given and not in ``asserted`` (what ``--set``, ``--file`` and the preset assert).
    The library checks the numbers (:mod:`kzpolicy.analysis.beliefs`)."""
    groups = belief_groups(kb)
    own, grouped = _own(args, groups, kb)
    beliefs = dict(own)
    fill: list[tuple[tuple[str, ...], Any]] = sorted(
        ((groups[g], p) for g, p in grouped.items()), key=lambda gp: len(gp[0]))
    if args.prob_all is not None:
        fill.append((kb.condition_ids, _probability(args.prob_all)))
    for members, p in fill:
        for c in members:
            if c not in beliefs and c not in asserted:
                beliefs[c] = p
    if not beliefs:
        raise InputError("give at least one probability: --prob ID=P, --prob-all P or "
                         "--probabilities FILE (a group or --prob-all covers only "
                         "conditions not asserted)")
    return beliefs
