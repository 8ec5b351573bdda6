"""Item kinds: the one list of what a knowledge base's items can be, and what each means.

This is the *shape* of a knowledge base (a SWOT analysis, rivalry consequences,
scenario outcomes and background stimuli), not the content of one article: every other
module reads the kinds from here. Each kind has the ``rules/`` collection it is read
from (``None`` for scenario outcomes, which are read from the scenarios), the noun an
output calls it, and its role in a result: a *risk*, an *engaged* (positive) item, or
*background* (a fact no rule flags).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = [
    "ENGAGED_KINDS",
    "FLAGGABLE",
    "ITEM_COLLECTIONS",
    "KINDS",
    "NODE_NOUNS",
    "RISK_KINDS",
    "ItemKind",
    "Kind",
    "Role",
]

ItemKind = Literal[
    "strength", "weakness", "opportunity", "threat", "rivalry", "consequence", "stimulus"
]
Role = Literal["risk", "engaged", "background"]


@dataclass(frozen=True, slots=True)
class Kind:
    """One item kind: its ID, where it is read from, what it is called, its role."""

    id: ItemKind
    collection: str | None
    noun: str
    role: Role


#: every item kind, in the order results list them (risks, then engaged, then background)
KINDS: tuple[Kind, ...] = (
    Kind("threat", "threats", "threat", "risk"),
    Kind("weakness", "weaknesses", "weakness", "risk"),
    Kind("rivalry", "rivalry_consequences", "rivalry effect", "risk"),
    Kind("consequence", None, "scenario outcome", "risk"),
    Kind("strength", "strengths", "strength", "engaged"),
    Kind("opportunity", "opportunities", "opportunity", "engaged"),
    Kind("stimulus", "stimuli", "stimulus", "background"),
)

#: rules/ collection -> the kind of its items, in the order the knowledge base reads them
ITEM_COLLECTIONS: dict[str, ItemKind] = {
    k.collection: k.id
    for k in sorted(KINDS, key=lambda k: ("strength", "weakness", "opportunity", "threat",
                                          "rivalry", "stimulus", "consequence").index(k.id))
    if k.collection is not None
}
#: the kinds a rule can flag (stimuli are background facts)
FLAGGABLE: frozenset[str] = frozenset(k.id for k in KINDS if k.role != "background")
#: flagged items listed as risks, in result order
RISK_KINDS: tuple[str, ...] = tuple(k.id for k in KINDS if k.role == "risk")
#: flagged items listed as engaged (positive), in result order
ENGAGED_KINDS: tuple[str, ...] = tuple(k.id for k in KINDS if k.role == "engaged")

#: the noun of every node kind of the rule network (items and the network's own kinds)
NODE_NOUNS: dict[str, str] = {
    "factor": "scenario factor", "condition": "condition", "rule": "rule",
    "scenario": "scenario", **{k.id: k.noun for k in KINDS},
}
